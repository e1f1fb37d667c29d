from datetime import date, timedelta

from coop.extensions import db
from coop.jobs.services import run_daily
from coop.members import shares
from coop.messaging.models import OutboxMessage

DUE = date(2026, 3, 10)


def test_reminders_three_days_before_and_when_overdue_once_each(coop, officer, make_member):
    ana = make_member("Ana Reyes", mobile="09171234567", email="ana@example.org")
    shares.subscribe(coop.id, ana.id, shares=20, on=DUE - timedelta(days=10), installments=4, first_due=DUE,
                     actor_id=officer.id)
    db.session.commit()
    run_daily(DUE - timedelta(days=3), only="members.share_reminders")
    messages = db.session.query(OutboxMessage).all()
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    assert all("500.00" in m.body and "2026-03-10" in m.body and "Ana" not in m.body for m in messages)
    run_daily(DUE - timedelta(days=3), only="members.share_reminders")  # the same day again: nothing new
    from coop.members.jobs import share_reminders

    share_reminders(coop.id, DUE - timedelta(days=3))
    assert db.session.query(OutboxMessage).count() == 2
    run_daily(DUE + timedelta(days=1), only="members.share_reminders")
    overdue = db.session.query(OutboxMessage).filter(OutboxMessage.body.contains("was due")).all()
    assert len(overdue) == 2
    shares.record_payment(coop.id, ana.id, amount=500_00, on=DUE + timedelta(days=2), actor_id=officer.id)
    db.session.commit()
    run_daily(DUE + timedelta(days=7), only="members.share_reminders")
    assert db.session.query(OutboxMessage).filter(OutboxMessage.body.contains("was due")).count() == 2


def test_demo_member_is_a_real_member(app):
    from coop.demo import seed
    from coop.members import services
    from coop.orgs.services import get_by_slug
    from coop.auth.services import find_user
    from coop.timeutil import today

    seed()
    db.session.commit()
    coop = get_by_slug("dawn-mpc")
    rosario = services.member_for_user(coop.id, find_user("member").id)
    summary = shares.summary(coop.id, rosario, today())
    # two of her four installments paid; the loans' demo may retain a capital build-up from her loan toward the rest
    assert summary.paid_up + summary.due == 2_000_00 and summary.next_due_on
    assert 1_000_00 <= summary.paid_up < 1_100_00
    from coop.members.demo import PEOPLE

    names = {m.name for m in services.search_members(coop.id, limit=200)}  # other domains seed members too
    assert {person[0] for person in PEOPLE} | {"Rosario Manalo"} <= names
    assert len(shares.pending_withdrawals(coop.id)) == 1


def test_a_month_closed_before_the_catch_up_stops_only_its_own_job(coop, make_org, app):
    """The scheduler was down over the month's end and the officer closed the month meanwhile: the catch-up of one
    job for one organization can no longer post, and it raised out of run_daily, so no job of any organization ran
    that day, nor any day after. Now the others run; the stuck one is named at the end and retried next time."""
    from dataclasses import replace

    import pytest

    from coop.jobs.models import JobRun
    from coop.ledger.errors import ClosedPeriodError
    from coop.manifest import DailyJob, plugins

    other = make_org("cooperative")
    ran = []

    def stuck(org_id, day):
        if org_id == coop.id:
            raise ClosedPeriodError("%(on)s is closed.", values={"on": day})
        ran.append(("first", org_id, day))
        return "ok"

    def second(org_id, day):
        ran.append(("second", org_id, day))
        return "ok"

    jobs = plugins().daily_jobs
    saved = list(jobs)
    jobs[:] = [DailyJob("test.stuck", stuck), DailyJob("test.second", second)]
    try:
        with pytest.raises(RuntimeError, match="test.stuck"):
            run_daily(DUE)
    finally:
        jobs[:] = saved
    assert ("first", other.id, DUE) in ran
    assert ("second", coop.id, DUE) in ran and ("second", other.id, DUE) in ran
    assert db.session.query(JobRun).filter_by(org_id=coop.id, job="test.stuck").count() == 0
    assert db.session.query(JobRun).filter_by(org_id=coop.id, job="test.second").count() == 1


def test_a_stopped_job_is_on_the_officers_dashboard_with_its_reason_until_it_runs(coop, make_user, login, app):
    """A job that keeps retrying the same day posts nothing after it; the officers see it in their language,
    and it leaves the dashboard once the day is done."""
    import pytest

    from coop.ledger import services as ledger
    from coop.manifest import DailyJob, plugins

    ledger.close_period(coop.id, DUE.year, DUE.month, None)  # closed before the catch-up reached it
    db.session.commit()

    def posts(org_id, day):
        ledger.check_date(org_id, day)  # what every job that posts meets in a closed month
        return "ok"

    jobs = plugins().daily_jobs
    saved = list(jobs)
    jobs[:] = [DailyJob("test.posts", posts)]
    try:
        for _ in range(2):
            with pytest.raises(RuntimeError):
                run_daily(DUE)
        officer = login(make_user(coop, "officer"))
        page = officer.get(f"/o/{coop.slug}/").get_data(as_text=True)
        assert "Daily job stopped" in page and "test.posts, tried 2 times" in page
        assert "March 2026 is closed; date it in an open month." in page
        filipino = officer.get(f"/o/{coop.slug}/?lang=fil").get_data(as_text=True)
        assert "test.posts" in filipino and "Daily job stopped" not in filipino and "open month" not in filipino
        ledger.reopen_period(coop.id, DUE.year, DUE.month, None, "the job must run")
        db.session.commit()
        run_daily(DUE)
        assert "test.posts" not in officer.get(f"/o/{coop.slug}/").get_data(as_text=True)
    finally:
        jobs[:] = saved
