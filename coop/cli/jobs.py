"""`coop jobs` (the daily jobs now, then the outbox) and `coop scheduler` (the same, on a clock)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..jobs.scheduler import build
from ..jobs.services import run_daily
from ..messaging.services import GATEWAYS, deliver
from ..timeutil import today


@click.command("jobs")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="business day (default today)")
@click.option("--only", default=None, help="run only this job")
@with_appcontext
def jobs(day, only):
    """Run the daily jobs now (catching up missed days) and deliver the outbox."""
    for slug, job, ran, summary in run_daily(day.date() if day else today(), only=only):
        click.echo(f"{slug} {job} {ran}: {summary}")
    click.echo(f"messages sent: {deliver(GATEWAYS.get(current_app.config['MESSAGE_GATEWAY']))}")
    db.session.commit()


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Run the scheduled jobs (daily jobs after midnight Manila time, the outbox every minute)."""
    build(current_app._get_current_object()).start()
