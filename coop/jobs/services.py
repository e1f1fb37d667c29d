"""Daily jobs: each is a plain function (org_id, day) -> summary, run once per organization and day.

Missed days are caught up in order; a day already done is skipped, so running twice does nothing twice.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from ..errors import CoopError, Invalid, Words, keep
from ..extensions import db
from ..manifest import plugins
from ..orgs.models import Organization
from ..timeutil import utcnow
from .models import JobRun, JobStuck


CATCH_UP_LIMIT_DAYS = 62
log = logging.getLogger(__name__)


class JobsBehind(Invalid):
    """A month closed before the daily jobs ran through its last day would stop them for good: each run retries
    the first day a job missed, the ledger refuses to post into the closed month, and its penalties, interest and
    reminders never come. So a month (or a year) closes only once they have run through it."""


def last_done(org_id: int, job: str) -> date | None:
    return db.session.scalar(select(func.max(JobRun.day)).where(JobRun.org_id == org_id, JobRun.job == job))


def next_day(last: date | None, today: date) -> date:
    """The day a job runs next for an organization: the day after the last one done, back at most
    CATCH_UP_LIMIT_DAYS; a job never run starts today."""
    return max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_LIMIT_DAYS)) if last else today


def check_caught_up(org_id: int, through: date, today: date, field: str | None = None) -> None:
    """Refuse (JobsBehind) while a daily job of this organization would still run a day on or before `through`."""
    kind = db.session.scalar(select(Organization.kind).where(Organization.id == org_id))
    done = dict(db.session.execute(select(JobRun.job, func.max(JobRun.day)).where(JobRun.org_id == org_id)
                                   .group_by(JobRun.job)).all())
    waiting = [next_day(done.get(job.name), today) for job in plugins().daily_jobs
               if kind in job.org_kinds and job.name in done]
    first = min(waiting, default=None)
    if first is not None and first <= through:
        raise JobsBehind("The daily jobs have not run for %(date)s yet: close it after they have (tonight, or now "
                         "with the command coop jobs).", field=field, values={"date": first})


_DEFECT = Words("It failed on an error: the server's log has the details.")


def _record_stuck(org_id: int, job: str, day: date, exc: Exception) -> None:
    """Kept for the dashboard, in its own transaction (the job's was rolled back). A refusal keeps its words for
    the officer's language; anything else is a defect, told to look in the server's log."""
    reason = keep(exc if isinstance(exc, CoopError) else _DEFECT)
    row = db.session.scalar(select(JobStuck).where(JobStuck.org_id == org_id, JobStuck.job == job))
    if row is None:
        db.session.add(JobStuck(org_id=org_id, job=job, day=day, reason=reason))
    else:
        row.day, row.reason, row.attempts, row.last_failed_at = day, reason, row.attempts + 1, utcnow()
    db.session.commit()


def stuck(org_id: int) -> list[JobStuck]:
    """The organization's daily jobs stopped on a day they keep retrying, oldest day first."""
    return list(db.session.scalars(select(JobStuck).where(JobStuck.org_id == org_id)
                                   .order_by(JobStuck.day, JobStuck.job)))


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
            day = next_day(last_done(org_id, job.name), today)
            while day <= today:
                try:
                    summary = job.run(org_id, day)
                    db.session.add(JobRun(org_id=org_id, job=job.name, day=day, summary=(summary or "")[:300]))
                    db.session.execute(delete(JobStuck).where(JobStuck.org_id == org_id, JobStuck.job == job.name))
                    db.session.commit()
                except Exception as exc:
                    db.session.rollback()
                    log.exception("daily job %s for %s on %s failed", job.name, slug, day)
                    failed.append(f"{slug} {job.name} {day}: {exc}")
                    try:
                        _record_stuck(org_id, job.name, day, exc)
                    except Exception:  # the dashboard's record is not worth stopping the other jobs for
                        db.session.rollback()
                        log.exception("could not record daily job %s for %s as stopped", job.name, slug)
                    break
                done.append((slug, job.name, day, summary))
                day += timedelta(days=1)
    if failed:
        raise RuntimeError("daily jobs not done (retried on the next run): " + "; ".join(failed))
    return done
