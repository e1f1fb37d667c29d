"""Issue 19's "done when", end to end as one story, through the pages and the API, each step by the role that does
it: intake, sessions, a referral from the partners' catalogue with its follow-up, cluster group work, training
attendance, certification, a grant to the cluster's enterprise (maker and checker), monitoring, and the donor
report by cluster reconciled with the records; the access rules along the way (an unassigned case worker gets 404,
audited; a peer counselor her cluster's attendance only; the auditor counts only); every page in both languages."""
import csv
import io
from datetime import timedelta

from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.cases.models import Case, Referral
from coop.extensions import db
from coop.grants import services as grants
from coop.ledger import services as ledger
from coop.messaging.models import OutboxMessage
from coop.timeutil import today

from ..conftest import PASSWORD

D0 = today() - timedelta(days=90)
NAME, NOTE = "Journey Halimbawa", "She spoke of the agency in Riyadh"


def day(n: int) -> str:
    return (D0 + timedelta(days=n)).isoformat()


def test_a_case_from_intake_to_a_group_grant_and_monitoring(ngo, admin, worker, other_worker, grant_staff, auditor,
                                                            make_user, app, api):
    checker, peer = make_user(ngo, "grant_staff"), make_user(ngo, "peer_counselor")

    def browser(user):
        client = app.test_client()
        assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 303
        return client

    pages, staff_pages, checker_pages = browser(worker), browser(grant_staff), browser(checker)
    cases_api, staff, second = api(worker), api(grant_staff), api(checker)
    o = f"/o/{ngo.slug}"
    v1 = f"/api/v1/orgs/{ngo.slug}"
    seen = []  # every page opened, reopened in Filipino at the end

    def get(client, path):
        response = client.get(path)
        assert response.status_code == 200, path
        seen.append((client, path))
        return response.get_data(as_text=True)

    def post(client, path, data):
        response = client.post(path, data=data)
        assert response.status_code == 303, (path, response.headers.get("Location"))
        return response

    # 1. intake (page) and the first counselling session and assessment (page, API)
    categories = [c["id"] for c in cases_api.get(f"{v1}/cases/categories").json][:2]
    post(pages, f"{o}/cases/", {"client_name": NAME, "household": "woman", "referrer_kind": "government",
                                "referred_by": "OWWA", "opened_on": day(0), "category_ids[]": categories})
    case = db.session.scalar(select(Case).where(Case.org_id == ngo.id))
    assert NAME in get(pages, f"{o}/cases/{case.id}")
    post(pages, f"{o}/cases/{case.id}/sessions", {"kind": "individual", "held_on": day(1), "facilitator_kind": "staff",
                                                  "minutes": "60", "module": "Intake", "note": NOTE})
    assert cases_api.post(f"{v1}/cases/{case.id}/assessments", json={"assessed_on": day(1), "level": 4,
                                                                     "note": NOTE}).status_code == 201
    assert cases_api.post(f"{v1}/cases/{case.id}/sessions", json={
        "kind": "phone", "held_on": day(3), "facilitator_kind": "staff", "minutes": 15}).status_code == 201

    # the access rules: a case worker not assigned gets the 404 of a case that does not exist, and it is audited
    outsider = browser(other_worker)
    assert outsider.get(f"{o}/cases/{case.id}").status_code == 404
    assert api(other_worker).get(f"{v1}/cases/{case.id}").status_code == 404
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused.404",
                                                          AuditEvent.user_id == other_worker.id)).all()
    assert len(refused) == 2
    assert outsider.get(f"{o}/cases/{case.id + 1}").status_code == 404  # the same answer as for no case at all
    assert api(auditor).get(f"{v1}/cases/{case.id}").status_code in (403, 404)

    # 2. a referral picked from the partners' catalogue (kept by grant staff), its follow-up and outcome
    offering = staff.post(f"{v1}/groups/catalogue", json={"kind": "service", "title": "Legal aid for recruitment "
                                                          "cases", "partner": "Public Attorney's Office"}).json
    assert "Legal aid for recruitment cases" in get(pages, f"{o}/cases/{case.id}?q=legal")
    post(pages, f"{o}/cases/{case.id}/referrals", {"offering_id": offering["id"], "referred_on": day(4),
                                                   "reason": "Illegal recruitment complaint",
                                                   "followup_on": day(11)})
    referral = db.session.scalar(select(Referral).where(Referral.case_id == case.id))
    assert referral.service == "Legal aid for recruitment cases"
    followup = cases_api.get(f"{v1}/cases/{case.id}/referrals").json[0]["followups"][0]
    assert followup["due_on"] == day(11)
    assert case.label in get(pages, f"{o}/cases/overdue")  # overdue until it is done
    assert cases_api.post(f"{v1}/cases/followups/{followup['id']}/done", json={"done_on": day(12)}).status_code == 200
    assert cases_api.post(f"{v1}/cases/referrals/{referral.id}/close", json={
        "status": "completed", "outcome_on": day(14), "outcome": "Complaint filed"}).status_code == 200

    # her record in the grants program, linked to her case (page)
    woman = staff.post(f"{v1}/grants/beneficiaries", json={"name": NAME, "province": "La Union"}).json
    post(pages, f"{o}/cases/{case.id}/link", {"beneficiary": woman["label"]})

    # 3. cluster group work (API for staff; the peer counselor reads her cluster's attendance only)
    cluster = staff.post(f"{v1}/groups/clusters", json={"name": "Batis center group", "kind": "center",
                                                        "formed_on": day(5), "social_worker_id": checker.id}).json
    member = staff.post(f"{v1}/groups/clusters/{cluster['id']}/members", json={
        "beneficiary_id": woman["id"], "joined_on": day(5)}).json
    others = [staff.post(f"{v1}/groups/clusters/{cluster['id']}/members", json={
        "beneficiary_id": staff.post(f"{v1}/grants/beneficiaries", json={"name": f"Member {n}"}).json["id"],
        "joined_on": day(5)}).json for n in range(2)]
    leader = staff.post(f"{v1}/groups/clusters/{cluster['id']}/members", json={
        "beneficiary_id": staff.post(f"{v1}/grants/beneficiaries", json={"name": "Peer Leader"}).json["id"],
        "role": "peer_counselor", "user_id": peer.id, "joined_on": day(5)}).json
    post(staff_pages, f"{o}/groups/clusters/{cluster['id']}/sessions", {
        "module": "orientation", "held_on": day(6), "facilitator_id": leader["id"],
        "present[]": [member["id"], others[0]["id"]]})
    attendance = api(peer).get(f"{v1}/groups/clusters/{cluster['id']}/sessions").json
    assert attendance[0]["attended"] == sorted([member["id"], others[0]["id"]])
    assert api(peer).get(f"{v1}/groups/clusters/{cluster['id']}/members").status_code == 403
    assert "B-0001" in get(browser(peer), f"{o}/groups/mine/{cluster['id']}")  # the group she leads

    # 4. training attendance and completion (API), seen on the program's page
    program = staff.post(f"{v1}/groups/trainings", json={"title": "Entrepreneurship course", "starts_on": day(15),
                                                         "ends_on": day(30), "days": 1}).json
    first_day = staff.post(f"{v1}/groups/trainings/{program['id']}/days", json={"held_on": day(15),
                                                                                "topic": "Costing"}).json
    enrolled = staff.post(f"{v1}/groups/trainings/{program['id']}/enrollments", json={
        "beneficiary_id": woman["id"], "enrolled_on": day(15)}).json
    assert staff.post(f"{v1}/groups/trainings/{program['id']}/attendance", json={
        "day_id": first_day["id"], "present": [enrolled["id"]]}).status_code == 200
    assert staff.post(f"{v1}/groups/enrollments/{enrolled['id']}/completion",
                      json={"completed_on": day(16)}).json["status"] == "completed"
    assert "Entrepreneurship course" in get(staff_pages, f"{o}/groups/trainings/{program['id']}")
    assert staff.post(f"{v1}/groups/coaching", json={"beneficiary_id": woman["id"], "held_on": day(17),
                                                     "topic": "Pricing", "minutes": 40,
                                                     "note": "Coach private remark"}).status_code == 201

    # 5. certification: the social worker's assessment (page), which the grants program reads
    post(pages, f"{o}/cases/{case.id}/assessments", {"assessed_on": day(20), "level": "2", "certifies_ready": "1"})
    db.session.refresh(case)
    assert case.status == "ready" and grants.is_ready(ngo.id, grants.get_beneficiary(ngo.id, woman["id"]))

    # 6. a grant to the cluster's enterprise: plan and MOA (API), linked to the group (page), released by a
    # maker and a checker (pages): the group is the beneficiary of record
    fund = staff.post(f"{v1}/grants/funds", json={"donor_name": "ILO project"}).json
    staff.post(f"{v1}/grants/funds/{fund['id']}/receipts", json={"received_on": day(0), "amount": "50000"})
    plan = staff.post(f"{v1}/grants/beneficiaries/{woman['id']}/plans", json={
        "business_type": "Laundry shop", "location": "Barangay hall", "amount_requested": "15000",
        "projected_sales": "9000", "projected_costs": "6000", "lines": [{"item": "Washing machine",
                                                                         "amount": "15000"}]}).json
    staff.post(f"{v1}/grants/plans/{plan['id']}/submission")
    assert second.post(f"{v1}/grants/plans/{plan['id']}/review", json={
        "interviewed_on": day(22), "interview_note": "Ready.", "visited_on": day(22), "visit_note": "Space ok.",
        "feasibility_note": "Ok.", "decision": "approved", "reason": "Sound."}).status_code == 201
    moa = staff.post(f"{v1}/grants/plans/{plan['id']}/moa", json={
        "fund_id": fund["id"], "centre_signatory": "Director",
        "tranches": [{"amount": "15000", "planned_on": day(31), "condition": "on_signing"}]}).json
    enterprise = staff.post(f"{v1}/groups/clusters/{cluster['id']}/enterprises", json={
        "name": "Group laundry shop", "started_on": day(25)}).json
    post(staff_pages, f"{o}/groups/enterprises/{enterprise['id']}/moa", {"moa_id": moa["id"]})
    staff.post(f"{v1}/grants/moas/{moa['id']}/signing", json={"signed_on": day(30)})
    tranche_id = moa["tranches"][0]["id"]
    post(staff_pages, f"{o}/grants/tranches/{tranche_id}/request", {"release_on": day(31)})
    assert staff_pages.post(f"{o}/grants/tranches/{tranche_id}/approve", data={}).status_code == 403  # not the maker
    post(checker_pages, f"{o}/grants/tranches/{tranche_id}/approve", {})
    shown = staff.get(f"{v1}/grants/moas/{moa['id']}").json
    assert shown["tranches"][0]["status"] == "released"
    group = shown["beneficiary_of_record"]
    assert group["label"] == "G-001" and set(group["members"]) >= {woman["id"], others[0]["beneficiary_id"]}
    entry = ledger.get_entry(ngo.id, shown["tranches"][0]["entry_id"])
    assert {line.party_id for line in entry.lines if line.debit and line.party_id} >= {group["party_id"]}
    assert "Beneficiary of record" in get(staff_pages, f"{o}/grants/moas/{moa['id']}")

    # 7. monitoring after the release (API), on the MOA's page
    report = staff.post(f"{v1}/grants/moas/{moa['id']}/monitoring", json={
        "visited_on": day(60), "sales": "12000", "costs": "7000", "savings": "1500", "visit_note": "Busy."})
    assert report.status_code == 201 and report.json["month_no"] == 1
    assert "12,000.00" in get(staff_pages, f"{o}/grants/moas/{moa['id']}")

    # 8. the donor report by cluster (auditor: counts, no names), reconciled with the records above
    period = f"start={day(0)}&end={today().isoformat()}"
    auditor_pages = browser(auditor)
    text = auditor_pages.get(f"{o}/cases/outcomes?{period}&groups_cluster={cluster['id']}&format=csv").get_data(
        as_text=True)
    counts = {row[0]: row[1] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert counts["Women in clusters (peer counselors not counted)"] == "3"
    assert counts["Women and families reached (cases open in the period)"] == "1"
    assert counts["Sessions held"] == "2" and counts["Referrals completed"] == "1"
    assert counts["Women certified ready for enterprise"] == "1"
    assert counts["Group-work sessions held (attended by these women)"] == "1"
    assert counts["Trainings completed"] == "1"
    assert counts["Grant tranches released (count, amount)"] == "1"  # the group's grant, signed by her
    assert NAME not in text and "Member 0" not in text and NOTE not in text
    assert api(auditor).get(f"{v1}/cases/outcomes?{period}&groups_cluster={cluster['id']}").status_code == 200
    assert auditor_pages.get(f"{o}/cases/{case.id}").status_code in (403, 404)
    assert auditor_pages.get(f"{o}/groups/clusters/{cluster['id']}").status_code == 403
    get(auditor_pages, f"{o}/cases/outcomes?{period}&groups_cluster={cluster['id']}")

    # the worker's private notes are in no export, log or message
    export = browser(admin).get(f"{o}/privacy/case/{case.id}/export.json").get_data(as_text=True)
    assert NOTE not in export and "case_session.note" in export
    assert "Coach private remark" not in export and "grp_coaching.note" in export
    for secret in (NOTE, "Coach private remark", "Illegal recruitment complaint"):
        assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.details.cast(db.String).contains(secret)))
    assert not db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.body.contains(NAME)))

    # every page opened here reads in Filipino as well
    for client, path in seen:
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}lang=fil")
        assert response.status_code == 200 and 'lang="fil"' in response.get_data(as_text=True), path
