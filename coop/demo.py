"""A demo cooperative and a demo NGO with a user for every role. Running it twice changes nothing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .approvals import services as approvals
from .auth import services as auth
from .extensions import db
from .manifest import plugins
from .ledger import services as ledger
from .ledger.records import Entry, Line
from .orgs import services as orgs
from .orgs.models import Organization
from .timeutil import today

COOP_SLUG, NGO_SLUG = "dawn-mpc", "batis"

# (username, password, display name, role, org slug). Demo only: change them on a real installation.
DEMO_USERS = (
    ("admin", "demo-admin-pass", "Administrator", "admin", COOP_SLUG),
    ("officer", "demo-officer-pass", "Maria Santos (treasurer)", "officer", COOP_SLUG),
    ("officer2", "demo-officer2-pass", "Liza Reyes (manager)", "officer", COOP_SLUG),
    ("auditor", "demo-auditor-pass", "Audit committee", "auditor", COOP_SLUG),
    ("attendant", "demo-attendant-pass", "Wellness attendant", "attendant", COOP_SLUG),
    ("member", "demo-member-pass", "Demo member", "member", COOP_SLUG),
    ("ngo-admin", "demo-ngoadmin-pass", "Centre administrator", "admin", NGO_SLUG),
    ("grants", "demo-grants-pass", "Grant officer", "grant_staff", NGO_SLUG),
    ("grants2", "demo-grants2-pass", "Social worker", "grant_staff", NGO_SLUG),
    ("social", "demo-social-pass", "Social worker (cases)", "case_worker", NGO_SLUG),
    ("social2", "demo-social2-pass", "Case worker", "case_worker", NGO_SLUG),
    ("peer", "demo-peer-pass", "Peer counselor (Batis AWARE)", "peer_counselor", NGO_SLUG),
)

def seed() -> list[tuple[str, str, str, str]]:
    logins = [(u, p, role, slug) for u, p, _name, role, slug in DEMO_USERS]
    if db.session.scalar(select(Organization.id).where(Organization.slug == COOP_SLUG)):
        return logins
    coop = orgs.create_organization(COOP_SLUG, "DAWN Multi-Purpose Cooperative (demo)", "cooperative")
    ngo = orgs.create_organization(NGO_SLUG, "Batis Center for Women (demo)", "ngo")
    by_slug = {COOP_SLUG: coop.id, NGO_SLUG: ngo.id}
    users = {}
    for username, password, name, role, slug in DEMO_USERS:
        user = auth.create_user(username, password, name)
        auth.grant_role(user.id, by_slug[slug], role)
        users[username] = user
    _opening_books(coop.id, ngo.id, users["officer"].id)
    _large_entry_waiting(coop.id, users["officer"].id)
    for seeder in plugins().demo_seeders:
        seeder(coop.id, ngo.id, users)
    return logins


def _large_entry_waiting(coop_id: int, officer_id: int) -> None:
    """A manual entry over the policy amount, waiting in the approvals inbox for a second officer."""
    account = {key: ledger.get_account(coop_id, key).id for key in ("cash_in_bank", "donations_grants")}
    approvals.run_or_hold(coop_id, ledger.MANUAL_ENTRY_KIND, {
        "entry_date": today().isoformat(), "memo": "Grant from the municipality for the livelihood program",
        "lines": [{"account_id": account["cash_in_bank"], "debit": 25_000_000, "credit": 0, "party_id": None,
                   "memo": None},
                  {"account_id": account["donations_grants"], "debit": 0, "credit": 25_000_000, "party_id": None,
                   "memo": None}]}, maker_id=officer_id, idempotency_key="demo-large-entry")


def _opening_books(coop_id: int, ngo_id: int, officer_id: int) -> None:
    start = today() - timedelta(days=60)
    ledger.post(Entry(coop_id, start, "Donation from a parish for the store's shelves", (
        Line("cash_on_hand", debit=20_000_000), Line("donations_grants", credit=20_000_000)),
        source="demo", idempotency_key="demo-opening-donation"), officer_id)
    ledger.post(Entry(coop_id, start + timedelta(days=1), "Deposit to the cooperative's bank account", (
        Line("cash_in_bank", debit=2_000_000), Line("cash_on_hand", credit=2_000_000)),
        source="demo", idempotency_key="demo-bank-deposit"), officer_id)
    ledger.post(Entry(coop_id, start + timedelta(days=5), "Office supplies", (
        Line("office_supplies", debit=85_000), Line("cash_on_hand", credit=85_000)),
        source="demo", idempotency_key="demo-supplies"), officer_id)
    ledger.post(Entry(ngo_id, date(start.year, start.month, 1), "Unrestricted gift for operations", (
        Line("cash_in_bank", debit=5_000_000), Line("donor_contributions_unrestricted", credit=5_000_000)),
        source="demo", idempotency_key="demo-ngo-gift"), None)
