"""The NGO's year-end closing into net assets by class of restriction.

One entry dated December 31 (source `grants.closing`, the year as its id): each donor's contributions with
restrictions of the year go into her fund's account (the donor's party on both lines, so what her fund has
left reads the same before and after); every other income and expense account is emptied into Net Assets
without Donor Restrictions. Reopening is the entry's reversal (`reopen_year`), audited.
"""
from __future__ import annotations

from datetime import date

from ...audit import services as audit
from ...errors import Conflict, Invalid
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...timeutil import today
from .base import RESTRICTED_REVENUE, UNRESTRICTED_KEY
from .funds import list_funds

SOURCE = "grants.closing"


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


def close_year(org_id: int, year: int, *, actor_id: int | None) -> ledger.PostedEntry:
    if date(year, 12, 31) >= today():
        raise Invalid("The year %(year)s has not ended yet.", field="year", values={"year": year})
    if closing_of(org_id, year) is not None:
        raise Conflict("The year %(year)s is already closed.", values={"year": year})
    lines = closing_lines(org_id, year)
    if not lines:
        raise Invalid("Nothing to close in %(year)s.", field="year", values={"year": year})
    entry = ledger.post(Entry(org_id, date(year, 12, 31), f"Closing of {year} into net assets by class",
                              lines, source=SOURCE, source_id=str(year)), actor_id)
    audit.record("grants.year.close", org_id=org_id, user_id=actor_id, target_type="year", target_id=year,
                 details={"entry_id": entry.id})
    return entry


def reopen_year(org_id: int, year: int, *, reason: str, actor_id: int | None) -> ledger.PostedEntry:
    entry = closing_of(org_id, year)
    if entry is None:
        raise Conflict("The year %(year)s is not closed.", values={"year": year})
    reversal = ledger.reverse(org_id, entry.id, on=entry.entry_date, reason=reason, actor_id=actor_id)
    audit.record("grants.year.reopen", org_id=org_id, user_id=actor_id, target_type="year", target_id=year,
                 details={"entry_id": reversal.id, "reason": reason})
    return reversal
