"""Case work, step by step: intake, assessments and readiness, sessions, referrals and the overdue list, status,
access, sealing, her data on request, and the donor report reconciled with the records."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.audit.models import AuditEvent
from coop.cases import services
from coop.cases.models import Referral, Session
from coop.errors import Conflict, Invalid, NotFound
from coop.extensions import db
from coop.grants import services as grants
from coop.messaging.models import OutboxMessage
from coop.orgs.services import set_setting
from coop.privacy import services as privacy

from .conftest import DAY, NAME, NOTE


def actions(org_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.org_id == org_id)
                                   .order_by(AuditEvent.id)))


# ------------------------------------------------------------------ intake


def test_intake_assigns_the_worker_who_opens_it(ngo, worker, intake):
    case = intake()
    assert case.label == "C-0001" and case.status == "intake" and case.household == "woman"
    assert [a.user_id for a in services.assignments(case.id)] == [worker.id]
    assert len(services.case_categories(case.id)) == 2
    assert "cases.case.open" in actions(ngo.id)


def test_intake_refuses_a_date_ahead_and_a_category_of_another_org(ngo, worker, make_org, intake):
    with pytest.raises(Invalid) as ahead:
        intake(days=-1)
    assert ahead.value.field == "opened_on"
    db.session.rollback()
    other = make_org("ngo")
    services.ensure_default_categories(other.id)
    foreign = services.categories(other.id)[0].id
    with pytest.raises(Invalid) as wrong:
        intake(category_ids=[foreign])
    assert wrong.value.field == "category_ids"


def test_the_admin_opens_a_case_for_a_worker(ngo, admin, worker, intake):
    case = intake(actor=admin, worker_id=worker.id)
    assert [a.user_id for a in services.assignments(case.id)] == [worker.id]


# ------------------------------------------------------------------ assessments and readiness


def test_assessments_follow_the_scale_and_certification_makes_her_ready(ngo, worker, intake):
    case = intake()
    with pytest.raises(Invalid) as outside:
        services.record_assessment(ngo.id, case.id, {"assessed_on": DAY - timedelta(days=20), "level": 7}, worker.id)
    assert outside.value.field == "level"
    db.session.rollback()
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY - timedelta(days=20), "level": 5}, worker.id)
    assert case.status == "recovery"
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY - timedelta(days=2), "level": 2,
                                                 "certifies_ready": True, "note": NOTE}, worker.id)
    db.session.commit()
    assert case.status == "ready" and case.ready_on == DAY - timedelta(days=2) and case.ready_by == worker.id
    assert [a.level for a in services.assessments_of(case.id)] == [5, 2]
    with pytest.raises(Conflict):
        services.record_assessment(ngo.id, case.id, {"assessed_on": DAY, "level": 1, "certifies_ready": True},
                                   worker.id)


def test_grants_reads_readiness_from_her_case(ngo, worker, grant_staff, intake):
    woman = grants.add_beneficiary(ngo.id, {"name": NAME}, grant_staff.id)
    case = intake()
    services.link_beneficiary(ngo.id, case.id, woman.number, worker.id)
    db.session.commit()
    mark = grants.readiness(ngo.id, woman)
    assert mark.source == case.label and mark.ready_on is None and not grants.is_ready(ngo.id, woman)
    with pytest.raises(Conflict):  # no more free note: the case decides
        grants.certify_ready(ngo.id, woman.id, on=DAY, note="ready", actor_id=grant_staff.id)
    db.session.rollback()
    with pytest.raises(grants.NotReady):
        grants.create_plan(ngo.id, woman.id, {"business_type": "Sari-sari store", "location": "Home",
                                              "amount_requested": 800_000, "projected_sales": 100_000,
                                              "projected_costs": 50_000}, grant_staff.id)
    db.session.rollback()
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY, "level": 1, "certifies_ready": True}, worker.id)
    db.session.commit()
    assert grants.is_ready(ngo.id, woman) and grants.stage_of(ngo.id, woman) == "ready"
    assert grants.program_summary(ngo.id).certified_ready == 1


def test_linking_needs_a_real_unlinked_beneficiary(ngo, worker, grant_staff, intake):
    woman = grants.add_beneficiary(ngo.id, {"name": NAME}, grant_staff.id)
    first, second = intake(), intake()
    with pytest.raises(Invalid):
        services.link_beneficiary(ngo.id, first.id, 99, worker.id)
    services.link_beneficiary(ngo.id, first.id, woman.number, worker.id)
    with pytest.raises(Conflict):
        services.link_beneficiary(ngo.id, second.id, woman.number, worker.id)


def test_a_woman_certified_ready_starts_in_the_grants_program(ngo, worker, intake):
    case = intake()
    with pytest.raises(Invalid):
        services.enroll_in_grants(ngo.id, case.id, worker.id)
    db.session.rollback()
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY, "level": 1, "certifies_ready": True}, worker.id)
    services.enroll_in_grants(ngo.id, case.id, worker.id)
    db.session.commit()
    woman = grants.get_beneficiary(ngo.id, case.beneficiary_id)
    assert woman.name == NAME and grants.is_ready(ngo.id, woman)


# ------------------------------------------------------------------ sessions


def test_sessions_staff_or_peer_within_the_case_dates(ngo, worker, other_worker, intake):
    case = intake(days=10)
    mine = services.record_session(ngo.id, case.id, {"kind": "individual", "held_on": DAY - timedelta(days=9),
                                                     "facilitator_kind": "staff", "minutes": 60, "note": NOTE},
                                   worker.id)
    assert mine.facilitator_id == worker.id and case.status == "recovery"
    peer = services.record_session(ngo.id, case.id, {"kind": "group", "held_on": DAY, "facilitator_kind": "peer",
                                                     "peer_counselor": "Rosa", "module": "Group work 1",
                                                     "minutes": 120}, worker.id)
    assert peer.facilitator_id is None and peer.peer_counselor == "Rosa"
    db.session.commit()
    for bad, field in (({"facilitator_kind": "peer"}, "peer_counselor"),
                       ({"held_on": DAY - timedelta(days=11)}, "held_on"),
                       ({"held_on": DAY + timedelta(days=1)}, "held_on"),
                       ({"facilitator_id": 999_999}, "facilitator_id")):
        data = {"kind": "phone", "held_on": DAY, "facilitator_kind": "staff", "minutes": 5, **bad}
        with pytest.raises(Invalid) as refused:
            services.record_session(ngo.id, case.id, data, worker.id)
        assert refused.value.field == field
        db.session.rollback()
    services.record_session(ngo.id, case.id, {"kind": "home_visit", "held_on": DAY, "facilitator_kind": "staff",
                                              "facilitator_id": other_worker.id, "minutes": 45}, worker.id)
    assert len(services.sessions_of(case.id)) == 3


# ------------------------------------------------------------------ referrals and the overdue list


def test_referral_follow_ups_outcome_and_the_daily_overdue_list(ngo, worker, admin, agency, intake):
    case = intake(days=30)
    referral = services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY - timedelta(days=20),
                                                "reason": NOTE, "expected_response": "Home study"}, worker.id)
    first = services.followups_of(case.id)[referral.id][0]
    assert first.due_on == DAY - timedelta(days=13)  # cases.followup_days: 7
    services.set_worker_phone(ngo.id, worker.id, "09179998888", admin.id)
    set_setting(ngo.id, services.TEXT_OVERDUE, True, admin.id)
    db.session.commit()
    assert [o.followup.id for o in services.overdue(ngo.id, DAY, worker.id)] == [first.id]

    summary = services.list_overdue(ngo.id, DAY)
    assert summary.startswith("1 overdue") and "1 text" in summary
    again = services.list_overdue(ngo.id, DAY)  # the same day again: listed once, texted once
    assert again.startswith("0 overdue") and "0 text" in again
    texts = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.org_id == ngo.id)))
    assert len(texts) == 1 and texts[0].recipient == "09179998888" and case.label in texts[0].body
    assert NAME not in texts[0].body and NOTE not in texts[0].body and "Zenaida" not in texts[0].body

    services.record_followup(ngo.id, first.id, done_on=DAY - timedelta(days=1), note="Called the office",
                             next_on=DAY + timedelta(days=7), actor_id=worker.id)
    assert services.overdue(ngo.id, DAY, worker.id) == []
    with pytest.raises(Conflict):
        services.record_followup(ngo.id, first.id, done_on=DAY, note=None, actor_id=worker.id)
    db.session.rollback()
    services.close_referral(ngo.id, referral.id, status="completed", outcome_on=DAY, outcome="Home study done",
                            actor_id=worker.id)
    assert referral.status == "completed"
    with pytest.raises(Conflict):
        services.close_referral(ngo.id, referral.id, status="declined", outcome_on=DAY, outcome="x",
                                actor_id=worker.id)


def test_the_overdue_list_shows_a_worker_only_her_cases(ngo, worker, other_worker, admin, agency, intake):
    mine, theirs = intake(), intake(actor=other_worker)
    for case, who in ((mine, worker), (theirs, other_worker)):
        services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY - timedelta(days=20),
                                         "reason": "Legal aid"}, who.id)
    db.session.commit()
    assert [o.case.id for o in services.overdue(ngo.id, DAY, worker.id)] == [mine.id]
    assert len(services.overdue(ngo.id, DAY, admin.id)) == 2
    assert services.overdue_count(ngo.id, DAY) == 2


def test_a_referral_of_a_case_she_may_not_see_reads_like_one_that_does_not_exist(ngo, worker, other_worker, agency,
                                                                                  intake):
    """Another worker probing referral and follow-up ids learns nothing: a hidden case's and a missing one's
    refusals are the same words."""
    theirs = intake(actor=other_worker)
    referral = services.refer(ngo.id, theirs.id, {"agency_id": agency.id, "referred_on": DAY - timedelta(days=2),
                                                  "reason": "Legal aid"}, other_worker.id)
    followup = services.followups_of(theirs.id)[referral.id][0]
    db.session.commit()
    said = []
    for referral_id, followup_id in ((referral.id, followup.id), (referral.id + 1000, followup.id + 1000)):
        with pytest.raises(NotFound) as on_referral:
            services.plan_followup(ngo.id, referral_id, DAY, worker.id)
        with pytest.raises(NotFound) as on_followup:
            services.record_followup(ngo.id, followup_id, done_on=DAY, note=None, actor_id=worker.id)
        db.session.rollback()
        said.append((str(on_referral.value), str(on_followup.value)))
    assert said[0] == said[1] == ("No such case.", "No such case.")


def test_referral_dates_in_order(ngo, worker, agency, intake):
    case = intake(days=5)
    with pytest.raises(Invalid) as before:
        services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY - timedelta(days=6),
                                         "reason": "x y z"}, worker.id)
    assert before.value.field == "referred_on"
    db.session.rollback()
    with pytest.raises(Invalid) as expected:
        services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY, "reason": "x y z",
                                         "expected_by": DAY - timedelta(days=1)}, worker.id)
    assert expected.value.field == "expected_by"


# ------------------------------------------------------------------ status


def test_status_moves_closing_transfer_and_reopening(ngo, worker, agency, intake):
    case = intake(days=20)
    with pytest.raises(Invalid) as no_reason:
        services.set_status(ngo.id, case.id, status="closed", on=DAY, actor_id=worker.id)
    assert no_reason.value.field == "reason"
    db.session.rollback()
    with pytest.raises(Invalid) as no_agency:
        services.set_status(ngo.id, case.id, status="transferred", on=DAY, reason="referred_elsewhere",
                            actor_id=worker.id)
    assert no_agency.value.field == "agency_id"
    db.session.rollback()
    with pytest.raises(Conflict):
        services.set_status(ngo.id, case.id, status="ready", on=DAY, actor_id=worker.id)
    db.session.rollback()
    services.set_status(ngo.id, case.id, status="transferred", on=DAY - timedelta(days=1), reason="referred_elsewhere",
                        agency_id=agency.id, actor_id=worker.id)
    assert case.ended_on == DAY - timedelta(days=1) and not case.is_open
    db.session.commit()
    with pytest.raises(Invalid):  # a closed or transferred case is reopened before it is assessed again
        services.record_assessment(ngo.id, case.id, {"assessed_on": DAY, "level": 2}, worker.id)
    db.session.rollback()
    services.set_status(ngo.id, case.id, status="recovery", on=DAY, actor_id=worker.id)
    assert case.is_open and case.ended_on is None and case.closing_reason is None


def test_an_open_case_keeps_a_worker(ngo, worker, other_worker, intake):
    case = intake()
    with pytest.raises(Invalid):
        services.unassign_worker(ngo.id, case.id, worker.id, worker.id)
    db.session.rollback()
    services.assign_worker(ngo.id, case.id, other_worker.id, DAY, worker.id)
    services.unassign_worker(ngo.id, case.id, worker.id, worker.id)
    db.session.commit()
    with pytest.raises(NotFound):  # no longer hers
        services.view_case(ngo.id, case.id, worker.id)


# ------------------------------------------------------------------ access and sealing


def test_a_case_is_for_its_assigned_workers_and_the_admin(ngo, worker, other_worker, admin, grant_staff, intake):
    case = intake()
    assert services.view_case(ngo.id, case.id, worker.id) is case
    assert services.view_case(ngo.id, case.id, admin.id) is case
    for stranger in (other_worker, grant_staff):
        with pytest.raises(NotFound):
            services.view_case(ngo.id, case.id, stranger.id)
        with pytest.raises(NotFound):
            services.record_session(ngo.id, case.id, {"kind": "phone", "held_on": DAY, "facilitator_kind": "staff",
                                                      "minutes": 5}, stranger.id)
    assert services.visible_cases(ngo.id, other_worker.id) == []
    assert [c.id for c in services.visible_cases(ngo.id, worker.id)] == [case.id]
    db.session.commit()
    assert actions(ngo.id).count("cases.case.view") == 2


def test_a_sealed_case_is_kept_and_hidden_but_from_the_admin(ngo, worker, admin, intake):
    case = intake()
    with pytest.raises(NotFound):
        services.seal(ngo.id, case.id, DAY, worker.id)
    services.seal(ngo.id, case.id, DAY, admin.id)
    db.session.commit()
    with pytest.raises(NotFound):
        services.view_case(ngo.id, case.id, worker.id)
    assert services.visible_cases(ngo.id, worker.id) == []
    assert services.visible_cases(ngo.id, admin.id) == []
    assert [c.id for c in services.visible_cases(ngo.id, admin.id, sealed=True)] == [case.id]
    scope = services.scope_for(ngo.id, DAY - timedelta(days=365), DAY)
    assert dict((i.key, v.count) for i, v in services.outcome_lines(scope))["cases.reached"] == 1  # still counted
    services.unseal(ngo.id, case.id, admin.id)
    assert services.view_case(ngo.id, case.id, worker.id) is case


def test_her_data_on_request_leaves_the_private_notes_out(ngo, worker, admin, grant_staff, agency, intake):
    case = intake()
    services.record_session(ngo.id, case.id, {"kind": "individual", "held_on": DAY, "facilitator_kind": "staff",
                                              "minutes": 30, "note": NOTE}, worker.id)
    services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY, "reason": NOTE}, worker.id)
    woman = grants.add_beneficiary(ngo.id, {"name": NAME}, grant_staff.id)
    services.link_beneficiary(ngo.id, case.id, woman.number, worker.id)
    db.session.commit()
    with pytest.raises(NotFound):
        privacy.subject_data(ngo.id, "case", case.id, worker.id)
    data = privacy.subject_data(ngo.id, "case", case.id, admin.id)
    assert data["label"] == case.label and "case_session.note" in data["withheld"]
    for table in ("case_file", "case_session", "case_referral", "case_followup", "case_situation",
                  "case_assignment", "grant_beneficiary", "party"):
        assert table in data["tables"], table
    assert data["tables"]["case_file"][0]["client_name"] == NAME
    assert NOTE not in json.dumps(data, default=str)
    db.session.commit()
    assert "case.export" in actions(ngo.id)


# ------------------------------------------------------------------ outcomes for donors


def test_the_outcome_report_reconciles_with_the_records(ngo, worker, admin, grant_staff, agency, intake):
    fund = grants.add_fund(ngo.id, "ILO project", None, grant_staff.id)
    funded = services.add_program(ngo.id, "Reintegration", fund.id, admin.id)
    other = services.add_program(ngo.id, "Counselling", None, admin.id)
    cases = [intake(days=40, program_id=funded.id), intake(days=35, program_id=funded.id),
             intake(days=400, program_id=other.id)]
    for n, case in enumerate(cases):
        for k in range(n + 1):
            services.record_session(ngo.id, case.id, {"kind": ("individual", "group")[k % 2],
                                                      "held_on": DAY - timedelta(days=10 + k),
                                                      "facilitator_kind": "staff", "minutes": 90, "note": NOTE},
                                    worker.id)
        referral = services.refer(ngo.id, case.id, {"agency_id": agency.id, "referred_on": DAY - timedelta(days=9),
                                                    "reason": NOTE}, worker.id)
        if n:
            services.close_referral(ngo.id, referral.id, status="completed", outcome_on=DAY - timedelta(days=2),
                                    outcome="done", actor_id=worker.id)
    services.record_session(ngo.id, cases[2].id, {"kind": "phone", "held_on": DAY - timedelta(days=390),
                                                  "facilitator_kind": "staff", "minutes": 10}, worker.id)  # before
    services.record_assessment(ngo.id, cases[0].id, {"assessed_on": DAY - timedelta(days=30), "level": 4}, worker.id)
    services.record_assessment(ngo.id, cases[0].id, {"assessed_on": DAY - timedelta(days=3), "level": 2,
                                                     "certifies_ready": True}, worker.id)
    db.session.commit()

    start, end = DAY - timedelta(days=60), DAY
    lines = {i.key: v for i, v in services.outcome_lines(services.scope_for(ngo.id, start, end))}
    sessions_in_period = db.session.scalar(select(func.count()).select_from(Session).where(
        Session.org_id == ngo.id, Session.held_on >= start, Session.held_on <= end))
    assert lines["cases.sessions"].count == sessions_in_period == 6
    assert sum(lines[f"cases.sessions.{k}"].count for k in ("individual", "group", "home_visit", "phone", "text")) \
        == sessions_in_period
    assert lines["cases.reached"].count == 3 and lines["cases.new"].count == 2
    assert lines["cases.referrals"].count == db.session.scalar(select(func.count()).select_from(Referral)) == 3
    assert lines["cases.referrals_completed"].count == 2
    assert lines["cases.ready"].count == 1
    assert lines["cases.distress_lower"].count == 1 and lines["cases.distress_lower"].known == 1
    assert lines["cases.session_hours"].count == 9
    assert "grants.savings" in lines and "grants.running_3m" in lines

    by_program = {i.key: v for i, v in services.outcome_lines(services.scope_for(ngo.id, start, end,
                                                                                 program_id=other.id))}
    by_donor = {i.key: v for i, v in services.outcome_lines(services.scope_for(ngo.id, start, end,
                                                                               fund_id=fund.id))}
    assert by_program["cases.sessions"].count == 3 and by_donor["cases.sessions"].count == 3
    assert by_program["cases.sessions"].count + by_donor["cases.sessions"].count == sessions_in_period
    assert by_donor["cases.ready"].count == 1 and by_program["cases.ready"].count == 0


def test_back_in_recovery_she_is_no_longer_certified(ngo, worker, grant_staff, intake):
    woman = grants.add_beneficiary(ngo.id, {"name": NAME}, grant_staff.id)
    case = intake()
    services.link_beneficiary(ngo.id, case.id, woman.number, worker.id)
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY - timedelta(days=5), "level": 1,
                                                 "certifies_ready": True}, worker.id)
    db.session.commit()
    assert grants.is_ready(ngo.id, woman)
    services.set_status(ngo.id, case.id, status="recovery", on=DAY, actor_id=worker.id)
    db.session.commit()
    assert case.status == "recovery" and case.ready_on is None and not grants.is_ready(ngo.id, woman)
    services.record_assessment(ngo.id, case.id, {"assessed_on": DAY, "level": 2, "certifies_ready": True}, worker.id)
    assert grants.is_ready(ngo.id, woman)
