"""`coop init`: create the database or bring it to the latest schema."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..extensions import db


def upgrade_to_latest() -> None:
    upgrade(revision="heads")


@click.command("init")
@with_appcontext
def init():
    """Create the database or upgrade it to the latest schema."""
    upgrade_to_latest()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
