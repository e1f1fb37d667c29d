"""Ledger benchmark: prints figures, asserts nothing (not a test).

    .venv/bin/python bench/ledger.py                     # SQLite, and PostgreSQL if reachable
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/ledger.py
    .venv/bin/python bench/ledger.py --lines 100000      # a quicker run

On each database (SQLite in a temporary file; PostgreSQL at $COOP_BENCH_PG_URL, whose schema is
DROPPED and rebuilt, skipped when unreachable):
- posting throughput, one entry per transaction (`ledger.post` + commit) and in bulk
  (`ledger.post_many`, one transaction per chunk), each beside plain SQL inserts of the same rows
  (the entry and its lines, nothing else) in the same run, and their ratio; and each path's CPU per entry
  (this process, plus on PostgreSQL the server's backends connected to the bench's database) with the CPU
  ratio, the figure to read when the machine's load makes wall time meaningless; on PostgreSQL also two
  processes posting into the same organization at once, beside two processes of plain inserts (goal 550/s);
- with the journal filled to --lines lines: the latency of one balance read (account and party)
  and the time of the trial balance today and as of a past date.
Aims (issue 2): posting >= 0.5 x the plain-insert rate; a balance read < 2 ms; a trial balance
of 1,000,000 lines < 1 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import insert, text  # noqa: E402

from _common import CpuMeter, load, make_app, on_each_engine  # noqa: E402
from coop.extensions import db  # noqa: E402
from coop.ledger import services as ledger  # noqa: E402
from coop.ledger.models import JournalEntry, JournalLine  # noqa: E402
from coop.ledger.records import Entry, Line  # noqa: E402
from coop.timeutil import utcnow  # noqa: E402

START = date(2024, 1, 1)
PARTIES = 500
CHUNK = 1000




class Book:
    """One organization with its chart and PARTIES member parties."""

    def __init__(self, slug: str):
        from coop.orgs.services import create_organization

        self.org = create_organization(slug, f"Bench {slug}", "cooperative")
        self.parties = [ledger.ensure_party(self.org.id, "member", n, f"M-{n:05d}") for n in range(1, PARTIES + 1)]
        self.cash = ledger.get_account(self.org.id, "cash_on_hand").id
        self.shares = ledger.get_account(self.org.id, "paid_up_share_capital_common").id
        db.session.commit()
        self.org_id = self.org.id

    def entry(self, n: int) -> Entry:
        """A member pays 50.00 to 549.00 of share capital: a cash debit and a credit on her party."""
        amount = 5_000 + (n % 500) * 100
        return Entry(self.org_id, START + timedelta(days=(n // 700) % 900), f"Share capital payment {n}",
                     (Line(self.cash, debit=amount), Line(self.shares, credit=amount, party_id=self.parties[n % PARTIES])),
                     source="bench", source_id=str(n))

    def plain_rows(self, n: int):
        entry = self.entry(n)
        head = {"org_id": self.org_id, "entry_date": entry.entry_date, "memo": entry.memo, "source": "bench",
                "source_id": entry.source_id, "posted_at": utcnow()}
        lines = [{"org_id": self.org_id, "account_id": line.account, "party_id": line.party_id,
                  "debit": line.debit, "credit": line.credit, "memo": None} for line in entry.lines]
        return head, lines


def insert_lines(rows: list[dict]) -> None:
    """The lines in one statement, each engine's fastest plain way, as the ledger writes them: on SQLite an
    executemany (a loop in C); on PostgreSQL one multi-row INSERT. psycopg's executemany would send a statement
    per line, and each statement runs journal_line's reference trigger (0210_bulk20_line_refs, once per statement):
    a baseline paying that per line, which no coop path does, measured 6.4 ms of CPU an entry in bulk (a ratio
    of 38) and made the per-transaction ratio look better than it is."""
    lines = JournalLine.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(insert(lines).values(rows))
    else:
        db.session.execute(insert(lines), rows)


def plain_insert(book: Book, numbers: range, per_transaction: bool) -> None:
    """The same entry and line rows as the posts, written with bare INSERTs: the floor any ledger pays (not the
    running balances, the audit row or the checks, which are what the ratio prices)."""
    entries = JournalEntry.__table__
    if per_transaction:
        for n in numbers:
            head, rows = book.plain_rows(n)
            entry_id = db.session.execute(insert(entries).returning(entries.c.id), head).scalar_one()
            insert_lines([dict(row, entry_id=entry_id) for row in rows])
            db.session.commit()
        return
    for start in range(numbers.start, numbers.stop, CHUNK):
        chunk = [book.plain_rows(n) for n in range(start, min(start + CHUNK, numbers.stop))]
        ids = db.session.execute(insert(entries).returning(entries.c.id, sort_by_parameter_order=True),
                                 [head for head, _ in chunk]).scalars().all()
        insert_lines([dict(row, entry_id=entry_id) for entry_id, (_, rows) in zip(ids, chunk) for row in rows])
        db.session.commit()


def ledger_post(book: Book, numbers: range, per_transaction: bool) -> None:
    if per_transaction:
        for n in numbers:
            ledger.post(book.entry(n))
            db.session.commit()
        return
    for start in range(numbers.start, numbers.stop, CHUNK):
        ledger.post_many([book.entry(n) for n in range(start, min(start + CHUNK, numbers.stop))])
        db.session.commit()


_meter: list = []  # the run's CpuMeter


def rate(fn, *args) -> float:
    """Entries per second of wall time; the CPU each entry took (this process and the database's backends, on
    PostgreSQL) is kept in `_cpu[fn]` as microseconds per entry."""
    numbers = args[1]
    cpu = _meter[0].read()
    started = time.perf_counter()
    fn(*args)
    elapsed = time.perf_counter() - started
    _cpu[fn] = (_meter[0].read() - cpu) / len(numbers) * 1e6
    return len(numbers) / elapsed


_cpu: dict = {}


def two_processes(app, fn, book: Book, first: int, n: int) -> float:
    """Entries per second of wall time with two processes (forked, each with its own connections) each posting n
    entries one per transaction into the same organization: the issue's 550/s on PostgreSQL. Their posts
    contend for the same balance rows and the organization's audit chain, as two servers' would."""
    import multiprocessing

    db.session.remove()
    db.engine.dispose()  # the children open their own connections

    def child(start: int) -> None:
        with app.app_context():
            fn(book, range(start, start + n), True)
            db.session.remove()

    forked = multiprocessing.get_context("fork")
    started = time.perf_counter()
    workers = [forked.Process(target=child, args=(first + k * n,)) for k in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if any(worker.exitcode for worker in workers):
        raise SystemExit(f"a posting process failed: {[worker.exitcode for worker in workers]}")
    return 2 * n / elapsed


def latency_ms(fn, repeat: int) -> tuple[float, float]:
    """Median and 99th percentile of fn() in milliseconds, each call in a fresh transaction."""
    times = []
    for _ in range(repeat):
        db.session.rollback()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def line_count() -> int:
    return db.session.scalar(text("SELECT count(*) FROM journal_line"))


def run(label: str, url: str, args) -> None:
    from coop.reports.services import trial_balance

    print(f"\n== {label}")
    app = make_app(url)
    _meter[:] = [CpuMeter(url)]
    with app.app_context():
        posting, plain = Book(f"bench-{label.lower()}"), Book(f"plain-{label.lower()}")
        # warm up both paths (connections, statement caches) before timing
        ledger_post(posting, range(0, 50), True)
        plain_insert(plain, range(0, 50), True)
        n = args.entries
        post_rate = rate(ledger_post, posting, range(1000, 1000 + n), True)
        plain_rate = rate(plain_insert, plain, range(1000, 1000 + n), True)
        print(f"one entry per transaction: ledger.post {post_rate:8.0f} entries/s, plain inserts {plain_rate:8.0f}"
              f" entries/s, ratio {post_rate / plain_rate:.2f} ({load()})")
        print(f"one entry per transaction, CPU per entry{' (with the PostgreSQL backends)' if _meter[0].engine else ''}:"
              f" ledger.post {_cpu[ledger_post]:.0f} us, plain inserts {_cpu[plain_insert]:.0f} us,"
              f" CPU ratio {_cpu[plain_insert] / _cpu[ledger_post]:.2f} ({load()})")
        if url.startswith("postgresql"):
            post_two = two_processes(app, ledger_post, posting, 5_000_000, args.entries)
            plain_two = two_processes(app, plain_insert, plain, 5_000_000, args.entries)
            print(f"two processes, one entry per transaction each: ledger.post {post_two:8.0f} entries/s (goal 550),"
                  f" plain inserts {plain_two:8.0f} entries/s, ratio {post_two / plain_two:.2f} ({load()})")
        n = args.bulk
        base = 10_000_000
        bulk_rate = rate(ledger_post, posting, range(base, base + n), False)
        plain_bulk = rate(plain_insert, plain, range(base, base + n), False)
        print(f"bulk ({CHUNK} entries per transaction): ledger.post_many {bulk_rate:8.0f} entries/s, plain inserts"
              f" {plain_bulk:8.0f} entries/s, ratio {bulk_rate / plain_bulk:.2f} ({load()})")
        print(f"bulk, CPU per entry: ledger.post_many {_cpu[ledger_post]:.0f} us, plain inserts {_cpu[plain_insert]:.0f}"
              f" us, CPU ratio {_cpu[plain_insert] / _cpu[ledger_post]:.2f} ({load()})")

        missing = args.lines - line_count()
        if missing > 0:
            started = time.perf_counter()
            fill = 20_000_000
            ledger_post(posting, range(fill, fill + missing // 2), False)
            print(f"filled the journal to {line_count():,} lines in {time.perf_counter() - started:.0f} s")
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"journal lines: {line_count():,}")
        party = posting.parties[7]
        median, p99 = latency_ms(lambda: ledger.balance(posting.org_id, "cash_on_hand"), 2000)
        print(f"account balance read: median {median:.3f} ms, p99 {p99:.3f} ms")
        median, p99 = latency_ms(lambda: ledger.party_balance(posting.org_id, "paid_up_share_capital_common", party), 2000)
        print(f"party balance read:   median {median:.3f} ms, p99 {p99:.3f} ms")
        for as_of, name in ((None, "today"), (START + timedelta(days=600), "as of a past date"),
                            (START + timedelta(days=30), "as of an early date")):
            median, worst = latency_ms(lambda: trial_balance(posting.org_id, as_of), 5)
            print(f"trial balance {name}: median {median:.1f} ms, worst {worst:.1f} ms")
        problems = ledger.recompute_problems(posting.org_id)
        print(f"ledger check: {'ok' if not problems else problems[:3]}")
        db.session.remove()
        db.engine.dispose()
        _meter[0].close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2000, help="entries posted one per transaction")
    parser.add_argument("--bulk", type=int, default=20_000, help="entries posted in bulk")
    parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines for the read figures")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    on_each_engine(run, f"sqlite:///{scratch(prefix='coop-bench-')}/bench.sqlite", args.only, args)


if __name__ == "__main__":
    main()
