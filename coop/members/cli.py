"""`coop members import FILE --org SLUG [--dry-run]`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..orgs.services import get_by_slug
from ..timeutil import today
from .imports import import_members, read_rows

members = click.Group("members", help="Members and share capital.")


@members.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="the cooperative's short name")
@click.option("--dry-run", is_flag=True, help="check every row and report, import nothing")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="date of the opening entries")
@with_appcontext
def import_command(file: Path, org_slug: str, dry_run: bool, as_of):
    """Import members and their subscribed and paid-up share capital from a CSV or XLSX file: all rows or none."""
    org = get_by_slug(org_slug)
    if org.kind != "cooperative":
        raise click.ClickException(f"{org_slug} is not a cooperative")
    rows = read_rows(file.read_bytes(), file.name)
    with click.progressbar(length=len(rows), label="Importing" if not dry_run else "Checking",
                           file=sys.stderr) as bar:
        result = import_members(org.id, rows, as_of=as_of.date() if as_of else today(), actor_id=None,
                                progress=bar.update)
    if result.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for error in result.errors:
        click.echo(str(error))
    if result.errors:
        click.echo(f"{len(result.errors)} problems in {result.rows} rows: nothing was imported.")
        sys.exit(1)
    if dry_run:
        click.echo(f"{result.rows} rows are fine (dry run: nothing was imported).")
    else:
        click.echo(f"{result.imported} members imported into {org.slug}.")
