"""The ledger's verbs. One function posts; balances are read from one row each."""
from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import date
from functools import lru_cache
from importlib import resources

from sqlalchemy import bindparam, func, insert, or_, select
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
    AccountMonth,
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


# The posting path's statements, built once: on a busy server building a statement costs as much as running it.
_ACCOUNT = Account.__table__
_ACCOUNTS_NAMED = select(_ACCOUNT.c.id, _ACCOUNT.c.org_id, _ACCOUNT.c.key, _ACCOUNT.c.code, _ACCOUNT.c.name,
                         _ACCOUNT.c.active, _ACCOUNT.c.is_group).where(
    _ACCOUNT.c.org_id == bindparam("org_id"),
    or_(_ACCOUNT.c.key.in_(bindparam("keys", expanding=True)), _ACCOUNT.c.id.in_(bindparam("ids", expanding=True))))
_KNOWN_PARTIES = select(Party.__table__.c.id).where(
    Party.__table__.c.org_id == bindparam("org_id"), Party.__table__.c.id.in_(bindparam("ids", expanding=True)))
_CLOSED_MONTHS = select(ClosedPeriod.__table__.c.year, ClosedPeriod.__table__.c.month).where(
    ClosedPeriod.__table__.c.org_id == bindparam("org_id"),
    ClosedPeriod.__table__.c.year.in_(bindparam("years", expanding=True)),
    ClosedPeriod.__table__.c.reopened_at.is_(None))
_INSERT_ENTRIES = insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id, sort_by_parameter_order=True)
_INSERT_LINES = insert(JournalLine.__table__)


def _load_accounts(org_id: int, lines: tuple[Line, ...]) -> dict:
    """The organization's accounts the lines name (rows with id, code, name, active...), by key or id as named."""
    keys = sorted({line.account for line in lines if isinstance(line.account, str)})
    ids = sorted({line.account for line in lines if isinstance(line.account, int)})
    found = {}
    for account in db.session.execute(_ACCOUNTS_NAMED, {"org_id": org_id, "keys": keys, "ids": ids}):
        if account.key in keys:
            found[account.key] = account
        if account.id in ids:
            found[account.id] = account
    return found


def _check_accounts(org_id: int, lines: tuple[Line, ...], found: dict, prefix: str) -> None:
    for n, line in enumerate(lines, start=1):
        account = found.get(line.account)
        if account is None or account.org_id != org_id:
            raise UnknownAccount(f"{prefix}Line {n}: unknown account {line.account}.", field=f"lines.{n}.account")
        if not account.active:
            raise RefusedEntry(f"{prefix}Line {n}: account {account.code} {account.name} is inactive.",
                               field=f"lines.{n}.account")
        if account.is_group:
            raise RefusedEntry(f"{prefix}Line {n}: {account.code} {account.name} is a heading; post to one of its "
                               "accounts.", field=f"lines.{n}.account")


def _check_parties(org_id: int, lines: tuple[Line, ...]) -> None:
    party_ids = {line.party_id for line in lines if line.party_id is not None}
    if not party_ids:
        return
    known = set(db.session.scalars(_KNOWN_PARTIES, {"org_id": org_id, "ids": sorted(party_ids)}))
    if party_ids - known:
        raise RefusedEntry("A line names a party of no one in this organization.", field="lines.party_id")


@lru_cache(maxsize=None)
def _add_to_totals_statement(dialect: str, table, conflict: tuple[str, ...]):
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return statement.on_conflict_do_update(index_elements=list(conflict), set_={
        "debit_total": table.c.debit_total + statement.excluded.debit_total,
        "credit_total": table.c.credit_total + statement.excluded.credit_total})


def _add_to_totals(table, conflict: tuple[str, ...], rows: list[dict]) -> None:
    """Insert each totals row, or add to it when it exists: one statement per row, in the rows' order."""
    # built once: constructing an upsert costs more than running it
    db.session.execute(_add_to_totals_statement(db.session.get_bind().dialect.name, table, conflict), rows)


def find_by_idempotency_key(org_id: int, key: str) -> PostedEntry | None:
    entry_id = db.session.scalar(
        select(JournalEntry.id).where(JournalEntry.org_id == org_id, JournalEntry.idempotency_key == key))
    return None if entry_id is None else get_entry(org_id, entry_id, replayed=True)


def post(entry: Entry, actor_id: int | None = None, *, reverses_id: int | None = None) -> PostedEntry:
    """Post one balanced entry and update the running balances in the same transaction.

    Everything is checked before anything is written. A retried post with the same idempotency
    key and the same content returns the first entry; with other content it is refused.
    """
    return _post_all(entry.org_id, [(entry, reverses_id)], actor_id, numbered=False)[0]


def post_many(entries: list[Entry] | tuple[Entry, ...], actor_id: int | None = None) -> list[PostedEntry]:
    """Post many entries of one organization at once (imports, opening balances, batch jobs).

    The same checks as `post`, all made before anything is written: one refused entry refuses the
    batch. Each balance row is updated once per call with the batch's total, so a thousand
    entries cost a handful of statements more than their inserts.
    """
    if not entries:
        return []
    org_id = entries[0].org_id
    if any(entry.org_id != org_id for entry in entries):
        raise RefusedEntry("A batch of entries belongs to one organization.")
    return _post_all(org_id, [(entry, None) for entry in entries], actor_id, numbered=True)


def _post_all(org_id: int, batch: list[tuple[Entry, int | None]], actor_id: int | None, *,
              numbered: bool) -> list[PostedEntry]:
    def prefix(n: int) -> str:
        return f"Entry {n}: " if numbered else ""

    for n, (entry, _) in enumerate(batch, start=1):
        problems = structural_problems(entry)
        if problems:
            field, message = problems[0]
            error = UnbalancedEntry if "unbalanced" in message else RefusedEntry
            raise error(prefix(n) + message, field=field)
    hashes = [_request_hash(entry) if entry.idempotency_key else None for entry, _ in batch]
    replays = _replays(org_id, batch, hashes, prefix)
    fresh = [n for n in range(len(batch)) if n not in replays]

    all_lines = tuple(line for n in fresh for line in batch[n][0].lines)
    found = _load_accounts(org_id, all_lines)
    for n in fresh:
        _check_accounts(org_id, batch[n][0].lines, found, prefix(n + 1))
    _check_parties(org_id, all_lines)
    closed = _closed_months(org_id, {(batch[n][0].entry_date.year, batch[n][0].entry_date.month) for n in fresh})
    for n in fresh:
        entry = batch[n][0]
        if (entry.entry_date.year, entry.entry_date.month) in closed:
            raise ClosedPeriodError(f"{prefix(n + 1)}{entry.entry_date:%B %Y} is closed; date the entry in an open "
                                    "month.", field="entry_date")

    posted_at = utcnow()
    heads = [{"org_id": org_id, "entry_date": batch[n][0].entry_date, "memo": batch[n][0].memo.strip(),
              "source": batch[n][0].source, "source_id": batch[n][0].source_id,
              "idempotency_key": batch[n][0].idempotency_key, "request_hash": hashes[n],
              "reverses_id": batch[n][1], "posted_by": actor_id, "posted_at": posted_at} for n in fresh]
    ids: list[int] = []
    if heads:
        ids = list(db.session.execute(_INSERT_ENTRIES, heads).scalars())
    line_rows = [
        {"org_id": org_id, "entry_id": entry_id, "account_id": found[line.account].id, "party_id": line.party_id,
         "debit": line.debit, "credit": line.credit, "memo": line.memo}
        for n, entry_id in zip(fresh, ids) for line in batch[n][0].lines
    ]
    if line_rows:
        db.session.execute(_INSERT_LINES, line_rows)
        _apply_to_balances(org_id, line_rows, {entry_id: batch[n][0].entry_date for n, entry_id in zip(fresh, ids)})
        audit.record_many([
            {"action": "ledger.reverse" if batch[n][1] else "ledger.post", "org_id": org_id, "user_id": actor_id,
             "target_type": "journal_entry", "target_id": entry_id,
             "details": {"source": batch[n][0].source, "source_id": batch[n][0].source_id}
             if batch[n][0].source else None}
            for n, entry_id in zip(fresh, ids)])

    written = dict(zip(fresh, ids))
    results = []
    for n, (entry, reverses_id) in enumerate(batch):
        if n in replays:
            results.append(replays[n])
            continue
        results.append(PostedEntry(
            id=written[n], org_id=org_id, entry_date=entry.entry_date, memo=entry.memo.strip(), source=entry.source,
            source_id=entry.source_id, reverses_id=reverses_id,
            lines=tuple(PostedLine(account_id=found[line.account].id, account_code=found[line.account].code,
                                   account_name=found[line.account].name, party_id=line.party_id, debit=line.debit,
                                   credit=line.credit, memo=line.memo) for line in entry.lines)))
    return results


def _replays(org_id: int, batch, hashes, prefix) -> dict[int, PostedEntry]:
    """Entries of the batch already posted under their idempotency key (by position); other content is refused."""
    keys = [entry.idempotency_key for entry, _ in batch if entry.idempotency_key]
    if not keys:
        return {}
    if len(set(keys)) != len(keys):
        raise RefusedEntry("Two entries of the batch share an idempotency key.", field="idempotency_key")
    previous = {key: (entry_id, request_hash) for entry_id, key, request_hash in db.session.execute(
        select(JournalEntry.id, JournalEntry.idempotency_key, JournalEntry.request_hash).where(
            JournalEntry.org_id == org_id, JournalEntry.idempotency_key.in_(keys)))}
    replays = {}
    for n, (entry, _) in enumerate(batch):
        if entry.idempotency_key in previous:
            entry_id, request_hash = previous[entry.idempotency_key]
            if request_hash != hashes[n]:
                raise IdempotencyMismatch(prefix(n + 1) + "This idempotency key was already used for a different "
                                          "entry.", field="idempotency_key")
            replays[n] = get_entry(org_id, entry_id, replayed=True)
    return replays


def _closed_months(org_id: int, months: set[tuple[int, int]]) -> set[tuple[int, int]]:
    if not months:
        return set()
    rows = db.session.execute(_CLOSED_MONTHS, {"org_id": org_id, "years": sorted({year for year, _ in months})})
    return {(year, month) for year, month in rows} & months


def post_manual(org_id: int, data: dict, actor_id: int | None, idempotency_key: str | None = None) -> PostedEntry:
    """A journal entry typed in by an officer (data as EntryInSchema loads it)."""
    lines = tuple(Line(account=line["account_id"], debit=line["debit"], credit=line["credit"],
                       party_id=line.get("party_id"), memo=line.get("memo")) for line in data["lines"])
    return post(Entry(org_id=org_id, entry_date=data["entry_date"], memo=data["memo"], lines=lines,
                      source="manual", idempotency_key=idempotency_key), actor_id)


def _apply_to_balances(org_id: int, line_rows: list[dict], dates: dict[int, date]) -> None:
    """Add the lines to the totals rows: one upsert per account, (account, party) and (account, month) touched."""
    by_account: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_party: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for row in line_rows:
        keys = [(by_account, row["account_id"]),
                (by_month, (row["account_id"], dates[row["entry_id"]].replace(day=1)))]
        if row["party_id"] is not None:
            keys.append((by_party, (row["account_id"], row["party_id"])))
        for totals, key in keys:
            totals[key][0] += row["debit"]
            totals[key][1] += row["credit"]
    # Sorted, so concurrent posts lock the rows in the same order and never deadlock.
    _add_to_totals(AccountBalance.__table__, ("account_id",),
                   [{"account_id": a, "org_id": org_id, "debit_total": d, "credit_total": c}
                    for a, (d, c) in sorted(by_account.items())])
    if by_party:
        _add_to_totals(PartyBalance.__table__, ("account_id", "party_id"),
                       [{"account_id": a, "party_id": p, "org_id": org_id, "debit_total": d, "credit_total": c}
                        for (a, p), (d, c) in sorted(by_party.items())])
    _add_to_totals(AccountMonth.__table__, ("account_id", "month"),
                   [{"account_id": a, "month": m, "org_id": org_id, "debit_total": d, "credit_total": c}
                    for (a, m), (d, c) in sorted(by_month.items())])


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
        raise UnknownAccount(f"Unknown account {account}.", field="account")
    return Balance(row.debit_total or 0, row.credit_total or 0)


def balance(org_id: int, account: str | int) -> Balance:
    return _read_balance(org_id, account, None)


def party_balance(org_id: int, account: str | int, party_id: int) -> Balance:
    return _read_balance(org_id, account, party_id)


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
