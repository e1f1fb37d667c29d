"""The NGO's year-end closing into net assets by class of restriction, asked by one staff member and carried
out by another through coop.approvals (`grants.close_year`, `grants.reopen_year`).

One entry dated December 31 (source `grants.closing`, the year as its id): each donor's contributions with
restrictions of the year go into her fund's account (the donor's party on both lines, so what her fund has
left reads the same before and after); every other income and expense account is emptied into Net Assets
without Donor Restrictions. The year's twelve months are closed with it (`with_year`), so the ledger refuses
any posting into a closed year. Reopening reopens the months and reverses the entry, audited.
"""
from __future__ import annotations

from datetime import date

from ...approvals import services as approvals
from ...approvals.models import Approval
from ...audit import services as audit
from ...errors import Conflict, Forbidden, Invalid
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution
from ...timeutil import today
from .base import RESTRICTED_REVENUE, UNRESTRICTED_KEY
from .funds import list_funds

SOURCE = "grants.closing"
KIND_CLOSE, KIND_REOPEN = "grants.close_year", "grants.reopen_year"
KINDS = (KIND_CLOSE, KIND_REOPEN)


class NotSecondPerson(Forbidden):
    """The one who asked for the closing or the reopening cannot also carry it out."""


def closing_lines(org_id: int, year: int) -> tuple[Line, ...]:
    """What the closing of `year` posts, from the balances at its end."""
    end = date(year, 12, 31)
    restricted = ledger.get_account(org_id, RESTRICTED_REVENUE)
    funds = {fund.party_id: fund for fund in list_funds(org_id)}
    lines: list[Line] = []
    by_party = ledger.party_totals_as_of(org_id, (restricted.id,), end)
    for (_account, party), balance in sorted(by_party.items()):
        amount = balance.credit_balance
        if amount and party in funds:
            lines += [Line(restricted.id, debit=amount, party_id=party) if amount > 0 else
                      Line(restricted.id, credit=-amount, party_id=party),
                      Line(funds[party].account_id, credit=amount, party_id=party) if amount > 0 else
                      Line(funds[party].account_id, debit=-amount, party_id=party)]
    closed_to_funds = sum(balance.credit_balance for (_a, party), balance in by_party.items() if party in funds)
    balances = ledger.balances_as_of(org_id, end)
    surplus = 0
    for account in ledger.list_accounts(org_id):
        if account.type not in ("income", "expense") or account.is_group or account.id not in balances:
            continue
        amount = balances[account.id].debit_balance + (closed_to_funds if account.id == restricted.id else 0)
        if amount:
            lines.append(Line(account.id, credit=amount) if amount > 0 else Line(account.id, debit=-amount))
            surplus -= amount
    if surplus:
        lines.append(Line(UNRESTRICTED_KEY, credit=surplus) if surplus > 0 else Line(UNRESTRICTED_KEY, debit=-surplus))
    return tuple(lines)


def closing_of(org_id: int, year: int):
    """The year's closing entry if it stands (posted and not reversed), else None."""
    for entry in ledger.entries_for_source(org_id, SOURCE, str(year)):
        if entry.reverses_id is None and ledger.reversal_of(org_id, entry.id) is None:
            return entry
    return None


def closed_years(org_id: int, back: int = 10) -> list[tuple[int, object]]:
    """(year, its closing entry or None) for the years that are over since the first posting (the last `back`
    at most), newest first."""
    first = ledger.first_entry_date(org_id)
    last = today().year - 1
    if first is None:
        return []
    return [(year, closing_of(org_id, year)) for year in range(last, max(first.year, last - back + 1) - 1, -1)]


def closable_years(org_id: int) -> list[int]:
    """The years a closing may be asked for: over, not closed, back to the first posting."""
    first = ledger.first_entry_date(org_id)
    if first is None:
        return []
    return [year for year in range(today().year - 1, first.year - 1, -1) if closing_of(org_id, year) is None]


def _check_year(year) -> None:
    if not isinstance(year, int) or year < 1900 or year > 9998:
        raise Invalid("Give a year, like 2025.", field="year")
    if date(year, 12, 31) >= today():
        raise Invalid("The year %(year)s has not ended yet.", field="year", values={"year": year})


def _check_closable(org_id: int, year) -> tuple[Line, ...]:
    _check_year(year)
    if closing_of(org_id, year) is not None:
        raise Conflict("The year %(year)s is already closed.", field="year", values={"year": year})
    if ledger.is_closed(org_id, date(year, 12, 31)):
        raise Invalid("December %(year)s is closed: reopen it, so the closing entry can be dated 31 December.",
                      field="year", values={"year": year})
    lines = closing_lines(org_id, year)
    if not lines:
        raise Invalid("Nothing to close in %(year)s.", field="year", values={"year": year})
    return lines


def _check_reopenable(org_id: int, year):
    if not isinstance(year, int):
        raise Invalid("Give a year, like 2025.", field="year")
    entry = closing_of(org_id, year)
    if entry is None:
        raise Conflict("The year %(year)s is not closed.", field="year", values={"year": year})
    return entry


def _check_two_people(requested_by: int | None, approved_by: int | None) -> None:
    if requested_by is None or approved_by is None or requested_by == approved_by:
        raise NotSecondPerson("Another staff member carries out what you asked for.")


# ---------------------------------------------------------------- asking (maker) and the approvals' hooks


def check_close(org_id: int, payload: dict, _key: str | None = None) -> None:
    """Refused before anything waits for the second person."""
    _check_closable(org_id, payload["year"])


def check_reopen(org_id: int, payload: dict, _key: str | None = None) -> None:
    if not (payload.get("reason") or "").strip():
        raise Invalid("Give the reason for reopening.", field="reason")
    _check_reopenable(org_id, payload["year"])


def ask_to_close(org_id: int, year: int, *, actor_id: int) -> Approval:
    """Ask for the year's closing; another staff member approves it (coop.approvals runs `close_year`)."""
    return approvals.run_or_hold(org_id, KIND_CLOSE, {"year": year}, maker_id=actor_id, subject=f"year:{year}").held


def ask_to_reopen(org_id: int, year: int, *, reason: str, actor_id: int) -> Approval:
    return approvals.run_or_hold(org_id, KIND_REOPEN, {"year": year, "reason": (reason or "").strip()},
                                 maker_id=actor_id, subject=f"year:{year}").held


def pending_requests(org_id: int) -> list[Approval]:
    return [row for row in approvals.approvals(org_id) if row.kind in KINDS]


def execute_close(run: Execution):
    return close_year(run.org_id, run.payload["year"], requested_by=run.maker_id, approved_by=run.actor_id)


def execute_reopen(run: Execution):
    return reopen_year(run.org_id, run.payload["year"], reason=run.payload["reason"], requested_by=run.maker_id,
                       approved_by=run.actor_id)


# ---------------------------------------------------------------- the acts (the executors)


def close_year(org_id: int, year: int, *, requested_by: int | None,
               approved_by: int | None) -> ledger.PostedEntry:
    _check_two_people(requested_by, approved_by)
    lines = _check_closable(org_id, year)
    entry = ledger.post(Entry(org_id, date(year, 12, 31), f"Closing of {year} into net assets by class",
                              lines, source=SOURCE, source_id=str(year)), approved_by)
    for month in range(1, 13):
        if not ledger.is_closed(org_id, date(year, month, 1)):
            ledger.close_period(org_id, year, month, approved_by, with_year=True)
    audit.record("grants.year.close", org_id=org_id, user_id=approved_by, target_type="year", target_id=year,
                 details={"entry_id": entry.id, "requested_by": requested_by})
    return entry


def reopen_year(org_id: int, year: int, *, reason: str, requested_by: int | None,
                approved_by: int | None) -> ledger.PostedEntry:
    _check_two_people(requested_by, approved_by)
    if not (reason or "").strip():
        raise Invalid("Give the reason for reopening.", field="reason")
    entry = _check_reopenable(org_id, year)
    for month in range(1, 13):
        if ledger.is_closed(org_id, date(year, month, 1)):
            ledger.reopen_period(org_id, year, month, approved_by, reason, with_year=True)
    reversal = ledger.reverse(org_id, entry.id, on=entry.entry_date, reason=f"Reopening of {year}: {reason.strip()}",
                              actor_id=approved_by)
    audit.record("grants.year.reopen", org_id=org_id, user_id=approved_by, target_type="year", target_id=year,
                 details={"entry_id": reversal.id, "reason": reason.strip(), "requested_by": requested_by})
    return reversal
