"""Members benchmark: the member's summary page and API at 100,000 members with 3 years of payments.

    .venv/bin/python bench/members.py                       # SQLite, then PostgreSQL if reachable
    .venv/bin/python bench/members.py --members 20000       # a quicker run
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench .venv/bin/python bench/members.py

Prints figures, asserts nothing (not a test). On each database (SQLite in a temporary file;
PostgreSQL at $COOP_BENCH_PG_URL, whose schema is DROPPED and rebuilt, skipped when unreachable):
the books are filled in bulk (plain DB-API inserts, COPY on PostgreSQL) with members who each
subscribed PhP3,600 in 36 monthly installments three years ago and paid month by month (every
payment: a journal entry of four lines, an official receipt, the installment's running total,
the balance rows), then, at 1/10 of the members and again at all of them, the member's own page
(/o/<org>/me) and the API summary (/api/v1/orgs/<org>/me/summary) are requested as signed-in
members picked at random: median and p95 latency in the app (test client, no network).
Aim (issue 3): p95 under 50 ms, flat as members grow.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COOP_INSTANCE", tempfile.mkdtemp(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import create_engine, select, text  # noqa: E402

from coop import create_app  # noqa: E402
from coop.extensions import db  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench"
MONTHS = 36
INSTALLMENT = 100_00
PASSWORD = "bench-member-pass"
TODAY = date.today()
START = date(TODAY.year - 3, TODAY.month, 1)
FIRST = ("Maria", "Josefina", "Rosario", "Lorna", "Editha", "Cristina", "Gloria", "Teresita", "Rowena", "Marites",
         "Imelda", "Analyn", "Perla", "Maricel", "Luzviminda", "Corazon", "Erlinda", "Nenita", "Rosalinda", "Jocelyn")
LAST = ("Dela Cruz", "Bautista", "Villanueva", "Ramos", "Mendoza", "Aquino", "Navarro", "Castillo", "Flores",
        "Garcia", "Pascual", "Soriano", "Santos", "Reyes", "Cruz", "Gonzales", "Lopez", "Manalo", "Torres", "Rivera")


def month(n: int) -> date:
    year, m = divmod(START.month - 1 + n, 12)
    return date(START.year + year, m + 1, min(START.day, 28))


def make_app(url: str):
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    return app


def reachable(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # any failure to connect means: skip PostgreSQL
        return False


class Loader:
    """Appends rows to tables through the raw driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self):
        self.connection = db.session.connection().connection.driver_connection
        self.postgres = db.engine.dialect.name == "postgresql"
        self.ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        if table not in self.ids:
            self.ids[table] = db.session.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')).scalar() + 1
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def put(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with self.connection.cursor() as cursor:
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def fix_sequences(self) -> None:
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            for table in self.ids:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")


def fill(org_id: int, first_number: int, count: int, chunk: int = 2000) -> None:
    """Add `count` members with three years of monthly share payments, in bulk, in chunks."""
    from coop.ledger.models import Account

    accounts = {key: id_ for key, id_ in db.session.execute(
        select(Account.key, Account.id).where(Account.org_id == org_id, Account.key.is_not(None)))}
    cash, receivable = accounts["cash_on_hand"], accounts["subscription_receivable_common"]
    subscribed, paid_up = accounts["subscribed_share_capital_common"], accounts["paid_up_share_capital_common"]
    loader = Loader()
    now = datetime.utcnow()
    rng = random.Random(first_number)
    totals = {cash: [0, 0], receivable: [0, 0], subscribed: [0, 0], paid_up: [0, 0]}
    receipt_number = db.session.execute(text("SELECT COALESCE(MAX(number), 0) FROM receipt WHERE org_id = :o"),
                                        {"o": org_id}).scalar()
    for offset in range(0, count, chunk):
        rows = {t: [] for t in ("party", "member", "share_subscription", "share_installment", "share_payment",
                                "receipt", "journal_entry", "journal_line", "party_balance")}
        for number in range(first_number + offset, first_number + min(offset + chunk, count)):
            member_id, party_id = loader.next_id("member"), loader.next_id("party")
            label = f"M-{number:04d}"
            rows["party"].append((party_id, org_id, "member", member_id, label))
            rows["member"].append((member_id, org_id, number, f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                   f"0917{number:07d}"[-11:], "regular", "active", "import", now, party_id,
                                   START, START))
            subscription_id, entry_id = loader.next_id("share_subscription"), loader.next_id("journal_entry")
            amount = MONTHS * INSTALLMENT
            behind = rng.choice((0, 0, 0, 1, 2))  # most pay every month, some are a month or two behind
            months_paid = min(MONTHS, max(0, (TODAY.year - START.year) * 12 + TODAY.month - START.month + 1 - behind))
            paid = months_paid * INSTALLMENT
            rows["share_subscription"].append((subscription_id, org_id, member_id, "initial", MONTHS, INSTALLMENT,
                                               amount, paid, START, MONTHS, "monthly",
                                               "paid" if paid == amount else "open", entry_id, now))
            rows["journal_entry"].append((entry_id, org_id, START, f"Share subscription {label}", "shares.subscription",
                                          str(subscription_id), now))
            rows["journal_line"] += [(loader.next_id("journal_line"), org_id, entry_id, receivable, party_id, amount, 0),
                                     (loader.next_id("journal_line"), org_id, entry_id, subscribed, party_id, 0, amount)]
            for n in range(MONTHS):
                done = n < months_paid
                rows["share_installment"].append((loader.next_id("share_installment"), org_id, subscription_id,
                                                  member_id, n + 1, month(n), INSTALLMENT,
                                                  INSTALLMENT if done else 0, not done))
                if not done:
                    continue
                payment_id, entry_id = loader.next_id("share_payment"), loader.next_id("journal_entry")
                receipt_id = loader.next_id("receipt")
                receipt_number += 1
                rows["journal_entry"].append((entry_id, org_id, month(n), f"Share capital payment {label}",
                                              "shares.payment", str(payment_id), now))
                rows["journal_line"] += [
                    (loader.next_id("journal_line"), org_id, entry_id, cash, None, INSTALLMENT, 0),
                    (loader.next_id("journal_line"), org_id, entry_id, receivable, party_id, 0, INSTALLMENT),
                    (loader.next_id("journal_line"), org_id, entry_id, subscribed, party_id, INSTALLMENT, 0),
                    (loader.next_id("journal_line"), org_id, entry_id, paid_up, party_id, 0, INSTALLMENT)]
                rows["receipt"].append((receipt_id, org_id, receipt_number, "share_payment", party_id, label,
                                        INSTALLMENT, month(n), "Share capital payment", "shares.payment",
                                        str(payment_id), now))
                rows["share_payment"].append((payment_id, org_id, member_id, INSTALLMENT, month(n), receipt_id,
                                              entry_id, now))
            for account, debit, credit in ((receivable, amount, paid), (subscribed, paid, amount), (paid_up, 0, paid)):
                rows["party_balance"].append((loader.next_id("party_balance"), org_id, account, party_id, debit, credit))
                totals[account][0] += debit
                totals[account][1] += credit
            totals[cash][0] += paid
        loader.put("party", ("id", "org_id", "kind", "ref_id", "label"), rows["party"])
        loader.put("member", ("id", "org_id", "number", "name", "mobile", "membership_type", "status",
                              "application_source", "created_at", "party_id", "applied_on", "admitted_on"),
                   rows["member"])
        loader.put("journal_entry", ("id", "org_id", "entry_date", "memo", "source", "source_id", "posted_at"),
                   rows["journal_entry"])
        loader.put("journal_line", ("id", "org_id", "entry_id", "account_id", "party_id", "debit", "credit"),
                   rows["journal_line"])
        loader.put("share_subscription", ("id", "org_id", "member_id", "kind", "shares", "par_value", "amount", "paid",
                                          "subscribed_on", "installments", "frequency", "status", "entry_id",
                                          "created_at"), rows["share_subscription"])
        loader.put("share_installment", ("id", "org_id", "subscription_id", "member_id", "seq", "due_on", "amount",
                                         "paid", "open"), rows["share_installment"])
        loader.put("receipt", ("id", "org_id", "number", "kind", "party_id", "received_from", "amount", "issued_on",
                               "description", "source", "source_id", "issued_at"), rows["receipt"])
        loader.put("share_payment", ("id", "org_id", "member_id", "amount", "paid_on", "receipt_id", "entry_id",
                                     "created_at"), rows["share_payment"])
        loader.put("party_balance", ("id", "org_id", "account_id", "party_id", "debit_total", "credit_total"),
                   rows["party_balance"])
        db.session.commit()
        print(f"\r  members {offset + chunk:>7,}/{count:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    for account, (debit, credit) in totals.items():
        updated = db.session.execute(text("UPDATE account_balance SET debit_total = debit_total + :d, "
                                          "credit_total = credit_total + :c WHERE account_id = :a"),
                                     {"d": debit, "c": credit, "a": account}).rowcount
        if not updated:
            db.session.execute(text("INSERT INTO account_balance (account_id, org_id, debit_total, credit_total) "
                                    "VALUES (:a, :o, :d, :c)"), {"a": account, "o": org_id, "d": debit, "c": credit})
    db.session.execute(text("DELETE FROM receipt_counter WHERE org_id = :o"), {"o": org_id})
    db.session.execute(text("INSERT INTO receipt_counter (org_id, next_number) VALUES (:o, :n)"),
                       {"o": org_id, "n": receipt_number + 1})
    loader.fix_sequences()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def logins(org_id: int, members: int, n: int) -> list[tuple[str, str]]:
    """n members picked at random get a portal login and an API token: (username, token)."""
    from coop.auth.services import grant_role, hash_password, issue_token
    from coop.auth.models import User
    from coop.members.models import Member

    password_hash = hash_password(PASSWORD)  # hashing once: argon2 is slow on purpose
    picked = random.Random(members).sample(range(1, members + 1), n)
    out = []
    for number in picked:
        member = db.session.scalar(select(Member).where(Member.org_id == org_id, Member.number == number))
        if member.user_id is None:
            user = User(username=f"bench-{number}", display_name=member.name, password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            grant_role(user.id, org_id, "member")
            member.user_id = user.id
        out.append((f"bench-{number}", issue_token(member.user_id, "bench")))
    db.session.commit()
    return out


def measure(app, slug: str, users: list[tuple[str, str]], requests: int) -> dict[str, tuple[float, float]]:
    page_times, api_times = [], []
    clients = []
    for username, token in users:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        clients.append((client, token))
    for client, token in clients[:5]:  # warm the caches and the connection pool
        client.get(f"/o/{slug}/me")
    for n in range(requests):
        client, token = clients[n % len(clients)]
        started = time.perf_counter()
        response = client.get(f"/o/{slug}/me")
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        response = client.get(f"/api/v1/orgs/{slug}/me/summary", headers={"Authorization": f"Bearer {token}"})
        api_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return {"page": _stats(page_times), "api": _stats(api_times), "page_bytes": (len(response.data), 0)}


def _stats(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def run(label: str, url: str, members: int, requests: int, sample_users: int) -> None:
    from coop.orgs.services import create_organization

    print(f"\n== {label}: {members:,} members x {MONTHS} months of payments")
    app = make_app(url)
    with app.app_context():
        org = create_organization("bench-coop", "Bench cooperative", "cooperative")
        db.session.commit()
        done = 0
        for target in (members // 10, members):
            started = time.perf_counter()
            fill(org.id, done + 1, target - done)
            elapsed = time.perf_counter() - started
            rows = (target - done) * (MONTHS * 8 + 4)
            print(f"  filled {target - done:,} members in {elapsed:.1f} s (~{rows / elapsed:,.0f} rows/s)")
            done = target
            users = logins(org.id, done, sample_users)
            figures = measure(app, org.slug, users, requests)
            lines = db.session.execute(text("SELECT COUNT(*) FROM journal_line")).scalar()
            print(f"  at {done:>7,} members ({lines:,} journal lines), {requests} requests each:")
            for name in ("page", "api"):
                median, p95 = figures[name]
                print(f"    {name:<5} median {median:6.1f} ms   p95 {p95:6.1f} ms")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--users", type=int, default=40, help="members signed in, picked at random")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    if args.only != "postgresql":
        path = Path(tempfile.mkdtemp(prefix="coop-bench-db-")) / "bench.sqlite"
        run("SQLite", f"sqlite:///{path}", args.members, args.requests, args.users)
        path.unlink(missing_ok=True)
    if args.only != "sqlite":
        url = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
        if reachable(url):
            run("PostgreSQL", url, args.members, args.requests, args.users)
        else:
            print(f"\nPostgreSQL not reachable at {url}: skipped")


if __name__ == "__main__":
    main()
