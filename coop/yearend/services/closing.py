"""Closing a year into Undivided Net Surplus and reopening it, each asked by one officer and carried out by
another through coop.approvals."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...approvals import services as approvals
from ...approvals.models import Approval
from ...audit import services as audit
from ...errors import Conflict, Invalid
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution
from ...timeutil import utcnow
from ..models import Allocation, FiscalYear
from .base import (
    KIND_CLOSE,
    KIND_REOPEN,
    KINDS,
    SOURCE_CLOSE,
    SURPLUS,
    _check_cooperative,
    _check_two_officers,
    _check_year_over,
    get_year,
    is_year_closed,
    year_result,
)

def check_close(org_id: int, payload: dict, _key: str | None = None) -> None:
    """The `check` of a closing request: refused before anything waits for the second officer."""
    _check_closable(org_id, payload["year"])


def check_reopen(org_id: int, payload: dict, _key: str | None = None) -> None:
    if not (payload.get("reason") or "").strip():
        raise Invalid("Give the reason for reopening.", field="reason")
    _check_reopenable(org_id, payload["year"])


def ask_to_close(org_id: int, year: int, *, actor_id: int) -> Approval:
    """Ask for the year's closing; another officer approves it (coop.approvals runs `close_year`)."""
    return approvals.run_or_hold(org_id, KIND_CLOSE, {"year": year}, maker_id=actor_id, subject=f"year:{year}").held


def ask_to_reopen(org_id: int, year: int, *, reason: str, actor_id: int) -> Approval:
    return approvals.run_or_hold(org_id, KIND_REOPEN, {"year": year, "reason": (reason or "").strip()},
                                 maker_id=actor_id, subject=f"year:{year}").held


def pending_requests(org_id: int) -> list[Approval]:
    """The year end's requests waiting for a second officer, oldest first."""
    return [row for row in approvals.approvals(org_id) if row.kind in KINDS]


# the executors of the three kinds: plain values in, the record made out


def execute_close(run: Execution) -> FiscalYear:
    return close_year(run.org_id, run.payload["year"], requested_by=run.maker_id, approved_by=run.actor_id)


def execute_reopen(run: Execution) -> FiscalYear:
    return reopen_year(run.org_id, run.payload["year"], reason=run.payload["reason"], requested_by=run.maker_id,
                       approved_by=run.actor_id)


# ---------------------------------------------------------------- closing and reopening


def _check_closable(org_id: int, year: int) -> None:
    _check_cooperative(org_id)
    _check_year_over(year)
    if is_year_closed(org_id, year):
        raise Conflict("%(year)s is already closed.", field="year", values={"year": year})
    if ledger.is_closed(org_id, date(year, 12, 31)):
        raise Invalid("December %(year)s is closed: reopen it, so the closing entry can be dated 31 December.", field="year", values={"year": year})


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
        raise Invalid("%(year)s is not closed.", field="year", values={"year": year})
    if db.session.scalar(select(Allocation.id).where(Allocation.org_id == org_id, Allocation.year == year,
                                                     Allocation.status.in_(("approved", "posted")))):
        raise Conflict("The general assembly approved the allocation of %(year)s: a year whose surplus is "
                         "allocated is not reopened.", values={"year": year})
    return row


def reopen_year(org_id: int, year: int, *, reason: str, requested_by: int | None,
                approved_by: int | None) -> FiscalYear:
    """Reopen the year's months and reverse its closing entry; drafts of its allocation are cancelled
    (their figures would be stale). The executor of a `reopen_year` request."""
    _check_two_officers(requested_by, approved_by)
    if not (reason or "").strip():
        raise Invalid("Give the reason for reopening.", field="reason")
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


