"""`coop ledger check` (balances against the journal) and `coop trial-balance`."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from ..ledger.services import recompute_problems
from ..money import to_pesos_text
from ..orgs.models import Organization
from ..reports.services import trial_balance as trial_balance_report

ledger = AppGroup("ledger", help="Ledger maintenance.")


@ledger.command("check")
def ledger_check():
    """Recompute every balance from the journal lines; exit 1 on any drift."""
    bad = False
    for org in db.session.scalars(db.select(Organization).order_by(Organization.id)):
        problems = recompute_problems(org.id)
        click.echo(f"{org.slug}: {'ok, trial balance nets to zero' if not problems else 'DRIFT'}")
        for problem in problems:
            click.echo(f"  {problem}")
        bad = bad or bool(problems)
    sys.exit(1 if bad else 0)


@click.command("trial-balance")
@click.option("--org", "org_slug", default=None)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def trial_balance(org_slug, as_of, as_json):
    """Print the trial balance of one or every organization."""
    query = db.select(Organization).order_by(Organization.id)
    if org_slug:
        query = query.where(Organization.slug == org_slug)
    orgs = list(db.session.scalars(query))
    if org_slug and not orgs:
        raise click.ClickException(f"no organization {org_slug}")
    day = as_of.date() if as_of else date.today()
    out = []
    for org in orgs:
        report = trial_balance_report(org.id, day)
        out.append({
            "org": org.slug, "as_of": day.isoformat(),
            "rows": [{"code": r.code, "name": r.name, "debit_centavos": r.debit, "credit_centavos": r.credit}
                     for r in report.rows],
            "total_debit_centavos": report.total_debit, "total_credit_centavos": report.total_credit,
        })
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    for block in out:
        click.echo(f"{block['org']} trial balance as of {block['as_of']}")
        for r in block["rows"]:
            click.echo(f"  {r['code']:<10} {r['name'][:40]:<40} {to_pesos_text(r['debit_centavos']):>15} "
                       f"{to_pesos_text(r['credit_centavos']):>15}")
        click.echo(f"  {'':<10} {'Total':<40} {to_pesos_text(block['total_debit_centavos']):>15} "
                   f"{to_pesos_text(block['total_credit_centavos']):>15}")
