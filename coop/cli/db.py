"""`coop init [--app-role NAME]`: create the database or bring it to the latest schema; the app's own role."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..dbroles import create_app_role
from ..extensions import db


def upgrade_to_latest() -> None:
    upgrade(revision="heads")


@click.command("init")
@click.option("--app-role", default=None, help="PostgreSQL: create the application's role (owns no table)")
@click.option("--app-password", default=None, envvar="COOP_APP_ROLE_PASSWORD",
              help="its password (or COOP_APP_ROLE_PASSWORD)")
@with_appcontext
def init(app_role, app_password):
    """Create the database or upgrade it to the latest schema (run it as the role that owns the tables)."""
    upgrade_to_latest()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    if app_role:
        try:
            create_app_role(app_role, app_password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Role {app_role} may read and write rows; it owns no table. Run the application as it.")
