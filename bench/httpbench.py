"""HTTP benchmark: coop and a minimal Flask app, side by side under the same WSGI server (waitress).

    .venv/bin/python bench/httpbench.py                         # SQLite, then PostgreSQL if reachable
    .venv/bin/python bench/httpbench.py --seconds 5 --only sqlite
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench .venv/bin/python bench/httpbench.py

Two rows of issue 22's table, measured in one run on one machine with the same database settings:
- post: coop's POST /api/v1/orgs/<org>/ledger/entries (bearer token, an Idempotency-Key each, a
  two-line entry) against the minimal app's POST inserting an entry and its two lines in one transaction;
- member summary: coop's GET /api/v1/orgs/<org>/me/summary (a member's token) against the minimal
  app's GET reading one row by key and answering JSON.
With --profile, coop's server runs under cProfile instead (the minimal app is not started) and the benchmark
prints, per request of each path, the functions taking the most time, cumulative and own (coop, Flask/Werkzeug,
SQLAlchemy, marshmallow, json and the driver only): what the closing note shows for a goal not reached.
Each server runs in a process of its own (`coop serve`'s waitress, COOP_THREADS threads), the clients
in this process (keep-alive connections, one thread each) at 1 and at 8 clients. Prints requests per
second, p50/p95/p99 latency, the ratio coop / minimal and the load average beside each figure; and each
server's CPU per request (its process, plus the PostgreSQL backends' CPU on PostgreSQL) with the CPU ratio
minimal / coop, the figure to read when the machine's load makes wall time meaningless.
On PostgreSQL the schema at $COOP_BENCH_PG_URL is DROPPED and rebuilt. Temporary files are removed.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# waitress threads per server (and the PostgreSQL pool): coop serve's default; --threads sets it for both servers
THREADS = int(os.environ.get("COOP_THREADS", "4"))


# ------------------------------------------------------------------ the servers (child processes)


def minimal_app(url: str):
    """The least a Flask app posting the same row can do: Core statements, one transaction per request,
    the engine tuned as coop tunes its own (SQLite: WAL, synchronous=NORMAL, BEGIN IMMEDIATE to write)."""
    from flask import Flask, jsonify, request
    from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Table, create_engine, insert, select

    from _common import tune_like_coop

    engine = create_engine(url, pool_size=THREADS) if url.startswith("postgresql") else create_engine(url)
    tune_like_coop(engine)
    meta = MetaData()
    entry = Table("mini_entry", meta, Column("id", Integer, primary_key=True), Column("org_id", Integer),
                  Column("entry_date", Date), Column("memo", String(300)), Column("idempotency_key", String(100)))
    line = Table("mini_line", meta, Column("id", Integer, primary_key=True),
                 Column("entry_id", ForeignKey("mini_entry.id")), Column("account_id", Integer),
                 Column("debit", Integer), Column("credit", Integer))
    meta.create_all(engine)
    app = Flask("minimal")

    @app.post("/post")
    def post():
        body = request.get_json()
        with engine.begin() as conn:
            entry_id = conn.execute(insert(entry).returning(entry.c.id), {
                "org_id": 1, "entry_date": date.fromisoformat(body["entry_date"]), "memo": body["memo"],
                "idempotency_key": request.headers.get("Idempotency-Key")}).scalar_one()
            conn.execute(insert(line), [{"entry_id": entry_id, "account_id": row["account_id"],
                                         "debit": int(float(row.get("debit", 0)) * 100),
                                         "credit": int(float(row.get("credit", 0)) * 100)} for row in body["lines"]])
        return jsonify(id=entry_id), 201

    @app.get("/summary")
    def summary():
        with engine.connect() as conn:
            row = conn.execute(select(entry.c.id, entry.c.memo).order_by(entry.c.id).limit(1)).first()
        return jsonify(id=row.id if row else None, memo=row.memo if row else None)

    return app


# ------------------------------------------------------------------ --profile: cProfile inside coop's server

PROFILE_PATH = "/__bench_profile__"  # only in the profiled bench server: GET dumps the statistics and resets them
SHOWN = ("coop/", "flask/", "werkzeug/", "flask_login/", "flask_babel/", "sqlalchemy/", "marshmallow/", "json/",
         "psycopg/", "sqlite3/", "<built-in method _sqlite3", "<method 'execute' of 'sqlite3", "<method 'fetch")


class Profiled:
    """WSGI middleware: every request profiled in its own thread (cProfile sees only the thread enabling it),
    the statistics summed on request; the response body is built inside (Flask answers with a list)."""

    def __init__(self, app, target: str):
        import cProfile

        # thread CPU time, not wall: with 8 clients, wall time would count the waits for the GIL and the locks
        self.app, self.target, self.new = app, target, lambda: cProfile.Profile(time.thread_time)
        self.profiles: list = []
        self.local = threading.local()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == PROFILE_PATH:
            import pstats

            with self.lock:
                profiles, self.profiles, self.local = self.profiles, [], threading.local()
            stats = None
            for profile in profiles:
                profile.create_stats()
                if profile.stats:
                    stats = pstats.Stats(profile) if stats is None else stats.add(profile)
            if stats is not None:
                stats.dump_stats(self.target)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"dumped" if stats is not None else b"empty"]
        profile = getattr(self.local, "profile", None)
        if profile is None:
            profile = self.local.profile = self.new()
            with self.lock:
                self.profiles.append(profile)
        profile.enable()
        try:
            return list(self.app(environ, start_response))
        finally:
            profile.disable()


def _where(key: tuple) -> str:
    filename, line, function = key
    filename = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", filename)
    if "/coop/" in "/" + filename:
        filename = "coop/" + filename.split("coop/", 1)[1]
    return f"{filename}:{line}({function})" if line else function


def print_profile(target: str, requests: int, top: int = 15) -> None:
    """Per request: the `top` functions by cumulative time and by own time, only from the packages in SHOWN
    (what sits under them, e.g. Python's own helpers, is counted in their cumulative time). The envelope every
    request passes through (the WSGI call, Flask's dispatch: 85% of the whole or more) is left out of the first."""
    import pstats

    stats = pstats.Stats(target).stats
    total = sum(own for _, _, own, _, _ in stats.values())
    rows = [(key, calls, own, cumulative) for key, (_, calls, own, cumulative, _) in stats.items()
            if any(part in key[0] or part in key[2] for part in SHOWN)]
    print(f"   {requests} requests, {total / requests * 1000:.2f} ms of thread CPU per request under cProfile "
          f"(which slows it ~2x: read the shares)")
    for title, index in (("cumulative", 3), ("own", 2)):
        print(f"   top {top} by {title} time, per request: ms  calls  function")
        shown = [row for row in rows if index == 2 or row[3] < 0.85 * total]
        for key, calls, own, cumulative in sorted(shown, key=lambda row: row[index], reverse=True)[:top]:
            spent = cumulative if index == 3 else own
            print(f"   {spent / requests * 1000:7.3f} {calls / requests:6.1f}  {_where(key)}")


def serve(kind: str, url: str, port: int) -> None:
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth": the clients outnumber threads
    logging.getLogger("alembic").setLevel(logging.WARNING)

    if kind == "minimal":
        app = minimal_app(url)
    else:
        from coop import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        if os.environ.get("COOP_BENCH_PROFILE"):
            app.wsgi_app = Profiled(app.wsgi_app, os.environ["COOP_BENCH_PROFILE"])
    waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, connection_limit=100, _quiet=True)


# ------------------------------------------------------------------ setup of coop's books


def prepare_coop(url: str) -> dict:
    """An organization, an officer's token (to post), a member with her share schedule and token."""
    from _common import make_app
    from coop.auth.services import create_user, grant_role, issue_token
    from coop.extensions import db
    from coop.ledger import services as ledger
    from coop.members import services as members, shares
    from coop.orgs.services import create_organization
    from coop.timeutil import today

    app = make_app(url)
    with app.app_context():
        org = create_organization("bench", "Bench cooperative", "cooperative")
        officer = create_user("officer", "bench-officer-pass", "Officer")
        grant_role(officer.id, org.id, "officer")
        member_user = create_user("ana", "bench-member-pass", "Ana")
        grant_role(member_user.id, org.id, "member")
        ana = members.create_member(org.id, name="Ana Reyes", actor_id=officer.id, status="active",
                                    user_id=member_user.id, on=today())
        shares.subscribe(org.id, ana.id, shares=20, on=today(), installments=4, actor_id=officer.id)
        shares.record_payment(org.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
        cash = ledger.get_account(org.id, "cash_on_hand").id
        chart = ledger.list_accounts(org.id)
        headings = {a.parent_id for a in chart}
        income = next(a.id for a in chart if a.type == "income" and not a.is_control and a.id not in headings)
        setup = {"slug": org.slug, "officer_token": issue_token(officer.id, "bench"),
                 "member_token": issue_token(member_user.id, "bench"), "debit": cash, "credit": income}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return setup


# ------------------------------------------------------------------ the clients


def drive(port: int, clients: int, seconds: float, request_for, meter=None) -> dict:
    """`clients` threads, each on its own keep-alive connection, for `seconds`: rps and latency; with a CpuMeter,
    the server's CPU per request (its process, and on PostgreSQL the database's backends) in ms."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            method, path, body, headers = request_for(next(counter))
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            mine.append(time.perf_counter() - started)
            if response.status >= 300:
                failures.append(f"{response.status} {answer[:300]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)

    cpu = meter.read() if meter is not None else 0.0
    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = meter.read() - cpu if meter is not None else 0.0
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99),
            "load": os.getloadavg()[0], "cpu_ms": cpu / len(latencies) * 1000 if latencies else 0.0}


def wait_for(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server did not start")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def start(kind: str, url: str, port: int, environment: dict):
    process = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--url", url, "--port", str(port)],
                               env=environment)
    wait_for(port, process)
    return process


def run(name: str, url: str, args, folder: str) -> None:
    from _common import CpuMeter, figure, ratio

    if args.profile:
        print(f"\n== {name}: coop under cProfile, waitress, {THREADS} threads, load {os.getloadavg()[0]:.2f}")
    else:
        print(f"\n== {name}: waitress, {THREADS} threads per server")
    setup = prepare_coop(url)
    environment = dict(os.environ, COOP_THREADS=str(THREADS), COOP_INSECURE_COOKIES="1")
    today_text = date.today().isoformat()

    def coop_post(n):
        body = json.dumps({"entry_date": today_text, "memo": f"bench {n}", "lines": [
            {"account_id": setup["debit"], "debit": "10.00"}, {"account_id": setup["credit"], "credit": "10.00"}]})
        return ("POST", f"/api/v1/orgs/{setup['slug']}/ledger/entries", body,
                {"Authorization": f"Bearer {setup['officer_token']}", "Content-Type": "application/json",
                 "Idempotency-Key": f"bench-{os.getpid()}-{time.monotonic_ns()}-{n}"})

    def mini_post(n):
        method, _, body, headers = coop_post(n)
        return method, "/post", body, headers

    coop_summary = lambda n: ("GET", f"/api/v1/orgs/{setup['slug']}/me/summary", None,  # noqa: E731
                              {"Authorization": f"Bearer {setup['member_token']}"})
    mini_summary = lambda n: ("GET", "/summary", None, {})  # noqa: E731

    if args.profile:
        profile(args, setup, environment, folder, url, (("post", coop_post), ("member summary", coop_summary)))
        return
    mini_url = url if url.startswith("postgresql") else f"sqlite:///{folder}/minimal.sqlite"
    servers = [start("coop", url, args.port, environment), start("minimal", mini_url, args.port + 1, environment)]
    # the CPU each server spends per request: its process, and on PostgreSQL the database's backends (both servers
    # share the database, but only the one being driven works meanwhile)
    meters = [CpuMeter(url, pids=(servers[0].pid,)), CpuMeter(mini_url, pids=(servers[1].pid,))]
    try:
        for label, coop_request, mini_request in (("post", coop_post, mini_post),
                                                  ("member summary", coop_summary, mini_summary)):
            for clients in (1, 8):
                drive(args.port, clients, 0.5, coop_request)  # warm both: pools, caches, first requests
                drive(args.port + 1, clients, 0.5, mini_request)
                ours = drive(args.port, clients, args.seconds, coop_request, meters[0])
                theirs = drive(args.port + 1, clients, args.seconds, mini_request, meters[1])
                print(f"{label}, {clients} client{'s' if clients > 1 else ''}: coop {figure(ours)} | "
                      f"minimal {figure(theirs)} | ratio {ratio(ours['rps'], theirs['rps'])}")
                print(f"{label}, {clients} client{'s' if clients > 1 else ''}, server CPU per request: coop "
                      f"{ours['cpu_ms']:.2f} ms, minimal {theirs['cpu_ms']:.2f} ms | CPU ratio "
                      f"{ratio(theirs['cpu_ms'], ours['cpu_ms'])}")
    finally:
        for meter in meters:
            meter.close()
        for process in servers:
            process.terminate()
            process.wait(10)


def profile(args, setup: dict, environment: dict, folder: str, url: str, paths) -> None:
    target = os.path.join(folder, "coop.prof")
    server = start("coop", url, args.port, dict(environment, COOP_BENCH_PROFILE=target))
    try:
        for label, coop_request in paths:
            for clients in (1, 8):
                drive(args.port, clients, 0.5, coop_request)  # warm: pools, caches, first requests
                dump(args.port)  # and forget them
                measured = drive(args.port, clients, args.seconds, coop_request)
                requests = measured["requests"]
                if dump(args.port) != b"dumped":
                    raise SystemExit("the server recorded no profile")
                print(f"\n{label}, {clients} client{'s' if clients > 1 else ''} (load {measured['load']:.2f}):")
                print_profile(target, requests)
    finally:
        server.terminate()
        server.wait(10)


def dump(port: int) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", PROFILE_PATH)
    answer = conn.getresponse().read()
    conn.close()
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each figure is measured")
    parser.add_argument("--port", type=int, default=18_700, help="coop's port (the minimal app's is the next)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--threads", type=int, help="waitress threads in each server (default: COOP_THREADS, else 4 as coop serve)")
    parser.add_argument("--profile", action="store_true",
                        help="run coop under cProfile and print, per request, where the time goes (no minimal app)")
    parser.add_argument("--serve", choices=("coop", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        global THREADS
        THREADS = args.threads
    if args.serve:
        serve(args.serve, args.url, args.port)
        return
    from _common import on_each_engine

    with tempfile.TemporaryDirectory(prefix="coop-bench-") as folder:
        os.environ.setdefault("COOP_INSTANCE", folder)
        os.environ.setdefault("SECRET_KEY", "bench-only")
        on_each_engine(run, f"sqlite:///{folder}/bench.sqlite", args.only, args, folder)


if __name__ == "__main__":
    main()
