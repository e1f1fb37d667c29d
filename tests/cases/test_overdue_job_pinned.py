"""The daily job `cases.overdue_followups` over a varied set of follow-ups, pinned: which are listed (and on which
day), who is texted and with which case numbers, on the first run, the same day again and the next day. Written
against the job as it walked every overdue follow-up in Python; it holds for the set-based job, on both engines."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.cases import services
from coop.cases.models import FollowUp
from coop.extensions import db
from coop.messaging.models import OutboxMessage
from coop.orgs.services import get_setting, set_setting

from .conftest import DAY, NOTE


def test_the_overdue_list_and_the_workers_texts_are_pinned(ngo, admin, worker, other_worker, make_user, agency,
                                                           intake):
    quiet = make_user(ngo, "case_worker")  # assigned, but no phone: listed for, never texted
    services.set_worker_phone(ngo.id, worker.id, "09170000001", admin.id)
    services.set_worker_phone(ngo.id, other_worker.id, "09170000002", admin.id)
    set_setting(ngo.id, services.TEXT_OVERDUE, True, admin.id)
    db.session.commit()

    def case_with(due_days_ago: int, *, workers=(), actor=worker):
        case = intake(days=40, actor=actor)
        for user in workers:
            services.assign_worker(ngo.id, case.id, user.id, DAY - timedelta(days=39), admin.id)
        referral = services.refer(ngo.id, case.id, {
            "agency_id": agency.id, "referred_on": DAY - timedelta(days=30), "reason": NOTE,
            "followup_on": DAY - timedelta(days=due_days_ago)}, worker.id)
        db.session.commit()
        return case, referral, services.followups_of(case.id)[referral.id][0]

    plain, _r, f_plain = case_with(5)                                    # worker only
    shared, shared_ref, f_shared = case_with(10, workers=(other_worker, quiet))
    second = services.plan_followup(ngo.id, shared_ref.id, DAY - timedelta(days=2), worker.id)  # two on one case
    _later, _r, f_later = case_with(0)                                   # due today: not yet overdue
    _future, _r, f_future = case_with(-3)                                # due in three days
    _done, _r, f_done = case_with(4)
    services.record_followup(ngo.id, f_done.id, done_on=DAY - timedelta(days=1), note="Called", actor_id=worker.id)
    _closed, closed_ref, f_closed = case_with(6)
    services.close_referral(ngo.id, closed_ref.id, status="completed", outcome_on=DAY - timedelta(days=1),
                            outcome="Done", actor_id=worker.id)
    sealed, _r, f_sealed = case_with(7)
    services.seal(ngo.id, sealed.id, DAY - timedelta(days=1), admin.id)
    left, _r, f_left = case_with(8, workers=(other_worker,))
    services.unassign_worker(ngo.id, left.id, other_worker.id, admin.id)  # no longer hers: not in her text
    theirs, _r, f_theirs = case_with(3, workers=(other_worker,))
    services.unassign_worker(ngo.id, theirs.id, worker.id, admin.id)      # only the other worker's now
    earlier, _r, f_earlier = case_with(20)
    db.session.get(FollowUp, f_earlier.id).listed_on = DAY - timedelta(days=15)  # listed by an earlier run
    db.session.commit()
    followups = {"plain": f_plain, "shared": f_shared, "second": second, "later": f_later, "future": f_future,
                 "done": f_done, "closed": f_closed, "sealed": f_sealed, "left": f_left, "theirs": f_theirs,
                 "earlier": f_earlier}

    def listed() -> dict[str, object]:
        db.session.expire_all()
        return {name: db.session.get(FollowUp, row.id).listed_on for name, row in followups.items()}

    def texts() -> list[tuple[str, str, str]]:
        return sorted((m.recipient, m.dedupe_key.rsplit("-", 3)[0], m.body) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.org_id == ngo.id)))

    def cases(*rows) -> str:
        return ", ".join(sorted(case.label for case in rows))

    assert services.list_overdue(ngo.id, DAY) == "5 overdue follow-up(s) listed, 2 text(s) queued"
    db.session.commit()
    assert listed() == {"plain": DAY, "shared": DAY, "second": DAY, "later": None, "future": None, "done": None,
                        "closed": None, "sealed": None, "left": DAY, "theirs": DAY,
                        "earlier": DAY - timedelta(days=15)}
    sender = get_setting(ngo.id, services.SENDER)
    body = "{sender}: referral follow-ups are overdue on case(s) {cases}. Please open the overdue list."
    assert texts() == sorted([
        ("09170000001", f"cases-overdue-{worker.id}",
         body.format(sender=sender, cases=cases(plain, shared, left, earlier))),
        ("09170000002", f"cases-overdue-{other_worker.id}", body.format(sender=sender, cases=cases(shared, theirs)))])

    assert services.list_overdue(ngo.id, DAY) == "0 overdue follow-up(s) listed, 0 text(s) queued"
    db.session.commit()
    assert len(texts()) == 2

    tomorrow = DAY + timedelta(days=1)
    assert services.list_overdue(ngo.id, tomorrow) == "1 overdue follow-up(s) listed, 2 text(s) queued"
    db.session.commit()
    assert listed()["later"] == tomorrow and listed()["plain"] == DAY
    assert len(texts()) == 4
