"""What every year-end verb needs: the accounts and settings it names, the two-officer rule, and reading
years, allocations and their schedules."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...errors import Invalid, NotFound
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...orgs import services as orgs
from ...orgs.services import get_setting
from ...yearclosing import NotSecondPerson, check_two_people
from ..models import Allocation, AllocationLine, FiscalYear

SURPLUS = "undivided_net_surplus"
RESERVE, EDUCATION, FEDERATION = "reserve_fund", "education_training_fund", "due_to_union_federation"
COMMUNITY, OPTIONAL = "community_development_fund", "optional_fund"
INTEREST_PAYABLE, REFUND_PAYABLE = "interest_on_share_capital_payable", "patronage_refund_payable"
NON_MEMBERS_FUND, REVOLVING = "general_fund_non_members", "revolving_capital"

SOURCE_CLOSE, SOURCE_ALLOCATION, SOURCE_PAYOUT = "yearend.close", "yearend.allocation", "yearend.payout"

SETTING_REGISTRATION_YEAR = "yearend.registration_year"
SETTING_INTEREST_CAP = "yearend.interest_cap"
SETTING_CAPITAL_METHOD = "yearend.capital_method"
SETTING_APPLY_TO_LOANS = "yearend.apply_to_loans"
# the proposal form's defaults
SETTING_DEFAULTS = {"reserve_bp": "yearend.reserve", "education_bp": "yearend.education",
                    "federation_bp": "yearend.federation_share", "community_bp": "yearend.community",
                    "optional_bp": "yearend.optional", "interest_rate_bp": "yearend.interest_rate"}

ACTIVE = ("draft", "reviewed", "approved", "posted")
# the maker-checker kinds (coop.approvals), declared in the manifest
KIND_CLOSE, KIND_REOPEN, KIND_APPROVE = "yearend.close_year", "yearend.reopen_year", "yearend.approve_allocation"
KINDS = (KIND_CLOSE, KIND_REOPEN, KIND_APPROVE)


# the one refusal of the two-person rule (coop.yearclosing's, the NGO's year end raises the same)
NotSecondOfficer = NotSecondPerson


# ---------------------------------------------------------------- reading


def percent_bp(org_id: int, key: str) -> int:
    return round(float(get_setting(org_id, key)) * 100)


def proposal_defaults(org_id: int) -> dict:
    return {field: percent_bp(org_id, key) for field, key in SETTING_DEFAULTS.items()} | {
        "capital_method": get_setting(org_id, SETTING_CAPITAL_METHOD)}


def get_year(org_id: int, year: int) -> FiscalYear | None:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.org_id == org_id, FiscalYear.year == year))


def is_year_closed(org_id: int, year: int) -> bool:
    found = get_year(org_id, year)
    return found is not None and found.status == "closed"


def years(org_id: int) -> list[FiscalYear]:
    return list(db.session.scalars(select(FiscalYear).where(FiscalYear.org_id == org_id)
                                   .order_by(FiscalYear.year.desc())))


def year_result(org_id: int, year: int) -> list[tuple[ledger.Account, int]]:
    """Each income and expense account's net credit for the year (income positive, expense negative),
    from the monthly totals: what the closing entry moves to Undivided Net Surplus."""
    before = ledger.totals_before(org_id, date(year, 1, 1))
    through = ledger.totals_before(org_id, date(year + 1, 1, 1))
    result = []
    for account in ledger.list_accounts(org_id):
        if account.type not in ("income", "expense") or account.is_group:
            continue
        end, start = through.get(account.id, ledger.Balance()), before.get(account.id, ledger.Balance())
        net = (end.credit_total - start.credit_total) - (end.debit_total - start.debit_total)
        if net:
            result.append((account, net))
    return result


def _check_cooperative(org_id: int) -> None:
    if orgs.get(org_id).kind != "cooperative":
        raise Invalid("Closing a year into undivided net surplus and allocating it is a cooperative's year end.")


def _check_two_officers(requested_by: int | None, approved_by: int | None) -> None:
    check_two_people(requested_by, approved_by)


def get_allocation(org_id: int, allocation_id: int, *, lock: bool = False) -> Allocation:
    return get_in_org(Allocation, org_id, allocation_id, "No such allocation.", lock=lock)


def allocations(org_id: int, year: int | None = None) -> list[Allocation]:
    query = select(Allocation).where(Allocation.org_id == org_id)
    if year is not None:
        query = query.where(Allocation.year == year)
    return list(db.session.scalars(query.order_by(Allocation.id.desc())))


def schedule(allocation: Allocation) -> list[AllocationLine]:
    return list(db.session.scalars(select(AllocationLine).where(AllocationLine.allocation_id == allocation.id)
                                   .order_by(AllocationLine.label)))


def get_line(org_id: int, allocation_id: int, member_id: int, *, lock: bool = False) -> AllocationLine:
    query = select(AllocationLine).where(AllocationLine.org_id == org_id,
                                         AllocationLine.allocation_id == allocation_id,
                                         AllocationLine.member_id == member_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    line = db.session.scalar(query)
    if line is None:
        raise NotFound("She has no line in this allocation.")
    return line


def slip_of_payout(org_id: int, line_id: str) -> dict:
    """The slip page's arguments for a payout entry's source id (the ledger links an entry there)."""
    line = db.session.get(AllocationLine, int(line_id))
    if line is None or line.org_id != org_id:
        return {}
    return {"allocation_id": line.allocation_id, "member_id": line.member_id}


def lines_of_member(org_id: int, member_id: int) -> list[tuple[Allocation, AllocationLine]]:
    """Her lines in the posted allocations, newest year first (her portal)."""
    return [tuple(row) for row in db.session.execute(
        select(Allocation, AllocationLine).join(AllocationLine, AllocationLine.allocation_id == Allocation.id)
        .where(Allocation.org_id == org_id, Allocation.status == "posted", AllocationLine.member_id == member_id)
        .order_by(Allocation.year.desc()))]


def failed_checks(allocation: Allocation) -> list[str]:
    return [check["code"] for check in allocation.checks or () if not check["passed"]]


