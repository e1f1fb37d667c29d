"""`coop demo`: a demo cooperative and a demo NGO."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..demo import seed
from ..extensions import db
from .db import upgrade_to_latest


@click.command("demo")
@with_appcontext
def demo():
    """Seed a demo cooperative and a demo NGO (running it twice changes nothing)."""
    upgrade_to_latest()
    logins = seed()
    db.session.commit()
    click.echo("Demo logins (username / password):")
    widths = [max(len(row[column]) for row in logins) for column in range(3)]
    for username, password, role, org in logins:
        click.echo(f"  {username:<{widths[0]}}  {password:<{widths[1]}}  {role:<{widths[2]}}  {org}")
