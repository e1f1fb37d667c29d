"""The NGO's statements by class of net assets: without donor restrictions and with donor restrictions.

Read like the cooperative's statements (`statements.year_figures`: year-end balances and the closing
entries' lines). The classes come from the chart: the donors' funds are the accounts under Net Assets
with Donor Restrictions, a gift to one is Donor Contributions - Restricted until the year's closing takes
it into the fund; a release posts Net Assets Released from Restriction (the unrestricted side) against
the fund's account (the restricted side), so the two columns show it as a reclassification.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ledger import services as ledger
from ..ledger.models import Account
from .statements import Row, YearFigures, comparative_years, tree, year_figures

RESTRICTED_REVENUE = ("donor_contributions_restricted",)
RESTRICTED_NET_ASSETS = "net_assets_restricted"
RELEASES = "releases_from_restriction"


def restricted_net_asset_accounts(accounts: list[Account]) -> set[int]:
    """The donors' fund accounts: everything under Net Assets with Donor Restrictions."""
    group = next((a for a in accounts if a.key == RESTRICTED_NET_ASSETS), None)
    if group is None:
        return set()
    found, frontier = set(), {group.id}
    while frontier:
        children = {a.id for a in accounts if a.parent_id in frontier}
        found |= children
        frontier = children
    return {a.id for a in accounts if a.id in found and not a.is_group}


@dataclass(frozen=True)
class ClassFigures:
    """One year's change in net assets, by class: without (unrestricted), with (restricted)."""

    releases: int
    other_without: int  # net assets without restrictions moved outside income and expenses (opening balances)
    other_with: int  # the funds' accounts moved outside releases and the closing (gifts booked straight in, before)
    change_without: int
    change_with: int
    opening_without: int
    opening_with: int
    closing_without: int
    closing_with: int


def _class_figures(accounts: list[Account], f: YearFigures) -> ClassFigures:
    funds = restricted_net_asset_accounts(accounts)
    restricted_revenue = {a.id for a in accounts if a.key in RESTRICTED_REVENUE}
    releases = next((-f.change(a.id) for a in accounts if a.key == RELEASES), 0)

    def net_assets(balances, restricted: bool) -> int:
        total = 0
        for a in accounts:
            if a.is_group:
                continue
            is_restricted = a.id in funds or a.id in restricted_revenue
            if is_restricted == restricted and a.type in ("equity", "income", "expense"):
                total -= balances.get(a.id, 0)
        return total

    with_revenue = sum(-f.change(a) for a in restricted_revenue)
    fund_moves = sum(-f.change(a) for a in funds)
    other_equity = sum(-f.change(a.id) for a in accounts if a.type == "equity" and not a.is_group and a.id not in funds)
    nominal_without = sum(-f.change(a.id) for a in accounts if a.type in ("income", "expense") and not a.is_group
                          and a.id not in restricted_revenue)
    return ClassFigures(
        releases=releases, other_without=other_equity, other_with=fund_moves + releases,
        change_without=nominal_without + other_equity, change_with=with_revenue + fund_moves,
        opening_without=net_assets(f.opening, False), opening_with=net_assets(f.opening, True),
        closing_without=net_assets(f.closing, False), closing_with=net_assets(f.closing, True))


@dataclass(frozen=True)
class Activities:
    years: tuple[int, ...]
    revenue: list[Row]  # amounts: without, with, total this year, total last year
    expenses: list[Row]
    total_expenses: tuple[int, ...]
    this_year: ClassFigures
    last_year: ClassFigures

    def line(self, field: str) -> tuple[int, int, int, int]:
        """A per-class figure as the four columns: without, with, total, total last year."""
        without, with_ = getattr(self.this_year, f"{field}_without"), getattr(self.this_year, f"{field}_with")
        last = getattr(self.last_year, f"{field}_without") + getattr(self.last_year, f"{field}_with")
        return without, with_, without + with_, last

    @property
    def releases(self) -> tuple[int, int, int, int]:
        return self.this_year.releases, -self.this_year.releases, 0, 0

    @property
    def other_changes(self) -> tuple[int, int, int, int]:
        this, last = self.this_year, self.last_year
        return (this.other_without, this.other_with, this.other_without + this.other_with,
                last.other_without + last.other_with)


def activities(org_id: int, year: int) -> Activities:
    accounts = ledger.list_accounts(org_id)
    return activities_of(accounts, year_figures(org_id, comparative_years(year)))


def activities_of(accounts: list[Account], figures: tuple[YearFigures, ...]) -> Activities:
    this, last = figures
    restricted = {a.id for a in accounts if a.key in RESTRICTED_REVENUE}
    shown = [a for a in accounts if a.key != RELEASES]

    def moves(f: YearFigures, keep) -> dict[int, int]:
        return {a: b.debit_balance for a, b in f.movement.items() if keep(a)}

    revenue, _total = tree(shown, ("income",), (moves(this, lambda a: a not in restricted),
                                                 moves(this, lambda a: a in restricted),
                                                 moves(this, lambda a: True), moves(last, lambda a: True)), True)
    expenses, total_expenses = tree(shown, ("expense",), (moves(this, lambda a: True), {}, moves(this, lambda a: True),
                                                          moves(last, lambda a: True)), False)
    return Activities(comparative_years(this.year), revenue, expenses, total_expenses,
                      _class_figures(accounts, this), _class_figures(accounts, last))


@dataclass(frozen=True)
class FinancialPosition:
    years: tuple[int, ...]
    assets: list[Row]
    total_assets: tuple[int, ...]
    liabilities: list[Row]
    total_liabilities: tuple[int, ...]
    without: tuple[int, ...]  # net assets without donor restrictions, this year's closing income included
    funds: list[Row]  # each donor's fund account
    restricted_unclosed: tuple[int, ...]  # the year's restricted gifts not yet closed into the funds
    with_restrictions: tuple[int, ...]

    @property
    def total_net_assets(self) -> tuple[int, ...]:
        return tuple(a + b for a, b in zip(self.without, self.with_restrictions))

    @property
    def total_liabilities_and_net_assets(self) -> tuple[int, ...]:
        return tuple(a + b for a, b in zip(self.total_liabilities, self.total_net_assets))


def financial_position(org_id: int, year: int) -> FinancialPosition:
    accounts = ledger.list_accounts(org_id)
    figures = year_figures(org_id, comparative_years(year))
    ends = tuple(f.closing for f in figures)
    assets, total_assets = tree(accounts, ("asset",), ends, False)
    liabilities, total_liabilities = tree(accounts, ("liability",), ends, True)
    funds = restricted_net_asset_accounts(accounts)
    fund_rows = [Row("account", a.code, a.name, a.name_fil, tuple(-end.get(a.id, 0) for end in ends))
                 for a in accounts if a.id in funds and any(end.get(a.id, 0) for end in ends)]
    classes = tuple(_class_figures(accounts, f) for f in figures)
    unclosed = tuple(c.closing_with - sum(r.amounts[n] for r in fund_rows) for n, c in enumerate(classes))
    return FinancialPosition(tuple(f.year for f in figures), assets, total_assets, liabilities, total_liabilities,
                             tuple(c.closing_without for c in classes), fund_rows, unclosed,
                             tuple(c.closing_with for c in classes))
