"""The year end's verbs: close a year, allocate its net surplus under RA 9520 Art. 86, pay it out.

1. Closing a year posts its income and expense to Undivided Net Surplus (or Net Loss) in one entry dated
   31 December and closes its months, so the ledger's open-period check refuses any posting into it.
   Reopening reverses that entry and reopens the months. Both are maker-checker acts through
   coop.approvals: one officer asks (`ask_to_close`, `ask_to_reopen`, `ask_to_approve`), another approves,
   which runs the executor (`close_year`, `reopen_year`, `approve_allocation`): plain functions taking
   plain values, with both officers' ids.
2. An allocation is proposed (a draft with every figure, the per-member schedule and the Art. 86 and IRR
   checks), reviewed by the board, approved by the general assembly (resolution number and date, recorded
   by one officer and confirmed by another), then posted: one entry for the funds and the payables, each
   member's interest and refund on her own party.
3. Paying out applies each member's interest and refund to her unpaid subscription, then (policy) to
   what she owes on loans, and the rest in cash, as additional share capital, or as revolving capital.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from ..approvals import services as approvals
from ..approvals.models import Approval
from ..audit import services as audit
from ..cash.text import _
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..kernel import get_in_org
from ..manifest import Execution
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..loans import services as loans
from ..members import services as members
from ..members import shares
from ..orgs import services as orgs
from ..orgs.services import get_setting
from ..timeutil import today, utcnow
from . import bases
from .allocation import BP, Rates, split
from .models import CAPITAL_METHODS, Allocation, AllocationLine, FiscalYear

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


class NotSecondOfficer(Forbidden):
    """The officer who asked for an act cannot also carry it out."""


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


def closable_years(org_id: int) -> list[int]:
    """The years a closing may be asked for: those over and not closed, back to the first posting."""
    first = ledger.first_entry_date(org_id)
    last = today().year - 1
    if first is None:
        return []
    closed = {row.year for row in years(org_id) if row.status == "closed"}
    return [year for year in range(last, first.year - 1, -1) if year not in closed]


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
        raise Invalid(_("Closing a year into undivided net surplus and allocating it is a cooperative's year end."))


def _check_year_over(year: int, field: str = "year") -> None:
    if not isinstance(year, int) or year < 1900 or year > 9998:
        raise Invalid(_("Give a year, like 2025."), field=field)
    if date(year, 12, 31) >= today():
        raise Invalid(_("%(year)s is not over yet: a year is closed after 31 December.", year=year), field=field)


# ---------------------------------------------------------------- maker-checker (coop.approvals)


def _check_two_officers(requested_by: int | None, approved_by: int | None) -> None:
    if requested_by is None or approved_by is None or requested_by == approved_by:
        raise NotSecondOfficer(_("Another officer carries out what you asked for."))


def check_close(org_id: int, payload: dict, _key: str | None = None) -> None:
    """The `check` of a closing request: refused before anything waits for the second officer."""
    _check_closable(org_id, payload["year"])


def check_reopen(org_id: int, payload: dict, _key: str | None = None) -> None:
    if not (payload.get("reason") or "").strip():
        raise Invalid(_("Give the reason for reopening."), field="reason")
    _check_reopenable(org_id, payload["year"])


def check_approval(org_id: int, payload: dict, _key: str | None = None) -> None:
    _check_approvable(org_id, get_allocation(org_id, payload["allocation_id"]), payload["resolution_number"],
                      date.fromisoformat(payload["assembly_date"]))


def ask_to_close(org_id: int, year: int, *, actor_id: int) -> Approval:
    """Ask for the year's closing; another officer approves it (coop.approvals runs `close_year`)."""
    return approvals.run_or_hold(org_id, KIND_CLOSE, {"year": year}, maker_id=actor_id, subject=f"year:{year}").held


def ask_to_reopen(org_id: int, year: int, *, reason: str, actor_id: int) -> Approval:
    return approvals.run_or_hold(org_id, KIND_REOPEN, {"year": year, "reason": (reason or "").strip()},
                                 maker_id=actor_id, subject=f"year:{year}").held


def ask_to_approve(org_id: int, allocation_id: int, *, resolution_number: str, assembly_date: date,
                   actor_id: int) -> Approval:
    """Record the general assembly's approval (resolution number and date); another officer confirms it."""
    return approvals.run_or_hold(org_id, KIND_APPROVE, {
        "allocation_id": allocation_id, "resolution_number": (resolution_number or "").strip(),
        "assembly_date": assembly_date.isoformat()}, maker_id=actor_id, subject=f"allocation:{allocation_id}").held


def pending_requests(org_id: int) -> list[Approval]:
    """The year end's requests waiting for a second officer, oldest first."""
    return [row for row in approvals.approvals(org_id) if row.kind in KINDS]


def waiting_approval(org_id: int, allocation_id: int) -> Approval | None:
    return approvals.pending_for(org_id, KIND_APPROVE, f"allocation:{allocation_id}")


# the executors of the three kinds: plain values in, the record made out


def execute_close(run: Execution) -> FiscalYear:
    return close_year(run.org_id, run.payload["year"], requested_by=run.maker_id, approved_by=run.actor_id)


def execute_reopen(run: Execution) -> FiscalYear:
    return reopen_year(run.org_id, run.payload["year"], reason=run.payload["reason"], requested_by=run.maker_id,
                       approved_by=run.actor_id)


def execute_approval(run: Execution) -> Allocation:
    return approve_allocation(run.org_id, run.payload["allocation_id"],
                              resolution_number=run.payload["resolution_number"],
                              assembly_date=date.fromisoformat(run.payload["assembly_date"]),
                              requested_by=run.maker_id, approved_by=run.actor_id)


# ---------------------------------------------------------------- closing and reopening


def _check_closable(org_id: int, year: int) -> None:
    _check_cooperative(org_id)
    _check_year_over(year)
    if is_year_closed(org_id, year):
        raise Conflict(_("%(year)s is already closed.", year=year), field="year")
    if ledger.is_closed(org_id, date(year, 12, 31)):
        raise Invalid(_("December %(year)s is closed: reopen it, so the closing entry can be dated 31 December.",
                        year=year), field="year")


def close_year(org_id: int, year: int, *, requested_by: int | None, approved_by: int | None) -> FiscalYear:
    """Post the year's income and expense to Undivided Net Surplus (one entry, 31 December) and close its
    months. The executor of a `close_year` request."""
    _check_two_officers(requested_by, approved_by)
    _check_closable(org_id, year)
    row = get_year(org_id, year)
    if row is None:
        row = FiscalYear(org_id=org_id, year=year, status="open", net_surplus=0, times_reopened=0)
        db.session.add(row)
        db.session.flush()
    result = year_result(org_id, year)
    net = sum(amount for _, amount in result)
    lines = [Line(account.id, debit=amount) if amount > 0 else Line(account.id, credit=-amount)
             for account, amount in result]
    if net > 0:
        lines.append(Line(SURPLUS, credit=net, memo="Net surplus"))
    elif net < 0:
        lines.append(Line(SURPLUS, debit=-net, memo="Net loss"))
    row.closing_entry_id = None
    if lines:
        posted = ledger.post(Entry(org_id, date(year, 12, 31), f"Closing of {year}: income and expense to "
                                   "undivided net surplus", tuple(lines), source=SOURCE_CLOSE,
                                   source_id=str(row.id)), approved_by)
        row.closing_entry_id = posted.id
    for month in range(1, 13):
        if not ledger.is_closed(org_id, date(year, month, 1)):
            ledger.close_period(org_id, year, month, approved_by, with_year=True)
    row.status, row.net_surplus = "closed", net
    row.closed_by, row.approved_by, row.closed_at = requested_by, approved_by, utcnow()
    db.session.flush()
    audit.record("yearend.close", org_id=org_id, user_id=approved_by, target_type="fiscal_year", target_id=year,
                 details={"requested_by": requested_by, "net_surplus": net, "entry_id": row.closing_entry_id})
    return row


def _check_reopenable(org_id: int, year: int) -> FiscalYear:
    row = get_year(org_id, year) if isinstance(year, int) else None
    if row is None or row.status != "closed":
        raise Invalid(_("%(year)s is not closed.", year=year), field="year")
    if db.session.scalar(select(Allocation.id).where(Allocation.org_id == org_id, Allocation.year == year,
                                                     Allocation.status.in_(("approved", "posted")))):
        raise Conflict(_("The general assembly approved the allocation of %(year)s: a year whose surplus is "
                         "allocated is not reopened.", year=year))
    return row


def reopen_year(org_id: int, year: int, *, reason: str, requested_by: int | None,
                approved_by: int | None) -> FiscalYear:
    """Reopen the year's months and reverse its closing entry; drafts of its allocation are cancelled
    (their figures would be stale). The executor of a `reopen_year` request."""
    _check_two_officers(requested_by, approved_by)
    if not (reason or "").strip():
        raise Invalid(_("Give the reason for reopening."), field="reason")
    row = _check_reopenable(org_id, year)
    for month in range(1, 13):
        if ledger.is_closed(org_id, date(year, month, 1)):
            ledger.reopen_period(org_id, year, month, approved_by, reason, with_year=True)
    if row.closing_entry_id is not None:
        ledger.reverse(org_id, row.closing_entry_id, on=date(year, 12, 31), reason=f"Reopening of {year}: {reason}",
                       actor_id=approved_by)
    for draft in db.session.scalars(select(Allocation).where(Allocation.org_id == org_id, Allocation.year == year,
                                                             Allocation.status.in_(("draft", "reviewed")))):
        draft.status = "cancelled"
    row.status, row.closing_entry_id = "open", None
    row.reopened_by, row.reopened_at, row.reopen_reason = approved_by, utcnow(), reason.strip()[:300]
    row.times_reopened += 1
    db.session.flush()
    audit.record("yearend.reopen", org_id=org_id, user_id=approved_by, target_type="fiscal_year", target_id=year,
                 details={"requested_by": requested_by, "reason": reason.strip()})
    return row


# ---------------------------------------------------------------- proposing an allocation


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


def _check_rate(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BP:
        raise Invalid(_("A percentage is 0 to 100."), field=field)
    return value


def propose(org_id: int, year: int, *, actor_id: int | None, reserve_bp: int, education_bp: int,
            federation_bp: int, community_bp: int, optional_bp: int, interest_rate_bp: int,
            capital_method: str | None = None) -> Allocation:
    """A draft allocation of a closed year's net surplus with its per-member schedule and its checks.

    The draft is kept even when a check fails (the page shows which); it cannot be approved until all pass."""
    row = get_year(org_id, year) if isinstance(year, int) else None
    if row is None or row.status != "closed":
        raise Invalid(_("Close %(year)s first: only a closed year's net surplus is allocated.", year=year),
                      field="year")
    if row.net_surplus <= 0:
        raise Invalid(_("%(year)s closed with no net surplus: there is nothing to allocate.", year=year),
                      field="year")
    rates = {name: _check_rate(value, name) for name, value in (
        ("reserve_bp", reserve_bp), ("education_bp", education_bp), ("federation_bp", federation_bp),
        ("community_bp", community_bp), ("optional_bp", optional_bp), ("interest_rate_bp", interest_rate_bp))}
    method = capital_method or get_setting(org_id, SETTING_CAPITAL_METHOD)
    if method not in CAPITAL_METHODS:
        raise Invalid(_("Average capital is figured monthly or daily."), field="capital_method")
    if db.session.scalar(select(Allocation.id).where(Allocation.org_id == org_id, Allocation.year == year,
                                                     Allocation.status.in_(ACTIVE))):
        raise Conflict(_("%(year)s already has an allocation: cancel its draft first.", year=year))
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
        raise Conflict(_("Only a draft is reviewed."))
    allocation.status, allocation.reviewed_by, allocation.reviewed_at = "reviewed", actor_id, utcnow()
    allocation.board_resolution = (board_resolution or "").strip()[:60] or None
    db.session.flush()
    audit.record("yearend.review", org_id=org_id, user_id=actor_id, target_type="allocation", target_id=allocation.id)
    return allocation


def cancel(org_id: int, allocation_id: int, *, actor_id: int | None) -> Allocation:
    allocation = get_allocation(org_id, allocation_id, lock=True)
    if allocation.status not in ("draft", "reviewed"):
        raise Conflict(_("Only a draft or a reviewed proposal is cancelled."))
    allocation.status = "cancelled"
    db.session.flush()
    audit.record("yearend.cancel", org_id=org_id, user_id=actor_id, target_type="allocation", target_id=allocation.id)
    return allocation


def failed_checks(allocation: Allocation) -> list[str]:
    return [check["code"] for check in allocation.checks or () if not check["passed"]]


def _check_approvable(org_id: int, allocation: Allocation, resolution_number: str, assembly_date: date) -> None:
    if allocation.status != "reviewed":
        raise Conflict(_("The board reviews the proposal before the general assembly approves it."))
    if failed_checks(allocation):
        raise Invalid(_("The proposal fails the checks of RA 9520 and its rules (%(checks)s): propose it again "
                        "with other rates.", checks=", ".join(failed_checks(allocation))))
    if not is_year_closed(org_id, allocation.year):
        raise Invalid(_("Close %(year)s first: only a closed year's net surplus is allocated.", year=allocation.year))
    if not (resolution_number or "").strip():
        raise Invalid(_("Give the general assembly's resolution number."), field="resolution_number")
    if not isinstance(assembly_date, date) or assembly_date <= date(allocation.year, 12, 31) or assembly_date > today():
        raise Invalid(_("The general assembly met after the year closed, and not after today."),
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
        raise Conflict(_("This allocation is already posted."))
    if allocation.status != "approved":
        raise Invalid(_("Only the allocation the general assembly approved is posted."))
    if not is_year_closed(org_id, allocation.year):
        raise Invalid(_("Close %(year)s first: only a closed year's net surplus is allocated.", year=allocation.year))
    if on < allocation.assembly_date:
        raise Invalid(_("Post it on or after the general assembly's date."), field="on")
    ledger.check_date(org_id, on, field="on", what="The allocation")
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


# ---------------------------------------------------------------- paying out


def _pieces(sources: list[list], sinks: list[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """(source account, sink, amount): the sources (interest first, then refund) poured into the sinks in order."""
    pieces = []
    for sink, room in sinks:
        for source in sources:
            if room == 0:
                break
            take = min(source[1], room)
            if take:
                pieces.append((source[0], sink, take))
                source[1] -= take
                room -= take
    return pieces


def pay_out(org_id: int, allocation_id: int, member_id: int, *, choice: str, on: date, actor_id: int | None,
            cash_account: str = "cash_on_hand", idempotency_key: str | None = None) -> AllocationLine:
    """Pay one member her interest and refund: first her unpaid subscription, then (policy) her loans, oldest
    first; the rest in cash, as additional share capital (whole shares; the rest in cash), or as revolving
    capital. Each application is that domain's own payment with its receipt; the rest is one entry."""
    if choice not in ("cash", "share_capital", "revolving"):
        raise Invalid(_("Choose cash, share capital or revolving capital."), field="choice")
    allocation = get_allocation(org_id, allocation_id)
    if allocation.status != "posted":
        raise Invalid(_("Only a posted allocation is paid out."))
    line = get_line(org_id, allocation_id, member_id, lock=True)
    if line.paid_on is not None:
        if idempotency_key and line.choice == choice:
            return line
        raise Conflict(_("Her interest and refund are already paid out."))
    if on < allocation.posted_on:
        raise Invalid(_("Pay it out on or after the allocation was posted."), field="on")
    ledger.check_date(org_id, on, field="on", what="The payout")
    if choice == "cash":
        ledger.cash_account(org_id, cash_account)
    member = members.get_member(org_id, member_id)
    sources = [[INTEREST_PAYABLE, line.interest], [REFUND_PAYABLE, line.refund]]
    key = (lambda n: f"{idempotency_key}:{n}") if idempotency_key else (lambda n: None)
    sinks = [("subscription", shares.summary(org_id, member, on).due)]
    if get_setting(org_id, SETTING_APPLY_TO_LOANS):
        sinks += [(f"loan:{loan.id}", loan.outstanding) for loan in sorted(
            loans.loans_of_member(org_id, member_id), key=lambda loan: loan.id) if loan.status == "active"]
    applied = defaultdict(int)
    for n, (source, sink, amount) in enumerate(_pieces(sources, sinks)):
        if sink == "subscription":
            shares.record_payment(org_id, member_id, amount=amount, on=on, actor_id=actor_id, paid_from=source,
                                  idempotency_key=key(n))
            applied["subscription"] += amount
        else:
            loans.repay(org_id, int(sink.split(":")[1]), amount, on=on, actor_id=actor_id, paid_from=source,
                        idempotency_key=key(n), received_from=member.name)
            applied["loans"] += amount
    rest = sum(amount for _, amount in sources)
    to_shares = 0
    if choice == "share_capital" and rest:
        par = int(get_setting(org_id, "shares.par_value"))
        count = rest // par
        if count:
            shares.subscribe(org_id, member_id, shares=count, on=on, actor_id=actor_id, kind="additional",
                             idempotency_key=key("subscribe"))
            for n, (source, _sink, amount) in enumerate(_pieces(sources, [("shares", count * par)])):
                shares.record_payment(org_id, member_id, amount=amount, on=on, actor_id=actor_id, paid_from=source,
                                      idempotency_key=key(f"shares{n}"))
            to_shares = count * par
    rest = sum(amount for _, amount in sources)
    to_revolving = rest if choice == "revolving" else 0
    to_cash = rest - to_revolving
    if rest:
        lines = [Line(source, debit=amount, party_id=line.party_id) for source, amount in sources if amount]
        lines.append(Line(REVOLVING, credit=rest, party_id=line.party_id) if to_revolving else
                     Line(cash_account, credit=rest))
        posted = ledger.post(Entry(org_id, on, f"Interest and patronage refund {allocation.year}, {line.label}",
                                   tuple(lines), source=SOURCE_PAYOUT, source_id=str(line.id),
                                   idempotency_key=idempotency_key), actor_id)
        line.payout_entry_id = posted.id
    line.paid_on, line.choice, line.paid_by = on, choice, actor_id
    line.to_subscription, line.to_loans = applied["subscription"], applied["loans"]
    line.to_share_capital, line.to_revolving, line.to_cash = to_shares, to_revolving, to_cash
    db.session.flush()
    audit.record("yearend.payout", org_id=org_id, user_id=actor_id, target_type="allocation_line", target_id=line.id,
                 details={"allocation_id": allocation_id, "member_id": member_id, "choice": choice})
    return line


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
    found = []
    for key, own in ((INTEREST_PAYABLE, int(unpaid[0])), (REFUND_PAYABLE, int(unpaid[1])), (REVOLVING, int(revolving))):
        try:
            found.append((key, ledger.balance(org_id, key).credit_balance, own))
        except ledger.UnknownAccount:
            continue  # an NGO's chart
    return found
