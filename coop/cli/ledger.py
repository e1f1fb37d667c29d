"""`coop ledger check` (balances against the journal), `coop ledger import` and `coop trial-balance`."""
from __future__ import annotations

import csv
import json
import sys
from datetime import date
from operator import itemgetter

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from ..ledger.services import COLUMNS as IMPORT_COLUMNS
from ..ledger.services import ImportRefused, import_entries, recompute_problems
from ..manifest import plugins
from ..money import to_pesos_text
from ..orgs.models import Organization
from ..orgs.services import get_by_slug
from ..reports.services import trial_balance as trial_balance_report

ledger = AppGroup("ledger", help="Ledger maintenance.")


@ledger.command("check")
def ledger_check():
    """Recompute every balance from the journal lines; exit 1 on any drift."""
    bad = False
    for org in db.session.scalars(db.select(Organization).order_by(Organization.id)):
        problems = recompute_problems(org.id) + control_problems(org.id)
        click.echo(f"{org.slug}: {'ok, trial balance nets to zero, control accounts agree' if not problems else 'DRIFT'}")
        for problem in problems:
            click.echo(f"  {problem}")
        bad = bad or bool(problems)
    sys.exit(1 if bad else 0)


def read_journal_csv(handle):
    """Rows of a journal CSV (header: ref,date,memo,account,debit,credit,party) as import_entries takes them."""
    reader = csv.reader(handle)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in IMPORT_COLUMNS if name not in header and name != "party"]
    if missing:
        raise click.ClickException(f"the first row must name the columns; missing: {', '.join(missing)}")
    if "party" not in header:
        header.append("party")
    pick = itemgetter(*(header.index(name) for name in IMPORT_COLUMNS))
    width = len(header)
    for number, cells in enumerate(reader, start=2):
        if len(cells) < width:
            if not any(cells):
                continue
            cells += [""] * (width - len(cells))
        yield (number, *pick(cells))


@ledger.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_slug", required=True, help="the organization's short name")
@click.option("--dry-run", is_flag=True, help="check every row and list the problems, import nothing")
@click.option("--batch-size", default=5000, show_default=True)
def ledger_import(file, org_slug, dry_run, batch_size):
    """Import journal entries from a CSV, one row per line (ref,date,memo,account,debit,credit,party): all or none."""
    org = get_by_slug(org_slug)
    with open(file, newline="", encoding="utf-8-sig") as handle:
        try:
            summary = import_entries(org.id, read_journal_csv(handle), batch_size=batch_size, dry_run=dry_run)
        except ImportRefused as refused:
            db.session.rollback()
            summary = refused.summary
    problems = summary.problems
    for problem in problems:
        click.echo(str(problem))
    if problems or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if problems:
        click.echo(f"{len(problems)} problems in {summary.rows} rows: nothing was imported.")
        sys.exit(1)
    verb = "would be imported (dry run: nothing was written)" if dry_run else "imported"
    click.echo(f"{summary.entries} entries of {summary.lines} lines {verb}; {summary.skipped} already there.")


def control_problems(org_id: int) -> list[str]:
    """Each control account against its subsidiary ledger, as each domain's manifest declares it."""
    problems = []
    for check in plugins().control_checks:
        for key, in_ledger, subsidiary in check(org_id):
            if in_ledger != subsidiary:
                problems.append(f"control account {key}: ledger {to_pesos_text(in_ledger)}, "
                                f"subsidiary {to_pesos_text(subsidiary)}")
    return problems


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
