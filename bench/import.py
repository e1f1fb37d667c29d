"""Bulk import benchmark: prints figures, asserts nothing (not a test).

    .venv/bin/python bench/import.py                          # 100,000 entries x 3 lines, SQLite and PostgreSQL
    .venv/bin/python bench/import.py --entries 20000          # quicker
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/import.py

One CSV file of N entries x 3 lines (cash in, share capital on one of 500 member parties, a fee)
is written once. On each database (a fresh SQLite file; PostgreSQL at $COOP_BENCH_PG_URL, whose
schema is DROPPED and rebuilt, skipped when unreachable), each in its own child process (so its
peak memory is its own):
- raw: the same entries and lines as tuples already in memory, written into the same tables (same
  indexes, foreign keys and checks) with a bare executemany on SQLite and COPY in the import's
  batches on PostgreSQL (no parsing, no checks, no balances, no audit): the floor;
- import: `coop.ledger.services.import_entries` reading the CSV file (parsing, every check of
  `post`, balances, audit), as `coop ledger import` does; then `recompute_problems` must be empty;
- beancount (when `beancount` is installed): `beancount.loader.load_file` of the same
  transactions written as a ledger file (parsing, booking, its plugins and validations), once without
  its pickle cache and once as a first load that writes it; the ratio uses the faster (no cache).
What is left (measured 2026-12-05 on branch import20, 100,000 entries x 3 lines, 2 shared CPUs at load
4.4-5.1, so the wall figures are 1.1-1.6x the CPU ones and only the CPU ratios can be read):

    beancount load_file, no cache  12.7 s wall,  8.1 s CPU   (4x Beancount: 2.02 s of CPU)
    SQLite      raw executemany     1.8 s wall,  1.6 s CPU     import  3.2 s,  2.7 s CPU
                import/beancount 2.99x CPU;  import/raw 0.61x CPU
                by phase: read the CSV 0.23 s, group and check 0.32 s, idempotency hash 0.25 s (a dry run:
                0.80 s); the write (tuples, executemany, balances, audit, commit) 1.90 s, the raw one 1.64 s
    PostgreSQL  raw COPY            4.2 s wall,  2.8 s CPU (2.5 s of it the server's)
                import              5.7 s wall,  4.1 s CPU (2.7 s the server's)
                import/beancount 1.95x CPU;  import/raw 0.68x CPU
                by phase: a dry run 0.77 s; the write 3.38 s, the raw one 2.82 s
    (the same day on main at load 0.4-0.8: Beancount 7.9 s, 7.8 s CPU; SQLite import 3.2 s (2.42x);
     PostgreSQL import 4.2 s, 4.8 s CPU (1.87x))

Why 4x is out of reach with these tables. On PostgreSQL the raw COPY of the same rows into the same tables
is 140% of the budget by itself, nearly all of it the server's (journal_entry's six indexes and three
per-row foreign keys, journal_line's four indexes and its per-statement reference check: see migration
0210_bulk20_line_refs, which took it from 7.8 s to 4.0 s): the goal is below the floor of writing the
rows, whatever the import does before. On SQLite the raw executemany is 81% of the budget, and the
import's own write (the tuples with their ids, the same executemany, the balance rows, one audit row a
batch, the commit) 94%: reading, grouping, checking and hashing 300,000 rows would have to cost 0.12 s,
where the csv module's reading alone costs 0.15 s. Two cores do not change that: sqlite3 holds the GIL
to bind each row, so a writer thread overlaps nothing (measured; the import writes in its own thread
on SQLite, in a writer thread on PostgreSQL, where the server works while the next batch is read), and
a reader process would hand its batches over pickled (0.11 s to pickle and 0.15 s to unpickle 100,000
entries), which puts the writing side above the budget. What the import's CPU was cut by today: the
cyclic garbage collector no longer walks the app's ~270,000 objects (gc.freeze while it runs: 0.3 s on
SQLite, 0.4 s on PostgreSQL), and SQLite's writing no longer switches threads (~0.1 s). What is left
in the Python: the idempotency hash (its input's repr is 2/3 of it; another input would make every
earlier import's entries "imported with other content" on a re-run), the entry's tuples, which the
writer needs (a column-at-a-time check of each batch was tried and measured no faster). What would move
the floor: journal_entry's per-row foreign keys (organization, poster, reversal) checked per statement
too (~0.4 s of PostgreSQL's share); fewer indexes on the journal (each is a read some page needs).

Printed: wall seconds and CPU seconds (the child's, every thread, plus its PostgreSQL server
process read from /proc, whose share is shown: on a busy machine the CPU figures are the steadier),
entries/s, peak RSS of the child, the ratios import/raw and import/beancount in both, and the load
average beside each figure. Memory flat: the import's peak RSS at N/5 and N entries. Then the import's
CPU by phase (a child of its own: the CSV read alone, a dry run, the idempotency hash alone; the write is
the import less the dry run) and each one's share of the 4x-Beancount budget: the floor argument.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench"
PARTIES = 500
BATCH = 5000  # the import's batch size (import_entries' default): the raw COPY writes the same batches
START = date(2024, 1, 1)


def entry(n: int):
    amount = 5_000 + (n % 500) * 100
    on = START + timedelta(days=(n // 300) % 700)
    return f"B-{n}", on, f"Share capital payment {n}", amount, n % PARTIES + 1


def write_csv(path: Path, entries: int) -> None:
    with path.open("w") as out:
        out.write("ref,date,memo,account,debit,credit,party\n")
        for n in range(entries):
            ref, on, memo, amount, party = entry(n)
            pesos = f"{amount // 100}.{amount % 100:02d}"
            out.write(f"{ref},{on},{memo},cash_on_hand,{pesos},,\n"
                      f"{ref},{on},{memo},deposit_for_share_capital_subscription,,{amount // 100 - 10}.{amount % 100:02d},"
                      f"M-{party:05d}\n"
                      f"{ref},{on},{memo},service_fees,,10.00,\n")


def write_beancount(path: Path, entries: int) -> None:
    with path.open("w") as out:
        out.write('option "operating_currency" "PHP"\n2023-01-01 open Assets:Cash PHP\n'
                  "2023-01-01 open Equity:ShareCapital PHP\n2023-01-01 open Income:Fees PHP\n")
        for n in range(entries):
            ref, on, memo, amount, party = entry(n)
            out.write(f'{on} * "{memo}" ^{ref}\n  member: "M-{party:05d}"\n'
                      f"  Assets:Cash  {amount / 100:.2f} PHP\n"
                      f"  Equity:ShareCapital  -{(amount - 1000) / 100:.2f} PHP\n"
                      f"  Income:Fees  -10.00 PHP\n\n")


def _setup(url: str):
    from _common import make_app

    from coop.extensions import db
    from coop.ledger import services as ledger
    from coop.orgs.services import create_organization

    app = make_app(url)
    ctx = app.app_context()
    ctx.push()
    org = create_organization("bench", "Bench", "cooperative")
    for n in range(1, PARTIES + 1):
        ledger.ensure_party(org.id, "member", n, f"M-{n:05d}")
    db.session.commit()
    return app, org.id


def _backend_pid() -> int | None:
    from coop.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds the PostgreSQL server process of this session has used (0 on SQLite or when unreadable):
    on PostgreSQL the database's share of the work is done there, not in this process."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall seconds, and CPU seconds of this process (every thread) plus its PostgreSQL server process."""

    def __init__(self, database: bool = True):
        self.database = database

    def __enter__(self):
        self.pid = _backend_pid() if self.database else None
        self.backend = _backend_cpu(self.pid)
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.wall
        self.server_seconds = _backend_cpu(self.pid) - self.backend
        self.cpu_seconds = time.process_time() - self.cpu + self.server_seconds

    def result(self, **more) -> dict:
        return {"seconds": self.seconds, "cpu": self.cpu_seconds, "server": self.server_seconds, **more}


def child_raw(url: str, entries: int) -> dict:
    from coop.extensions import db
    from coop.ledger import services as ledger
    from coop.timeutil import utcnow

    _, org_id = _setup(url)
    cash, shares, fees = (ledger.get_account(org_id, k).id for k in
                          ("cash_on_hand", "deposit_for_share_capital_subscription", "service_fees"))
    parties = {p.label: p.id for p in ledger.list_parties(org_id)}
    now = utcnow()
    postgres = url.startswith("postgresql")
    heads, lines = [], []
    for n in range(entries):
        ref, on, memo, amount, party = entry(n)
        heads.append((n + 1, org_id, on if postgres else on.isoformat(), memo, "bench", ref, "import:" + ref,
                      None, None, now if postgres else now.isoformat(" ")))
        lines += [(org_id, n + 1, cash, None, amount, 0, None),
                  (org_id, n + 1, shares, parties[f"M-{party:05d}"], 0, amount - 1000, None),
                  (org_id, n + 1, fees, None, 0, 1000, None)]
    db.session.commit()
    clock = Clock().__enter__()
    connection = db.session.connection()
    if postgres:  # the same rows COPY'd into the same tables (same indexes, foreign keys, checks), as the import writes
        cursor = connection.connection.driver_connection.cursor()
        for start in range(0, entries, BATCH):
            with cursor.copy("COPY journal_entry (id, org_id, entry_date, memo, source, source_id, idempotency_key, "
                             "request_hash, posted_by, posted_at) FROM STDIN") as copy:
                for head in heads[start:start + BATCH]:
                    copy.write_row(head)
            with cursor.copy("COPY journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
                             "FROM STDIN") as copy:
                for line in lines[3 * start:3 * (start + BATCH)]:
                    copy.write_row(line)
    else:
        connection.exec_driver_sql(
            "INSERT INTO journal_entry (id, org_id, entry_date, memo, source, source_id, idempotency_key, request_hash, "
            f"posted_by, posted_at) VALUES ({', '.join(['?'] * 10)})", heads)
        connection.exec_driver_sql(
            "INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
            f"VALUES ({', '.join(['?'] * 7)})", lines)
    db.session.commit()
    clock.__exit__()
    return clock.result()


def child_import(url: str, csv_path: str) -> dict:
    from coop.cli.ledger import read_journal_csv
    from coop.extensions import db
    from coop.ledger import services as ledger

    _, org_id = _setup(url)
    with Clock() as clock:
        with open(csv_path, newline="") as handle:
            summary = ledger.import_entries(org_id, read_journal_csv(handle))
        db.session.commit()
    problems = ledger.recompute_problems(org_id)
    return clock.result(entries=summary.entries, lines=summary.lines, batches=summary.batches,
                        check="ok" if not problems else problems[:3])


def child_phases(url: str, csv_path: str, entries: int) -> dict:
    """Where the import's own CPU goes before the writing: the CSV read alone, then a dry run (read,
    group, every check, the idempotency hash; nothing written), then the hash alone on entries of the
    same shape. The writing's share (tuples, executemany or COPY, balances, audit, commit) is the
    import's CPU less the dry run's."""
    from coop.cli.ledger import read_journal_csv
    from coop.ledger import bulk
    from coop.ledger import services as ledger

    _, org_id = _setup(url)
    with Clock(database=False) as read, open(csv_path, newline="") as handle:
        for _row in read_journal_csv(handle):
            pass
    with Clock() as dry, open(csv_path, newline="") as handle:
        summary = ledger.import_entries(org_id, read_journal_csv(handle), dry_run=True)
    cash, shares, fees = (ledger.get_account(org_id, k).id for k in
                          ("cash_on_hand", "deposit_for_share_capital_subscription", "service_fees"))
    shaped = []
    for n in range(entries):
        _ref, on, memo, amount, party = entry(n)
        shaped.append((on, memo, [(cash, None, amount, 0, None), (shares, party, 0, amount - 1000, None),
                                  (fees, None, 0, 1000, None)]))
    with Clock(database=False) as hashing:
        for on, memo, lines in shaped:
            bulk._digest(on, memo, lines)
    return {"read": read.cpu_seconds, "dry": dry.cpu_seconds, "dry_seconds": dry.seconds,
            "hash": hashing.cpu_seconds, "entries": summary.entries}


def child_beancount(path: str) -> dict:
    """`loader.load_file` on a file it has not seen: parse, book, plugins, validations; it then writes its
    pickle cache (the time is in the figure). BEANCOUNT_DISABLE_LOAD_CACHE (set by the caller) leaves that out."""
    from beancount import loader

    with Clock(database=False) as clock:
        entries, errors, _ = loader.load_file(path)
    return clock.result(entries=len(entries), errors=len(errors))


def run_child(*args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {"raw": lambda: child_raw(rest[0], int(rest[1])), "import": lambda: child_import(*rest),
                  "phases": lambda: child_phases(rest[0], rest[1], int(rest[2])),
                  "beancount": lambda: child_beancount(rest[0])}[kind]()
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["load"] = os.getloadavg()[0]
        print(json.dumps(result))
        return

    from _common import reachable

    n = args.entries
    work = Path(scratch(prefix="coop-bench-import-"))
    csv_path, small_path, bean_path = work / "journal.csv", work / "small.csv", work / "journal.beancount"
    write_csv(csv_path, n)
    write_csv(small_path, n // 5)
    try:
        import beancount  # noqa: F401
        write_beancount(bean_path, n)
        have_beancount = True
    except ImportError:
        have_beancount = False
    print(f"{n:,} entries x 3 lines; CSV {csv_path.stat().st_size / 1e6:.1f} MB; load average before "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    bean = None
    if have_beancount:
        for cache in work.glob(".*.picklecache"):
            cache.unlink()
        uncached = run_child("beancount", str(bean_path), env={"BEANCOUNT_DISABLE_LOAD_CACHE": "1"})
        cached = run_child("beancount", str(bean_path))  # a first load: it writes .journal.beancount.picklecache
        print(f"  beancount load_file, no cache:      {uncached['seconds']:.1f} s, CPU {uncached['cpu']:.1f} s "
              f"({n / uncached['seconds']:,.0f} entries/s), {uncached['errors']} errors, "
              f"peak RSS {uncached['max_rss_mb']:.0f} MB (load {uncached['load']:.2f})")
        print(f"  beancount load_file, writing cache: {cached['seconds']:.1f} s, CPU {cached['cpu']:.1f} s "
              f"({n / cached['seconds']:,.0f} entries/s) (load {cached['load']:.2f})")
        bean = uncached  # the faster of the two: the comparison does not count Beancount's cache write against it
    else:
        print("  beancount: not installed (pip install beancount) - skipped")
    urls = [("sqlite", f"sqlite:///{work / 'bench.sqlite'}")]
    pg = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
    if reachable(pg):
        urls.append(("postgresql", pg))
    else:
        print(f"  PostgreSQL at {pg} unreachable - skipped")
    for name, url in urls:
        if name == "sqlite":
            for f in work.glob("bench.sqlite*"):
                f.unlink()
        raw = run_child("raw", url, str(n))
        if name == "sqlite":
            for f in work.glob("bench.sqlite*"):
                f.unlink()
        small = run_child("import", url, str(small_path))
        if name == "sqlite":
            for f in work.glob("bench.sqlite*"):
                f.unlink()
        imp = run_child("import", url, str(csv_path))
        if name == "sqlite":
            for f in work.glob("bench.sqlite*"):
                f.unlink()
        phases = run_child("phases", url, str(csv_path), str(n))
        how = "COPY, batches of 5,000" if name == "postgresql" else "executemany"
        print(f"{name}:")
        server = (lambda run: f" (the server {run['server']:.1f} s)") if name == "postgresql" else (lambda run: "")
        print(f"  raw {how} (in-memory tuples): {raw['seconds']:.1f} s, CPU {raw['cpu']:.1f} s{server(raw)} "
              f"({n / raw['seconds']:,.0f} entries/s) (load {raw['load']:.2f})")
        print(f"  import_entries from the CSV: {imp['seconds']:.1f} s, CPU {imp['cpu']:.1f} s{server(imp)} "
              f"({n / imp['seconds']:,.0f} entries/s), {imp['batches']} batches, ledger check {imp['check']} "
              f"(load {imp['load']:.2f})")
        print(f"  wall: import / raw = {raw['seconds'] / imp['seconds']:.2f}x"
              + (f"; import / beancount = {bean['seconds'] / imp['seconds']:.2f}x" if bean else ""))
        print(f"  CPU (this process and its database server process): import / raw = {raw['cpu'] / imp['cpu']:.2f}x"
              + (f"; import / beancount = {bean['cpu'] / imp['cpu']:.2f}x" if bean else ""))
        write = imp["cpu"] - phases["dry"]
        print(f"  the import's CPU by phase: read the CSV {phases['read']:.2f} s, group and check "
              f"{phases['dry'] - phases['read'] - phases['hash']:.2f} s, idempotency hash {phases['hash']:.2f} s "
              f"(together a dry run: {phases['dry']:.2f} s, {phases['dry_seconds']:.2f} s wall); write "
              f"(import less dry run: tuples, {'COPY' if name == 'postgresql' else 'executemany'}, balances, audit, "
              f"commit) {write:.2f} s against the raw write's {raw['cpu']:.2f} s (load {phases['load']:.2f})")
        if bean:
            budget = bean["cpu"] / 4
            print(f"  4x Beancount is {budget:.2f} s of CPU: the raw write alone is {raw['cpu'] / budget:.0%} of it, "
                  f"the import's write {write / budget:.0%}, its dry run {phases['dry'] / budget:.0%}; on two free "
                  f"cores the import's wall could fall to the larger of the two, "
                  f"{max(write, phases['dry']) / budget:.0%} of it")
        print(f"  peak RSS of the import: {small['max_rss_mb']:.0f} MB at {n // 5:,} entries, "
              f"{imp['max_rss_mb']:.0f} MB at {n:,} entries")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
