"""The daily job `grants.followups` over several agreements, pinned: which monitoring months and tranches it lists,
due and listed on which day, over a run of days (the same day twice, a gap). Written against the job as it walked
every signed agreement with its reports and tranches one by one; it holds for the set-based job, on both engines."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from coop.extensions import db
from coop.grants import services
from coop.grants.models import FollowUp

from .conftest import START


def test_the_followups_listed_day_by_day_are_pinned(program, ngo):
    fund = program.fund(10_000_000)
    released = program.moa(fund, program.woman(name="Woman A"))
    program.release(services.tranches_of(released.id)[0], START + timedelta(days=10))  # 12 March
    program.moa(fund, program.woman(name="Woman B"), sign=False)  # a draft: nothing of it is due
    unreleased = program.moa(fund, program.woman(name="Woman C"))
    reported = program.moa(fund, program.woman(name="Woman D"))
    program.release(services.tranches_of(reported.id)[0], START + timedelta(days=12))  # 14 March
    services.record_monitoring(ngo.id, reported.id, {"visited_on": date(2026, 4, 15), "sales": 100, "costs": 50,
                                                     "savings": 10, "visit_note": "Fine."}, program.maker.id)
    db.session.commit()
    a, c, d = released.id, unreleased.id, reported.id

    def listed() -> list[tuple]:
        db.session.expire_all()
        return sorted((f.kind, f.moa_id, f.ref, f.due_on, f.listed_on) for f in db.session.scalars(
            select(FollowUp).where(FollowUp.org_id == ngo.id)))

    first = date(2026, 3, 22)
    assert services.list_due_followups(ngo.id, first) == "1 follow-up(s) listed"
    db.session.commit()
    expected = [("tranche", c, 1, date(2026, 3, 12), first)]
    assert listed() == expected

    april = date(2026, 4, 20)
    assert services.list_due_followups(ngo.id, april) == "7 follow-up(s) listed"
    assert services.list_due_followups(ngo.id, april) == "0 follow-up(s) listed"
    db.session.commit()
    expected += [("monitoring", a, 1, date(2026, 4, 12), april),
                 ("tranche", a, 2, date(2026, 3, 27), april), ("tranche", a, 3, date(2026, 4, 16), april),
                 ("tranche", c, 2, date(2026, 3, 27), april), ("tranche", c, 3, date(2026, 4, 16), april),
                 ("tranche", d, 2, date(2026, 3, 27), april), ("tranche", d, 3, date(2026, 4, 16), april)]
    assert listed() == sorted(expected)

    june = date(2026, 6, 30)  # after a gap: every month that came due meanwhile, once
    assert services.list_due_followups(ngo.id, june) == "4 follow-up(s) listed"
    db.session.commit()
    expected += [("monitoring", a, 2, date(2026, 5, 12), june), ("monitoring", a, 3, date(2026, 6, 12), june),
                 ("monitoring", d, 2, date(2026, 5, 14), june), ("monitoring", d, 3, date(2026, 6, 14), june)]
    assert listed() == sorted(expected)
    assert services.list_due_followups(ngo.id, date(2026, 11, 30)) == "0 follow-up(s) listed"  # monitoring is over
