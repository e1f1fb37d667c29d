"""`coop org add`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..orgs.services import create_organization

org = AppGroup("org", help="Manage organizations.")


@org.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--kind", type=click.Choice(["cooperative", "ngo"]), required=True)
def org_add(slug, name, kind):
    """Add an organization with the standard chart of accounts for its kind."""
    added = create_organization(slug, name, kind)
    db.session.commit()
    click.echo(f"{added.slug}: {added.name} ({added.kind}), chart of accounts seeded")
