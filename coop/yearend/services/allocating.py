"""Proposing the allocation of a closed year's net surplus (RA 9520 Art. 86), the board's review, the general
assembly's approval (asked by one officer, confirmed by another through coop.approvals), and its posting."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...approvals import services as approvals
from ...approvals.models import Approval
from ...audit import services as audit
from ...errors import Conflict, Invalid, Words
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution
from ...members import services as members
from ...orgs.services import get_setting
from ...timeutil import today, utcnow
from .. import bases
from ..allocation import BP, Rates, split
from ..models import CAPITAL_METHODS, Allocation, AllocationLine
from .base import (
    ACTIVE,
    COMMUNITY,
    EDUCATION,
    FEDERATION,
    INTEREST_PAYABLE,
    KIND_APPROVE,
    NON_MEMBERS_FUND,
    OPTIONAL,
    REFUND_PAYABLE,
    RESERVE,
    REVOLVING,
    SETTING_CAPITAL_METHOD,
    SETTING_INTEREST_CAP,
    SETTING_REGISTRATION_YEAR,
    SOURCE_ALLOCATION,
    SURPLUS,
    _check_two_officers,
    failed_checks,
    get_allocation,
    get_year,
    is_year_closed,
    percent_bp,
    schedule,
)

# ---------------------------------------------------------------- proposing an allocation


def _check_rate(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BP:
        raise Invalid("A percentage is 0 to 100.", field=field)
    return value


def propose(org_id: int, year: int, *, actor_id: int | None, reserve_bp: int, education_bp: int,
            federation_bp: int, community_bp: int, optional_bp: int, interest_rate_bp: int,
            capital_method: str | None = None) -> Allocation:
    """A draft allocation of a closed year's net surplus with its per-member schedule and its checks.

    The draft is kept even when a check fails (the page shows which); it cannot be approved until all pass."""
    row = get_year(org_id, year) if isinstance(year, int) else None
    if row is None or row.status != "closed":
        raise Invalid("Close %(year)s first: only a closed year's net surplus is allocated.",
                      field="year", values={"year": year})
    if row.net_surplus <= 0:
        raise Invalid("%(year)s closed with no net surplus: there is nothing to allocate.",
                      field="year", values={"year": year})
    rates = {name: _check_rate(value, name) for name, value in (
        ("reserve_bp", reserve_bp), ("education_bp", education_bp), ("federation_bp", federation_bp),
        ("community_bp", community_bp), ("optional_bp", optional_bp), ("interest_rate_bp", interest_rate_bp))}
    method = capital_method or get_setting(org_id, SETTING_CAPITAL_METHOD)
    if method not in CAPITAL_METHODS:
        raise Invalid("Average capital is figured monthly or daily.", field="capital_method")
    if db.session.scalar(select(Allocation.id).where(Allocation.org_id == org_id, Allocation.year == year,
                                                     Allocation.status.in_(ACTIVE))):
        raise Conflict("%(year)s already has an allocation: cancel its draft first.", values={"year": year})
    registered = int(get_setting(org_id, SETTING_REGISTRATION_YEAR))
    capital = bases.capital(org_id, year, method)
    patronage = bases.patronage(org_id, year)
    figures = split(row.net_surplus, Rates(**rates, interest_cap_bp=percent_bp(org_id, SETTING_INTEREST_CAP),
                                           first_five_years=year - registered < 5),
                    capital.weights, capital.periods, patronage.weights, patronage.non_member_weight)
    allocation = Allocation(
        org_id=org_id, year=year, status="draft", net_surplus=row.net_surplus, capital_method=method, **rates,
        reserve=figures.reserve, education=figures.education, federation=figures.federation,
        community=figures.community, optional=figures.optional, interest=figures.interest, refund=figures.refund,
        refund_non_members=figures.refund_non_members, leftover=figures.leftover,
        capital_base=sum(capital.weights.values()) // capital.periods,
        patronage_base=(sum(patronage.weights.values()) + patronage.non_member_weight) // BP,
        non_member_patronage=patronage.non_member_centavos,
        checks=[{"code": c.code, "passed": c.passed, "limit": c.limit, "actual": c.actual} for c in figures.checks],
        prepared_by=actor_id, created_at=utcnow())
    db.session.add(allocation)
    db.session.flush()
    labels = {member_id: label for member_id, label in bases.member_parties(org_id).values()}
    for member_id in sorted(set(capital.weights) | set(patronage.weights)):
        party = capital.parties.get(member_id)
        if party is None:
            member = members.get_member(org_id, member_id)
            party = members.member_party(member)
            labels[member_id] = member.label
        db.session.add(AllocationLine(
            org_id=org_id, allocation_id=allocation.id, member_id=member_id, party_id=party,
            label=labels.get(member_id, f"M-{member_id:04d}"),
            average_capital=capital.weights.get(member_id, 0) // capital.periods,
            patronage=patronage.weights.get(member_id, 0) // BP, patronage_detail=patronage.detail.get(member_id, {}),
            interest=figures.interest_by_member.get(member_id, 0), refund=figures.refund_by_member.get(member_id, 0)))
    db.session.flush()
    audit.record("yearend.propose", org_id=org_id, user_id=actor_id, target_type="allocation",
                 target_id=allocation.id, details={"year": year, **rates})
    return allocation


def review(org_id: int, allocation_id: int, *, board_resolution: str | None, actor_id: int | None) -> Allocation:
    """The board has reviewed the draft (its resolution number, if it passed one)."""
    allocation = get_allocation(org_id, allocation_id, lock=True)
    if allocation.status != "draft":
        raise Conflict("Only a draft is reviewed.")
    allocation.status, allocation.reviewed_by, allocation.reviewed_at = "reviewed", actor_id, utcnow()
    allocation.board_resolution = (board_resolution or "").strip()[:60] or None
    db.session.flush()
    audit.record("yearend.review", org_id=org_id, user_id=actor_id, target_type="allocation", target_id=allocation.id)
    return allocation


def cancel(org_id: int, allocation_id: int, *, actor_id: int | None) -> Allocation:
    allocation = get_allocation(org_id, allocation_id, lock=True)
    if allocation.status not in ("draft", "reviewed"):
        raise Conflict("Only a draft or a reviewed proposal is cancelled.")
    allocation.status = "cancelled"
    db.session.flush()
    audit.record("yearend.cancel", org_id=org_id, user_id=actor_id, target_type="allocation", target_id=allocation.id)
    return allocation


def _check_approvable(org_id: int, allocation: Allocation, resolution_number: str, assembly_date: date) -> None:
    if allocation.status != "reviewed":
        raise Conflict("The board reviews the proposal before the general assembly approves it.")
    if failed_checks(allocation):
        raise Invalid("The proposal fails the checks of RA 9520 and its rules (%(checks)s): propose it again "
                        "with other rates.", values={"checks": ", ".join(failed_checks(allocation))})
    if not is_year_closed(org_id, allocation.year):
        raise Invalid("Close %(year)s first: only a closed year's net surplus is allocated.", values={"year": allocation.year})
    if not (resolution_number or "").strip():
        raise Invalid("Give the general assembly's resolution number.", field="resolution_number")
    if not isinstance(assembly_date, date) or assembly_date <= date(allocation.year, 12, 31) or assembly_date > today():
        raise Invalid("The general assembly met after the year closed, and not after today.",
                      field="assembly_date")


def approve_allocation(org_id: int, allocation_id: int, *, resolution_number: str, assembly_date: date,
                       requested_by: int | None, approved_by: int | None) -> Allocation:
    """Record the general assembly's approval. The executor of an `approve_allocation` request."""
    _check_two_officers(requested_by, approved_by)
    allocation = get_allocation(org_id, allocation_id, lock=True)
    _check_approvable(org_id, allocation, resolution_number, assembly_date)
    allocation.status, allocation.approved_by, allocation.approved_at = "approved", approved_by, utcnow()
    allocation.resolution_number, allocation.assembly_date = resolution_number.strip()[:60], assembly_date
    db.session.flush()
    audit.record("yearend.approve", org_id=org_id, user_id=approved_by, target_type="allocation",
                 target_id=allocation.id, details={"requested_by": requested_by})
    return allocation


def check_approval(org_id: int, payload: dict, _key: str | None = None) -> None:
    _check_approvable(org_id, get_allocation(org_id, payload["allocation_id"]), payload["resolution_number"],
                      date.fromisoformat(payload["assembly_date"]))


def ask_to_approve(org_id: int, allocation_id: int, *, resolution_number: str, assembly_date: date,
                   actor_id: int) -> Approval:
    """Record the general assembly's approval (resolution number and date); another officer confirms it."""
    return approvals.run_or_hold(org_id, KIND_APPROVE, {
        "allocation_id": allocation_id, "resolution_number": (resolution_number or "").strip(),
        "assembly_date": assembly_date.isoformat()}, maker_id=actor_id, subject=f"allocation:{allocation_id}").held


def waiting_approval(org_id: int, allocation_id: int) -> Approval | None:
    return approvals.pending_for(org_id, KIND_APPROVE, f"allocation:{allocation_id}")


def execute_approval(run: Execution) -> Allocation:
    return approve_allocation(run.org_id, run.payload["allocation_id"],
                              resolution_number=run.payload["resolution_number"],
                              assembly_date=date.fromisoformat(run.payload["assembly_date"]),
                              requested_by=run.maker_id, approved_by=run.actor_id)


# ---------------------------------------------------------------- posting


def post_allocation(org_id: int, allocation_id: int, *, on: date, actor_id: int | None,
                    idempotency_key: str | None = None) -> Allocation:
    """One entry: undivided net surplus to the funds, the CETF due to the federation, and each member's
    interest and refund on the payables under her party; non-members' refunds to the general fund."""
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.source == SOURCE_ALLOCATION:
            return get_allocation(org_id, int(replay.source_id))
    allocation = get_allocation(org_id, allocation_id, lock=True)
    if allocation.status == "posted":
        raise Conflict("This allocation is already posted.")
    if allocation.status != "approved":
        raise Invalid("Only the allocation the general assembly approved is posted.")
    if not is_year_closed(org_id, allocation.year):
        raise Invalid("Close %(year)s first: only a closed year's net surplus is allocated.", values={"year": allocation.year})
    if on < allocation.assembly_date:
        raise Invalid("Post it on or after the general assembly's date.", field="on")
    ledger.check_date(org_id, on, field="on", what=Words("The allocation"))
    lines = [Line(SURPLUS, debit=allocation.net_surplus, memo=f"Net surplus {allocation.year}")]
    for account, amount in ((RESERVE, allocation.reserve + allocation.leftover), (EDUCATION, allocation.education),
                            (FEDERATION, allocation.federation), (COMMUNITY, allocation.community),
                            (OPTIONAL, allocation.optional), (NON_MEMBERS_FUND, allocation.refund_non_members)):
        if amount:
            lines.append(Line(account, credit=amount))
    for line in schedule(allocation):
        if line.interest:
            lines.append(Line(INTEREST_PAYABLE, credit=line.interest, party_id=line.party_id))
        if line.refund:
            lines.append(Line(REFUND_PAYABLE, credit=line.refund, party_id=line.party_id))
    posted = ledger.post(Entry(org_id, on, f"Allocation of the net surplus of {allocation.year} "
                               f"(GA resolution {allocation.resolution_number})", tuple(lines),
                               source=SOURCE_ALLOCATION, source_id=str(allocation.id),
                               idempotency_key=idempotency_key), actor_id)
    allocation.status, allocation.entry_id, allocation.posted_on, allocation.posted_by = (
        "posted", posted.id, on, actor_id)
    db.session.flush()
    audit.record("yearend.post", org_id=org_id, user_id=actor_id, target_type="allocation", target_id=allocation.id,
                 details={"entry_id": posted.id})
    return allocation


# ---------------------------------------------------------------- control accounts


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """The payables and revolving capital in the ledger against the schedules: unpaid interest and refunds
    of posted allocations, and what members hold as revolving capital."""
    unpaid = db.session.execute(
        select(func.coalesce(func.sum(AllocationLine.interest), 0), func.coalesce(func.sum(AllocationLine.refund), 0))
        .join(Allocation, Allocation.id == AllocationLine.allocation_id)
        .where(Allocation.org_id == org_id, Allocation.status == "posted", AllocationLine.paid_on.is_(None))).one()
    revolving = db.session.scalar(select(func.coalesce(func.sum(AllocationLine.to_revolving), 0)).where(
        AllocationLine.org_id == org_id))
    keys = ledger.balances_by_key(org_id)  # an NGO's chart has none of them
    return [(key, keys[key].credit_balance, own) for key, own in (
        (INTEREST_PAYABLE, int(unpaid[0])), (REFUND_PAYABLE, int(unpaid[1])), (REVOLVING, int(revolving)))
        if key in keys]
