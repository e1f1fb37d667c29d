"""`coop export odoo --org SLUG DIR` and `coop odoo push --org SLUG [--dry-run]`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..orgs.services import get_by_slug
from .models import InterchangeRun
from . import odoo, runner, services
from . import push as pushing

export = click.Group("export", help="The books in other systems' formats.")


@export.command("odoo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="the organization's short name")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="cut-over date: opening balances as of the day before, entries from this date")
@with_appcontext
def export_odoo(directory: Path, org_slug: str, since):
    """Write Odoo 17/18 import files (journals, chart, partner tags, partners, journal entries) into DIRECTORY."""
    org = get_by_slug(org_slug)
    built = services.export_odoo(org.id, since=since.date() if since else None)
    for path in odoo.write_dir(built, directory):
        click.echo(f"{path} ({len(built.files[path.name])} rows)")
    db.session.commit()
    click.echo("Import them into Odoo in this order: " + ", ".join(odoo.IMPORT_ORDER))


odoo_group = click.Group("odoo", help="Push the books to an Odoo database over its external API.")


@odoo_group.command("push")
@click.option("--org", "org_slug", required=True)
@click.option("--dry-run", is_flag=True, help="print the rows that would be sent, send nothing")
@with_appcontext
def push(org_slug: str, dry_run: bool):
    """Send the chart, partners and new journal entries to the organization's Odoo (see its settings)."""
    org = get_by_slug(org_slug)
    run = services.create_run(org.id, "odoo_push", actor_id=None, dry_run=dry_run)
    db.session.commit()
    result = pushing.push(org.id, run.id, secret_key=current_app.config["SECRET_KEY"],
                          echo=click.echo if dry_run else None)
    db.session.commit()
    click.echo(result)
    sys.exit(0 if run.status == "done" else 1)


interchange = click.Group("interchange", help="Imports and pushes run in the background.")


@interchange.command("resume")
@with_appcontext
def resume():
    """Run, here and now, the queued imports and pushes and those a restart cut off."""
    app = current_app._get_current_object()
    run_ids = services.runs_to_start()
    db.session.rollback()
    for run_id in run_ids:
        runner.execute(app, run_id)
        click.echo(f"run {run_id}: {db.session.get(InterchangeRun, run_id).status}")
    if not run_ids:
        click.echo("nothing to resume")
