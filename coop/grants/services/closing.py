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

from ...errors import Invalid, Words
from ...ledger import services as ledger
from ...ledger.records import Line
from ...manifest import Execution
from ...timeutil import today
from ...yearclosing import NotSecondPerson, YearClosing
from .base import RESTRICTED_REVENUE, UNRESTRICTED_KEY
from .funds import list_funds

SOURCE = "grants.closing"
KIND_CLOSE, KIND_REOPEN = "grants.close_year", "grants.reopen_year"
KINDS = (KIND_CLOSE, KIND_REOPEN)
__all__ = ["NotSecondPerson"]  # the two-person rule's one refusal, re-exported for the NGO's callers


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


def closed_years(org_id: int, back: int = 10) -> list[tuple[int, object]]:
    """(year, its closing entry or None) for the years that are over since the first posting (the last `back`
    at most), newest first."""
    first = ledger.first_entry_date(org_id)
    last = today().year - 1
    if first is None:
        return []
    return [(year, closing_of(org_id, year)) for year in range(last, max(first.year, last - back + 1) - 1, -1)]


def _standing(org_id: int, year: int) -> tuple[bool, int | None]:
    entry = closing_of(org_id, year)
    return entry is not None, entry.id if entry is not None else None


def _check_closable(_org_id: int, year: int, lines) -> None:
    if not lines:
        raise Invalid("Nothing to close in %(year)s.", field="year", values={"year": year})


CLOSING = YearClosing(KIND_CLOSE, KIND_REOPEN, SOURCE, "grants.year", "Closing of {year} into net assets by class",
                      closing_lines, _standing, check_closable=_check_closable,
                      second_person=Words("Another staff member carries out what you asked for."))
check_close, check_reopen = CLOSING.check_close, CLOSING.check_reopen
ask_to_close, ask_to_reopen = CLOSING.ask_to_close, CLOSING.ask_to_reopen
closable_years, pending_requests = CLOSING.closable_years, CLOSING.pending_requests


def execute_close(run: Execution):
    return close_year(run.org_id, run.payload["year"], requested_by=run.maker_id, approved_by=run.actor_id)


def execute_reopen(run: Execution):
    return reopen_year(run.org_id, run.payload["year"], reason=run.payload["reason"], requested_by=run.maker_id,
                       approved_by=run.actor_id)


def close_year(org_id: int, year: int, *, requested_by: int | None,
               approved_by: int | None) -> ledger.PostedEntry:
    return CLOSING.close(org_id, year, requested_by=requested_by, approved_by=approved_by).entry


def reopen_year(org_id: int, year: int, *, reason: str, requested_by: int | None,
                approved_by: int | None) -> ledger.PostedEntry:
    return CLOSING.reopen(org_id, year, reason=reason, requested_by=requested_by, approved_by=approved_by)
