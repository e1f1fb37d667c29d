"""The case flow through /api/v1: intake to a completed referral and the outcomes JSON; the access rules."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.extensions import db

from .conftest import DAY, NAME, NOTE


def test_the_case_flow_through_the_api(ngo, worker, agency, auditor, api):
    client = api(worker)
    base = f"/api/v1/orgs/{ngo.slug}/cases"
    created = client.post(base + "/", json={"client_name": NAME, "referrer_kind": "self",
                                            "opened_on": (DAY - timedelta(days=20)).isoformat()})
    assert created.status_code == 201, created.json
    case_id = created.json["id"]
    assert created.json["worker_ids"] == [worker.id] and created.json["status"] == "intake"
    assert client.post(f"{base}/{case_id}/sessions", json={
        "kind": "group", "held_on": DAY.isoformat(), "facilitator_kind": "peer", "peer_counselor": "Rosa",
        "minutes": 120, "note": NOTE}).status_code == 201
    referral = client.post(f"{base}/{case_id}/referrals", json={
        "agency_id": agency.id, "referred_on": (DAY - timedelta(days=15)).isoformat(), "reason": NOTE})
    assert referral.status_code == 201
    followup = referral.json["followups"][0]
    overdue = client.get(base + "/overdue").json
    assert [o["followup_id"] for o in overdue] == [followup["id"]]
    assert client.post(f"{base}/followups/{followup['id']}/done", json={"done_on": DAY.isoformat()}).status_code == 200
    closed = client.post(f"{base}/referrals/{referral.json['id']}/close", json={
        "status": "completed", "outcome_on": DAY.isoformat(), "outcome": "Seen"})
    assert closed.status_code == 200 and closed.json["status"] == "completed"
    certified = client.post(f"{base}/{case_id}/assessments", json={"assessed_on": DAY.isoformat(), "level": 1,
                                                                    "certifies_ready": True})
    assert certified.status_code == 201
    assert client.get(f"{base}/{case_id}").json["status"] == "ready"

    outcomes = api(auditor).get(base + f"/outcomes?start={(DAY - timedelta(days=30)).isoformat()}")
    assert outcomes.status_code == 200
    lines = {line["key"]: line for line in outcomes.json["lines"]}
    assert lines["cases.sessions"]["count"] == 1 and lines["cases.referrals_completed"]["count"] == 1
    assert lines["cases.ready"]["count"] == 1
    assert NAME not in outcomes.get_data(as_text=True) and NOTE not in outcomes.get_data(as_text=True)
    assert api(auditor).get(f"{base}/{case_id}").status_code == 403


def test_bad_input_is_a_problem_and_a_stranger_gets_404(ngo, worker, other_worker, api):
    client = api(worker)
    base = f"/api/v1/orgs/{ngo.slug}/cases"
    refused = client.post(base + "/", json={"client_name": "", "referrer_kind": "nobody", "opened_on": "x"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert set(refused.json["errors"]) >= {"client_name", "referrer_kind", "opened_on"}
    case_id = client.post(base + "/", json={"client_name": NAME, "referrer_kind": "self",
                                            "opened_on": DAY.isoformat()}).json["id"]
    ahead = client.post(f"{base}/{case_id}/sessions", json={"kind": "phone", "held_on": (DAY + timedelta(days=3))
                                                            .isoformat(), "minutes": 5})
    assert ahead.status_code == 422 and ahead.json["errors"] == {"held_on": ahead.json["detail"]}
    stranger = api(other_worker)
    for response in (stranger.get(f"{base}/{case_id}"), stranger.get(f"{base}/{case_id}/sessions"),
                     stranger.post(f"{base}/{case_id}/assessments", json={"assessed_on": DAY.isoformat(),
                                                                           "level": 2})):
        assert response.status_code == 404 and NAME not in response.get_data(as_text=True)
    refused_rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused.404",
                                                               AuditEvent.user_id == other_worker.id)).all()
    assert len(refused_rows) == 3


def test_the_admin_sets_up_categories_and_programs(ngo, admin, worker, grant_staff, api):
    from coop.grants import services as grants

    fund = grants.add_fund(ngo.id, "ILO project", None, grant_staff.id)
    db.session.commit()
    base = f"/api/v1/orgs/{ngo.slug}/cases"
    boss = api(admin)
    assert boss.post(base + "/categories", json={"name": "Children of migrants"}).status_code == 201
    program = boss.post(base + "/programs", json={"name": "Reintegration", "fund_id": fund.id})
    assert program.status_code == 201 and program.json["fund_id"] == fund.id
    assert boss.post(base + "/programs", json={"name": "Other", "fund_id": 999_999}).status_code == 404
    assert api(worker).post(base + "/categories", json={"name": "Nope"}).status_code == 403
    names = [c["name"] for c in api(worker).get(base + "/categories").json]
    assert "Children of migrants" in names and "Trafficking" in names
