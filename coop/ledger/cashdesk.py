"""Two checks the posting path makes on cash: no payment below zero, and the teller session it belongs to.

Every domain posts through `services.post`, so a release, a payout or a refund from a cash account
flagged `no_overdraft` is refused here, in one place, when it would take the account below zero;
and an entry that moves the cash of the acting user's open teller session (coop.cash) is tagged to
that session, so the session's expected closing count is read from the journal.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, func, select

from ..extensions import db
from .errors import Overdraft, UnknownEntry
from .models import AccountBalance, JournalEntry, JournalLine
from ..errors import Pesos

# Who holds which cash drawer right now: coop.cash's table, read here by name (the ledger imports no domain), in a
# metadata of its own so it never clashes with the cash package's model of the same table.
_SESSIONS = Table("teller_session", MetaData(), Column("id", Integer), Column("org_id", Integer),
                  Column("user_id", Integer), Column("account_id", Integer), Column("status", String))
_OPEN_SESSION = select(_SESSIONS.c.id, _SESSIONS.c.account_id).where(
    _SESSIONS.c.org_id == bindparam("org_id"), _SESSIONS.c.user_id == bindparam("user_id"),
    _SESSIONS.c.status == "open").limit(1)
_NOT_READ = object()


def check_overdrafts(org_id: int, entries, found: dict) -> None:
    """Refuse the batch when it takes a no-overdraft account below zero (the balance row is locked first)."""
    net: dict[int, int] = defaultdict(int)
    accounts = {}
    for entry in entries:
        for line in entry.lines:
            account = found[line.account]
            if account.no_overdraft:
                net[account.id] += line.debit - line.credit
                accounts[account.id] = account
    paid_out = sorted(account_id for account_id, change in net.items() if change < 0)
    if not paid_out:
        return
    # FOR UPDATE: two tellers paying out of the same cash at once are checked one after the other
    rows = {row.account_id: row.debit_total - row.credit_total for row in db.session.execute(
        select(AccountBalance.account_id, AccountBalance.debit_total, AccountBalance.credit_total)
        .where(AccountBalance.account_id.in_(paid_out)).order_by(AccountBalance.account_id).with_for_update())}
    for account_id in paid_out:
        held = rows.get(account_id, 0)
        if held + net[account_id] < 0:
            account = accounts[account_id]
            raise Overdraft("%(code)s %(name)s holds %(held)s: paying out %(value)s would take it below zero.", field="cash_account",
                            account=account.key or account.id, held_centavos=held,
                            values={"code": account.code, "name": account.name, "held": Pesos(held), "value": Pesos(-net[account_id])})


def open_session(org_id: int, actor_id: int | None) -> tuple[int, int] | None:
    """The actor's open teller session (id, cash account id), or None."""
    if actor_id is None:
        return None
    row = db.session.connection().execute(_OPEN_SESSION, {"org_id": org_id, "user_id": actor_id}).first()
    return None if row is None else (row.id, row.account_id)


def teller_session_of(org_id: int, actor_id: int | None, entry, found: dict, session=_NOT_READ) -> int | None:
    """The session an entry is tagged to: the one it names, else the actor's open session if it moves its cash
    (`session`: that open session as `open_session` gives it, when already read)."""
    if entry.teller_session_id is not None or actor_id is None:
        return entry.teller_session_id
    if session is _NOT_READ:
        session = open_session(org_id, actor_id)
    if session is not None and any(found[line.account].id == session[1] for line in entry.lines):
        return session[0]
    return None


# ---------------------------------------------------------------- reading what a session or a bank account moved


def session_movement(org_id: int, account_id: int, teller_session_id: int) -> int:
    """What the entries tagged to a teller session moved on its cash account (debits less credits)."""
    debit, credit = db.session.execute(
        select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.org_id == org_id, JournalEntry.teller_session_id == teller_session_id,
               JournalLine.account_id == account_id)).one()
    return int(debit) - int(credit)


_BOOK_LINE = select(JournalLine.id.label("line_id"), JournalEntry.id.label("entry_id"), JournalEntry.entry_date,
                    JournalEntry.memo, (JournalLine.debit - JournalLine.credit).label("amount")) \
    .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)


def book_lines(org_id: int, account_id: int, start=None, end=None) -> list:
    """The lines of one account (line_id, entry_id, entry_date, memo, amount: debit less credit), oldest first."""
    query = _BOOK_LINE.where(JournalLine.org_id == org_id, JournalLine.account_id == account_id)
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date <= end)
    return list(db.session.execute(query.order_by(JournalEntry.entry_date, JournalLine.id)))


def book_line(org_id: int, account_id: int, line_id: int):
    row = db.session.execute(_BOOK_LINE.where(JournalLine.org_id == org_id, JournalLine.account_id == account_id,
                                              JournalLine.id == line_id)).one_or_none()
    if row is None:
        raise UnknownEntry("No line %(line_id)s on this account.", field="journal_line_id",
                           values={"line_id": line_id})
    return row
