"""The ledger's verbs. One function posts; balances are read from one row each."""
from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import date
from importlib import resources

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit import services as audit
from ..extensions import db
from ..timeutil import utcnow
from .checks import structural_problems
from .errors import (
    AlreadyReversed,
    ClosedPeriodError,
    IdempotencyMismatch,
    RefusedEntry,
    UnbalancedEntry,
    UnknownAccount,
)
from .models import (
    ACCOUNT_TYPES,
    Account,
    AccountBalance,
    ClosedPeriod,
    JournalEntry,
    JournalLine,
    Party,
    PartyBalance,
)
from .records import Balance, Entry, Line, PostedEntry, PostedLine

# ---------------------------------------------------------------- chart of accounts


def chart_rows(kind: str) -> list[dict]:
    text = resources.files("coop.ledger").joinpath("charts", f"{'cooperative' if kind == 'cooperative' else 'ngo'}.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_chart(org_id: int, kind: str) -> None:
    """Give a new organization the standard chart for its kind (codes editable afterwards)."""
    by_code: dict[str, Account] = {}
    for row in chart_rows(kind):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        account = Account(
            org_id=org_id,
            key=row["key"] or None,
            code=row["code"],
            name=row["name"],
            name_fil=row.get("name_fil") or None,
            type=row["type"],
            parent_id=parent.id if parent else None,
            is_group=row["is_group"] == "1",
            contra=row["contra"] == "1",
        )
        db.session.add(account)
        db.session.flush()
        by_code[account.code] = account


def list_accounts(org_id: int, include_inactive: bool = True) -> list[Account]:
    query = select(Account).where(Account.org_id == org_id).order_by(Account.code)
    if not include_inactive:
        query = query.where(Account.active.is_(True))
    return list(db.session.scalars(query))


def get_account(org_id: int, account: str | int) -> Account:
    column = Account.id if isinstance(account, int) else Account.key
    found = db.session.scalar(select(Account).where(Account.org_id == org_id, column == account))
    if found is None:
        raise UnknownAccount(f"Unknown account {account}.", field="account")
    return found


def get_account_by_code(org_id: int, code: str) -> Account:
    found = db.session.scalar(select(Account).where(Account.org_id == org_id, Account.code == code))
    if found is None:
        raise UnknownAccount(f"Unknown account code {code}.", field="account")
    return found


def add_account(org_id: int, *, code: str, name: str, type: str, parent_id: int | None = None,
                key: str | None = None, is_group: bool = False, contra: bool = False,
                name_fil: str | None = None) -> Account:
    if type not in ACCOUNT_TYPES:
        raise RefusedEntry(f"An account type is one of {', '.join(ACCOUNT_TYPES)}.", field="type")
    if db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.code == code)):
        raise RefusedEntry(f"Account code {code} is already used.", field="code")
    if key and db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.key == key)):
        raise RefusedEntry(f"Account key {key} is already used.", field="key")
    if parent_id is not None:
        parent = get_account(org_id, parent_id)
        if parent.type != type:
            raise RefusedEntry("An account has the type of its parent.", field="parent_id")
    account = Account(org_id=org_id, code=code, name=name, type=type, parent_id=parent_id, key=key,
                      is_group=is_group, contra=contra, name_fil=name_fil)
    db.session.add(account)
    db.session.flush()
    return account


def update_account(org_id: int, account_id: int, *, code: str | None = None, name: str | None = None,
                   active: bool | None = None) -> Account:
    account = get_account(org_id, account_id)
    if code is not None and code != account.code:
        if db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.code == code)):
            raise RefusedEntry(f"Account code {code} is already used.", field="code")
        account.code = code
    if name is not None:
        account.name = name
    if active is not None:
        account.active = active
    db.session.flush()
    return account


def has_postings(account_id: int) -> bool:
    return db.session.scalar(select(JournalLine.id).where(JournalLine.account_id == account_id).limit(1)) is not None


def delete_account(org_id: int, account_id: int) -> None:
    account = get_account(org_id, account_id)
    if has_postings(account.id):
        raise RefusedEntry("An account with postings is never deleted; deactivate it instead.")
    if db.session.scalar(select(Account.id).where(Account.parent_id == account.id).limit(1)):
        raise RefusedEntry("This account has sub-accounts; move or delete them first.")
    db.session.execute(AccountBalance.__table__.delete().where(AccountBalance.account_id == account.id))
    db.session.delete(account)
    db.session.flush()


# ---------------------------------------------------------------- parties


def ensure_party(org_id: int, kind: str, ref_id: int, label: str) -> int:
    """The party id of a domain record, created on first use."""
    party_id = db.session.scalar(
        select(Party.id).where(Party.org_id == org_id, Party.kind == kind, Party.ref_id == ref_id))
    if party_id is None:
        party = Party(org_id=org_id, kind=kind, ref_id=ref_id, label=label)
        db.session.add(party)
        db.session.flush()
        party_id = party.id
    return party_id


def get_party(org_id: int, party_id: int) -> Party:
    party = db.session.get(Party, party_id)
    if party is None or party.org_id != org_id:
        raise UnknownAccount("Unknown party.", field="party_id")
    return party


# ---------------------------------------------------------------- posting


def _request_hash(entry: Entry) -> str:
    body = {
        "date": entry.entry_date.isoformat(), "memo": entry.memo, "source": entry.source,
        "source_id": entry.source_id,
        "lines": [[str(line.account), line.debit, line.credit, line.party_id, line.memo] for line in entry.lines],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def is_closed(org_id: int, on: date) -> bool:
    return db.session.scalar(
        select(ClosedPeriod.id).where(
            ClosedPeriod.org_id == org_id, ClosedPeriod.year == on.year, ClosedPeriod.month == on.month,
            ClosedPeriod.reopened_at.is_(None)).limit(1)) is not None


def _resolve_accounts(org_id: int, lines: tuple[Line, ...]) -> dict[str | int, Account]:
    keys = {line.account for line in lines if isinstance(line.account, str)}
    ids = {line.account for line in lines if isinstance(line.account, int)}
    found: dict[str | int, Account] = {}
    if keys:
        for account in db.session.scalars(select(Account).where(Account.org_id == org_id, Account.key.in_(keys))):
            found[account.key] = account
    if ids:
        for account in db.session.scalars(select(Account).where(Account.id.in_(ids))):
            found[account.id] = account
    for n, line in enumerate(lines, start=1):
        account = found.get(line.account)
        if account is None or account.org_id != org_id:
            raise UnknownAccount(f"Line {n}: unknown account {line.account}.", field=f"lines.{n}.account")
        if not account.active:
            raise RefusedEntry(f"Line {n}: account {account.code} {account.name} is inactive.", field=f"lines.{n}.account")
        if account.is_group:
            raise RefusedEntry(f"Line {n}: {account.code} {account.name} is a heading; post to one of its accounts.",
                               field=f"lines.{n}.account")
    return found


def _check_parties(org_id: int, lines: tuple[Line, ...]) -> None:
    party_ids = {line.party_id for line in lines if line.party_id is not None}
    if not party_ids:
        return
    known = set(db.session.scalars(select(Party.id).where(Party.org_id == org_id, Party.id.in_(party_ids))))
    if party_ids - known:
        raise RefusedEntry("A line names a party of no one in this organization.", field="lines.party_id")


def _insert_ignore(table, rows: list[dict], index_elements: list[str]):
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(make(table).on_conflict_do_nothing(index_elements=index_elements), rows)


def find_by_idempotency_key(org_id: int, key: str) -> PostedEntry | None:
    entry_id = db.session.scalar(
        select(JournalEntry.id).where(JournalEntry.org_id == org_id, JournalEntry.idempotency_key == key))
    return None if entry_id is None else get_entry(org_id, entry_id, replayed=True)


def post(entry: Entry, actor_id: int | None = None, *, reverses_id: int | None = None) -> PostedEntry:
    """Post one balanced entry and update the running balances in the same transaction.

    Everything is checked before anything is written. A retried post with the same idempotency
    key and the same content returns the first entry; with other content it is refused.
    """
    problems = structural_problems(entry)
    if problems:
        field, message = problems[0]
        error = UnbalancedEntry if "unbalanced" in message else RefusedEntry
        raise error(message, field=field)
    if entry.idempotency_key:
        request_hash = _request_hash(entry)
        previous = db.session.execute(
            select(JournalEntry.id, JournalEntry.request_hash).where(
                JournalEntry.org_id == entry.org_id, JournalEntry.idempotency_key == entry.idempotency_key)).first()
        if previous is not None:
            if previous.request_hash != request_hash:
                raise IdempotencyMismatch("This idempotency key was already used for a different entry.",
                                          field="idempotency_key")
            return get_entry(entry.org_id, previous.id, replayed=True)
    else:
        request_hash = None
    accounts = _resolve_accounts(entry.org_id, entry.lines)
    _check_parties(entry.org_id, entry.lines)
    if is_closed(entry.org_id, entry.entry_date):
        raise ClosedPeriodError(f"{entry.entry_date:%B %Y} is closed; date the entry in an open month.",
                                field="entry_date")

    entry_id = db.session.execute(
        insert(JournalEntry.__table__).values(
            org_id=entry.org_id, entry_date=entry.entry_date, memo=entry.memo.strip(), source=entry.source,
            source_id=entry.source_id, idempotency_key=entry.idempotency_key, request_hash=request_hash,
            reverses_id=reverses_id, posted_by=actor_id, posted_at=utcnow(),
        ).returning(JournalEntry.__table__.c.id)).scalar_one()
    line_rows = [
        {"org_id": entry.org_id, "entry_id": entry_id, "account_id": accounts[line.account].id,
         "party_id": line.party_id, "debit": line.debit, "credit": line.credit, "memo": line.memo}
        for line in entry.lines
    ]
    db.session.execute(insert(JournalLine.__table__), line_rows)
    _apply_to_balances(entry.org_id, line_rows)
    audit.record("ledger.reverse" if reverses_id else "ledger.post", org_id=entry.org_id, user_id=actor_id,
                 target_type="journal_entry", target_id=entry_id,
                 details={"source": entry.source, "source_id": entry.source_id} if entry.source else None)
    return get_entry(entry.org_id, entry_id)


def post_manual(org_id: int, data: dict, actor_id: int | None, idempotency_key: str | None = None) -> PostedEntry:
    """A journal entry typed in by an officer (data as EntryInSchema loads it)."""
    lines = tuple(Line(account=line["account_id"], debit=line["debit"], credit=line["credit"],
                       party_id=line.get("party_id"), memo=line.get("memo")) for line in data["lines"])
    return post(Entry(org_id=org_id, entry_date=data["entry_date"], memo=data["memo"], lines=lines,
                      source="manual", idempotency_key=idempotency_key), actor_id)


def _apply_to_balances(org_id: int, line_rows: list[dict]) -> None:
    """Add the lines to the balance rows, touching rows in one sorted order to avoid deadlocks."""
    by_account: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_party: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in line_rows:
        by_account[row["account_id"]][0] += row["debit"]
        by_account[row["account_id"]][1] += row["credit"]
        if row["party_id"] is not None:
            by_party[(row["account_id"], row["party_id"])][0] += row["debit"]
            by_party[(row["account_id"], row["party_id"])][1] += row["credit"]
    _insert_ignore(AccountBalance.__table__,
                   [{"account_id": a, "org_id": org_id, "debit_total": 0, "credit_total": 0} for a in sorted(by_account)],
                   ["account_id"])
    if by_party:
        _insert_ignore(PartyBalance.__table__,
                       [{"account_id": a, "party_id": p, "org_id": org_id, "debit_total": 0, "credit_total": 0}
                        for a, p in sorted(by_party)], ["account_id", "party_id"])
    table = AccountBalance.__table__
    for account_id in sorted(by_account):
        debit, credit = by_account[account_id]
        db.session.execute(update(table).where(table.c.account_id == account_id).values(
            debit_total=table.c.debit_total + debit, credit_total=table.c.credit_total + credit))
    ptable = PartyBalance.__table__
    for (account_id, party_id) in sorted(by_party):
        debit, credit = by_party[(account_id, party_id)]
        db.session.execute(update(ptable).where(ptable.c.account_id == account_id, ptable.c.party_id == party_id).values(
            debit_total=ptable.c.debit_total + debit, credit_total=ptable.c.credit_total + credit))


def reverse(org_id: int, entry_id: int, *, on: date, reason: str, actor_id: int | None = None,
            idempotency_key: str | None = None) -> PostedEntry:
    """Post the mirror image of an entry, linked to it. An entry is reversed at most once."""
    original = get_entry(org_id, entry_id)
    if not reason or not reason.strip():
        raise RefusedEntry("Give the reason for the reversal.", field="reason")
    if idempotency_key:
        replay = find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.reverses_id == entry_id:
            return replay
    if db.session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == entry_id)):
        raise AlreadyReversed(f"Entry {entry_id} is already reversed.")
    mirror = Entry(
        org_id=org_id, entry_date=on, memo=f"Reversal of entry {entry_id}: {reason.strip()}"[:300],
        lines=tuple(Line(account=line.account_id, debit=line.credit, credit=line.debit, party_id=line.party_id,
                         memo=line.memo) for line in original.lines),
        source=original.source, source_id=original.source_id, idempotency_key=idempotency_key)
    return post(mirror, actor_id, reverses_id=entry_id)


def reversal_of(org_id: int, entry_id: int) -> int | None:
    return db.session.scalar(select(JournalEntry.id).where(JournalEntry.org_id == org_id,
                                                           JournalEntry.reverses_id == entry_id))


def get_entry(org_id: int, entry_id: int, *, replayed: bool = False) -> PostedEntry:
    row = db.session.get(JournalEntry, entry_id)
    if row is None or row.org_id != org_id:
        raise UnknownAccount(f"No journal entry {entry_id}.")
    lines = db.session.execute(
        select(JournalLine, Account.code, Account.name).join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id).order_by(JournalLine.id)).all()
    return PostedEntry(
        id=row.id, org_id=row.org_id, entry_date=row.entry_date, memo=row.memo, source=row.source,
        source_id=row.source_id, reverses_id=row.reverses_id, replayed=replayed,
        lines=tuple(PostedLine(account_id=line.account_id, account_code=code, account_name=name,
                               party_id=line.party_id, debit=line.debit, credit=line.credit, memo=line.memo)
                    for line, code, name in lines))


def entries_for_source(org_id: int, source: str, source_id: str) -> list[PostedEntry]:
    ids = db.session.scalars(select(JournalEntry.id).where(
        JournalEntry.org_id == org_id, JournalEntry.source == source, JournalEntry.source_id == str(source_id))
        .order_by(JournalEntry.id))
    return [get_entry(org_id, entry_id) for entry_id in ids]


def recent_entries(org_id: int, limit: int = 50, before_id: int | None = None) -> list[JournalEntry]:
    query = select(JournalEntry).where(JournalEntry.org_id == org_id)
    if before_id:
        query = query.where(JournalEntry.id < before_id)
    return list(db.session.scalars(query.order_by(JournalEntry.id.desc()).limit(limit)))


# ---------------------------------------------------------------- balances (one row each)


def balance(org_id: int, account: str | int) -> Balance:
    account_id = get_account(org_id, account).id
    row = db.session.execute(select(AccountBalance.debit_total, AccountBalance.credit_total)
                             .where(AccountBalance.account_id == account_id)).first()
    return Balance(*row) if row else Balance()


def party_balance(org_id: int, account: str | int, party_id: int) -> Balance:
    account_id = get_account(org_id, account).id
    row = db.session.execute(select(PartyBalance.debit_total, PartyBalance.credit_total).where(
        PartyBalance.account_id == account_id, PartyBalance.party_id == party_id)).first()
    return Balance(*row) if row else Balance()


def party_balances(org_id: int, party_id: int) -> dict[str, Balance]:
    """Every account the party has moved on, by account key (or code when the account has no key)."""
    rows = db.session.execute(
        select(Account.key, Account.code, PartyBalance.debit_total, PartyBalance.credit_total)
        .join(Account, Account.id == PartyBalance.account_id)
        .where(PartyBalance.org_id == org_id, PartyBalance.party_id == party_id))
    return {key or code: Balance(d, c) for key, code, d, c in rows}


def parties_balances(org_id: int, account: str | int) -> dict[int, Balance]:
    """Every party's balance on one account (the sub-ledger list)."""
    account_id = get_account(org_id, account).id
    rows = db.session.execute(select(PartyBalance.party_id, PartyBalance.debit_total, PartyBalance.credit_total)
                              .where(PartyBalance.account_id == account_id))
    return {party_id: Balance(d, c) for party_id, d, c in rows}


# ---------------------------------------------------------------- periods


def close_period(org_id: int, year: int, month: int, actor_id: int | None) -> ClosedPeriod:
    if not 1 <= month <= 12:
        raise RefusedEntry("A month is 1 to 12.", field="month")
    if is_closed(org_id, date(year, month, 1)):
        raise RefusedEntry(f"{date(year, month, 1):%B %Y} is already closed.")
    period = ClosedPeriod(org_id=org_id, year=year, month=month, closed_by=actor_id, closed_at=utcnow())
    db.session.add(period)
    db.session.flush()
    audit.record("period.close", org_id=org_id, user_id=actor_id, target_type="period", target_id=f"{year}-{month:02d}")
    return period


def reopen_period(org_id: int, year: int, month: int, actor_id: int | None, reason: str) -> ClosedPeriod:
    if not reason or not reason.strip():
        raise RefusedEntry("Give the reason for reopening.", field="reason")
    period = db.session.scalar(select(ClosedPeriod).where(
        ClosedPeriod.org_id == org_id, ClosedPeriod.year == year, ClosedPeriod.month == month,
        ClosedPeriod.reopened_at.is_(None)))
    if period is None:
        raise RefusedEntry(f"{date(year, month, 1):%B %Y} is not closed.")
    period.reopened_by, period.reopened_at, period.reopen_reason = actor_id, utcnow(), reason.strip()
    db.session.flush()
    audit.record("period.reopen", org_id=org_id, user_id=actor_id, target_type="period",
                 target_id=f"{year}-{month:02d}", details={"reason": reason.strip()})
    return period


def closed_periods(org_id: int) -> list[ClosedPeriod]:
    return list(db.session.scalars(select(ClosedPeriod).where(ClosedPeriod.org_id == org_id)
                                   .order_by(ClosedPeriod.year.desc(), ClosedPeriod.month.desc(), ClosedPeriod.id.desc())))


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
    total_debit = sum(d for d, _ in stored.values())
    total_credit = sum(c for _, c in stored.values())
    if total_debit != total_credit:
        problems.append(f"trial balance does not net to zero: debits {total_debit}, credits {total_credit}")
    return problems


def balances_as_of(org_id: int, as_of: date | None = None) -> dict[int, Balance]:
    """Balance of every account as of the end of a date: the running totals less what came after."""
    current = {a: [d, c] for a, d, c in db.session.execute(
        select(AccountBalance.account_id, AccountBalance.debit_total, AccountBalance.credit_total)
        .where(AccountBalance.org_id == org_id))}
    if as_of is not None:
        later = db.session.execute(
            select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.org_id == org_id, JournalEntry.entry_date > as_of)
            .group_by(JournalLine.account_id))
        for account_id, debit, credit in later:
            current[account_id][0] -= int(debit)
            current[account_id][1] -= int(credit)
    return {a: Balance(d, c) for a, (d, c) in current.items()}


def account_activity(org_id: int, account_id: int, start: date, end: date, party_id: int | None = None):
    """Opening balance before `start` and the lines from start to end (inclusive), oldest first."""
    filters = [JournalLine.org_id == org_id, JournalLine.account_id == account_id]
    if party_id is not None:
        filters.append(JournalLine.party_id == party_id)
    opening = db.session.execute(
        select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*filters, JournalEntry.entry_date < start)).one()
    lines = db.session.execute(
        select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo, JournalLine.debit, JournalLine.credit,
               JournalLine.party_id, JournalLine.memo)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(*filters, JournalEntry.entry_date >= start, JournalEntry.entry_date <= end)
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id)).all()
    return Balance(int(opening[0]), int(opening[1])), lines


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
