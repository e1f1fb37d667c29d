"""The ledger's verbs. One function posts; balances are read from one row each.

This module posts, reverses and closes periods; the chart of accounts and the parties are in
`chart`, the reading of balances and activity in `balances`. Their public names are re-exported
here, so every domain calls `coop.ledger.services` alone.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, case, column, func, insert, literal, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from ..audit import services as audit
from ..errors import Month, Pesos, Sentence, Words
from ..extensions import db
from ..orgs.models import OrgSetting
from ..timeutil import today, utcnow
from .balances import (  # noqa: F401 (re-exported)
    account_activity,
    balance,
    balance_as_of,
    balances_as_of,
    balances_by_key,
    first_entry_date,
    locked_balance,
    parties_balances,
    parties_movements,
    party_activity,
    party_balance,
    party_balances,
    party_balances_by_account,
    party_lines,
    entry_dates,
    party_totals_as_of,
    recompute_problems,
    source_totals,
    totals_before,
)
from .chart import (  # noqa: F401 (re-exported)
    add_account,
    cash_account,
    cash_accounts,
    chart_rows,
    delete_account,
    ensure_party,
    get_account,
    get_account_by_code,
    get_party,
    has_postings,
    list_accounts,
    seed_chart,
    update_account,
)
from . import cashdesk
from .cashdesk import book_line, book_lines, session_movement  # noqa: F401 (re-exported)
from .checks import structural_problems
from .errors import (
    AlreadyReversed,
    ClosedPeriodError,
    ControlAccount,
    FutureDate,
    IdempotencyMismatch,
    OwnedEntry,
    RefusedEntry,
    UnknownAccount,
    UnbalancedEntry,
    UnknownEntry,
)
from .models import (  # noqa: F401 (ACCOUNT_TYPES re-exported)
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
from .records import Balance, Entry, Line, PostedEntry, PostedLine  # noqa: F401 (Balance re-exported)

# ---------------------------------------------------------------- posting

# The policy of how many days ahead of today (Manila) an entry may be dated; declared in the ledger's manifest.
FUTURE_DAYS = "ledger.future_days"
FUTURE_DAYS_DEFAULT = 0
# Entries no domain keeps records for: typed in by an officer, or the demo's opening balances.
MANUAL_SOURCES = (None, "manual", "demo")


def _request_hash(entry: Entry) -> str:
    body = {
        "date": entry.entry_date.isoformat(), "memo": entry.memo, "source": entry.source,
        "source_id": entry.source_id,
        "lines": [[str(line.account), line.debit, line.credit, line.party_id, line.memo] for line in entry.lines],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def future_days(org_id: int) -> int:
    value = db.session.scalar(select(OrgSetting.value).where(OrgSetting.org_id == org_id,
                                                               OrgSetting.key == FUTURE_DAYS))
    return FUTURE_DAYS_DEFAULT if value is None else max(0, int(value))


def latest_date(org_id: int) -> date:
    """The last day an entry of this organization may be dated today: today in Manila, plus the policy's days."""
    return today() + timedelta(days=future_days(org_id))


def check_date(org_id: int, on: date, *, field: str = "entry_date", what: str = Words("An entry")) -> None:
    """The effective-date rules every posting keeps, for a domain to check a document's date before it posts:
    not after today (plus the days `ledger.future_days` allows), and in an open month."""
    _check_not_future(org_id, [on], field, what)
    if is_closed(org_id, on):
        raise ClosedPeriodError("%(on)s is closed; date it in an open month.", field=field,
                                values={"on": Month.of(on)})


def _check_not_future(org_id: int, dates: list[date], field: str, what: str, prefix: str = "") -> None:
    if not dates or max(dates) <= today():
        return  # the common case costs no query
    latest = latest_date(org_id)
    for on in dates:
        if on > latest:
            values = {"prefix": prefix, "what": Words(what), "on": on, "latest": latest}
            if latest == today():
                raise FutureDate("%(prefix)s%(what)s cannot be dated %(on)s: the latest date allowed is today, "
                                 "%(latest)s.", field=field, values=values)
            raise FutureDate("%(prefix)s%(what)s cannot be dated %(on)s: the latest date allowed is %(latest)s (the "
                             "policy %(policy)s allows %(days)s days ahead).", field=field,
                             values={**values, "policy": FUTURE_DAYS, "days": (latest - today()).days})


def is_closed(org_id: int, on: date) -> bool:
    return db.session.scalar(
        select(ClosedPeriod.id).where(
            ClosedPeriod.org_id == org_id, ClosedPeriod.year == on.year, ClosedPeriod.month == on.month,
            ClosedPeriod.reopened_at.is_(None)).limit(1)) is not None


# The posting path's statements, built once: on a busy server building a statement costs as much as running it.
_ACCOUNT = Account.__table__
_ACCOUNTS_NAMED = select(_ACCOUNT.c.id, _ACCOUNT.c.org_id, _ACCOUNT.c.key, _ACCOUNT.c.code, _ACCOUNT.c.name,
                         _ACCOUNT.c.active, _ACCOUNT.c.is_group, _ACCOUNT.c.is_control,
                         _ACCOUNT.c.no_overdraft).where(
    _ACCOUNT.c.org_id == bindparam("org_id"),
    or_(_ACCOUNT.c.key.in_(bindparam("keys", expanding=True)), _ACCOUNT.c.id.in_(bindparam("ids", expanding=True))))
_KNOWN_PARTIES = select(Party.__table__.c.id).where(
    Party.__table__.c.org_id == bindparam("org_id"), Party.__table__.c.id.in_(bindparam("ids", expanding=True)))
_CLOSED_MONTHS = select(ClosedPeriod.__table__.c.year, ClosedPeriod.__table__.c.month).where(
    ClosedPeriod.__table__.c.org_id == bindparam("org_id"),
    ClosedPeriod.__table__.c.year.in_(bindparam("years", expanding=True)),
    ClosedPeriod.__table__.c.reopened_at.is_(None))
# One round trip for a post's checks when its entries fall in one month (every single post): the accounts
# named (found through their unique keys, not by scanning the organization's chart), how many of the parties
# named are the organization's, whether that month is closed, and the actor's open teller session (at most one:
# a unique index). A statement of fixed text whatever the number of lines: the lists are one JSON (SQLite) or
# array (PostgreSQL) parameter each, so it is compiled once and planned once.
_CHECKS_SQL = """
SELECT account.id, account.org_id, account.key, account.code, account.name, account.active, account.is_group,
       account.is_control, account.no_overdraft, checks.parties_known, checks.month_closed,
       checks.open_session_id, checks.open_session_account, checks.replay_id, checks.replay_hash
FROM (SELECT (SELECT count(*) FROM party WHERE party.org_id = :org_id AND party.id IN ({party_ids})) AS parties_known,
             EXISTS (SELECT 1 FROM closed_period WHERE closed_period.org_id = :org_id AND closed_period.year = :year
                     AND closed_period.month = :month AND closed_period.reopened_at IS NULL) AS month_closed,
             (SELECT teller_session.id FROM teller_session WHERE teller_session.org_id = :org_id
              AND teller_session.user_id = :user_id AND teller_session.status = 'open') AS open_session_id,
             (SELECT teller_session.account_id FROM teller_session WHERE teller_session.org_id = :org_id
              AND teller_session.user_id = :user_id AND teller_session.status = 'open') AS open_session_account,
             (SELECT journal_entry.id FROM journal_entry WHERE journal_entry.org_id = :org_id
              AND journal_entry.idempotency_key = :idempotency_key) AS replay_id,
             (SELECT journal_entry.request_hash FROM journal_entry WHERE journal_entry.org_id = :org_id
              AND journal_entry.idempotency_key = :idempotency_key) AS replay_hash
     ) AS checks
LEFT OUTER JOIN account ON account.org_id = :org_id AND {accounts}
"""
# Its columns named once (a textual select): the result's description is then built with the compiled statement,
# not again from the cursor at every post.
_CHECKS_COLUMNS = [column(name) for name in (
    "id", "org_id", "key", "code", "name", "active", "is_group", "is_control", "no_overdraft", "parties_known",
    "month_closed", "open_session_id", "open_session_account", "replay_id", "replay_hash")]
_ACCOUNTS_AND_CHECKS = {
    # SQLite: each account by its key's index, then by its primary key
    "sqlite": text(_CHECKS_SQL.format(party_ids="SELECT value FROM json_each(:party_ids)", accounts=(
        "account.id IN (SELECT named.id FROM account AS named WHERE named.org_id = :org_id AND named.key IN "
        "(SELECT value FROM json_each(:keys)) UNION ALL SELECT value FROM json_each(:ids))"))).columns(*_CHECKS_COLUMNS),
    # PostgreSQL: no join of the chart with itself, whose plan (a nested loop, quadratic in the chart) was chosen
    # while the tables' statistics were those of an empty database: 20 ms a post in a fresh organization
    "postgresql": text(_CHECKS_SQL.format(party_ids="SELECT unnest(CAST(:party_ids AS integer[]))", accounts=(
        "(account.key IN (SELECT unnest(CAST(:keys AS varchar[]))) "
        "OR account.id IN (SELECT unnest(CAST(:ids AS integer[]))))"))).columns(*_CHECKS_COLUMNS),
}
_INSERT_ENTRIES = insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id, sort_by_parameter_order=True)
_INSERT_LINES = insert(JournalLine.__table__)

# PostgreSQL: many rows in one statement of fixed text, from arrays (`unnest`), not a statement per row.
_LINE_ARRAYS = (("org_id", "integer"), ("entry_id", "bigint"), ("account_id", "integer"), ("party_id", "integer"),
                ("debit", "bigint"), ("credit", "bigint"), ("memo", "varchar"))
_PG_INSERT_LINES = text(
    "INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
    "SELECT org_id, entry_id, account_id, party_id, debit, credit, memo FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _LINE_ARRAYS)
    + ") WITH ORDINALITY AS given(org_id, entry_id, account_id, party_id, debit, credit, memo, n) ORDER BY n")


def _arrays(rows: list[dict], columns) -> dict:
    return {name: [row[name] for row in rows] for name, _ in columns}


def _pg_add_to_totals_sql(table: str, conflict: tuple[str, ...], columns: tuple[tuple[str, str], ...]) -> str:
    names = [name for name, _ in columns]
    arrays = ", ".join(f"CAST(:{table}_{name} AS {kind}[])" for name, kind in columns)
    return (f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM unnest({arrays}) "
            f"WITH ORDINALITY AS given({', '.join(names)}, n) WHERE true ORDER BY n "
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET "
            f"debit_total = {table}.debit_total + excluded.debit_total, "
            f"credit_total = {table}.credit_total + excluded.credit_total")


_TOTALS = (  # table, conflict columns, columns with their types: the three totals rows a post adds to, in order
    ("account_balance", ("account_id",), (("account_id", "integer"), ("org_id", "integer"), ("debit_total", "bigint"),
                                          ("credit_total", "bigint"))),
    ("party_balance", ("account_id", "party_id"), (("account_id", "integer"), ("party_id", "integer"),
                                                   ("org_id", "integer"), ("debit_total", "bigint"),
                                                   ("credit_total", "bigint"))),
    ("account_month", ("account_id", "month"), (("account_id", "integer"), ("month", "date"), ("org_id", "integer"),
                                                ("debit_total", "bigint"), ("credit_total", "bigint"))),
)
_PG_ADD_TO_TOTALS = {table: text(_pg_add_to_totals_sql(table, conflict, columns))
                     for table, conflict, columns in _TOTALS}
# One post on PostgreSQL is one statement: the entry, its lines and the three totals upserts (data-modifying
# WITH queries, which PostgreSQL runs to completion one after the other in the order written: the totals rows are
# locked in the same order as by separate statements, each upsert taking its rows in their sorted order).
_PG_POST_ONE = text(
    "WITH entry AS (INSERT INTO journal_entry (org_id, entry_date, memo, source, source_id, idempotency_key, "
    "request_hash, reverses_id, posted_by, posted_at, teller_session_id) VALUES (:org_id, :entry_date, :memo, :source, "
    ":source_id, :idempotency_key, :request_hash, :reverses_id, :posted_by, :posted_at, :teller_session_id) "
    "RETURNING id), "
    "lines AS (INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
    "SELECT :org_id, entry.id, account_id, party_id, debit, credit, memo FROM entry, unnest("
    "CAST(:line_account_id AS integer[]), CAST(:line_party_id AS integer[]), CAST(:line_debit AS bigint[]), "
    "CAST(:line_credit AS bigint[]), CAST(:line_memo AS varchar[])) WITH ORDINALITY "
    "AS given(account_id, party_id, debit, credit, memo, n) ORDER BY n), "
    + ", ".join(f"{table}_upsert AS ({_pg_add_to_totals_sql(table, conflict, columns)})"
                for table, conflict, columns in _TOTALS)
    + " SELECT id FROM entry")


# SQLite runs no statement that writes two tables, except through a trigger: a post's lines and the three totals
# they add to are one executemany into a TEMP view whose INSTEAD OF trigger writes the line and adds it to its
# account's, its party's and its month's totals, in SQLite's C (where four statements cost four passes through
# the driver and SQLAlchemy: 60-110 us of Python each). The view and trigger live in the connection's TEMP schema
# (nothing in the database file, no migration), created on first use and again after any rollback (which undoes
# a creation made in its transaction). SQLite has one writer at a time, so the totals rows are not locked in key
# order here as on PostgreSQL, where no trigger is needed (`_PG_POST_ONE`).
_SQLITE_POST_LINE = "coop_post_line"
_SQLITE_POST_LINE_DDL = (
    "CREATE TEMP VIEW IF NOT EXISTS coop_post_line AS SELECT NULL AS org_id, NULL AS entry_id, NULL AS account_id, "
    "NULL AS party_id, NULL AS debit, NULL AS credit, NULL AS memo, NULL AS month WHERE 0",
    "CREATE TEMP TRIGGER IF NOT EXISTS coop_post_line_write INSTEAD OF INSERT ON coop_post_line BEGIN "
    "INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
    "VALUES (NEW.org_id, NEW.entry_id, NEW.account_id, NEW.party_id, NEW.debit, NEW.credit, NEW.memo); "
    "INSERT INTO account_balance (account_id, org_id, debit_total, credit_total) "
    "VALUES (NEW.account_id, NEW.org_id, NEW.debit, NEW.credit) ON CONFLICT (account_id) DO UPDATE SET "
    "debit_total = debit_total + excluded.debit_total, credit_total = credit_total + excluded.credit_total; "
    "INSERT INTO party_balance (account_id, party_id, org_id, debit_total, credit_total) "
    "SELECT NEW.account_id, NEW.party_id, NEW.org_id, NEW.debit, NEW.credit WHERE NEW.party_id IS NOT NULL "
    "ON CONFLICT (account_id, party_id) DO UPDATE SET "
    "debit_total = debit_total + excluded.debit_total, credit_total = credit_total + excluded.credit_total; "
    "INSERT INTO account_month (account_id, month, org_id, debit_total, credit_total) "
    "VALUES (NEW.account_id, NEW.month, NEW.org_id, NEW.debit, NEW.credit) ON CONFLICT (account_id, month) "
    "DO UPDATE SET debit_total = debit_total + excluded.debit_total, "
    "credit_total = credit_total + excluded.credit_total; "
    "END")
_SQLITE_INSERT_POST_LINES = ("INSERT INTO coop_post_line (org_id, entry_id, account_id, party_id, debit, credit, memo, "
                             "month) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def sqlite_forget_post_line(connection, *_args) -> None:
    """After a rollback (or a rollback to a savepoint) the TEMP view may be gone: create it again on next use.
    Installed by coop on SQLite as the engine's rollback listener (and, with the record, the pool's reset's)."""
    if not connection.invalidated:
        connection.info.pop(_SQLITE_POST_LINE, None)


def sqlite_forget_post_line_on_reset(dbapi_connection, connection_record, reset_state) -> None:  # noqa: ARG001
    connection_record.info.pop(_SQLITE_POST_LINE, None)


def _post_lines_sqlite(connection, line_rows: list[dict], months: dict[int, str]) -> None:
    """The lines of entries and their totals, in one statement (see `_SQLITE_POST_LINE_DDL`)."""
    info = connection.connection.info
    if not info.get(_SQLITE_POST_LINE):
        _create_post_line_sqlite(connection)
    rows = [(row["org_id"], row["entry_id"], row["account_id"], row["party_id"], row["debit"], row["credit"],
             row["memo"], months[row["entry_id"]]) for row in line_rows]
    try:
        connection.exec_driver_sql(_SQLITE_INSERT_POST_LINES, rows)
    except OperationalError as missing:  # a rollback no listener saw undid the view: SQLite refused before writing
        if _SQLITE_POST_LINE not in str(missing.orig):
            raise
        _create_post_line_sqlite(connection)
        connection.exec_driver_sql(_SQLITE_INSERT_POST_LINES, rows)


def _create_post_line_sqlite(connection) -> None:
    driver = connection.connection.driver_connection
    for ddl in _SQLITE_POST_LINE_DDL:  # the TEMP schema only: not a write to the database
        driver.execute(ddl)
    connection.connection.info[_SQLITE_POST_LINE] = True


def _post_one_postgresql(connection, head: dict, entry: Entry, found: dict) -> int:
    """Write one checked entry on PostgreSQL in one round trip; its id."""
    params = dict(head)
    lines = [(found[line.account].id, line) for line in entry.lines]
    params.update({"line_account_id": [a for a, _ in lines], "line_party_id": [line.party_id for _, line in lines],
                   "line_debit": [line.debit for _, line in lines], "line_credit": [line.credit for _, line in lines],
                   "line_memo": [line.memo for _, line in lines]})
    for table, rows in zip(("account_balance", "party_balance", "account_month"),
                           _totals_rows(head["org_id"], [{"account_id": a, "party_id": line.party_id,
                                                          "debit": line.debit, "credit": line.credit, "entry_id": 0}
                                                         for a, line in lines], {0: entry.entry_date})):
        columns = next(columns for name, _c, columns in _TOTALS if name == table)
        params.update({f"{table}_{name}": [row[name] for row in rows] for name, _ in columns})
    return connection.execute(_PG_POST_ONE, params).scalar_one()


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
            raise UnknownAccount("%(prefix)sLine %(n)s: unknown account %(account)s.", field="lines.%s.account" % n,
                                 values={"prefix": prefix, "n": n, "account": line.account})
        if not account.active:
            raise RefusedEntry("%(prefix)sLine %(n)s: account %(code)s %(name)s is inactive.",
                               field="lines.%s.account" % n,
                               values={"prefix": prefix, "n": n, "code": account.code, "name": account.name})
        if account.is_group:
            raise RefusedEntry("%(prefix)sLine %(n)s: %(code)s %(name)s is a heading; post to one of its accounts.", field="lines.%s.account" % n,
                               values={"prefix": prefix, "n": n, "code": account.code, "name": account.name})


class Checks(NamedTuple):
    found: dict
    parties_known: int
    month_closed: bool
    session: tuple | None  # the actor's open teller session: (id, cash account id)
    replay_id: int | None  # the entry already posted under the idempotency key, and its request hash
    replay_hash: str | None


def _load_accounts_and_checks(org_id: int, lines: tuple[Line, ...], month: tuple[int, int],
                              actor_id: int | None = None, idempotency_key: str | None = None) -> Checks:
    """`_load_accounts`, with how many of the parties named are the organization's, whether the month is
    closed, the actor's open teller session and the entry posted under the idempotency key, in one statement."""
    keys = sorted({line.account for line in lines if isinstance(line.account, str)})
    ids = sorted({line.account for line in lines if isinstance(line.account, int)})
    party_ids = sorted({line.party_id for line in lines if line.party_id is not None})
    found, parties_known, closed, session, replay = {}, 0, False, None, (None, None)
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        keys_, ids_, party_ids_ = json.dumps(keys), json.dumps(ids), json.dumps(party_ids)
    else:
        keys_, ids_, party_ids_ = keys, ids, party_ids
    for account in connection.execute(_ACCOUNTS_AND_CHECKS[connection.dialect.name], {
            "org_id": org_id, "keys": keys_, "ids": ids_, "party_ids": party_ids_, "year": month[0], "month": month[1],
            "user_id": actor_id, "idempotency_key": idempotency_key}):
        parties_known, closed = account.parties_known, bool(account.month_closed)
        replay = (account.replay_id, account.replay_hash)
        if account.open_session_id is not None:
            session = (account.open_session_id, account.open_session_account)
        if account.id is None:  # none of the accounts named: the one row of checks alone
            continue
        if account.key in keys:
            found[account.key] = account
        if account.id in ids:
            found[account.id] = account
    return Checks(found, parties_known, closed, session, *replay)


def _check_parties(org_id: int, lines: tuple[Line, ...], known_count: int | None = None) -> None:
    """Every party named is the organization's (known_count: how many are, when already read with the accounts)."""
    party_ids = {line.party_id for line in lines if line.party_id is not None}
    if not party_ids:
        return
    if known_count is None:
        known_count = len(set(db.session.scalars(_KNOWN_PARTIES, {"org_id": org_id, "ids": sorted(party_ids)})))
    if known_count != len(party_ids):
        raise RefusedEntry("A line names a party of no one in this organization.", field="lines.party_id")


@lru_cache(maxsize=None)
def _add_to_totals_statement(dialect: str, table, conflict: tuple[str, ...]):
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return statement.on_conflict_do_update(index_elements=list(conflict), set_={
        "debit_total": table.c.debit_total + statement.excluded.debit_total,
        "credit_total": table.c.credit_total + statement.excluded.credit_total})


def _add_to_totals(table, conflict: tuple[str, ...], rows: list[dict], connection=None) -> None:
    """Insert each totals row, or add to it when it exists, in the rows' order: on PostgreSQL one statement from
    arrays, on SQLite one executemany (in process)."""
    if not rows:
        return
    connection = connection or db.session.connection()
    if connection.dialect.name == "postgresql" and table.name in _PG_ADD_TO_TOTALS:
        columns = next(columns for name, _c, columns in _TOTALS if name == table.name)
        connection.execute(_PG_ADD_TO_TOTALS[table.name],
                           {f"{table.name}_{name}": [row[name] for row in rows] for name, _ in columns})
        return
    # built once: constructing an upsert costs more than running it
    connection.execute(_add_to_totals_statement(connection.dialect.name, table, conflict), rows)


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
    def prefix(n: int) -> Sentence | str:
        return Sentence("Entry %(n)s: ", n=n) if numbered else ""

    for n, (entry, _) in enumerate(batch, start=1):
        problems = structural_problems(entry)
        if problems:
            problem = problems[0]
            raise problem.error("%(prefix)s%(problem)s", field=problem.field,
                                values={"prefix": prefix(n), "problem": problem.message})
    hashes = [_request_hash(entry) if entry.idempotency_key else None for entry, _ in batch]
    db.session.flush()  # what the caller added is in the database before the checks read it
    preloaded = None
    if len(batch) == 1:  # a single post: its idempotency key is read with the other checks, in one statement
        entry = batch[0][0]
        preloaded = _load_accounts_and_checks(org_id, entry.lines, (entry.entry_date.year, entry.entry_date.month),
                                              actor_id, entry.idempotency_key)
        replays = {}
        if preloaded.replay_id is not None:
            if preloaded.replay_hash != hashes[0]:
                raise IdempotencyMismatch("%(prefix)sThis idempotency key was already used for a different entry.",
                                          field="idempotency_key", values={"prefix": prefix(1)})
            return [get_entry(org_id, preloaded.replay_id, replayed=True)]
    else:
        replays = _replays(org_id, batch, hashes, prefix)
    fresh = [n for n in range(len(batch)) if n not in replays]

    found, session = _check_against_books(org_id, [batch[n][0] for n in fresh], [prefix(n + 1) for n in fresh],
                                          actor_id, preloaded)

    posted_at = utcnow()
    heads = [{"org_id": org_id, "entry_date": batch[n][0].entry_date, "memo": batch[n][0].memo.strip(),
              "source": batch[n][0].source, "source_id": batch[n][0].source_id,
              "idempotency_key": batch[n][0].idempotency_key, "request_hash": hashes[n],
              "reverses_id": batch[n][1], "posted_by": actor_id, "posted_at": posted_at,
              "teller_session_id": cashdesk.teller_session_of(org_id, actor_id, batch[n][0], found, session)}
             for n in fresh]
    # Core statements on the session's connection: the ORM adds nothing to an INSERT of plain rows
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    ids: list[int] = []
    if len(heads) == 1 and postgres:
        ids = [_post_one_postgresql(connection, heads[0], batch[fresh[0]][0], found)]
    elif len(heads) == 1 and connection.dialect.name == "sqlite":
        entry = batch[fresh[0]][0]
        ids = [connection.execute(_INSERT_ENTRIES, heads[0]).scalar_one()]  # one row: no executemany's batching
        _post_lines_sqlite(connection, [
            {"org_id": org_id, "entry_id": ids[0], "account_id": found[line.account].id, "party_id": line.party_id,
             "debit": line.debit, "credit": line.credit, "memo": line.memo} for line in entry.lines],
            {ids[0]: entry.entry_date.replace(day=1).isoformat()})
    elif heads:
        ids = list(connection.execute(_INSERT_ENTRIES, heads).scalars())
        line_rows = [
            {"org_id": org_id, "entry_id": entry_id, "account_id": found[line.account].id, "party_id": line.party_id,
             "debit": line.debit, "credit": line.credit, "memo": line.memo}
            for n, entry_id in zip(fresh, ids) for line in batch[n][0].lines
        ]
        if postgres:
            connection.execute(_PG_INSERT_LINES, _arrays(line_rows, _LINE_ARRAYS))
        else:
            connection.execute(_INSERT_LINES, line_rows)
        _apply_to_balances(org_id, line_rows, {entry_id: batch[n][0].entry_date for n, entry_id in zip(fresh, ids)},
                           connection)
    if heads:
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


def _check_against_books(org_id: int, entries: list[Entry], prefixes: list[str],
                         actor_id: int | None = None, preloaded: Checks | None = None) -> tuple[dict, tuple | None]:
    """The checks that read the books (accounts, parties, dates, closed months, overdrafts); the accounts found
    and the actor's open teller session (id, cash account id) or None. `preloaded`: what
    `_load_accounts_and_checks` read for these entries already."""
    all_lines = tuple(line for entry in entries for line in entry.lines)
    months = {(entry.entry_date.year, entry.entry_date.month) for entry in entries}
    if len(months) == 1:  # every single post: accounts, parties, the closed month, the teller session at once
        found, parties_known, month_closed, session = preloaded[:4] if preloaded is not None else (
            _load_accounts_and_checks(org_id, all_lines, *months, actor_id=actor_id)[:4])
    else:
        found, parties_known, month_closed = _load_accounts(org_id, all_lines), None, False
        session = cashdesk.open_session(org_id, actor_id) if any(
            entry.teller_session_id is None for entry in entries) else None
    for entry, prefix in zip(entries, prefixes):
        if entry.source == "manual":
            _refuse_control_accounts(entry, found)
        _check_accounts(org_id, entry.lines, found, prefix)
    _check_parties(org_id, all_lines, parties_known)
    for entry, prefix in zip(entries, prefixes):
        _check_not_future(org_id, [entry.entry_date], "entry_date", Words("An entry"), prefix)
    closed = (months if month_closed else set()) if len(months) == 1 else _closed_months(org_id, months)
    for entry, prefix in zip(entries, prefixes):
        if (entry.entry_date.year, entry.entry_date.month) in closed:
            raise ClosedPeriodError("%(prefix)s%(entry_date)s is closed; date the entry in an open month.", field="entry_date",
                                    values={"prefix": prefix, "entry_date": Month.of(entry.entry_date)})
    cashdesk.check_overdrafts(org_id, entries, found)
    return found, session


def check_entry(entry: Entry) -> None:
    """Every check `post` makes, writing nothing: for an entry held for a second person's approval."""
    problems = structural_problems(entry)
    if problems:
        raise problems[0].error(problems[0].message, field=problems[0].field)  # a Sentence, raised as it is
    _check_against_books(entry.org_id, [entry], [""])


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
                raise IdempotencyMismatch("%(prefix)sThis idempotency key was already used for a different entry.",
                                          field="idempotency_key", values={"prefix": prefix(n + 1)})
            replays[n] = get_entry(org_id, entry_id, replayed=True)
    return replays


def _closed_months(org_id: int, months: set[tuple[int, int]]) -> set[tuple[int, int]]:
    if not months:
        return set()
    rows = db.session.execute(_CLOSED_MONTHS, {"org_id": org_id, "years": sorted({year for year, _ in months})})
    return {(year, month) for year, month in rows} & months


def _manual_entry(org_id: int, data: dict, idempotency_key: str | None = None) -> Entry:
    """The entry an officer typed (data as EntryInSchema loads it). `post` and `check_entry` refuse it when it
    names a control account (`_refuse_control_accounts`), from the accounts they read anyway."""
    lines = tuple(Line(account=line["account_id"], debit=line["debit"], credit=line["credit"],
                       party_id=line.get("party_id"), memo=line.get("memo")) for line in data["lines"])
    return Entry(org_id=org_id, entry_date=data["entry_date"], memo=data["memo"], lines=lines, source="manual",
                 idempotency_key=idempotency_key)


def _refuse_control_accounts(entry: Entry, found: dict) -> None:
    """An entry typed by hand cannot move a control account: its domain's records would disagree with it."""
    for n, line in enumerate(entry.lines, start=1):
        account = found.get(line.account)
        if account is not None and account.org_id == entry.org_id and account.is_control:
            raise ControlAccount(
                "Line %(n)s: %(code)s %(name)s is a control account, kept with its own records (loans, stock, "
                "shares, funds...); post through the document it belongs to, not a journal entry.",
                field="lines.%s.account" % n, values={"n": n, "code": account.code, "name": account.name})


def post_manual(org_id: int, data: dict, actor_id: int | None, idempotency_key: str | None = None) -> PostedEntry:
    """A journal entry typed in by an officer (data as EntryInSchema loads it)."""
    return post(_manual_entry(org_id, data, idempotency_key), actor_id)


# ---------------------------------------------------------------- manual entries held for a second officer
# Manual entries and generic reversals above the policy amount wait for a second officer (coop.approvals;
# the ledger's manifest declares the two kinds). Their payloads are plain JSON values, read back here.

MANUAL_ENTRY_KIND, REVERSAL_KIND = "ledger.manual_entry", "ledger.reversal"
APPROVAL_THRESHOLD = "ledger.approval_threshold"
APPROVAL_THRESHOLD_DEFAULT = 10_000_000  # PhP100,000.00: above it, a second officer approves


def manual_payload(data: dict) -> dict:
    """An entry as EntryInSchema loads it, as plain JSON values kept until it is approved."""
    return {"entry_date": data["entry_date"].isoformat(), "memo": data["memo"],
            "lines": [{"account_id": line["account_id"], "debit": line["debit"], "credit": line["credit"],
                       "party_id": line.get("party_id"), "memo": line.get("memo")} for line in data["lines"]]}


def _manual_data(payload: dict) -> dict:
    return {**payload, "entry_date": date.fromisoformat(payload["entry_date"])}


def manual_amount(payload: dict) -> int:
    """A manual entry's amount for the policy: its debits (read from the payload, nothing from the database)."""
    return sum(line["debit"] for line in payload["lines"])


def check_manual_payload(org_id: int, payload: dict, idempotency_key: str | None = None) -> int:
    """Every check of a manual entry, before it is held; its amount (the debits) for the policy."""
    check_entry(_manual_entry(org_id, _manual_data(payload)))
    return manual_amount(payload)


def post_manual_payload(org_id: int, payload: dict, actor_id: int | None,
                        idempotency_key: str | None = None) -> PostedEntry:
    return post_manual(org_id, _manual_data(payload), actor_id, idempotency_key)


def reversal_payload(entry_id: int, on: date, reason: str, document: dict | None = None) -> dict:
    """A generic reversal as plain values; `document` (from the edge) names the owner of an entry it refuses."""
    return {"entry_id": entry_id, "on": on.isoformat(), "reason": reason, "document": document}


def check_reversal_payload(org_id: int, payload: dict, idempotency_key: str | None = None) -> int:
    """Refuse a reversal before it is held (an entry a domain owns: 409; one reversed already; a date before
    it); its amount for the policy (0 for a retry of one made already, which replays it)."""
    entry_id, on = payload["entry_id"], date.fromisoformat(payload["on"])
    original = _reversible(org_id, entry_id, payload.get("document"))
    if idempotency_key:
        replay = find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.reverses_id == entry_id:
            return 0
    if not (payload.get("reason") or "").strip():
        raise RefusedEntry("Give the reason for the reversal.", field="reason")
    if reversal_of(org_id, entry_id) is not None:
        raise AlreadyReversed("Entry %(entry_id)s is already reversed.", values={"entry_id": entry_id})
    if on < original.entry_date:
        raise RefusedEntry("A reversal cannot be dated before the entry it reverses (%(entry_date)s).",
                           field="entry_date", values={"entry_date": original.entry_date})
    check_date(org_id, on)
    return sum(line.debit for line in original.lines)


def reverse_payload(org_id: int, payload: dict, actor_id: int | None,
                    idempotency_key: str | None = None) -> PostedEntry:
    return reverse_manual(org_id, payload["entry_id"], on=date.fromisoformat(payload["on"]), reason=payload["reason"],
                          actor_id=actor_id, idempotency_key=idempotency_key, document=payload.get("document"))


def _totals_rows(org_id: int, line_rows: list[dict], dates: dict[int, date]) -> tuple[list, list, list]:
    """The rows to add to account_balance, party_balance and account_month, each sorted by its key, so concurrent
    posts lock the rows in the same order and never deadlock."""
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
    return ([{"account_id": a, "org_id": org_id, "debit_total": d, "credit_total": c}
             for a, (d, c) in sorted(by_account.items())],
            [{"account_id": a, "party_id": p, "org_id": org_id, "debit_total": d, "credit_total": c}
             for (a, p), (d, c) in sorted(by_party.items())],
            [{"account_id": a, "month": m, "org_id": org_id, "debit_total": d, "credit_total": c}
             for (a, m), (d, c) in sorted(by_month.items())])


def _apply_to_balances(org_id: int, line_rows: list[dict], dates: dict[int, date], connection=None) -> None:
    """Add the lines to the totals rows: one upsert per account, (account, party) and (account, month) touched
    (on PostgreSQL one statement per table, from arrays)."""
    accounts, parties, months = _totals_rows(org_id, line_rows, dates)
    connection = connection or db.session.connection()
    _add_to_totals(AccountBalance.__table__, ("account_id",), accounts, connection)
    if parties:
        _add_to_totals(PartyBalance.__table__, ("account_id", "party_id"), parties, connection)
    _add_to_totals(AccountMonth.__table__, ("account_id", "month"), months, connection)


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
        raise AlreadyReversed("Entry %(entry_id)s is already reversed.", values={"entry_id": entry_id})
    if on < original.entry_date:
        raise RefusedEntry("A reversal cannot be dated before the entry it reverses (%(entry_date)s).",
                           field="entry_date", values={"entry_date": original.entry_date})
    mirror = Entry(
        org_id=org_id, entry_date=on, memo=f"Reversal of entry {entry_id}: {reason.strip()}"[:300],
        lines=tuple(Line(account=line.account_id, debit=line.credit, credit=line.debit, party_id=line.party_id,
                         memo=line.memo) for line in original.lines),
        source=original.source, source_id=original.source_id, idempotency_key=idempotency_key)
    return post(mirror, actor_id, reverses_id=entry_id)


def owned_by_domain(entry: PostedEntry) -> bool:
    """Whether a domain keeps this entry: posted for one of its documents (a loan, a sale, a share payment...),
    or touching a control account (the demo's opening loans), which only the domain's own verbs move."""
    if entry.source not in MANUAL_SOURCES:
        return True
    ids = sorted({line.account_id for line in entry.lines})
    return bool(ids) and db.session.scalar(select(Account.id).where(
        Account.id.in_(ids), Account.is_control.is_(True)).limit(1)) is not None


def reverse_manual(org_id: int, entry_id: int, *, on: date, reason: str, actor_id: int | None = None,
                   idempotency_key: str | None = None, document: dict | None = None) -> PostedEntry:
    """The generic reversal (the ledger's page and API): only entries no domain owns.

    An entry a domain posted is reversed by that domain's own verb, which keeps its records and
    receipts in step; `document` (kind, id, label, href, given by the edge) names where.
    """
    _reversible(org_id, entry_id, document)
    return reverse(org_id, entry_id, on=on, reason=reason, actor_id=actor_id, idempotency_key=idempotency_key)


def _reversible(org_id: int, entry_id: int, document: dict | None) -> PostedEntry:
    """The entry, if the generic reversal may reverse it: no domain owns it."""
    original = get_entry(org_id, entry_id)
    if owned_by_domain(original):
        document = document or {"kind": original.source, "id": original.source_id}
        where = f"{document.get('label') or original.source or 'a domain'} {original.source_id or ''}".strip()
        raise OwnedEntry("Entry %(entry_id)s belongs to %(where)s; reverse or void it there, so its records and receipts "
                         "stay in step.", document=document, values={"entry_id": entry_id, "where": where})
    return original


def reversal_of(org_id: int, entry_id: int) -> int | None:
    return db.session.scalar(select(JournalEntry.id).where(JournalEntry.org_id == org_id,
                                                           JournalEntry.reverses_id == entry_id))


def reversed_ids(org_id: int) -> set[int]:
    """The ids of the organization's entries that were reversed, in one query (a check reading many documents)."""
    return set(db.session.scalars(select(JournalEntry.reverses_id).where(JournalEntry.org_id == org_id,
                                                                        JournalEntry.reverses_id.is_not(None))))


def get_entry(org_id: int, entry_id: int, *, replayed: bool = False) -> PostedEntry:
    row = db.session.get(JournalEntry, entry_id)
    if row is None or row.org_id != org_id:
        raise UnknownEntry("No journal entry %(entry_id)s.", values={"entry_id": entry_id})
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


# ---------------------------------------------------------------- set-based: one account, many parties


def post_party_amounts(org_id: int, *, entry_date: date, memo: str, account: str, side: str, counter_account: str,
                       amounts, source: str | None = None, source_id: str | None = None,
                       idempotency_key: str | None = None, actor_id: int | None = None) -> PostedEntry | None:
    """Post one entry of many party lines on one account, balanced by one line on `counter_account`, where the
    lines come from a query, not from Python: `amounts` is a SELECT of (party_id, amount) rows (amount >= 0;
    zero rows are left out). `post_party_entries` is the same for many entries at once.

    The checks of `post` hold: both accounts exist, are active and not headings; the date is not in the future
    beyond policy nor in a closed month; every party is the organization's; amounts are not negative. It moves
    no cash (cash goes through `post`, which checks overdrafts and tags teller sessions). Returns None when
    every amount is zero; a retry with the same idempotency key returns the first entry.
    """
    rows = amounts.subquery()
    return post_party_entries(
        org_id, entry_date=entry_date, account=account, side=side, counter_account=counter_account,
        amounts=select(rows.c[0], rows.c[1], literal(0)), source=source, actor_id=actor_id,
        heads=[PartyEntryHead(memo, source_id, idempotency_key)])[0]


@dataclass(frozen=True)
class PartyEntryHead:
    """What `post_party_entries` needs of each entry besides its lines."""
    memo: str
    source_id: str | None = None
    idempotency_key: str | None = None


def post_party_entries(org_id: int, *, entry_date: date, account: str, side: str, counter_account: str, amounts,
                       heads: list[PartyEntryHead], source: str | None = None,
                       actor_id: int | None = None) -> list[PostedEntry | None]:
    """Post many entries of party lines on one account, each balanced by one line on `counter_account`, in a
    handful of statements whatever the number of lines: `amounts` is a SELECT of (party_id, amount, n) rows,
    n (0 to len(heads) - 1) naming the entry of heads the line belongs to. A daily job crediting interest to
    100,000 savings accounts, 2,000 lines an entry, reads its query four times (the checks, the lines, the party
    balances) instead of once per entry: INSERT ... SELECT for the lines, each line's entry id picked by a CASE
    on n, one upsert for the party balances.

    The checks of `post_party_amounts` hold for every line. Returns, for each head, its entry, or None when
    none of its amounts is above zero. With idempotency keys, a retry returns the entries first posted; a batch
    part of which was posted is refused.
    """
    if side not in ("debit", "credit"):
        raise RefusedEntry("A side is debit or credit.", field="side")
    if not heads:
        return []
    keys = [head.idempotency_key for head in heads if head.idempotency_key]
    if keys:
        done = dict(db.session.execute(select(JournalEntry.idempotency_key, JournalEntry.id).where(
            JournalEntry.org_id == org_id, JournalEntry.idempotency_key.in_(keys))).all())
        if done:
            if len(done) != len(keys) or len(keys) != len(heads):
                raise RefusedEntry("Part of this batch of entries was posted already.", field="idempotency_key")
            return [get_entry(org_id, done[head.idempotency_key], replayed=True) for head in heads]
    pair = (Line(account, credit=1), Line(counter_account, debit=1))
    found = _load_accounts(org_id, pair)
    _check_accounts(org_id, pair, found, "")
    if found[account].key in _cash_keys(org_id) or found[counter_account].key in _cash_keys(org_id):
        raise RefusedEntry("Cash moves through post, which checks overdrafts and teller sessions.", field="account")
    _check_not_future(org_id, [entry_date], "entry_date", "An entry")
    if _closed_months(org_id, {(entry_date.year, entry_date.month)}):
        raise ClosedPeriodError("%(month)s is closed; date the entry in an open month.", field="entry_date",
                                values={"month": Month.of(entry_date)})
    rows = amounts.subquery()
    party_id, amount, n = rows.c[0], rows.c[1], rows.c[2]
    totals: dict[int, tuple[int, int]] = {}
    for group, count, total, lowest, strangers in db.session.execute(
            select(n, func.count(), func.coalesce(func.sum(amount), 0), func.min(amount),
                   func.count() - func.count(Party.id))
            .select_from(rows.outerjoin(Party, (Party.id == party_id) & (Party.org_id == org_id)))
            .where(amount != 0).group_by(n)):
        if lowest < 0:
            raise RefusedEntry("An amount is below zero.", field="amounts")
        if strangers:
            raise RefusedEntry("A line names a party of no one in this organization.", field="lines.party_id")
        if group is None or not 0 <= group < len(heads):
            raise RefusedEntry("A line names no entry of the batch.", field="amounts")
        totals[int(group)] = (int(count), int(total))
    if not totals:
        return [None] * len(heads)
    groups = sorted(totals)
    posted_at = utcnow()
    ids = list(db.session.execute(_INSERT_ENTRIES, [{
        "org_id": org_id, "entry_date": entry_date, "memo": heads[g].memo.strip(), "source": source,
        "source_id": heads[g].source_id, "idempotency_key": heads[g].idempotency_key, "request_hash": None,
        "reverses_id": None, "posted_by": actor_id, "posted_at": posted_at, "teller_session_id": None}
        for g in groups]).scalars())
    entry_of = dict(zip(groups, ids))
    target, other = found[account].id, found[counter_account].id
    debit, credit = (amount, literal(0)) if side == "debit" else (literal(0), amount)
    entry_id = literal(ids[0]) if len(ids) == 1 else case(entry_of, value=n)
    db.session.execute(insert(JournalLine.__table__).from_select(
        ["org_id", "entry_id", "account_id", "party_id", "debit", "credit"],
        select(literal(org_id), entry_id, literal(target), party_id, debit, credit)
        .where(amount != 0).order_by(n, party_id)))
    grand = sum(total for _count, total in totals.values())
    counter_side = "debit" if side == "credit" else "credit"
    db.session.execute(_INSERT_LINES, [{
        "org_id": org_id, "entry_id": entry_of[g], "account_id": other, "party_id": None, "memo": None,
        "debit": totals[g][1] if counter_side == "debit" else 0, "credit": totals[g][1] if counter_side == "credit"
        else 0} for g in groups])
    table = PartyBalance.__table__
    upsert = (pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)
    # summed by party: a party on two lines is one row of the upsert (PostgreSQL updates a row once per statement)
    db.session.execute(upsert.from_select(
        ["org_id", "account_id", "party_id", "debit_total", "credit_total"],
        select(literal(org_id), literal(target), party_id, func.sum(debit), func.sum(credit))
        .where(amount != 0).group_by(party_id).order_by(party_id))
        .on_conflict_do_update(index_elements=["account_id", "party_id"], set_={
            "debit_total": table.c.debit_total + upsert.excluded.debit_total,
            "credit_total": table.c.credit_total + upsert.excluded.credit_total}))
    mine = {"debit": grand if side == "debit" else 0, "credit": grand if side == "credit" else 0}
    counter = {"debit": grand if side == "credit" else 0, "credit": grand if side == "debit" else 0}
    moved = sorted([(target, mine), (other, counter)])
    _add_to_totals(AccountBalance.__table__, ("account_id",), [
        {"account_id": a, "org_id": org_id, "debit_total": m["debit"], "credit_total": m["credit"]} for a, m in moved])
    _add_to_totals(AccountMonth.__table__, ("account_id", "month"), [
        {"account_id": a, "month": entry_date.replace(day=1), "org_id": org_id, "debit_total": m["debit"],
         "credit_total": m["credit"]} for a, m in moved])
    audit.record_many([{"action": "ledger.post", "org_id": org_id, "user_id": actor_id, "target_type": "journal_entry",
                        "target_id": entry_of[g],
                        "details": {"source": source, "source_id": heads[g].source_id, "lines": totals[g][0] + 1}
                        if source else None} for g in groups])
    return [PostedEntry(id=entry_of[g], org_id=org_id, entry_date=entry_date, memo=heads[g].memo.strip(),
                        source=source, source_id=heads[g].source_id, reverses_id=None) if g in entry_of else None
            for g in range(len(heads))]


def post_selected(org_id: int, *, entry_date: date, entries, lines, source: str | None = None,
                  actor_id: int | None = None) -> int:
    """Post many entries whose heads and lines come from queries, not from Python: a daily job's entries over
    a hundred thousand loans in a handful of statements (INSERT ... SELECT), whatever their number or shape.

    `entries` is a SELECT of labelled columns (key, memo, source_id, sort), one row per entry: key is its
    idempotency key (every entry has one, unique), sort the order they are posted in. `lines` is a SELECT of
    (key, account, party_id, debit, credit, memo, sort): key names the line's entry, account is an account key,
    sort orders the lines of an entry. Each query is read a few times (the checks, the heads, the lines, the
    three totals), so it should be cheap to run again and give the same rows within the transaction.

    The checks of `post` hold, all made before anything is written: every entry has a memo and at least two
    lines, each line whole centavos on one side, debits equal credits; the accounts are the organization's,
    active, not headings and not cash (cash goes through `post`, which checks overdrafts and teller sessions);
    the parties are the organization's; the date is not in the future beyond policy nor in a closed month.
    A key already posted refuses the batch (a job keeps its own records of what it posted, so a rerun selects
    nothing). Entries carry no request hash (as `post_party_entries`). One audit row per entry, as `post`
    writes. Returns how many entries were posted.
    """
    heads, rows = entries.subquery("heads"), lines.subquery("rows")
    h, r = heads.c, rows.c
    # the checks read each query alone (grouped), never one joined to the other: no plan can run one per row
    count, distinct, blank = db.session.execute(select(
        func.count(), func.count(h.key.distinct()),
        func.coalesce(func.sum(case((h.memo.is_(None) | (func.trim(h.memo) == ""), 1), else_=0)), 0))).one()
    if not count:
        return 0
    if distinct != count:
        raise RefusedEntry("Two entries of the batch share an idempotency key.", field="idempotency_key")
    if blank:
        raise RefusedEntry("Say what the entry is for.", field="memo")
    bad_line = case(((r.debit < 0) | (r.credit < 0) | ((r.debit > 0) == (r.credit > 0)), 1), else_=0)
    lines_, debits, credits, bad, named_, known = (
        func.count(), func.sum(r.debit), func.sum(r.credit), func.sum(bad_line), func.count(r.party_id),
        func.count(Party.id))
    problem = db.session.execute(
        select(r.key, lines_.label("lines"), debits.label("debits"), credits.label("credits"), bad.label("bad"),
               named_.label("named"), known.label("known"))
        .select_from(rows.outerjoin(Party, (Party.id == r.party_id) & (Party.org_id == org_id)))
        .group_by(r.key).having((lines_ < 2) | (bad > 0) | (debits != credits) | (named_ != known)).limit(1)).first()
    if problem is not None:
        if problem.lines < 2:
            raise RefusedEntry("An entry needs at least two lines.", field="lines")
        if problem.bad:
            raise RefusedEntry("A line gives either a debit or a credit, more than zero.", field="lines")
        if problem.named != problem.known:
            raise RefusedEntry("A line names a party of no one in this organization.", field="lines.party_id")
        raise UnbalancedEntry("The entry is unbalanced: debits %(debits)s and credits %(credits)s.", field="lines",
                              values={"debits": Pesos(problem.debits), "credits": Pesos(problem.credits)})
    if db.session.scalar(select(func.count(r.key.distinct()))) != count:
        raise RefusedEntry("An entry needs at least two lines.", field="lines")
    if db.session.execute(select(r.key).where(r.key.not_in(select(h.key))).limit(1)).first() is not None:
        raise RefusedEntry("A line names no entry of the batch.", field="lines")
    if db.session.execute(select(JournalEntry.id).join(heads, h.key == JournalEntry.idempotency_key)
                          .where(JournalEntry.org_id == org_id).limit(1)).first() is not None:
        raise RefusedEntry("Part of this batch of entries was posted already.", field="idempotency_key")
    named = tuple(Line(account, debit=1) for account in
                  sorted(db.session.scalars(select(r.account).distinct())))
    found = _load_accounts(org_id, named)
    _check_accounts(org_id, named, found, "")
    if {line.account for line in named} & _cash_keys(org_id):
        raise RefusedEntry("Cash moves through post, which checks overdrafts and teller sessions.", field="account")
    _check_not_future(org_id, [entry_date], "entry_date", "An entry")
    if _closed_months(org_id, {(entry_date.year, entry_date.month)}):
        raise ClosedPeriodError("%(month)s is closed; date the entry in an open month.", field="entry_date",
                                values={"month": Month.of(entry_date)})

    entry, account = JournalEntry.__table__, Account.__table__
    db.session.execute(insert(entry).from_select(
        ["org_id", "entry_date", "memo", "source", "source_id", "idempotency_key", "posted_by", "posted_at"],
        select(literal(org_id), literal(entry_date, entry.c.entry_date.type), func.trim(h.memo),
               literal(source, entry.c.source.type), h.source_id, h.key, literal(actor_id, entry.c.posted_by.type),
               literal(utcnow(), entry.c.posted_at.type)).order_by(h.sort)))
    posted = rows.join(entry, (entry.c.org_id == org_id) & (entry.c.idempotency_key == r.key)).join(
        account, (account.c.org_id == org_id) & (account.c.key == r.account))
    db.session.execute(insert(JournalLine.__table__).from_select(
        ["org_id", "entry_id", "account_id", "party_id", "debit", "credit", "memo"],
        select(literal(org_id), entry.c.id, account.c.id, r.party_id, r.debit, r.credit, r.memo)
        .select_from(posted).order_by(entry.c.id, r.sort)))
    # the three totals, each summed by its key and added in key order (as every post locks them)
    month = entry_date.replace(day=1)
    dialect = db.session.get_bind().dialect.name
    for table, keys, where in (
            (AccountBalance.__table__, (account.c.id.label("account_id"),), account.c.org_id == org_id),
            (PartyBalance.__table__, (account.c.id.label("account_id"), r.party_id.label("party_id")),
             r.party_id.is_not(None)),
            (AccountMonth.__table__, (account.c.id.label("account_id"),
                                      literal(month, AccountMonth.__table__.c.month.type).label("month")),
             account.c.org_id == org_id)):
        upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        group = [column for column in keys if column.name != "month"]
        db.session.execute(upsert.from_select(
            [column.name for column in keys] + ["org_id", "debit_total", "credit_total"],
            select(*keys, literal(org_id), func.sum(r.debit), func.sum(r.credit)).select_from(
                rows.join(account, (account.c.org_id == org_id) & (account.c.key == r.account)))
            .where(where).group_by(*group).order_by(*group))
            .on_conflict_do_update(index_elements=[column.name for column in keys], set_={
                "debit_total": table.c.debit_total + upsert.excluded.debit_total,
                "credit_total": table.c.credit_total + upsert.excluded.credit_total}))
    written = db.session.execute(select(entry.c.id, entry.c.source_id).join(heads, h.key == entry.c.idempotency_key)
                                 .where(entry.c.org_id == org_id).order_by(entry.c.id)).all()
    audit.record_many([{"action": "ledger.post", "org_id": org_id, "user_id": actor_id, "target_type": "journal_entry",
                        "target_id": entry_id, "details": {"source": source, "source_id": source_id}
                        if source else None} for entry_id, source_id in written])
    return len(written)


def entry_keys(org_id: int):
    """The organization's entries by idempotency key, as a subquery (id, key) a domain's set-based statement joins
    to record the entry each of its rows was posted in (after `post_selected`), without reading them into Python."""
    entry = JournalEntry.__table__
    return (select(entry.c.id.label("id"), entry.c.idempotency_key.label("key"))
            .where(entry.c.org_id == org_id, entry.c.idempotency_key.is_not(None)).subquery("entry_keys"))


def _cash_keys(org_id: int) -> set[str]:
    return {row.key for row in cash_accounts(org_id)}


# ---------------------------------------------------------------- periods


def close_period(org_id: int, year: int, month: int, actor_id: int | None, *, with_year: bool = False) -> ClosedPeriod:
    """Close a month. `with_year`: closed by the year's closing, so only the year's reopening opens it."""
    if not 1 <= month <= 12:
        raise RefusedEntry("A month is 1 to 12.", field="month")
    if is_closed(org_id, date(year, month, 1)):
        raise RefusedEntry("%(date)s is already closed.", values={"date": Month.of(date(year, month, 1))})
    period = ClosedPeriod(org_id=org_id, year=year, month=month, closed_by=actor_id, closed_at=utcnow(),
                          with_year=with_year)
    db.session.add(period)
    db.session.flush()
    audit.record("period.close", org_id=org_id, user_id=actor_id, target_type="period", target_id=f"{year}-{month:02d}")
    return period


def reopen_period(org_id: int, year: int, month: int, actor_id: int | None, reason: str, *,
                  with_year: bool = False) -> ClosedPeriod:
    """Reopen a month. A month of a closed year opens only with the year (`with_year`, the year end's act)."""
    if not reason or not reason.strip():
        raise RefusedEntry("Give the reason for reopening.", field="reason")
    period = db.session.scalar(select(ClosedPeriod).where(
        ClosedPeriod.org_id == org_id, ClosedPeriod.year == year, ClosedPeriod.month == month,
        ClosedPeriod.reopened_at.is_(None)))
    if period is None:
        raise RefusedEntry("%(date)s is not closed.", values={"date": Month.of(date(year, month, 1))})
    if period.with_year and not with_year:
        raise RefusedEntry("This month was closed with its year: reopen the year on the year-end page, where "
                           "another officer approves it.", field="month")
    period.reopened_by, period.reopened_at, period.reopen_reason = actor_id, utcnow(), reason.strip()
    db.session.flush()
    audit.record("period.reopen", org_id=org_id, user_id=actor_id, target_type="period",
                 target_id=f"{year}-{month:02d}", details={"reason": reason.strip()})
    return period


def closed_periods(org_id: int) -> list[ClosedPeriod]:
    return list(db.session.scalars(select(ClosedPeriod).where(ClosedPeriod.org_id == org_id)
                                   .order_by(ClosedPeriod.year.desc(), ClosedPeriod.month.desc(), ClosedPeriod.id.desc())))


# ---------------------------------------------------------------- bulk (re-exported; bulk reuses the totals upsert)

from .bulk import (  # noqa: E402,F401
    COLUMNS,
    ImportProblem,
    ImportRefused,
    ImportSummary,
    JournalRow,
    import_entries,
    iter_journal,
    list_parties,
    parse_amount,
    parse_date,
)
