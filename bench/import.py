"""Bulk import benchmark: prints figures, asserts nothing (not a test).

    .venv/bin/python bench/import.py                          # 100,000 entries x 3 lines, SQLite and PostgreSQL
    .venv/bin/python bench/import.py --entries 20000          # quicker
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/import.py

One CSV file of N entries x 3 lines (cash in, share capital on one of 500 member parties, a fee)
is written once. On each database (a fresh SQLite file; PostgreSQL at $COOP_BENCH_PG_URL, whose
schema is DROPPED and rebuilt, skipped when unreachable), each in its own child process (so its
peak memory is its own):
- raw: the same entries and lines as tuples already in memory, written with a bare executemany
  (no parsing, no checks, no balances, no audit): the floor;
- import: `coop.ledger.services.import_entries` reading the CSV file (parsing, every check of
  `post`, balances, audit), as `coop ledger import` does; then `recompute_problems` must be empty;
- beancount (when `beancount` is installed): `beancount.loader.load_file` of the same
  transactions written as a ledger file (parsing, booking, its validations).
Printed: seconds, entries/s, peak RSS of the child, the ratios import/raw and import/beancount,
and the load average before and after. Memory flat: the import's peak RSS at N/5 and N entries.
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
    mark = "%s" if postgres else "?"
    started = time.perf_counter()
    connection = db.session.connection()
    connection.exec_driver_sql(
        "INSERT INTO journal_entry (id, org_id, entry_date, memo, source, source_id, idempotency_key, request_hash, "
        f"posted_by, posted_at) VALUES ({', '.join([mark] * 10)})", heads)
    connection.exec_driver_sql(
        "INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
        f"VALUES ({', '.join([mark] * 7)})", lines)
    db.session.commit()
    return {"seconds": time.perf_counter() - started}


def child_import(url: str, csv_path: str) -> dict:
    from coop.cli.ledger import read_journal_csv
    from coop.extensions import db
    from coop.ledger import services as ledger

    _, org_id = _setup(url)
    started = time.perf_counter()
    with open(csv_path, newline="") as handle:
        summary = ledger.import_entries(org_id, read_journal_csv(handle))
    db.session.commit()
    seconds = time.perf_counter() - started
    problems = ledger.recompute_problems(org_id)
    return {"seconds": seconds, "entries": summary.entries, "lines": summary.lines, "batches": summary.batches,
            "check": "ok" if not problems else problems[:3]}


def child_beancount(path: str) -> dict:
    from beancount import loader

    started = time.perf_counter()
    entries, errors, _ = loader.load_file(path)
    return {"seconds": time.perf_counter() - started, "entries": len(entries), "errors": len(errors)}


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
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
                  "beancount": lambda: child_beancount(rest[0])}[kind]()
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
        bean = run_child("beancount", str(bean_path))
        print(f"  beancount load_file: {bean['seconds']:.1f} s ({n / bean['seconds']:,.0f} entries/s), "
              f"{bean['errors']} errors, peak RSS {bean['max_rss_mb']:.0f} MB")
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
        print(f"{name}:")
        print(f"  raw executemany (in-memory tuples): {raw['seconds']:.1f} s ({n / raw['seconds']:,.0f} entries/s)")
        print(f"  import_entries from the CSV:        {imp['seconds']:.1f} s ({n / imp['seconds']:,.0f} entries/s), "
              f"{imp['batches']} batches, ledger check {imp['check']}")
        print(f"  import / raw = {raw['seconds'] / imp['seconds']:.2f}x"
              + (f"; import / beancount = {bean['seconds'] / imp['seconds']:.2f}x" if bean else ""))
        print(f"  peak RSS of the import: {small['max_rss_mb']:.0f} MB at {n // 5:,} entries, "
              f"{imp['max_rss_mb']:.0f} MB at {n:,} entries")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
