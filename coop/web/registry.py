"""Places where domains plug into shared pages without those pages importing them.

Each domain calls these from its `register(app)`; the navigation, the dashboard and the member
portal only read the lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class NavItem:
    label: str  # already wrapped in lazy_gettext by the domain
    endpoint: str
    roles: tuple[str, ...]
    org_kinds: tuple[str, ...] = ("cooperative", "ngo")


@dataclass(frozen=True)
class Tile:
    title: str
    value: str
    endpoint: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DashboardTiles:
    roles: tuple[str, ...]
    org_kinds: tuple[str, ...]
    build: Callable[[int], list[Tile]]  # org_id -> tiles


@dataclass(frozen=True)
class PortalSection:
    """A block on the member's own page: template gets the context that build(org_id, member_id) returns."""

    template: str
    build: Callable[[int, int], dict]
    order: int = 50


# Who a logged-in user is in the ledger: fn(org_id, user_id) -> party ids (a member's, an attendant's...).
PARTY_RESOLVERS: list[Callable[[int, int], set[int]]] = []

NAV: list[NavItem] = []
DASHBOARD: list[DashboardTiles] = []
PORTAL: list[PortalSection] = []
REPORTS: list[NavItem] = []  # links on the reports page


def add_nav(item: NavItem) -> None:
    # compared by endpoint: comparing lazy labels would need a request to translate them
    if all(existing.endpoint != item.endpoint for existing in NAV):
        NAV.append(item)


def add_report(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in REPORTS):
        REPORTS.append(item)


def add_dashboard(tiles: DashboardTiles) -> None:
    if tiles not in DASHBOARD:
        DASHBOARD.append(tiles)


def add_portal_section(section: PortalSection) -> None:
    if section not in PORTAL:
        PORTAL.append(section)
        PORTAL.sort(key=lambda s: s.order)


def add_party_resolver(resolver: Callable[[int, int], set[int]]) -> None:
    if resolver not in PARTY_RESOLVERS:
        PARTY_RESOLVERS.append(resolver)


def parties_of(org_id: int, user_id: int) -> set[int]:
    """The ledger parties this user is in this organization (empty for staff with no member record)."""
    found: set[int] = set()
    for resolver in PARTY_RESOLVERS:
        found |= resolver(org_id, user_id)
    return found
