"""Loans benchmark: prints figures, asserts nothing (not a test).

    .venv/bin/python bench/loans.py                        # 100,000 loans on SQLite, and PostgreSQL if reachable
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_loans .venv/bin/python bench/loans.py
    .venv/bin/python bench/loans.py --loans 20000          # a quicker run

On each database (SQLite in a temporary file; PostgreSQL at $COOP_BENCH_PG_URL, whose schema is
DROPPED and rebuilt, skipped when unreachable), with --loans open commodity loans (one installment
each, due dates spread over 60 days around the business day, so about half are late):
- the end-of-day job (`loans.services.end_of_day`, one transaction): seconds and loans per second,
  the first day (every late loan moves to past due and gets its first penalty) and the next day
  (the usual day: only newly late loans move), beside a plain SQL pass over the same rows in the
  same run (read the open installments with their loans, update every late loan's days past due)
  and the ratio;
- repayment throughput: `loans.services.repay` (lock, allocate, post, receipt) one per transaction.
Aim (issue 5): the job finishes 100,000 loans in under 60 s on PostgreSQL.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import insert, select, text, update  # noqa: E402

from _common import load, make_app, reachable  # noqa: E402
from coop.extensions import db  # noqa: E402
from coop.ledger.models import Party  # noqa: E402
from coop.loans import services as loans  # noqa: E402
from coop.loans.models import Installment, Loan  # noqa: E402
from coop.members.models import Member  # noqa: E402
from coop.timeutil import utcnow  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench"
DAY = date(2026, 6, 1)
CHUNK = 5000




def fill(count: int) -> int:
    """One cooperative, `count` members each with one open commodity loan, inserted in bulk (setup only)."""
    from coop.orgs.services import create_organization

    org = create_organization("bench", "Bench cooperative", "cooperative")
    product = loans.product_by_code(org.id, "commodity")
    db.session.commit()
    now = utcnow()
    for start in range(0, count, CHUNK):
        numbers = range(start + 1, min(start + CHUNK, count) + 1)
        db.session.execute(insert(Member.__table__), [
            {"org_id": org.id, "number": n, "name": f"Member {n}", "status": "active", "membership_type": "regular",
             "mobile": f"0917{n:07d}", "created_at": now} for n in numbers])
        ids = dict(db.session.execute(select(Member.number, Member.id).where(
            Member.org_id == org.id, Member.number.in_(list(numbers)))).all())
        db.session.execute(insert(Party.__table__), [
            {"org_id": org.id, "kind": "member", "ref_id": ids[n], "label": f"M-{n:04d}"} for n in numbers])
        parties = dict(db.session.execute(select(Party.ref_id, Party.id).where(
            Party.org_id == org.id, Party.ref_id.in_(list(ids.values())))).all())
        db.session.execute(update(Member.__table__).where(Member.__table__.c.id == db.bindparam("mid")).values(
            party_id=db.bindparam("pid")), [{"mid": ids[n], "pid": parties[ids[n]]} for n in numbers])
        loan_rows = []
        for n in numbers:
            due = DAY + timedelta(days=(n % 61) - 30)
            released = due - timedelta(days=15)
            loan_rows.append({
                "org_id": org.id, "member_id": ids[n], "party_id": parties[ids[n]], "product_id": product.id,
                "status": "active", "amount": 50_000 + n % 1000, "frequency": "lump_sum", "term_count": 1,
                "term_days": 15, "interest_method": "flat", "interest_rate_bp": 0, "fee": 0,
                "receivable_account": "loans_receivable_commodity", "applied_on": released, "applied_via": "store",
                "released_on": released, "maturity_on": due, "next_due_on": due, "principal_due": 50_000 + n % 1000,
                "interest_due": 0, "penalty_due": 0, "principal_paid": 0, "interest_paid": 0, "penalty_paid": 0,
                "days_past_due": 0, "created_at": now})
        db.session.execute(insert(Loan.__table__), loan_rows)
        made = db.session.execute(select(Loan.id, Loan.member_id, Loan.next_due_on, Loan.amount).where(
            Loan.org_id == org.id, Loan.member_id.in_(list(ids.values())))).all()
        db.session.execute(insert(Installment.__table__), [
            {"org_id": org.id, "loan_id": loan_id, "number": 1, "due_on": due, "principal_due": amount,
             "interest_due": 0, "penalty_due": 0, "penalty_accrued": 0, "penalty_periods": 0, "principal_paid": 0,
             "interest_paid": 0, "penalty_paid": 0, "penalty_accrued_paid": 0, "settled": False,
             "reminded_before": False, "reminded_missed": False} for loan_id, _m, due, amount in made])
        db.session.commit()
    # the receivables the loans stand for, so moves to past due have balances to move
    from coop.ledger import services as ledger
    from coop.ledger.records import Entry, Line

    rows = db.session.execute(select(Loan.party_id, Loan.amount).where(Loan.org_id == org.id)).all()
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        ledger.post(Entry(org.id, DAY - timedelta(days=60), "Opening commodity loans", tuple(
            Line("loans_receivable_commodity", debit=amount, party_id=party) for party, amount in part) + (
            Line("sales", credit=sum(amount for _p, amount in part)),)))
    db.session.commit()
    return org.id


def plain_pass(org_id: int, day: date) -> None:
    """The same rows without the domain: read the open installments with their loans, set days past due."""
    conn = db.session.connection()
    rows = conn.execute(text(
        "SELECT i.id, i.loan_id, i.due_on, i.principal_due - i.principal_paid FROM loan_installment i "
        "JOIN loan l ON l.id = i.loan_id WHERE i.org_id = :org AND i.settled = false AND l.status = 'active'"),
        {"org": org_id}).all()
    as_date = (lambda value: value) if rows and isinstance(rows[0][2], date) else date.fromisoformat
    late = [{"lid": loan_id, "dpd": (day - as_date(due)).days} for _i, loan_id, due, _owed in rows if as_date(due) < day]
    conn.execute(text("UPDATE loan SET days_past_due = :dpd WHERE id = :lid"), late)
    db.session.rollback()  # measure the work, keep the state for the job


class Statements:
    """Each statement the job sends, with its wall time at the client (a listener on the engine): where a day goes."""

    def __init__(self):
        self.rows: list[tuple[float, str]] = []
        self.on = False

    def attach(self, engine) -> None:
        from sqlalchemy import event

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            if self.on:
                self.rows.append((time.perf_counter() - conn.info.pop("bench_started"), " ".join(statement.split())))

    def report(self, name: str, top: int = 15) -> None:
        total = sum(seconds for seconds, _s in self.rows)
        print(f"    {name}: {len(self.rows)} statements, {total:.2f} s in the database (client wall time); slowest:")
        for seconds, statement in sorted(self.rows, reverse=True)[:top]:
            # what it writes, when it writes (a CTE's text comes first): else its beginning
            verb = re.search(r"\b(INSERT INTO \S+|UPDATE \S+ SET|DELETE FROM \S+|CREATE \w+ TABLE \S+|ANALYZE \S+)",
                             statement)
            print(f"      {seconds:7.3f} s  {(verb.group(1) + ' ... ') if verb else ''}{statement[:120]}")
        self.rows.clear()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


CPU = {"client": 0.0, "server": None}  # the CPU seconds of the last `timed_cpu`: figures the load moves little


def _backend_cpu(pid: int) -> float | None:
    """The CPU seconds (user + system) a PostgreSQL backend on this machine has used so far, else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_cpu(fn) -> float:
    """`timed`, and the CPU seconds this process and (PostgreSQL on this machine) its server backend spent, in CPU."""
    pid = (db.session.scalar(text("SELECT pg_backend_pid()"))
           if db.session.get_bind().dialect.name == "postgresql" else None)  # the connection the call goes on
    server = _backend_cpu(pid) if pid else None
    client = time.process_time()
    seconds = timed(fn)
    CPU["client"] = time.process_time() - client
    after = _backend_cpu(pid) if pid else None
    CPU["server"] = after - server if server is not None and after is not None else None
    return seconds


def cpu_text() -> str:
    server = f", server {CPU['server']:.2f} s" if CPU["server"] is not None else ""
    return f"CPU: client {CPU['client']:.2f} s{server}"


def run(label: str, url: str, count: int, repayments: int, profile: bool = False, accrued: bool = False,
        statements: bool = False) -> None:
    app = make_app(url)
    with app.app_context():
        listener = Statements() if statements else None
        if listener:
            listener.attach(db.engine)
        setup = timed(lambda: fill(count))
        org_id = db.session.scalar(text("SELECT id FROM organization WHERE slug = 'bench'"))
        if db.session.get_bind().dialect.name == "postgresql":
            # the statistics autovacuum keeps in a database that grew to this size (a table filled a moment ago has
            # none, and the planner then takes 100,000 rows for one)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        if accrued:
            from coop.orgs.services import set_setting

            set_setting(org_id, "loans.penalty_recognition", "accrued")
            db.session.commit()
        print(f"\n{label}: {count:,} open loans (setup {setup:.1f} s), penalties "
              f"{'accrued (an entry each)' if accrued else 'recognised when collected (the default)'}")
        for day, name in ((DAY, "first day"), (DAY + timedelta(days=1), "next day")):
            plain = timed_cpu(lambda: plain_pass(org_id, day))
            plain_cpu = cpu_text()

            def job():
                summary = loans.end_of_day(org_id, day)
                db.session.commit()
                print(f"    {summary}")

            profiler = cProfile.Profile() if profile and day == DAY else None
            if profiler:
                profiler.enable()
            if listener:
                listener.on = True
            seconds = timed_cpu(job)
            if listener:
                listener.on = False
                listener.report(name)
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            print(f"  end of day, {name}: {seconds:.2f} s, {count / seconds:,.0f} loans/s ({load()}; {cpu_text()}); "
                  f"plain SQL pass {plain:.2f} s ({plain_cpu}); ratio {seconds / plain:.1f}x")
            if day == DAY:  # the same day again (a rerun after a crash, or the runner and a hand both): nothing twice
                if listener:
                    listener.on = True
                again = timed_cpu(job)
                if listener:
                    listener.on = False
                    listener.report(f"{name} again")
                print(f"  end of day, {name} again: {again:.2f} s ({load()}; {cpu_text()})")
        targets = db.session.scalars(select(Loan.id).where(Loan.org_id == org_id).limit(repayments)).all()

        def pay():
            for n, loan_id in enumerate(targets):
                loans.repay(org_id, loan_id, 10_000, on=DAY + timedelta(days=31), actor_id=None,
                            idempotency_key=f"bench-{n}")
                db.session.commit()

        seconds = timed(pay)
        print(f"  repayments: {len(targets)} in {seconds:.2f} s, {len(targets) / seconds:,.0f}/s "
              "(lock, allocate, post, receipt, commit each)")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--repayments", type=int, default=500)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--profile", action="store_true", help="print where the first day's job spends its time")
    parser.add_argument("--accrued", action="store_true",
                        help="penalties accrued when assessed (the policy loans.penalty_recognition): an entry each")
    parser.add_argument("--statements", action="store_true",
                        help="print how many statements each day sends and the slowest, with their times")
    args = parser.parse_args()
    if args.only != "postgresql":
        run("SQLite", f"sqlite:///{scratch()}/bench.sqlite", args.loans, args.repayments, args.profile, args.accrued, args.statements)
    pg = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
    if args.only == "sqlite":
        return
    if reachable(pg):
        run("PostgreSQL", pg, args.loans, args.repayments, args.profile, args.accrued, args.statements)
    else:
        print("\nPostgreSQL: not reachable, skipped")


if __name__ == "__main__":
    main()
