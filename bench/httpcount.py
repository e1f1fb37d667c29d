"""HTTP requests counted, not timed: statements sent and Python function calls per request.

    .venv/bin/python bench/httpcount.py                   # SQLite, then PostgreSQL if reachable
    .venv/bin/python bench/httpcount.py --only sqlite --requests 50 --show

The statements a request sends (a `before_cursor_execute` listener; BEGIN, COMMIT and ROLLBACK not counted)
and cProfile's function calls per request do not move with the machine's load, where timings move 2-5x.
Three requests of bench/httpbench.py's setup, through Flask's test client (no server):
- post: POST /api/v1/orgs/<org>/ledger/entries (an officer's token, a two-line entry, a new Idempotency-Key);
- member summary: GET /api/v1/orgs/<org>/me/summary (a member's token);
- page: GET /o/<org>/members/ (an officer signed in through the login form).
--show prints the statements of the last request of each. On PostgreSQL the schema at $COOP_BENCH_PG_URL is
DROPPED and rebuilt. Temporary files are removed.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "RELEASE", "SAVEPOINT")


def count(app, name: str, requests: int, send, show: bool, profile_lines: int = 0) -> None:
    from sqlalchemy import event

    from coop.extensions import db

    with app.app_context():
        engine = db.engine
    for n in range(3):  # warm: the first requests mark tokens used, fill caches, compile statements
        send(-1 - n)
    sent: list[list[str]] = []
    listener = lambda conn, cursor, statement, *rest: sent[-1].append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    profile = cProfile.Profile()
    try:
        for n in range(requests):
            sent.append([])
            profile.enable()
            send(n)
            profile.disable()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    counted = [[s for s in one if not s.lstrip().upper().startswith(SKIP)] for one in sent]
    calls = pstats.Stats(profile).total_calls / requests
    per = sorted(len(one) for one in counted)
    print(f"{name}: {per[len(per) // 2]} statements per request (min {per[0]}, max {per[-1]}), "
          f"{calls:,.0f} function calls per request")
    if profile_lines:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(profile_lines)
    if show:
        for statement in counted[-1]:
            print("    " + " ".join(statement.split())[:200])


def run(label: str, url: str, args) -> None:
    from _common import login
    from coop.auth.services import create_user, grant_role
    from httpbench import prepare_coop

    print(f"\n== {label}")
    setup = prepare_coop(url)
    from coop import create_app
    from coop.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        clerk = create_user("clerk", "bench-clerk-pass", "Clerk")
        from coop.orgs.models import Organization
        from sqlalchemy import select

        org_id = db.session.scalar(select(Organization.id).where(Organization.slug == setup["slug"]))
        grant_role(clerk.id, org_id, "officer")
        db.session.commit()
        db.session.remove()
    today_text = date.today().isoformat()
    api = app.test_client()
    page = app.test_client()
    login(page, "clerk", "bench-clerk-pass")

    def post(n):
        response = api.post(f"/api/v1/orgs/{setup['slug']}/ledger/entries", data=json.dumps({
            "entry_date": today_text, "memo": f"count {n}", "lines": [
                {"account_id": setup["debit"], "debit": "10.00"}, {"account_id": setup["credit"], "credit": "10.00"}]}),
            headers={"Authorization": f"Bearer {setup['officer_token']}", "Content-Type": "application/json",
                     "Idempotency-Key": f"count-{n}"})
        assert response.status_code == 201, response.get_data(as_text=True)[:300]

    def summary(n):
        response = api.get(f"/api/v1/orgs/{setup['slug']}/me/summary",
                           headers={"Authorization": f"Bearer {setup['member_token']}"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]

    def members_page(n):
        response = page.get(f"/o/{setup['slug']}/members/")
        assert response.status_code == 200, response.status_code

    count(app, "POST ledger/entries", args.requests, post, args.show, args.profile)
    count(app, "GET me/summary", args.requests, summary, args.show, args.profile)
    count(app, "GET /o/<org>/members/ (page)", args.requests, members_page, args.show, args.profile)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100, help="requests counted of each kind")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--show", action="store_true", help="print the statements of one request of each kind")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print cProfile's N functions of most cumulative time for each kind")
    args = parser.parse_args()
    from _common import on_each_engine

    with tempfile.TemporaryDirectory(prefix="coop-bench-") as folder:
        os.environ.setdefault("COOP_INSTANCE", folder)
        os.environ.setdefault("SECRET_KEY", "bench-only")
        os.environ.setdefault("COOP_INSECURE_COOKIES", "1")
        on_each_engine(run, f"sqlite:///{folder}/bench.sqlite", args.only, args)


if __name__ == "__main__":
    main()
