"""`coop user add` and `coop user token`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..auth import services as auth
from ..extensions import db
from ..orgs.services import get_by_slug

user = AppGroup("user", help="Manage users.")


@user.command("add")
@click.argument("username")
@click.option("--name", "display_name", default=None)
@click.option("--org", "org_slug", required=True)
@click.option("--role", required=True)
@click.password_option()
def user_add(username, display_name, org_slug, role, password):
    """Add a user with a role in one organization."""
    org = get_by_slug(org_slug)
    existing = auth.find_user(username)
    account = existing or auth.create_user(username, password, display_name or username)
    auth.grant_role(account.id, org.id, role)
    db.session.commit()
    click.echo(f"{account.username} is {role} of {org.slug}")


@user.command("token")
@click.argument("username")
@click.option("--label", default="cli")
def user_token(username, label):
    """Issue an API token for a user (shown once)."""
    account = auth.find_user(username)
    if account is None:
        raise click.ClickException(f"no user {username}")
    click.echo(auth.issue_token(account.id, label))
    db.session.commit()
