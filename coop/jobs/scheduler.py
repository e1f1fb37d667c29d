"""APScheduler wiring: the daily jobs just after midnight Manila time, the outbox every minute."""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from ..extensions import db
from ..messaging.services import GATEWAYS, deliver
from ..timeutil import today
from .services import run_daily

log = logging.getLogger("coop.jobs")


def daily(app: Flask) -> None:
    with app.app_context():
        for slug, job, day, summary in run_daily(today()):
            log.info("%s %s %s: %s", slug, job, day, summary)


def outbox(app: Flask) -> None:
    with app.app_context():
        # each organization's own gateways (its settings), unless the application forces one (COOP_MESSAGE_GATEWAY)
        deliver(GATEWAYS.get(app.config["MESSAGE_GATEWAY"]))
        db.session.commit()


def build(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="Asia/Manila")
    scheduler.add_job(daily, "cron", hour=0, minute=5, args=[app], id="daily", coalesce=True,
                      max_instances=1, misfire_grace_time=6 * 3600)
    scheduler.add_job(outbox, "interval", minutes=1, args=[app], id="outbox", coalesce=True, max_instances=1)
    return scheduler
