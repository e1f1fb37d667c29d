"""Closing a year into Undivided Net Surplus and reopening it, each asked by one officer and carried out by
another through coop.approvals. The closing itself is coop.yearclosing's (the same as the NGO's); what is the
cooperative's own is here: the lines (income and expense to Undivided Net Surplus), its fiscal-year row, and
that a year whose surplus the general assembly allocated is not reopened (its drafts are cancelled)."""
from __future__ import annotations

from sqlalchemy import select

from ...approvals import services as approvals
from ...approvals.models import Approval
from ...errors import Conflict
from ...extensions import db
from ...ledger.records import Line
from ...manifest import Execution
from ...timeutil import utcnow
from ...yearclosing import YearClosing
from ..models import Allocation, FiscalYear
from .base import KIND_CLOSE, KIND_REOPEN, KINDS, SOURCE_CLOSE, SURPLUS, _check_cooperative, get_year, year_result


def closing_lines(org_id: int, year: int) -> tuple[Line, ...]:
    """Each income and expense account emptied, the net into Undivided Net Surplus."""
    result = year_result(org_id, year)
    net = sum(amount for _, amount in result)
    lines = [Line(account.id, debit=amount) if amount > 0 else Line(account.id, credit=-amount)
             for account, amount in result]
    if net > 0:
        lines.append(Line(SURPLUS, credit=net, memo="Net surplus"))
    elif net < 0:
        lines.append(Line(SURPLUS, debit=-net, memo="Net loss"))
    return tuple(lines)


def _standing(org_id: int, year: int) -> tuple[bool, int | None]:
    row = get_year(org_id, year)
    return (row is not None and row.status == "closed"), (row.closing_entry_id if row is not None else None)


def _check_closable(org_id: int, _year: int, _lines) -> None:
    _check_cooperative(org_id)


def _check_reopenable(org_id: int, year: int) -> None:
    if db.session.scalar(select(Allocation.id).where(Allocation.org_id == org_id, Allocation.year == year,
                                                     Allocation.status.in_(("approved", "posted")))):
        raise Conflict("The general assembly approved the allocation of %(year)s: a year whose surplus is "
                       "allocated is not reopened.", values={"year": str(year)})


CLOSING = YearClosing(KIND_CLOSE, KIND_REOPEN, SOURCE_CLOSE, "yearend",
                      "Closing of {year}: income and expense to undivided net surplus", closing_lines, _standing,
                      check_closable=_check_closable, check_reopenable=_check_reopenable)
check_close, check_reopen = CLOSING.check_close, CLOSING.check_reopen
ask_to_close, ask_to_reopen = CLOSING.ask_to_close, CLOSING.ask_to_reopen
closable_years = CLOSING.closable_years


def pending_requests(org_id: int) -> list[Approval]:
    """The year end's requests waiting for a second officer (closing, reopening, allocation), oldest first."""
    return [row for row in approvals.approvals(org_id) if row.kind in KINDS]


def execute_close(run: Execution) -> FiscalYear:
    return close_year(run.org_id, run.payload["year"], requested_by=run.maker_id, approved_by=run.actor_id)


def execute_reopen(run: Execution) -> FiscalYear:
    return reopen_year(run.org_id, run.payload["year"], reason=run.payload["reason"], requested_by=run.maker_id,
                       approved_by=run.actor_id)


def close_year(org_id: int, year: int, *, requested_by: int | None, approved_by: int | None) -> FiscalYear:
    """Post the year's income and expense to Undivided Net Surplus (one entry, 31 December) and close its
    months. The executor of a `close_year` request."""
    closed = CLOSING.close(org_id, year, requested_by=requested_by, approved_by=approved_by)
    row = get_year(org_id, year)
    if row is None:
        row = FiscalYear(org_id=org_id, year=year, status="open", net_surplus=0, times_reopened=0)
        db.session.add(row)
    row.status, row.closing_entry_id = "closed", closed.entry.id if closed.entry else None
    row.net_surplus = sum(line.credit - line.debit for line in closed.lines if line.account == SURPLUS)
    row.closed_by, row.approved_by, row.closed_at = requested_by, approved_by, utcnow()
    db.session.flush()
    return row


def reopen_year(org_id: int, year: int, *, reason: str, requested_by: int | None,
                approved_by: int | None) -> FiscalYear:
    """Reopen the year's months and reverse its closing entry; drafts of its allocation are cancelled
    (their figures would be stale). The executor of a `reopen_year` request."""
    CLOSING.reopen(org_id, year, reason=reason, requested_by=requested_by, approved_by=approved_by)
    row = get_year(org_id, year)
    for draft in db.session.scalars(select(Allocation).where(Allocation.org_id == org_id, Allocation.year == year,
                                                             Allocation.status.in_(("draft", "reviewed")))):
        draft.status = "cancelled"
    row.status, row.closing_entry_id = "open", None
    row.reopened_by, row.reopened_at, row.reopen_reason = approved_by, utcnow(), reason.strip()[:300]
    row.times_reopened += 1
    db.session.flush()
    return row
