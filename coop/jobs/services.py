"""Daily jobs: each is a plain function (org_id, day) -> summary, run once per organization and day.

Missed days are caught up in order; a day already done is skipped, so running twice does nothing twice.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..manifest import plugins
from ..orgs.models import Organization
from .models import JobRun


CATCH_UP_LIMIT_DAYS = 62
log = logging.getLogger(__name__)


def last_done(org_id: int, job: str) -> date | None:
    return db.session.scalar(select(func.max(JobRun.day)).where(JobRun.org_id == org_id, JobRun.job == job))


def run_daily(today: date, only: str | None = None) -> list[tuple[str, str, date, str]]:
    """Run every daily job for every organization for each day not yet done, up to today.

    Each (organization, job, day) commits on its own, so a crash resumes where it stopped. A job that fails for
    one organization (a day of a month closed before the catch-up reached it) stops that job for that
    organization only, to be retried on the next run; every other job and organization runs, then the failures
    are raised together, named.
    """
    done, failed = [], []
    orgs = list(db.session.execute(select(Organization.id, Organization.slug, Organization.kind)))
    for job in plugins().daily_jobs:
        if only and job.name != only:
            continue
        for org_id, slug, kind in orgs:
            if kind not in job.org_kinds:
                continue
            last = last_done(org_id, job.name)
            day = max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_LIMIT_DAYS)) if last else today
            while day <= today:
                try:
                    summary = job.run(org_id, day)
                    db.session.add(JobRun(org_id=org_id, job=job.name, day=day, summary=(summary or "")[:300]))
                    db.session.commit()
                except Exception as exc:
                    db.session.rollback()
                    log.exception("daily job %s for %s on %s failed", job.name, slug, day)
                    failed.append(f"{slug} {job.name} {day}: {exc}")
                    break
                done.append((slug, job.name, day, summary))
                day += timedelta(days=1)
    if failed:
        raise RuntimeError("daily jobs not done (retried on the next run): " + "; ".join(failed))
    return done
