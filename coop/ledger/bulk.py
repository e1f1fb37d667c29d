"""The ledger's bulk paths: streaming a journal in (`import_entries`) and out (`iter_journal`).

`import_entries` is `post_many` for files of any size. It reads rows one line of an entry each,
grouped by the entry's reference, and keeps every rule of `post`: at least two lines, whole
non-negative centavos on one side of each line, balanced, a memo, accounts of the organization
that are active and not headings, parties of the organization, an open month, and idempotency by
reference (the reference is the entry's idempotency key `import:<ref>`: a re-run of the same file
skips what is there, the same reference with other content is a problem). It builds no result
objects: ids are reserved up front per batch, entries and lines are written with one executemany
each (COPY on PostgreSQL; there by a writer thread while the next batch is read), one audit row records
each batch, and the balance rows are updated in bulk once at the end. An entry with nothing wrong
takes the fast path (a dictionary look-up per name, of names checked once per import); anything
else is checked the long way, which names each problem. Dates after today (plus the policy's
`ledger.future_days`) are refused as `post` refuses them. Problems carry the source row and column; the first problem stops the
writing, the reading goes on to list every problem, and the call then raises `ImportRefused`, so
the boundary rolls everything back: all rows or none.
"""
from __future__ import annotations

import gc
import hashlib
import re
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit import services as audit
from ..errors import Invalid, Month, Pesos, Sentence
from ..extensions import db
from ..timeutil import utcnow
from .models import Account, AccountBalance, AccountMonth, ClosedPeriod, JournalEntry, JournalLine, Party, PartyBalance

COLUMNS = ("ref", "date", "memo", "account", "debit", "credit", "party")
KEY_PREFIX = "import:"


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str | None
    message: Sentence  # said in the reader's language where it is shown (a run's page), English elsewhere

    def __str__(self) -> str:
        return f"row {self.row}" + (f", {self.column}" if self.column else "") + f": {self.message}"


@dataclass(frozen=True)
class ImportSummary:
    entries: int = 0  # written (or, in a dry run, that would be written)
    lines: int = 0
    skipped: int = 0  # already imported under the same reference with the same content
    batches: int = 0
    rows: int = 0
    problems: tuple[ImportProblem, ...] = ()
    first_id: int | None = None
    last_id: int | None = None
    dry_run: bool = False


class ImportRefused(Invalid):
    """The file has problems: nothing of it is kept."""

    def __init__(self, summary: ImportSummary):
        first = summary.problems[0] if summary.problems else None
        super().__init__("%(count)s problems; nothing was imported. First: %(first)s",
                         values={"count": len(summary.problems), "first": str(first)})
        self.summary = summary
        self.problems = summary.problems


# ASCII digits, separators of thousands only every three digits, at most two decimals: "1,50" is not ₱150.
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?$", re.ASCII)


def parse_amount(value) -> int | None:
    """Pesos text ("1,234.50") or int centavos -> centavos; None when it is not an amount."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not value:
        return 0
    if "," in value or " " in value:
        value = value.strip()
        if not value:
            return 0
        if "," in value:
            if not _GROUPED.match(value):
                return None
            value = value.replace(",", "")
    whole, dot, fraction = value.partition(".")
    if (whole.isascii() and whole.isdigit() and len(whole) <= 13
            and (not dot or (fraction.isascii() and fraction.isdigit() and len(fraction) <= 2))):
        return int(whole) * 100 + (int(fraction) * (10 if len(fraction) == 1 else 1) if fraction else 0)
    return None


def parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


class _Context:
    """What every entry is checked against, loaded once per import."""

    def __init__(self, org_id: int):
        self.accounts: dict[str, tuple] = {}
        for row in db.session.execute(select(Account.id, Account.key, Account.code, Account.name, Account.active,
                                             Account.is_group, Account.is_control).where(Account.org_id == org_id)):
            self.accounts[row.code] = row
            if row.key:
                self.accounts.setdefault(row.key, row)
        self.parties: dict[str, int | None] = {}
        for party_id, label in db.session.execute(select(Party.id, Party.label).where(Party.org_id == org_id)):
            # a label two parties share names neither: the file must be clear
            self.parties[label] = None if label in self.parties else party_id
        # name as written -> (account id, problem or None): one dict look-up per line
        self.lookup: dict[str, tuple[int, Sentence | None]] = {}
        for written, account in self.accounts.items():
            code, name = account.code, account.name
            problem = (Sentence("Account %(code)s %(name)s is inactive.", code=code, name=name) if not account.active else
                       Sentence("%(code)s %(name)s is a heading; post to one of its accounts.", code=code, name=name)
                       if account.is_group else
                       Sentence("%(code)s %(name)s is a control account, kept with its own records (loans, stock, "
                                "shares, savings, funds...): bring its balances in through that domain's import.",
                                code=code, name=name)
                       if account.is_control else None)
            self.lookup[written] = (account.id, problem)
        self.dates: dict[str, date | None] = {}
        self.amounts: dict[str, int | None] = {"": 0}
        self.closed = {(y, m) for y, m in db.session.execute(
            select(ClosedPeriod.year, ClosedPeriod.month).where(ClosedPeriod.org_id == org_id,
                                                                ClosedPeriod.reopened_at.is_(None)))}
        from .services import latest_date  # services re-exports this module: imported when first used

        self.latest = latest_date(org_id)  # today in Manila plus the days the policy ledger.future_days allows
        # what the fast path needs, one look-up each: accounts that take lines, parties named once,
        # dates as written that are fine (an open month, not after `latest`), amounts as written
        self.postable = {name: found[0] for name, found in self.lookup.items() if found[1] is None}
        self.named = {label: party_id for label, party_id in self.parties.items() if party_id is not None}
        self.good_dates: dict = {}


def _group(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    """Consecutive rows with the same reference: one entry."""
    current: list[tuple] = []
    for row in rows:
        if current and row[1] != current[0][1]:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _date(ctx: _Context, value) -> date | None:
    if isinstance(value, date):
        return value
    if value not in ctx.dates:
        ctx.dates[value] = parse_date(value)
    return ctx.dates[value]


def _amount(cache: dict, text: str) -> int | None:
    value = parse_amount(text)
    if len(cache) < 100_000:
        cache[text] = value
    return value


def _fast_entry(ctx: _Context, rows: list[tuple], seen: set[str]):
    """The entry the rows make when nothing at all is wrong with it, else None (then `_check_entry` says what).

    The common case in as few steps as Python allows: each line is three or four dictionary look-ups
    (account, amounts, party) of names checked once per import; anything unusual (a problem, a line's
    own memo, a date or amount not seen before that turns out wrong) goes the long way."""
    first = rows[0]
    ref, day, memo = first[1], first[2], first[3]
    on = ctx.good_dates.get(day)
    if on is None or len(rows) < 2 or not ref or not memo:
        return None
    written = memo  # a line whose memo column repeats the entry's has no memo of its own
    ref, memo = ref.strip(), memo.strip()
    if not ref or len(ref) > 90 or ref in seen or not memo or len(memo) > 300:
        return None
    postable, named, amounts = ctx.postable, ctx.named, ctx.amounts
    lines = []
    debits = credits = 0
    for _row, _ref, line_day, line_memo, account_name, debit_text, credit_text, party_name in rows:
        account_id = postable.get(account_name)
        debit = amounts.get(debit_text)
        credit = amounts.get(credit_text)
        if (account_id is None or debit is None or credit is None or (debit > 0) == (credit > 0)
                or (line_memo != written and line_memo) or (line_day != day and line_day)):
            return None
        if party_name:
            party_id = named.get(party_name)
            if party_id is None:
                return None
        else:
            party_id = None
        lines.append((account_id, party_id, debit, credit, None))
        debits += debit
        credits += credit
    if debits != credits:
        return None
    seen.add(ref)
    return KEY_PREFIX + ref, on, memo, lines, _digest(on, memo, lines), first[0]


def _digest(on: date, memo: str, lines: list[tuple]) -> str:
    """The entry's content as its idempotency hash (request_hash): a re-run compares it with what is there.
    The repr of the lines is most of its cost (~2 µs an entry); another input would be cheaper but would
    make every entry imported before it "already imported with other content"."""
    return hashlib.sha256(repr((on.isoformat(), memo, lines)).encode()).hexdigest()


def _learn(ctx: _Context, rows: list[tuple]) -> None:
    """Remember the dates and amounts of rows the fast path did not know, when they are fine."""
    for row in rows:
        day = row[2]
        if day not in ctx.good_dates:
            on = _date(ctx, day)
            if (on is not None and (on.year, on.month) not in ctx.closed and on <= ctx.latest
                    and len(ctx.good_dates) < 100_000):
                ctx.good_dates[day] = on
        for text in (row[5], row[6]):
            if text not in ctx.amounts and len(ctx.amounts) < 100_000:
                value = parse_amount(text) if text.__class__ is str or isinstance(text, int) else None
                if value is not None and value >= 0:
                    ctx.amounts[text] = value


def _check_entry(ctx: _Context, rows: list[tuple], seen: set[str], problems: list[ImportProblem]):
    """The entry the rows make, checked as `post` checks: (key, date, memo, lines, hash) or None."""
    entry = _fast_entry(ctx, rows, seen)
    if entry is not None:
        return entry
    _learn(ctx, rows)
    entry = _fast_entry(ctx, rows, seen)
    if entry is not None:
        return entry
    return _check_slowly(ctx, rows, seen, problems)


def _check_slowly(ctx: _Context, rows: list[tuple], seen: set[str], problems: list[ImportProblem]):
    """Every rule of `post`, each broken one a problem with its row and column."""
    first = rows[0]
    start = len(problems)
    row_no, ref = first[0], (first[1] or "").strip()
    if not ref:
        problems.append(ImportProblem(row_no, "ref", Sentence("Give the entry's reference.")))
        return None
    if len(ref) > 90:
        problems.append(ImportProblem(row_no, "ref", Sentence("A reference has at most 90 characters.")))
    if ref in seen:
        problems.append(ImportProblem(row_no, "ref", Sentence(
            "Reference %(ref)s appears again after other entries: keep an entry's rows together.", ref=ref)))
    seen.add(ref)
    on = _date(ctx, first[2])
    if on is None:
        problems.append(ImportProblem(row_no, "date", Sentence("Write the date as YYYY-MM-DD.")))
    elif (on.year, on.month) in ctx.closed:
        problems.append(ImportProblem(row_no, "date", Sentence(
            "%(month)s is closed; date the entry in an open month.", month=Month.of(on))))
    elif on > ctx.latest:
        problems.append(ImportProblem(row_no, "date", Sentence(
            "An entry cannot be dated %(on)s: the latest date allowed is %(latest)s.", on=on, latest=ctx.latest)))
    memo = (first[3] or "").strip()
    if not memo:
        problems.append(ImportProblem(row_no, "memo", Sentence("Say what the entry is for.")))
    elif len(memo) > 300:
        problems.append(ImportProblem(row_no, "memo", Sentence("A memo has at most 300 characters.")))
    if len(rows) < 2:
        problems.append(ImportProblem(row_no, None, Sentence("An entry needs at least two lines.")))
    lines = []
    debits = credits = 0
    lookup, parties, amounts = ctx.lookup, ctx.parties, ctx.amounts
    for row_no, _ref, day, line_memo, account_name, debit_text, credit_text, party_name in rows:
        if row_no != first[0] and day and day != first[2] and _date(ctx, day) != on:
            problems.append(ImportProblem(row_no, "date", Sentence("The lines of one entry share its date.")))
        found = lookup.get(account_name) or lookup.get((account_name or "").strip())
        if found is None:
            problems.append(ImportProblem(row_no, "account", Sentence("Unknown account %(name)s.", name=account_name)))
            account_id = None
        else:
            account_id = found[0]
            if found[1]:
                problems.append(ImportProblem(row_no, "account", found[1]))
        debit = amounts.get(debit_text, -1) if debit_text.__class__ is str else parse_amount(debit_text)
        if debit == -1:
            debit = _amount(amounts, debit_text)
        credit = amounts.get(credit_text, -1) if credit_text.__class__ is str else parse_amount(credit_text)
        if credit == -1:
            credit = _amount(amounts, credit_text)
        if debit is None:
            problems.append(ImportProblem(row_no, "debit", Sentence("Write an amount in pesos, like 1234.50.")))
        if credit is None:
            problems.append(ImportProblem(row_no, "credit", Sentence("Write an amount in pesos, like 1234.50.")))
        if debit is not None and credit is not None:
            if (debit > 0) == (credit > 0):
                problems.append(ImportProblem(row_no, "debit", Sentence("Give either a debit or a credit, more than zero.")))
            debits += debit
            credits += credit
        party_id = None
        if party_name:
            party_id = parties.get(party_name, 0)
            if party_id == 0:
                party_id = parties.get(party_name.strip(), 0)
            if party_id == 0:
                problems.append(ImportProblem(row_no, "party", Sentence(
                    "No one in this organization is %(name)s.", name=party_name)))
            elif party_id is None:
                problems.append(ImportProblem(row_no, "party", Sentence(
                    "%(name)s names more than one party.", name=party_name)))
        if line_memo:
            line_memo = line_memo.strip()
            if len(line_memo) > 200:
                problems.append(ImportProblem(row_no, "memo", Sentence("A line's memo has at most 200 characters.")))
            if line_memo == memo:
                line_memo = None
        lines.append((account_id, party_id, debit, credit, line_memo or None))
    if debits != credits and len(problems) == start:
        problems.append(ImportProblem(first[0], "credit", Sentence(
            "The entry is unbalanced: debits %(debits)s and credits %(credits)s.", debits=Pesos(debits),
            credits=Pesos(credits))))
    if len(problems) > start:
        return None
    return KEY_PREFIX + ref, on, memo, lines, _digest(on, memo, lines), first[0]


class _Writer:
    """Reserves ids and writes a batch with executemany (COPY on PostgreSQL, in a thread of its own).

    On PostgreSQL the server does its part of a batch (indexes, foreign keys) while the caller's
    thread reads and checks the next one: `submit` hands a batch over and returns at once, after
    waiting for the batch before it, so at most two batches are held. Only the writer uses the
    connection meanwhile, so the caller must not query in between (it may with `threaded=False`: each
    batch is then written before `submit` returns). An error in the writer is raised by the next
    `submit` or by `finish`.

    On SQLite the caller's thread writes: the sqlite3 module holds the GIL while it binds each row and
    hands it back and forth around each row's step, so a writer thread overlapped nothing (measured: an
    executemany of 300,000 lines in one thread and a Python loop in another took the sum of their
    times, wall and CPU) and cost the switching (~0.1 s of CPU in 100,000 entries).
    """

    def __init__(self, org_id: int, actor_id: int | None, source: str, *, threaded: bool):
        self.org_id, self.actor_id, self.source = org_id, actor_id, source
        self.connection = db.session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.next_id = None
        if not self.postgres:  # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE)
            self.next_id = (self.connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM journal_entry")
                            .scalar() + 1)
        self.posted_at = utcnow()
        self.batches: list[tuple[int, int, int, int]] = []  # (first id, last id, entries, lines) per batch written
        self.threaded = threaded and self.postgres
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, fresh: list[tuple]) -> None:
        self._wait()
        if not self.threaded:
            self._write(fresh)
            self._raise()
            return
        self.thread = threading.Thread(target=self._write, args=(fresh,), name="coop-ledger-import", daemon=True)
        self.thread.start()

    def finish(self) -> None:
        self._wait()

    def abandon(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        self.error = None

    def _wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _reserve(self, n: int) -> list[int]:
        if self.postgres:
            return [r[0] for r in self.connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('journal_entry', 'id')) FROM generate_series(1, %(n)s)",
                {"n": n})]
        ids = list(range(self.next_id, self.next_id + n))
        self.next_id += n
        return ids

    def _write(self, fresh: list[tuple]) -> None:
        try:
            org_id, actor_id, source = self.org_id, self.actor_id, self.source
            entry_ids = self._reserve(len(fresh))
            heads, lines = [], []
            posted_at = self.posted_at if self.postgres else self.posted_at.strftime("%Y-%m-%d %H:%M:%S.%f")
            cut = len(KEY_PREFIX)
            for entry_id, (key, on, memo, entry_lines, digest, _row) in zip(entry_ids, fresh):
                heads.append((entry_id, org_id, on if self.postgres else on.isoformat(), memo, source,
                              key[cut:cut + 60], key, digest, actor_id, posted_at))
                head = (org_id, entry_id)
                lines += [head + line for line in entry_lines]
            if self.postgres:
                cursor = self.connection.connection.driver_connection.cursor()
                with cursor.copy("COPY journal_entry (id, org_id, entry_date, memo, source, source_id, "
                                 "idempotency_key, request_hash, posted_by, posted_at) FROM STDIN") as copy:
                    for head in heads:
                        copy.write_row(head)
                with cursor.copy("COPY journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
                                 "FROM STDIN") as copy:
                    for line in lines:
                        copy.write_row(line)
                cursor.close()
            else:
                self.connection.exec_driver_sql(
                    "INSERT INTO journal_entry (id, org_id, entry_date, memo, source, source_id, idempotency_key, "
                    "request_hash, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", heads)
                self.connection.exec_driver_sql(
                    "INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", lines)
            self.batches.append((entry_ids[0], entry_ids[-1], len(heads), len(lines)))
        except BaseException as error:  # handed to the caller's thread: raised by the next submit or finish
            self.error = error


def _existing(org_id: int, keys: list[str]) -> dict[str, str]:
    found = {}
    for start in range(0, len(keys), 900):  # SQLite allows 999 parameters per statement
        found.update(db.session.execute(select(JournalEntry.idempotency_key, JournalEntry.request_hash).where(
            JournalEntry.org_id == org_id, JournalEntry.idempotency_key.in_(keys[start:start + 900]))).all())
    return found


@contextmanager
def _collector_spares_older_objects():
    """The cyclic garbage collector looks only at objects made from here on.

    The batches held keep it collecting, and each full pass walks every object the process holds
    (the app's modules, SQLAlchemy's mappings: ~270,000), ~0.3 s of CPU in 100,000 entries, a
    tenth of the import. Frozen, those objects are not walked (nor freed: they are the app's, and
    garbage among them is collected after the import). When something else froze them (a server
    that freezes before it forks), they stay as they are."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@_collector_spares_older_objects()
def import_entries(org_id: int, rows: Iterable[tuple], *, batch_size: int = 5000, actor_id: int | None = None,
                   dry_run: bool = False, source: str = "import", max_problems: int = 1000,
                   progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Post the journal `rows` hold: tuples (row number, ref, date, memo, account key or code, debit, credit, party).

    Amounts are pesos text or int centavos, dates ISO text or dates, the party a party's label
    ("M-0017"). Rows of one entry are consecutive. With dry_run nothing is written and the
    summary lists the problems; otherwise problems raise ImportRefused (the caller rolls back).
    """
    ctx = _Context(org_id)
    # a first import finds no earlier references: its own repeats are caught by `seen`, no look-up is needed,
    # so nothing but the writer uses the connection and it may write while the next batch is read
    earlier = db.session.scalar(select(JournalEntry.id).where(
        JournalEntry.org_id == org_id, JournalEntry.idempotency_key >= KEY_PREFIX,
        JournalEntry.idempotency_key < KEY_PREFIX[:-1] + chr(ord(KEY_PREFIX[-1]) + 1)).limit(1)) is not None
    writer = None if dry_run else _Writer(org_id, actor_id, source, threaded=not earlier)
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    totals = {"entries": 0, "lines": 0, "skipped": 0, "rows": 0}
    # (account, party, first of the month) -> [debit, credit]: the three kinds of balance rows are sums of these
    sums: dict[tuple[int, int | None, date], list[int]] = {}
    batch: list[tuple] = []

    def flush() -> None:
        existing = _existing(org_id, [entry[0] for entry in batch]) if earlier else {}
        fresh = []
        for entry in batch:
            previous = existing.get(entry[0]) if earlier else None
            if previous is None:
                fresh.append(entry)
            elif previous == entry[4]:
                totals["skipped"] += 1
            else:
                problems.append(ImportProblem(entry[5], "ref", Sentence(
                    "Reference %(ref)s was already imported with other content.", ref=entry[0][len(KEY_PREFIX):])))
        batch.clear()
        totals["entries"] += len(fresh)
        totals["lines"] += sum(len(entry[3]) for entry in fresh)
        if writer is None or problems or not fresh:
            return
        for _key, on, _memo, entry_lines, _digest, _row in fresh:
            month = on.replace(day=1)
            for account_id, party_id, debit, credit, _line_memo in entry_lines:
                found = sums.get((account_id, party_id, month))
                if found is None:
                    sums[(account_id, party_id, month)] = [debit, credit]
                else:
                    found[0] += debit
                    found[1] += credit
        writer.submit(fresh)

    try:
        for group in _group(rows):
            totals["rows"] += len(group)
            entry = _check_entry(ctx, group, seen, problems)
            if entry is not None:
                batch.append(entry)
                if len(batch) >= batch_size:
                    flush()
                    if progress:
                        progress(totals["rows"])
            if len(problems) >= max_problems:
                break
        if batch:
            flush()
    except BaseException:
        if writer is not None:
            writer.abandon()  # the connection is the caller's again; the first error is the one told
        raise
    if writer is not None:
        writer.finish()  # the connection is the caller's again (an error in the writer is raised here)
    if progress:
        progress(totals["rows"])
    batches = writer.batches if writer is not None else []
    if writer is not None and not problems:
        _add_totals(org_id, sums)
        audit.record_many([{"action": "ledger.import", "org_id": org_id, "user_id": actor_id,
                            "target_type": "journal_entry", "target_id": f"{first}-{last}",
                            "details": {"entries": entries, "lines": lines, "source": source}}
                           for first, last, entries, lines in batches])
    summary = ImportSummary(entries=totals["entries"], lines=totals["lines"], skipped=totals["skipped"],
                            batches=len(batches), rows=totals["rows"], problems=tuple(problems[:max_problems]),
                            first_id=batches[0][0] if batches else None, last_id=batches[-1][1] if batches else None,
                            dry_run=dry_run)
    if problems and not dry_run:
        raise ImportRefused(summary)
    return summary


@lru_cache(maxsize=None)
def _upsert(dialect: str, table, conflict: tuple[str, ...]):
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return statement.on_conflict_do_update(index_elements=list(conflict), set_={
        "debit_total": table.c.debit_total + statement.excluded.debit_total,
        "credit_total": table.c.credit_total + statement.excluded.credit_total})


def _add_to_totals(table, conflict: tuple[str, ...], rows: list[dict]) -> None:
    """Add to each totals row (or insert it), as `post` does: one executemany per table, in key order."""
    db.session.execute(_upsert(db.session.get_bind().dialect.name, table, conflict), rows)


def _add_totals(org_id: int, sums: dict) -> None:
    by_account: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_party: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for (account_id, party_id, month), (debit, credit) in sums.items():
        for row in ((by_account[account_id], by_month[(account_id, month)], by_party[(account_id, party_id)])
                    if party_id is not None else (by_account[account_id], by_month[(account_id, month)])):
            row[0] += debit
            row[1] += credit
    if by_account:
        _add_to_totals(AccountBalance.__table__, ("account_id",),
                       [{"account_id": a, "org_id": org_id, "debit_total": d, "credit_total": c}
                        for a, (d, c) in sorted(by_account.items())])
    if by_party:
        _add_to_totals(PartyBalance.__table__, ("account_id", "party_id"),
                       [{"account_id": a, "party_id": p, "org_id": org_id, "debit_total": d, "credit_total": c}
                        for (a, p), (d, c) in sorted(by_party.items())])
    if by_month:
        _add_to_totals(AccountMonth.__table__, ("account_id", "month"),
                       [{"account_id": a, "month": m, "org_id": org_id, "debit_total": d, "credit_total": c}
                        for (a, m), (d, c) in sorted(by_month.items())])


# ---------------------------------------------------------------- reading out


@dataclass(frozen=True)
class JournalRow:
    id: int
    entry_date: date
    memo: str
    source: str | None
    source_id: str | None
    reverses_id: int | None
    lines: tuple = field(default=())  # (account_id, party_id, debit, credit, memo)


def iter_journal(org_id: int, *, since: date | None = None, after_id: int | None = None,
                 chunk: int = 2000) -> Iterator[JournalRow]:
    """Every entry of the organization in id order, with its lines, read a chunk at a time."""
    entries, lines = JournalEntry.__table__, JournalLine.__table__
    last = after_id or 0
    while True:
        query = select(entries.c.id, entries.c.entry_date, entries.c.memo, entries.c.source, entries.c.source_id,
                       entries.c.reverses_id).where(entries.c.org_id == org_id, entries.c.id > last)
        if since is not None:
            query = query.where(entries.c.entry_date >= since)
        heads = db.session.execute(query.order_by(entries.c.id).limit(chunk)).all()
        if not heads:
            return
        by_entry: dict[int, list] = defaultdict(list)
        for row in db.session.execute(
                select(lines.c.entry_id, lines.c.account_id, lines.c.party_id, lines.c.debit, lines.c.credit,
                       lines.c.memo).where(lines.c.entry_id.between(heads[0].id, heads[-1].id),
                                           lines.c.org_id == org_id).order_by(lines.c.entry_id, lines.c.id)):
            by_entry[row.entry_id].append((row.account_id, row.party_id, row.debit, row.credit, row.memo))
        for head in heads:
            yield JournalRow(head.id, head.entry_date, head.memo, head.source, head.source_id, head.reverses_id,
                             tuple(by_entry[head.id]))
        last = heads[-1].id


def list_parties(org_id: int, kinds: tuple[str, ...] | None = None) -> list[Party]:
    query = select(Party).where(Party.org_id == org_id)
    if kinds:
        query = query.where(Party.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(Party.kind, Party.ref_id)))

