"""`coop audit verify`: walk the hash chains of the audit trail."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import services

audit = click.Group("audit", help="The audit trail.")


@audit.command("verify")
@with_appcontext
def verify_command():
    """Check every audit row against the hash chain: exit 1 if a row was removed or altered."""
    problems = services.verify()
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo("audit trail: every chain intact")
