"""A year of spreadsheet books through the import runner (what the upload page runs): prints figures.

    .venv/bin/python bench/books.py [--rows 100000] [--url URL]

500 members with share capital, opening balances per account and per member, then a journal of
--rows rows (2 lines per entry, member parties on half of them): each a dry run, then the import,
as the page does (the runner's code path: a run row, the stored file, the remembered mapping).
Then the ledger check and the trial balance against the source's own totals, to the centavo.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from _common import make_app  # noqa: E402

MEMBERS = 500


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    work = Path(scratch(prefix="coop-books-"))
    url = args.url or f"sqlite:///{work / 'books.sqlite'}"
    app = make_app(url)
    from coop.extensions import db
    from coop.interchange import runner, services
    from coop.interchange.models import InterchangeRun
    from coop.ledger import services as ledger
    from coop.orgs.services import create_organization
    from coop.reports.services import trial_balance

    with app.app_context():
        org = create_organization("books", "Books", "cooperative")
        db.session.commit()
        org_id = org.id
        source = defaultdict(int)  # account code -> debit minus credit, from the files themselves

        members = ["number,name,subscribed,paid_up,status,admitted_on"] + [
            f"{n},Member {n},2000,{500 + n % 1500},active,2024-01-05" for n in range(1, MEMBERS + 1)]
        for n in range(1, MEMBERS + 1):
            paid = (500 + n % 1500) * 100
            # the members' own import's opening entries (coop.members.imports): the unpaid part subscribed
            # against its receivable, the paid-up part against the opening balances clearing account
            source["30110"] -= 200_000 - paid
            source["30120"] += 200_000 - paid
            source["30130"] -= paid
            source["30900"] += paid
        opening = ["account,debit,credit", "11110,250000.00,", "11130,100000.00,", "30600,,350000.00"]
        source["11110"] += 25_000_000
        source["11130"] += 10_000_000
        source["30600"] -= 35_000_000
        journal = ["ref,date,memo,account,debit,credit,party"]
        entries = args.rows // 2
        for n in range(entries):
            on = date(2025, 1, 1) + timedelta(days=n * 365 // entries)
            amount = 1_000 + n % 50_000
            pesos = f"{amount // 100}.{amount % 100:02d}"
            if n % 2:
                # a deposit for shares (paid-up capital is a control account: the journal import refuses it)
                journal += [f"J{n},{on},Share deposit {n},11110,{pesos},,",
                            f"J{n},{on},Share deposit {n},30300,,{pesos},M-{n % MEMBERS + 1:04d}"]
                source["30300"] -= amount
            else:
                journal += [f"J{n},{on},Sales {n},11110,{pesos},,", f"J{n},{on},Sales {n},40310,,{pesos},"]
                source["40310"] -= amount
            source["11110"] += amount

        def through_the_runner(kind, lines, mapping, as_of=None):
            content = ("\n".join(lines) + "\n").encode()
            if as_of:
                mapping = dict(mapping, _as_of=as_of)
            run = services.create_run(org_id, kind, actor_id=None, dry_run=True, filename=f"{kind}.csv",
                                      content=content, mapping=mapping)
            db.session.commit()
            run_id = run.id
            db.session.remove()
            figures = []
            for dry in (True, False):
                if not dry:
                    services.confirm_import(org_id, run_id, actor_id=None)
                    db.session.commit()
                    db.session.remove()
                started = time.perf_counter()
                runner.execute(app, run_id)
                seconds = time.perf_counter() - started
                row = db.session.get(InterchangeRun, run_id)
                figures.append(f"{'dry run' if dry else 'import'} {seconds:.1f} s ({row.status}, {row.summary})")
                if row.status != "done":
                    raise SystemExit(f"{kind}: {row.problems[:5]}")
                db.session.remove()
            print(f"{kind}: {len(lines) - 1:,} rows, {len(content) / 1e6:.1f} MB: " + "; ".join(figures))

        same = {name: name for name in ("number", "name", "subscribed", "paid_up", "status", "admitted_on")}
        through_the_runner("members", members, same, "2025-01-01")
        through_the_runner("opening_accounts", opening, {"account": "account", "debit": "debit", "credit": "credit"},
                           "2024-12-31")
        through_the_runner("journal", journal, {k: k for k in ("ref", "date", "memo", "account", "debit", "credit",
                                                               "party")})
        problems = ledger.recompute_problems(org_id)
        report = trial_balance(org_id, date(2025, 12, 31))
        got = {row.code: row.debit - row.credit for row in report.rows}
        want = {code: value for code, value in source.items() if value}
        print(f"ledger check: {'ok' if not problems else problems[:3]}; trial balance {report.total_debit} = "
              f"{report.total_credit} centavos; equals the source's totals: {got == want}")
        if got != want:
            print({code: (got.get(code), want.get(code)) for code in set(got) | set(want)
                   if got.get(code) != want.get(code)})


if __name__ == "__main__":
    main()
