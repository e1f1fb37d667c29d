"""How the PostgreSQL tests empty the database between tests: prints figures, asserts nothing (not a test).

    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench .venv/bin/python bench/pgclean.py
    .venv/bin/python bench/pgclean.py --rounds 40

The database at $COOP_BENCH_PG_URL (its schema is DROPPED and rebuilt for each way, and dropped at the end)
gets, --rounds times, what a typical test writes (an organization with its chart, a user, a handful of
postings, read back) and is then emptied. Each way of emptying runs on a fresh schema, twice, in the
order A B C A B C, so that the load of this shared machine falls on both alike:
- `truncate` (the baseline, the tests' way until issue 22): TRUNCATE ... CASCADE of the tables holding
  a row, ALTER SEQUENCE RESTART of the used sequences;
- `delete`: DELETE of the tables holding a row as a replica (no foreign-key checks nor triggers),
  setval of the used sequences;
- `vacuum` (tests/conftest.py `_empty_postgres` now): `delete`, and a VACUUM of the tables emptied since the
  last one every 25 tests (the dead rows would otherwise slow every later test).
Printed per way: milliseconds per emptying and per test's work, wall and CPU (the PostgreSQL server process
read from /proc, it runs on this machine, plus this process), the first and second half of the rounds
apart to show any slowdown from dead rows, with the load average; then the ratios against truncate.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")  # as the tests run

from sqlalchemy import create_engine, text  # noqa: E402

from _common import DEFAULT_PG, make_app, reachable  # noqa: E402
from coop.extensions import db  # noqa: E402


def truncate_way(engine, probe):
    with engine.begin() as conn:
        used = conn.execute(probe).all()
        statements = ["SET LOCAL coop.allow_truncate = 'on'"]
        tables = [name for kind, name in used if kind == "t"]
        if tables:
            statements.append("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        statements += [f'ALTER SEQUENCE "{name}" RESTART' for kind, name in used if kind == "s"]
        if len(statements) > 1:
            conn.exec_driver_sql("; ".join(statements))


def delete_way(engine, probe):
    with engine.begin() as conn:
        used = conn.execute(probe).all()
        if not used:
            return
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{name}"' for kind, name in used if kind == "t"]
        sequences = [f"setval('\"{name}\"', 1, false)" for kind, name in used if kind == "s"]
        if sequences:
            statements.append("SELECT " + ", ".join(sequences))
        conn.exec_driver_sql("; ".join(statements))


VACUUM_EVERY = 25  # as tests/conftest.py


def vacuum_way(engine, probe, emptied=set(), count=[0]):  # noqa: B006 (state kept across calls on purpose)
    """delete_way, and a VACUUM of the tables emptied since the last one every VACUUM_EVERY tests (tests/conftest.py)."""
    with engine.connect() as conn:
        emptied.update(name for kind, name in conn.execute(probe).all() if kind == "t")
    delete_way(engine, probe)
    count[0] += 1
    if count[0] % VACUUM_EVERY == 0:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM " + ", ".join(f'"{name}"' for name in sorted(emptied)))
        emptied.clear()


WAYS = {"truncate": truncate_way, "delete": delete_way, "vacuum": vacuum_way}


def probe_for(engine):
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
    probes = [f"SELECT 't', '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables]
    probes.append("SELECT 's', sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL")
    return text(" UNION ALL ".join(probes))


TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(conn) -> float:
    """CPU seconds (user + system) the PostgreSQL server process behind `conn` has used: the server runs on this
    machine, and CPU time, unlike wall time, hardly moves with the load of the other sessions."""
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def a_test(url: str, n: int) -> float:
    """What a typical domain test writes and reads: its own app and connection, as the tests' `app` fixture."""
    from coop import create_app
    from coop.auth.services import create_user, grant_role
    from coop.ledger import services as ledger
    from coop.ledger.records import Entry, Line
    from coop.orgs.services import create_organization

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        org = create_organization(f"coop-{n}", f"Bench {n}", "cooperative")
        user = create_user(f"officer{n}", "correct horse battery", "Officer")
        grant_role(user.id, org.id, "officer")
        db.session.commit()
        cash = ledger.get_account(org.id, "cash_on_hand").id
        shares = ledger.get_account(org.id, "paid_up_share_capital_common").id
        for k in range(5):
            party = ledger.ensure_party(org.id, "member", k + 1, f"M-{k + 1:05d}")
            ledger.post(Entry(org.id, date(2024, 1, 2), f"Share capital {k}",
                              (Line(cash, debit=10_000), Line(shares, credit=10_000, party_id=party)),
                              source="bench", source_id=str(k)))
            db.session.commit()
        ledger.get_account(org.id, "cash_on_hand")
        server = backend_cpu(db.session.connection())
        db.session.remove()
        db.engine.dispose()
    return server


def run_way(name: str, url: str, rounds: int) -> dict:
    import logging

    app = make_app(url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        db.engine.dispose()
    engine = create_engine(url, pool_size=1)
    probe = probe_for(engine)
    way = WAYS[name]
    cleaning, work, cleaning_cpu, work_cpu = [], [], [], []
    for n in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        server = a_test(url, n)
        work.append(time.perf_counter() - started)
        work_cpu.append(time.process_time() - cpu + server)
        with engine.connect() as conn:
            server = backend_cpu(conn)
        started, cpu = time.perf_counter(), time.process_time()
        way(engine, probe)
        cleaning.append(time.perf_counter() - started)
        with engine.connect() as conn:
            server = backend_cpu(conn) - server
        cleaning_cpu.append(time.process_time() - cpu + server)
    engine.dispose()
    half = rounds // 2
    print(f"{name:>9}: emptying median {statistics.median(cleaning) * 1000:7.1f} ms, mean "
          f"{statistics.mean(cleaning) * 1000:7.1f} ms; a test's work median {statistics.median(work) * 1000:7.1f} ms, "
          f"first half {statistics.mean(work[:half]) * 1000:7.1f} ms, second half {statistics.mean(work[half:]) * 1000:7.1f} ms"
          f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"{'':>9}  CPU (server + client): emptying mean {statistics.mean(cleaning_cpu) * 1000:7.1f} ms; a test's work "
          f"first half {statistics.mean(work_cpu[:half]) * 1000:7.1f} ms, second half "
          f"{statistics.mean(work_cpu[half:]) * 1000:7.1f} ms", flush=True)
    return {"cleaning": statistics.mean(cleaning), "work": statistics.mean(work),
            "cleaning CPU": statistics.mean(cleaning_cpu), "work CPU": statistics.mean(work_cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60, help="tests simulated per way and pass (default 60)")
    args = parser.parse_args()
    url = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
    if not reachable(url):
        sys.exit(f"{url} is unreachable (set COOP_BENCH_PG_URL)")
    results = {name: [] for name in WAYS}
    try:
        for _pass in range(2):
            for name in WAYS:
                results[name].append(run_way(name, url, args.rounds))
    finally:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    keys = ("cleaning", "work", "cleaning CPU", "work CPU")
    base = {key: statistics.mean(r[key] for r in results["truncate"]) for key in keys}
    for name, runs in results.items():
        mean = {key: statistics.mean(r[key] for r in runs) for key in keys}
        for unit, cleaning, work in (("wall", "cleaning", "work"), ("CPU", "cleaning CPU", "work CPU")):
            total, base_total = mean[cleaning] + mean[work], base[cleaning] + base[work]
            print(f"{name:>9} {unit:>4}: emptying {mean[cleaning] * 1000:7.1f} ms ({mean[cleaning] / base[cleaning]:.2f}x "
                  f"truncate), emptying + a test's work {total * 1000:7.1f} ms ({total / base_total:.2f}x)"
                  f"  (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
