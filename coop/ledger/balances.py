"""Reading the ledger: balances from one row each, "as of" totals, activity for reports, and the drift check."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..kernel import run_core
from .chart import get_account
from .errors import UnknownAccount
from .models import Account, AccountBalance, AccountMonth, JournalEntry, JournalLine, PartyBalance
from .records import Balance

_ACCOUNT = Account.__table__

# ---------------------------------------------------------------- balances (one row each)


def _balance_statement(by_key: bool, with_party: bool):
    """One round trip: the account (so an unknown one is refused) and its totals row, if any."""
    totals = PartyBalance.__table__ if with_party else AccountBalance.__table__
    joined = totals.c.account_id == _ACCOUNT.c.id
    if with_party:
        joined &= totals.c.party_id == bindparam("party_id")
    return (select(_ACCOUNT.c.id, totals.c.debit_total, totals.c.credit_total)
            .select_from(_ACCOUNT.outerjoin(totals, joined))
            .where(_ACCOUNT.c.org_id == bindparam("org_id"),
                   (_ACCOUNT.c.key if by_key else _ACCOUNT.c.id) == bindparam("account")))


_BALANCE = {(by_key, with_party): _balance_statement(by_key, with_party)
            for by_key in (True, False) for with_party in (True, False)}


def _read_balance(org_id: int, account: str | int, party_id: int | None) -> Balance:
    row = db.session.execute(_BALANCE[(isinstance(account, str), party_id is not None)],
                             {"org_id": org_id, "account": account, "party_id": party_id}).first()
    if row is None:
        raise UnknownAccount("Unknown account %(account)s.", field="account", values={"account": account})
    return Balance(row.debit_total or 0, row.credit_total or 0)


def balance(org_id: int, account: str | int) -> Balance:
    return _read_balance(org_id, account, None)


_KEYED = (select(_ACCOUNT.c.key, AccountBalance.__table__.c.debit_total, AccountBalance.__table__.c.credit_total)
          .select_from(_ACCOUNT.outerjoin(AccountBalance.__table__,
                                          AccountBalance.__table__.c.account_id == _ACCOUNT.c.id))
          .where(_ACCOUNT.c.org_id == bindparam("org_id"), _ACCOUNT.c.key.is_not(None)))


def balances_by_key(org_id: int) -> dict[str, Balance]:
    """Every keyed account of the organization with its balance, in one round trip: what `coop ledger check`'s
    control checks read (an account missing from the chart is missing here)."""
    return {row.key: Balance(row.debit_total or 0, row.credit_total or 0)
            for row in db.session.execute(_KEYED, {"org_id": org_id})}


def locked_balance(org_id: int, account: str | int) -> Balance:
    """An account's balance under its row lock (PostgreSQL), for a verb that posts from what it reads
    (a write-off consuming the allowance): a second one waits and reads what the first left."""
    account_id = get_account(org_id, account).id
    row = db.session.execute(select(AccountBalance.debit_total, AccountBalance.credit_total)
                             .where(AccountBalance.account_id == account_id).with_for_update()).first()
    return Balance(0, 0) if row is None else Balance(row.debit_total, row.credit_total)


def balance_as_of(org_id: int, account: str | int, as_of: date) -> Balance:
    """An account's balance at the end of a date (the lines dated after it left out)."""
    account_id = get_account(org_id, account).id
    found = totals_before(org_id, date.fromordinal(as_of.toordinal() + 1), account_id).get(account_id)
    return found or Balance(0, 0)


def party_balance(org_id: int, account: str | int, party_id: int) -> Balance:
    return _read_balance(org_id, account, party_id)


_PARTY_BALANCES = (select(Account.key, Account.code, PartyBalance.debit_total, PartyBalance.credit_total)
                   .join(Account, Account.id == PartyBalance.account_id)
                   .where(PartyBalance.org_id == bindparam("org_id"), PartyBalance.party_id == bindparam("party_id")))


def party_balances(org_id: int, party_id: int) -> dict[str, Balance]:
    """Every account the party has moved on, by account key (or code when the account has no key)."""
    rows = run_core(_PARTY_BALANCES, {"org_id": org_id, "party_id": party_id})
    return {key or code: Balance(d, c) for key, code, d, c in rows}


def party_balances_by_account(org_id: int, party_id: int, account_type: str | None = None) -> dict[int, Balance]:
    """Every account the party has moved on (of one type, if given), by account id."""
    query = (select(PartyBalance.account_id, PartyBalance.debit_total, PartyBalance.credit_total)
             .join(Account, Account.id == PartyBalance.account_id)
             .where(PartyBalance.party_id == party_id, Account.org_id == org_id))
    if account_type is not None:
        query = query.where(Account.type == account_type)
    return {account_id: Balance(d, c) for account_id, d, c in db.session.execute(query)}


def parties_balances(org_id: int, account: str | int) -> dict[int, Balance]:
    """Every party's balance on one account (the sub-ledger list)."""
    account_id = get_account(org_id, account).id
    rows = db.session.execute(select(PartyBalance.party_id, PartyBalance.debit_total, PartyBalance.credit_total)
                              .where(PartyBalance.account_id == account_id))
    return {party_id: Balance(d, c) for party_id, d, c in rows}


# ---------------------------------------------------------------- checks and reports


def recompute_problems(org_id: int) -> list[str]:
    """Compare every stored balance with the sum of its lines; report drift and a non-zero trial balance."""
    problems = []
    sums = {a: (d, c) for a, d, c in db.session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .where(JournalLine.org_id == org_id).group_by(JournalLine.account_id))}
    stored = {a: (d, c) for a, d, c in db.session.execute(
        select(AccountBalance.account_id, AccountBalance.debit_total, AccountBalance.credit_total)
        .where(AccountBalance.org_id == org_id))}
    for account_id in sorted(set(sums) | set(stored)):
        expected, actual = sums.get(account_id, (0, 0)), stored.get(account_id, (0, 0))
        if tuple(map(int, expected)) != tuple(actual):
            problems.append(f"account {account_id}: stored {actual}, lines say {tuple(map(int, expected))}")
    party_sums = {(a, p): (d, c) for a, p, d, c in db.session.execute(
        select(JournalLine.account_id, JournalLine.party_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .where(JournalLine.org_id == org_id, JournalLine.party_id.is_not(None))
        .group_by(JournalLine.account_id, JournalLine.party_id))}
    party_stored = {(a, p): (d, c) for a, p, d, c in db.session.execute(
        select(PartyBalance.account_id, PartyBalance.party_id, PartyBalance.debit_total, PartyBalance.credit_total)
        .where(PartyBalance.org_id == org_id))}
    for key in sorted(set(party_sums) | set(party_stored)):
        expected, actual = party_sums.get(key, (0, 0)), party_stored.get(key, (0, 0))
        if tuple(map(int, expected)) != tuple(actual):
            problems.append(f"account {key[0]} party {key[1]}: stored {actual}, lines say {tuple(map(int, expected))}")
    first_of_month = (func.date_trunc("month", JournalEntry.entry_date).cast(db.Date)
                      if db.session.get_bind().dialect.name == "postgresql"
                      else func.date(JournalEntry.entry_date, "start of month"))
    month_sums = {(a, _as_date(m)): (d, c) for a, m, d, c in db.session.execute(
        select(JournalLine.account_id, first_of_month, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.org_id == org_id).group_by(JournalLine.account_id, first_of_month))}
    month_stored = {(a, m): (d, c) for a, m, d, c in db.session.execute(
        select(AccountMonth.account_id, AccountMonth.month, AccountMonth.debit_total, AccountMonth.credit_total)
        .where(AccountMonth.org_id == org_id))}
    for key in sorted(set(month_sums) | set(month_stored)):
        expected, actual = month_sums.get(key, (0, 0)), month_stored.get(key, (0, 0))
        if tuple(map(int, expected)) != tuple(actual):
            problems.append(f"account {key[0]} month {key[1]:%Y-%m}: stored {actual}, lines say "
                            f"{tuple(map(int, expected))}")
    total_debit = sum(d for d, _ in stored.values())
    total_credit = sum(c for _, c in stored.values())
    if total_debit != total_credit:
        problems.append(f"trial balance does not net to zero: debits {total_debit}, credits {total_credit}")
    return problems


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def balances_as_of(org_id: int, as_of: date | None = None) -> dict[int, Balance]:
    """Balance of every account at the end of a date (None: now, from the running totals)."""
    if as_of is None:
        return {a: Balance(d, c) for a, d, c in db.session.execute(
            select(AccountBalance.account_id, AccountBalance.debit_total, AccountBalance.credit_total)
            .where(AccountBalance.org_id == org_id))}
    return totals_before(org_id, date.fromordinal(as_of.toordinal() + 1))


def totals_before(org_id: int, day: date, account_id: int | None = None) -> dict[int, Balance]:
    """Debit and credit totals of every account (or one) over the lines dated before `day`.

    Whole months come from the monthly totals; only the lines of `day`'s own month are read.
    """
    month = day.replace(day=1)
    months = select(AccountMonth.account_id, func.sum(AccountMonth.debit_total), func.sum(AccountMonth.credit_total)) \
        .where(AccountMonth.org_id == org_id, AccountMonth.month < month).group_by(AccountMonth.account_id)
    lines = select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit)) \
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id) \
        .where(JournalEntry.org_id == org_id, JournalEntry.entry_date >= month, JournalEntry.entry_date < day) \
        .group_by(JournalLine.account_id)
    if account_id is not None:
        months = months.where(AccountMonth.account_id == account_id)
        lines = lines.where(JournalLine.account_id == account_id)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for query in (months, lines):
        for account, debit, credit in db.session.execute(query):
            totals[account][0] += int(debit)
            totals[account][1] += int(credit)
    return {a: Balance(d, c) for a, (d, c) in totals.items()}


def account_activity(org_id: int, account_id: int, start: date, end: date, party_id: int | None = None):
    """Opening balance before `start` and the lines from start to end (inclusive), oldest first."""
    filters = [JournalLine.org_id == org_id, JournalLine.account_id == account_id]
    if party_id is None:
        opening = totals_before(org_id, start, account_id).get(account_id, Balance())
    else:
        filters.append(JournalLine.party_id == party_id)
        debit, credit = db.session.execute(
            select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(*filters, JournalEntry.entry_date < start)).one()
        opening = Balance(int(debit), int(credit))
    lines = db.session.execute(
        select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo, JournalLine.debit, JournalLine.credit,
               JournalLine.party_id, JournalLine.memo)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*filters, JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id)).all()
    return opening, lines


def party_activity(org_id: int, party_id: int, start: date, end: date):
    """A party's lines on every account from start to end, with the opening balance per account."""
    opening = {a: Balance(int(d), int(c)) for a, d, c in db.session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.org_id == org_id, JournalLine.party_id == party_id, JournalEntry.entry_date < start)
        .group_by(JournalLine.account_id))}
    lines = db.session.execute(
        select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo, JournalLine.account_id,
               JournalLine.debit, JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.org_id == org_id, JournalLine.party_id == party_id,
               JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id)).all()
    return opening, lines


def party_lines(org_id: int, party_id: int, start: date, end: date):
    """A party's lines with where they came from (source, source_id), for statements told in plain words.

    Returns (opening, rows): opening is [(account_id, source, source_id, debit, credit)] summed before start;
    rows are (entry_id, entry_date, memo, source, source_id, account_id, debit, credit) from start to end.
    """
    base = (JournalLine.org_id == org_id, JournalLine.party_id == party_id)
    opening = [tuple(row) for row in db.session.execute(
        select(JournalLine.account_id, JournalEntry.source, JournalEntry.source_id,
               func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*base, JournalEntry.entry_date < start)
        .group_by(JournalLine.account_id, JournalEntry.source, JournalEntry.source_id))]
    rows = db.session.execute(
        select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo, JournalEntry.source,
               JournalEntry.source_id, JournalLine.account_id, JournalLine.debit, JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*base, JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id)).all()
    return opening, [tuple(row) for row in rows]


def entry_dates(org_id: int, entry_ids) -> dict[int, date]:
    """The effective date of each of these entries (a domain placing its own records on a statement)."""
    ids = sorted({int(i) for i in entry_ids if i is not None})
    if not ids:
        return {}
    return {entry_id: on for entry_id, on in db.session.execute(
        select(JournalEntry.id, JournalEntry.entry_date).where(JournalEntry.org_id == org_id, JournalEntry.id.in_(ids)))}


def first_entry_date(org_id: int) -> date | None:
    """The date of the organization's earliest entry (None before the first)."""
    return db.session.scalar(select(func.min(JournalEntry.entry_date)).where(JournalEntry.org_id == org_id))


def parties_movements(org_id: int, account: str | int, start: date, end: date):
    """Every party's balance on one account before `start`, and its lines from start to end (inclusive):
    (opening {party_id: Balance}, [(entry_date, party_id, debit, credit)] oldest first). For figures over
    a period per party (average share capital for the year end), read once per period, not per page."""
    account_id = get_account(org_id, account).id
    base = (JournalLine.org_id == org_id, JournalLine.account_id == account_id, JournalLine.party_id.is_not(None))
    opening = {party: Balance(int(d), int(c)) for party, d, c in db.session.execute(
        select(JournalLine.party_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*base, JournalEntry.entry_date < start).group_by(JournalLine.party_id))}
    lines = [tuple(row) for row in db.session.execute(
        select(JournalEntry.entry_date, JournalLine.party_id, JournalLine.debit, JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*base, JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id))]
    return opening, lines


def source_totals(org_id: int, sources: tuple[str, ...], start: date, end: date) -> dict[int, Balance]:
    """Debit and credit totals per account of the entries from some sources dated start to end (inclusive).

    Reads only those entries' lines (by the source index): the year-end closings a statement of the
    year's operations leaves out, whatever their month's totals hold.
    """
    rows = db.session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.org_id == org_id, JournalEntry.source.in_(sources),
               JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .group_by(JournalLine.account_id))
    return {account: Balance(int(debit), int(credit)) for account, debit, credit in rows}


def party_totals_as_of(org_id: int, account_ids: tuple[int, ...], as_of: date) -> dict[tuple[int, int], Balance]:
    """Every party's totals on some accounts at the end of a date: the kept party rows less the lines dated after."""
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for account, party, debit, credit in db.session.execute(
            select(PartyBalance.account_id, PartyBalance.party_id, PartyBalance.debit_total, PartyBalance.credit_total)
            .where(PartyBalance.org_id == org_id, PartyBalance.account_id.in_(account_ids))):
        totals[(account, party)][0] += int(debit)
        totals[(account, party)][1] += int(credit)
    for account, party, debit, credit in db.session.execute(
            select(JournalLine.account_id, JournalLine.party_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.org_id == org_id, JournalLine.account_id.in_(account_ids),
                   JournalLine.party_id.is_not(None), JournalEntry.entry_date > as_of)
            .group_by(JournalLine.account_id, JournalLine.party_id)):
        totals[(account, party)][0] -= int(debit)
        totals[(account, party)][1] -= int(credit)
    return {key: Balance(d, c) for key, (d, c) in totals.items()}
