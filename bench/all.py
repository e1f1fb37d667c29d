"""Every figure of issue 22's table in one run, each beside its baseline measured in the same run, with the load
average printed beside each figure (prints figures, asserts nothing; not a test).

    .venv/bin/python bench/all.py                      # SQLite, and PostgreSQL at $COOP_BENCH_PG_URL if reachable
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench .venv/bin/python bench/all.py
    .venv/bin/python bench/all.py --quick              # fewer entries, seconds and loans (a smoke run)

It runs, one after the other, each in a process of its own (each cleans up after itself; PostgreSQL's schema at
$COOP_BENCH_PG_URL is DROPPED and rebuilt by each):
- bench/ledger.py: `ledger.post` one entry per transaction against a SQLAlchemy Core transaction inserting the
  same entry and lines (goals: ratio >= 0.5 on SQLite, >= 0.65 on PostgreSQL);
- bench/httpbench.py: coop under waitress against a minimal Flask app under the same waitress, posting an entry
  and reading the member summary, at 1 and 8 clients (goals: posting ratio >= 0.4, summary p95 <= 25 ms);
- bench/loans.py: the loans end of day over --loans open loans on PostgreSQL, first day and rerun (goal:
  100,000 loans <= 30 s, the next day <= 5 s), beside a plain SQL pass over the same rows.
Only the lines carrying figures are printed, under the name of the bench that measured them.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEEP = ("==", "ratio", "rps", "p95", "end of day", "open loans", "unreachable", "skipped", "Traceback", "Error")


def run(script: str, *arguments: str) -> None:
    print(f"\n# bench/{script} {' '.join(arguments)}", flush=True)
    process = subprocess.Popen([sys.executable, str(HERE / script), *arguments], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if any(word in line for word in KEEP) and "INFO" not in line:
            print(line.rstrip(), flush=True)
    process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small counts, short measurements")
    parser.add_argument("--loans", type=int, default=None, help="open loans for the end of day (100,000)")
    args = parser.parse_args()
    loans = str(args.loans or (5_000 if args.quick else 100_000))
    run("ledger.py", "--entries", "500" if args.quick else "3000", "--bulk", "2000" if args.quick else "20000",
        "--lines", "0")
    run("httpbench.py", "--seconds", "3" if args.quick else "10")
    run("loans.py", "--only", "postgresql", "--loans", loans, "--repayments", "20")


if __name__ == "__main__":
    main()
