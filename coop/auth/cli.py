"""`coop user tokens NAME` and `coop user revoke-token ID`: added to the `coop user` group."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db


@click.command("tokens")
@click.argument("username")
@with_appcontext
def user_tokens(username):
    """List a user's working API tokens (id, label, created, expires, last used)."""
    from . import services

    account = services.find_user(username)
    if account is None:
        raise click.ClickException(f"no user {username}")
    rows = services.tokens_of(account.id)
    if not rows:
        click.echo(f"{account.username} has no working API tokens")
    for row in rows:
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never"
        click.echo(f"{row.id}\t{row.label}\tcreated {row.created_at:%Y-%m-%d}\texpires {row.expires_at:%Y-%m-%d}"
                   f"\tlast used {used}")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token(token_id):
    """Revoke one API token by its id (see `coop user tokens`)."""
    from . import services

    row = services.revoke_token(token_id, None)
    db.session.commit()
    click.echo(f"token {row.id} ({row.label}) revoked")


COMMANDS = (user_tokens, revoke_token)
