"""The case pages: the whole flow through forms, the access rules (404 and audited for a worker not assigned,
aggregates only for auditors and grant staff), and no name or note in the donor report's CSV and PDF."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.cases import services
from coop.cases.models import Case
from coop.extensions import db

from .conftest import DAY, NAME, NOTE


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/cases/{path}"


def test_a_case_through_the_pages(ngo, worker, agency, login):
    client = login(worker)
    categories = [c.id for c in services.categories(ngo.id)]
    response = client.post(url(ngo), data={"client_name": NAME, "household": "woman", "referrer_kind": "self",
                                           "opened_on": (DAY - timedelta(days=30)).isoformat(),
                                           "category_ids[]": [str(categories[0]), str(categories[2])]})
    assert response.status_code == 303
    case = db.session.scalar(select(Case).where(Case.org_id == ngo.id))
    page = client.get(url(ngo, str(case.id)))
    assert page.status_code == 200 and NAME in page.get_data(as_text=True)
    assert NAME not in page.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
    steps = [
        (f"{case.id}/sessions", {"kind": "individual", "held_on": DAY.isoformat(), "facilitator_kind": "staff",
                                 "minutes": "60", "note": NOTE}),
        (f"{case.id}/assessments", {"assessed_on": DAY.isoformat(), "level": "4", "note": NOTE}),
        (f"{case.id}/referrals", {"agency_id": str(agency.id), "referred_on": (DAY - timedelta(days=10)).isoformat(),
                                  "reason": NOTE}),
    ]
    for path, data in steps:
        response = client.post(url(ngo, path), data=data)
        assert response.status_code == 303 and response.headers["Location"].endswith(url(ngo, str(case.id))), path
    assert len(services.sessions_of(case.id)) == 1 and len(services.assessments_of(case.id)) == 1
    referral = services.referrals_of(case.id)[0]
    followup = services.followups_of(case.id)[referral.id][0]
    assert client.get(url(ngo, "overdue")).get_data(as_text=True).count(case.label) == 1
    assert client.post(url(ngo, f"followups/{followup.id}/done"), data={"done_on": DAY.isoformat()}).status_code == 303
    assert client.post(url(ngo, f"referrals/{referral.id}/close"), data={
        "status": "completed", "outcome_on": DAY.isoformat(), "outcome": "Seen"}).status_code == 303
    assert client.post(url(ngo, f"{case.id}/assessments"), data={
        "assessed_on": DAY.isoformat(), "level": "1", "certifies_ready": "1"}).status_code == 303
    assert client.post(url(ngo, f"{case.id}/enroll"), data={}).status_code == 303
    db.session.refresh(case)
    assert case.status == "ready" and case.beneficiary_id is not None
    assert "B-0001" in client.get(url(ngo, str(case.id))).get_data(as_text=True)


def test_bad_input_comes_back_to_the_form(ngo, worker, intake, login):
    case = intake()
    client = login(worker)
    back = url(ngo, str(case.id))
    response = client.post(url(ngo, f"{case.id}/sessions"), data={"kind": "group", "held_on": "abc", "minutes": "-5"},
                           headers={"Referer": "http://localhost" + back})
    assert response.status_code == 303 and response.headers["Location"].endswith(back)
    assert services.sessions_of(case.id) == []
    page = client.get(back).get_data(as_text=True)
    assert "has-error" in page


def test_a_worker_not_assigned_gets_404_and_the_attempt_is_audited(ngo, worker, other_worker, intake, login):
    case = intake()
    client = login(other_worker)
    for path in (str(case.id), f"{case.id}/sessions"):
        response = client.get(url(ngo, path)) if "/" not in path else client.post(url(ngo, path), data={
            "kind": "phone", "held_on": DAY.isoformat(), "minutes": "5"})
        assert response.status_code == 404
        assert NAME not in response.get_data(as_text=True)
    refused = list(db.session.scalars(select(AuditEvent).where(AuditEvent.org_id == ngo.id,
                                                               AuditEvent.action == "refused.404")))
    assert [e.user_id for e in refused] == [other_worker.id, other_worker.id]
    assert refused[0].details["path"] == url(ngo, str(case.id))
    assert services.sessions_of(case.id) == []
    assert NAME not in client.get(url(ngo)).get_data(as_text=True)


def test_every_look_is_audited(ngo, worker, admin, intake, login):
    case = intake()
    login(admin).get(url(ngo, str(case.id)))
    views = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cases.case.view")))
    assert [(e.user_id, e.target_id) for e in views] == [(admin.id, str(case.id))]
    assert NAME not in str(views[0].details) and NOTE not in str(views[0].details)


def test_auditors_and_grant_staff_see_aggregates_only(ngo, worker, auditor, grant_staff, intake, login, client):
    case = intake()
    services.record_session(ngo.id, case.id, {"kind": "individual", "held_on": DAY, "facilitator_kind": "staff",
                                              "minutes": 30, "note": NOTE}, worker.id)
    db.session.commit()
    for reader in (auditor, grant_staff):
        client.post("/logout")
        login(reader)
        assert client.get(url(ngo, str(case.id))).status_code == 403
        assert client.get(url(ngo)).status_code == 403
        page = client.get(url(ngo, "outcomes"))
        assert page.status_code == 200
        for fmt in ("csv", "pdf"):
            response = client.get(url(ngo, f"outcomes?format={fmt}"))
            assert response.status_code == 200
            body = response.get_data()
            assert NAME.encode() not in body and NOTE.encode() not in body and case.label.encode() not in body
        csv = client.get(url(ngo, "outcomes?format=csv")).get_data(as_text=True)
        assert "Sessions held,1," in csv


def test_the_admin_seals_exports_and_sets_up(ngo, worker, admin, intake, login):
    case = intake()
    client = login(admin)
    assert client.post(url(ngo, f"{case.id}/seal"), data={"sealed_on": DAY.isoformat()}).status_code == 303
    export = client.get(f"/o/{ngo.slug}/privacy/case/{case.id}/export.json")
    assert export.status_code == 200 and export.json["label"] == case.label
    assert client.post(url(ngo, "setup/categories"), data={"name": "Children of migrants"}).status_code == 303
    assert client.post(url(ngo, "setup/programs"), data={"name": "Counselling"}).status_code == 303
    assert client.post(url(ngo, "setup/phones"), data={"user_id": str(worker.id),
                                                        "mobile": "09170001111"}).status_code == 303
    assert client.get(url(ngo, "setup")).status_code == 200
    client.post("/logout")
    worker_client = login(worker)
    assert worker_client.get(url(ngo, str(case.id))).status_code == 404
    assert worker_client.get(f"/o/{ngo.slug}/privacy/case/{case.id}/export.json").status_code == 403


def test_a_cooperative_has_no_case_pages(make_org, make_user, login):
    coop = make_org("cooperative")
    client = login(make_user(coop, "admin"))
    assert client.get(f"/o/{coop.slug}/cases/").status_code == 404


def test_another_package_cuts_the_outcome_report_by_its_own_groups(ngo, worker, auditor, intake, login, app):
    """Another package declares an OutcomeFilter in its manifest (the women it keeps): here one is added by hand."""
    from coop.manifest import OutcomeFilter, plugins

    from coop.grants import services as grants

    kept, left = intake(), intake()
    woman = grants.add_beneficiary(ngo.id, {"name": "Kept Woman"}, worker.id)
    services.link_beneficiary(ngo.id, kept.id, woman.number, worker.id)
    for case in (kept, left):
        services.record_session(ngo.id, case.id, {"kind": "group", "held_on": DAY, "facilitator_kind": "peer",
                                                  "peer_counselor": "Rosa", "minutes": 120}, worker.id)
    db.session.commit()
    plugins(app).outcome_filters.append(OutcomeFilter(
        "clusters_cluster", "Cluster", lambda org_id: [(7, "Center-based cluster")],
        lambda org_id, cluster_id: frozenset({woman.id}) if cluster_id == 7 else frozenset()))
    client = login(auditor)
    page = client.get(url(ngo, "outcomes?clusters_cluster=7"))
    assert page.status_code == 200 and "Center-based cluster" in page.get_data(as_text=True)
    csv = client.get(url(ngo, "outcomes?clusters_cluster=7&format=csv")).get_data(as_text=True)
    assert "Sessions held,1," in csv
    assert "Sessions held,2," in client.get(url(ngo, "outcomes?format=csv")).get_data(as_text=True)
    assert client.get(url(ngo, "outcomes?clusters_cluster=8")).status_code == 404
    assert client.get(url(ngo, "outcomes?clusters_cluster=abc")).status_code == 422
