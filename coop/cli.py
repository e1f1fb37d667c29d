"""The `coop` command: Flask's CLI group plus coop's own commands."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from .extensions import db


def main() -> None:
    from . import create_app

    FlaskGroup(create_app=create_app, help="coop: books and operations of cooperatives and NGOs.")(prog_name="coop")


def _init_db() -> None:
    from flask_migrate import upgrade

    upgrade(revision="heads")


def register(app: Flask) -> None:
    @app.cli.command("init")
    @click.option("--app-role", default=None, help="PostgreSQL: create the application's role (owns no table)")
    @click.option("--app-password", default=None, envvar="COOP_APP_ROLE_PASSWORD",
                  help="its password (or COOP_APP_ROLE_PASSWORD)")
    @with_appcontext
    def init(app_role, app_password):
        """Create the database or upgrade it to the latest schema (run it as the role that owns the tables)."""
        _init_db()
        click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
        if app_role:
            from .dbroles import create_app_role

            try:
                create_app_role(app_role, app_password)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
            db.session.commit()
            click.echo(f"Role {app_role} may read and write rows; it owns no table. Run the application as it.")

    @app.cli.command("demo")
    @with_appcontext
    def demo():
        """Seed a demo cooperative and a demo NGO (running it twice changes nothing)."""
        from .demo import seed

        _init_db()
        logins = seed()
        db.session.commit()
        click.echo("Demo logins (username / password):")
        for username, password, role, org in logins:
            click.echo(f"  {username:<14} {password:<18} {role:<12} {org}")

    @app.cli.command("jobs")
    @click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="business day (default today)")
    @click.option("--only", default=None, help="run only this job")
    @with_appcontext
    def jobs(day, only):
        """Run the daily jobs now (catching up missed days) and deliver the outbox."""
        from .jobs.services import run_daily
        from .messaging.services import GATEWAYS, deliver
        from .timeutil import today

        for slug, job, ran, summary in run_daily(day.date() if day else today(), only=only):
            click.echo(f"{slug} {job} {ran}: {summary}")
        click.echo(f"messages sent: {deliver(GATEWAYS[app.config['MESSAGE_GATEWAY']])}")
        db.session.commit()

    @app.cli.command("scheduler")
    @with_appcontext
    def scheduler():
        """Run the scheduled jobs (daily jobs after midnight Manila time, the outbox every minute)."""
        from .jobs.scheduler import build

        build(app).start()

    org_group = click.Group("org", help="Manage organizations.")
    app.cli.add_command(org_group)

    @org_group.command("add")
    @click.argument("slug")
    @click.argument("name")
    @click.option("--kind", type=click.Choice(["cooperative", "ngo"]), required=True)
    @with_appcontext
    def org_add(slug, name, kind):
        """Add an organization with the standard chart of accounts for its kind."""
        from .orgs.services import create_organization

        org = create_organization(slug, name, kind)
        db.session.commit()
        click.echo(f"{org.slug}: {org.name} ({org.kind}), chart of accounts seeded")

    user = click.Group("user", help="Manage users.")
    app.cli.add_command(user)

    @user.command("add")
    @click.argument("username")
    @click.option("--name", "display_name", default=None)
    @click.option("--org", "org_slug", required=True)
    @click.option("--role", required=True)
    @click.password_option()
    @with_appcontext
    def user_add(username, display_name, org_slug, role, password):
        """Add a user with a role in one organization."""
        from .auth import services as auth
        from .orgs.services import get_by_slug

        org = get_by_slug(org_slug)
        existing = auth.find_user(username)
        account = existing or auth.create_user(username, password, display_name or username)
        auth.grant_role(account.id, org.id, role)
        db.session.commit()
        click.echo(f"{account.username} is {role} of {org.slug}")

    @user.command("token")
    @click.argument("username")
    @click.option("--label", default="cli")
    @with_appcontext
    def user_token(username, label):
        """Issue an API token for a user (shown once)."""
        from .auth import services as auth

        account = auth.find_user(username)
        if account is None:
            raise click.ClickException(f"no user {username}")
        click.echo(auth.issue_token(account.id, label))
        db.session.commit()

    from .backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

    ledger = click.Group("ledger", help="Ledger maintenance.")
    app.cli.add_command(ledger)

    @ledger.command("check")
    @with_appcontext
    def ledger_check():
        """Recompute every balance from the journal lines; exit 1 on any drift."""
        from .ledger.services import recompute_problems
        from .orgs.models import Organization

        bad = False
        for org in db.session.scalars(db.select(Organization).order_by(Organization.id)):
            problems = recompute_problems(org.id)
            click.echo(f"{org.slug}: {'ok, trial balance nets to zero' if not problems else 'DRIFT'}")
            for problem in problems:
                click.echo(f"  {problem}")
            bad = bad or bool(problems)
        sys.exit(1 if bad else 0)

    @app.cli.command("trial-balance")
    @click.option("--org", "org_slug", default=None)
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
    @click.option("--json", "as_json", is_flag=True)
    @with_appcontext
    def trial_balance_command(org_slug, as_of, as_json):
        """Print the trial balance of one or every organization."""
        from .orgs.models import Organization
        from .reports.services import trial_balance

        query = db.select(Organization).order_by(Organization.id)
        if org_slug:
            query = query.where(Organization.slug == org_slug)
        orgs = list(db.session.scalars(query))
        if org_slug and not orgs:
            raise click.ClickException(f"no organization {org_slug}")
        day = as_of.date() if as_of else date.today()
        out = []
        for org in orgs:
            report = trial_balance(org.id, day)
            out.append({
                "org": org.slug, "as_of": day.isoformat(),
                "rows": [{"code": r.code, "name": r.name, "debit_centavos": r.debit, "credit_centavos": r.credit}
                         for r in report.rows],
                "total_debit_centavos": report.total_debit, "total_credit_centavos": report.total_credit,
            })
        if as_json:
            click.echo(json.dumps(out, indent=2))
            return
        from .money import to_pesos_text

        for block in out:
            click.echo(f"{block['org']} trial balance as of {block['as_of']}")
            for r in block["rows"]:
                click.echo(f"  {r['code']:<10} {r['name'][:40]:<40} {to_pesos_text(r['debit_centavos']):>15} "
                           f"{to_pesos_text(r['credit_centavos']):>15}")
            click.echo(f"  {'':<10} {'Total':<40} {to_pesos_text(block['total_debit_centavos']):>15} "
                       f"{to_pesos_text(block['total_credit_centavos']):>15}")
