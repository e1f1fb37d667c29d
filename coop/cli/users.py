"""`coop user add|disable|enable|reset-second-step|token|tokens|revoke-token`: the server's operator's tools.

A login with roles in several organizations is disabled or has its second step reset here, not by one
organization's admin, who would lock her out of the others (auth.services._not_shared)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..auth import services as auth
from ..auth.models import ROLES
from ..errors import CoopError
from ..extensions import db
from ..orgs.services import get_by_slug

user = AppGroup("user", help="Manage users.")


@user.command("add")
@click.argument("username")
@click.option("--name", "display_name", default=None)
@click.option("--org", "org_slug", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.password_option()
def user_add(username, display_name, org_slug, role, password):
    """Add a user with a role in one organization."""
    try:
        org = get_by_slug(org_slug)
        existing = auth.find_user(username)
        account = existing or auth.create_user(username, password, display_name or username)
        auth.grant_role(account.id, org.id, role)
    except CoopError as refused:  # an unknown organization, a weak password: said in one line, not a traceback
        db.session.rollback()
        raise click.ClickException(refused.message) from refused
    db.session.commit()
    click.echo(f"{account.username} is {role} of {org.slug}")


@user.command("token")
@click.argument("username")
@click.option("--label", default="cli")
@click.option("--days", type=int, default=None, help="how long it lasts (default: her organizations' policy)")
def user_token(username, label, days):
    """Issue an API token for a user (shown once)."""
    account = auth.find_user(username)
    if account is None:
        raise click.ClickException(f"no user {username}")
    click.echo(auth.issue_token(account.id, label, days=days))
    db.session.commit()


@user.command("tokens")
@click.argument("username")
def user_tokens(username):
    """List a user's working API tokens: id, label, created, expires, last used."""
    account = auth.find_user(username)
    if account is None:
        raise click.ClickException(f"no user {username}")
    rows = auth.tokens_of(account.id)
    if not rows:
        click.echo(f"{account.username} has no working API tokens")
    for row in rows:
        used = row.last_used_at.isoformat(sep=" ", timespec="minutes") if row.last_used_at else "never"
        click.echo(f"{row.id}\t{row.label}\tcreated {row.created_at:%Y-%m-%d}\texpires {row.expires_at:%Y-%m-%d}"
                   f"\tlast used {used}")


@user.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke one API token by its id (see `coop user tokens`)."""
    row = auth.revoke_token(token_id, None)
    db.session.commit()
    click.echo(f"token {row.id} ({row.label}) revoked")


_in_org = click.option("--org", "org_slug", required=True, help="an organization she has a role in (for the audit log)")


def _user_in(username: str, org_slug: str):
    account = auth.find_user(username)
    if account is None:
        raise click.ClickException(f"no user {username}")
    try:
        return account, get_by_slug(org_slug)
    except CoopError as refused:
        raise click.ClickException(refused.message) from refused


def _as_operator(change, username: str, org_slug: str, done: str) -> None:
    account, org = _user_in(username, org_slug)
    try:
        change(org.id, account.id)
    except CoopError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from refused
    db.session.commit()
    click.echo(f"{account.username} {done}")


@user.command("disable")
@click.argument("username")
@_in_org
def user_disable(username, org_slug):
    """Disable a login everywhere: her sessions and API tokens end now."""
    _as_operator(lambda org_id, user_id: auth.set_active(org_id, user_id, False, None), username, org_slug,
                 "is disabled; her sessions and tokens ended")


@user.command("enable")
@click.argument("username")
@_in_org
def user_enable(username, org_slug):
    """Enable a disabled login again."""
    _as_operator(lambda org_id, user_id: auth.set_active(org_id, user_id, True, None), username, org_slug,
                 "is enabled")


@user.command("reset-second-step")
@click.argument("username")
@_in_org
def user_reset_second_step(username, org_slug):
    """Clear a lost authenticator: she logs in with her password and enrols again."""
    _as_operator(lambda org_id, user_id: auth.reset_totp(org_id, user_id, None), username, org_slug,
                 "has no second step now; she enrols again at her next login")
