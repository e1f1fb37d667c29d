"""Savings benchmark: the interest job over many accounts; prints figures, asserts nothing (not a test).

    .venv/bin/python bench/savings.py                      # 100,000 accounts on SQLite, and PostgreSQL if reachable
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/savings_bench .venv/bin/python bench/savings.py
    .venv/bin/python bench/savings.py --accounts 20000     # a quicker run

On each database (SQLite in a temporary file, removed at the end; PostgreSQL at $COOP_BENCH_PG_URL, whose
public schema is DROPPED, rebuilt, and emptied again at the end; skipped when unreachable), with --accounts
regular savings accounts that each had a deposit early last month and some a second one mid-month:
- the interest job (`savings.services.end_of_day` on the first of this month: every account's interest on its
  average daily balance, posted through `ledger.post_party_entries` in entries of 2,000 lines, its passbook line,
  its balance), one transaction;
- the same job run again for the same day (nothing is due: the rerun);
- beside them, in the same run and on the same connection settings, a plain SQL pass doing the same writes
  without the domain or the ledger's checks (compute the interest, insert one journal line and one passbook
  line per account, add to the party balances, write each account row once) and rolled back; and the ratio.
Before the passes the tables are settled as autovacuum leaves them (VACUUM ANALYZE; SQLite: ANALYZE), untimed.
--statements prints the slowest statements of each pass (where the time goes).
The load average is printed beside each figure: the machine is shared. Goal (issue 18): <= 30 s on PostgreSQL.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COOP_INSTANCE", tempfile.mkdtemp(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402

from _common import make_app, reachable  # noqa: E402
from coop.extensions import db  # noqa: E402
from coop.ledger import services as ledger  # noqa: E402
from coop.ledger.models import Party  # noqa: E402
from coop.ledger.records import Entry, Line  # noqa: E402
from coop.members.models import Member  # noqa: E402
from coop.savings import services as savings  # noqa: E402
from coop.savings.models import SavingsAccount  # noqa: E402
from coop.timeutil import today, utcnow  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/savings_bench"
DAY = today().replace(day=1)  # the job's day: the first of this month posts last month's interest
START = (DAY - timedelta(days=1)).replace(day=1)
CHUNK = 5000


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def fill(count: int) -> tuple[int, int]:
    """One cooperative, `count` members each with a regular savings account (bulk inserts: setup only), and the
    opening deposits posted through the ledger so the party balances are real."""
    from coop.orgs.services import create_organization

    org = create_organization("bench", "Bench cooperative", "cooperative")
    product = savings.product_by_code(org.id, "regular")
    db.session.commit()
    now = utcnow()
    for start in range(0, count, CHUNK):
        numbers = range(start + 1, min(start + CHUNK, count) + 1)
        db.session.execute(insert(Member.__table__), [
            {"org_id": org.id, "number": n, "name": f"Member {n}", "status": "active", "membership_type": "regular",
             "created_at": now} for n in numbers])
        ids = dict(db.session.execute(select(Member.number, Member.id).where(
            Member.org_id == org.id, Member.number.in_(list(numbers)))).all())
        accounts = []
        for n in numbers:
            opened = START + timedelta(days=n % 5)
            later = START + timedelta(days=10 + n % 10)
            first, second = 1_000_00 + (n % 97) * 1_00, (n % 3) * 500_00
            days_first = (later - opened).days
            accounts.append({
                "org_id": org.id, "product_id": product.id, "member_id": ids[n], "status": "active",
                "opened_on": opened, "balance": first + second, "last_activity_on": later if second else opened,
                "period_start": opened, "since_day": later.toordinal(), "balance_days": first * days_first,
                "interest_total": 0, "principal": 0, "rate_bp": 0, "term_days": 0,
                "created_at": now})
        db.session.execute(insert(SavingsAccount.__table__), accounts)
        made = db.session.execute(select(SavingsAccount.id).where(
            SavingsAccount.org_id == org.id, SavingsAccount.party_id.is_(None))).scalars().all()
        db.session.execute(insert(Party.__table__), [
            {"org_id": org.id, "kind": "savings", "ref_id": account_id, "label": f"SA-{account_id:06d}"}
            for account_id in made])
        db.session.execute(text(
            "UPDATE savings_account SET party_id = (SELECT p.id FROM party p WHERE p.org_id = savings_account.org_id "
            "AND p.kind = 'savings' AND p.ref_id = savings_account.id) WHERE party_id IS NULL"))
        db.session.commit()
    rows = db.session.execute(select(SavingsAccount.party_id, SavingsAccount.balance)
                              .where(SavingsAccount.org_id == org.id).order_by(SavingsAccount.id)).all()
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        ledger.post(Entry(org.id, START, "Opening savings", tuple(
            Line("savings_deposits", credit=balance, party_id=party) for party, balance in part) + (
            Line("cash_on_hand", debit=sum(balance for _p, balance in part)),)))
    db.session.commit()
    return org.id, product.id


def plain_pass(org_id: int, product_id: int) -> None:
    """The job's writes in bare SQL, no domain and no ledger checks, then rolled back (the state stays for the job):
    the interest computed inline from the balance-days each account keeps, one journal entry, one line per
    account, the party balances added to, one passbook line per account, and each account row written once."""
    conn = db.session.connection()
    end_next, end = DAY.toordinal(), DAY - timedelta(days=1)
    params = {"org": org_id, "product": product_id, "next": end_next, "end": end, "day": DAY, "now": utcnow()}
    due = "org_id = :org AND product_id = :product AND period_start <= :end AND status IN ('active', 'dormant')"
    interest = "((balance_days + balance * (:next - since_day)) * 200 + 1825000) / 3650000"
    entry_id = conn.execute(text(
        "INSERT INTO journal_entry (org_id, entry_date, memo, source, posted_at) "
        "VALUES (:org, :end, 'plain pass', 'bench', :now) RETURNING id"), params).scalar()
    account_id, expense_id = (conn.execute(text("SELECT id FROM account WHERE org_id = :org AND key = :key"),
                                           {**params, "key": key}).scalar()
                              for key in ("savings_deposits", "interest_expense_deposits"))
    conn.execute(text(
        f"INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit) "
        f"SELECT org_id, {int(entry_id)}, {int(account_id)}, party_id, 0, {interest} FROM savings_account "
        f"WHERE {due} AND {interest} > 0"), params)
    total = conn.execute(text(f"SELECT sum({interest}) FROM savings_account WHERE {due}"), params).scalar()
    conn.execute(text(
        f"INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit) "
        f"VALUES (:org, {int(entry_id)}, {int(expense_id)}, NULL, :total, 0)"), {**params, "total": int(total)})
    conn.execute(text(
        f"UPDATE party_balance SET credit_total = credit_total + s.interest "
        f"FROM (SELECT party_id, {interest} AS interest FROM savings_account WHERE {due}) s "
        f"WHERE party_balance.account_id = {int(account_id)} AND party_balance.party_id = s.party_id "
        f"AND s.interest > 0"), params)
    conn.execute(text(
        f"INSERT INTO savings_txn (org_id, account_id, kind, on_date, amount, balance_after, entry_id, at) "
        f"SELECT org_id, id, 'interest', :end, {interest}, balance + {interest}, {int(entry_id)}, :now "
        f"FROM savings_account WHERE {due} AND {interest} > 0"), params)
    conn.execute(text(
        f"UPDATE savings_account SET balance = balance + {interest}, interest_total = interest_total + {interest}, "
        f"balance_days = 0, since_day = :next, period_start = :day WHERE {due}"), params)
    db.session.rollback()


def settle(url: str) -> None:
    """What autovacuum does to freshly written tables before a month end (statistics, the visibility map, dead
    row versions of a rolled-back pass removed): run between the setup and the passes, not timed."""
    db.session.rollback()  # no open snapshot holds the dead rows
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


class Statements:
    """With --statements: the time each kind of statement took (the first 90 characters of its SQL), slowest first."""

    def __init__(self, engine, on: bool):
        self.engine, self.on, self.spent = engine, on, {}
        if on:
            event.listen(engine, "before_cursor_execute", self.before)
            event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        key = " ".join(statement.split())[:90]
        count, seconds = self.spent.get(key, (0, 0.0))
        self.spent[key] = (count + 1, seconds + time.perf_counter() - conn.info.pop("bench_started", 0))

    def report(self, top: int = 8) -> None:
        if self.on:
            for key, (count, seconds) in sorted(self.spent.items(), key=lambda item: -item[1][1])[:top]:
                print(f"      {seconds:6.2f} s  x{count:<4d} {key}")
        self.spent = {}


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(label: str, url: str, count: int, statements: bool = False) -> None:
    app = make_app(url)
    with app.app_context():
        setup = timed(lambda: fill(count))
        spent = Statements(db.engine, statements)
        org_id, product_id = db.session.execute(text(
            "SELECT o.id, p.id FROM organization o JOIN savings_product p ON p.org_id = o.id "
            "WHERE o.slug = 'bench' AND p.code = 'regular'")).one()
        settle(url)
        print(f"\n{label}: {count:,} savings accounts (setup {setup:.1f} s, {load()})")
        plain = timed(lambda: plain_pass(org_id, product_id))
        print(f"  plain SQL pass: {plain:.2f} s ({load()})")
        spent.report()
        settle(url)
        for name in ("interest job", "rerun, same day"):
            summaries = []

            def job():
                summaries.append(savings.end_of_day(org_id, DAY))
                db.session.commit()

            seconds = timed(job)
            print(f"  {name}: {seconds:.2f} s, {count / seconds:,.0f} accounts/s; ratio to the plain pass "
                  f"{seconds / plain:.1f}x ({load()})")
            print(f"    {summaries[-1]}")  # under its own figure: what this pass did
            spent.report()
        problems = [f"{key}: ledger {book} kept {kept}" for key, book, kept in savings.control_balances(org_id)
                    if book != kept]
        print("  control check: " + ("; ".join(problems) if problems else "Savings Deposits = sum of the accounts"))
        db.session.remove()
        db.engine.dispose()


def empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000, help="savings accounts (default 100,000)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--statements", action="store_true", help="print the slowest statements of each pass")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run("SQLite", f"sqlite:///{folder}/bench.sqlite", args.accounts, args.statements)
    pg = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
    if args.no_postgres:
        return
    if reachable(pg):
        try:
            run("PostgreSQL", pg, args.accounts, args.statements)
        finally:
            empty(pg)  # leave nothing behind
    else:
        print("\nPostgreSQL: not reachable, skipped")


if __name__ == "__main__":
    main()
