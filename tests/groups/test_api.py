from datetime import timedelta

from coop.extensions import db
from coop.groups import services
from coop.ledger.models import JournalEntry

from .conftest import START


def test_clusters_sessions_and_trainings_through_the_api(groups, ngo, maker, peer, api, make_user):
    staff = api(maker)
    base = f"/api/v1/orgs/{ngo.slug}/groups"
    cluster = staff.post(f"{base}/clusters", json={"name": "Center", "kind": "center", "formed_on": START.isoformat(),
                                                   "social_worker_id": groups.checker.id})
    assert cluster.status_code == 201 and cluster.json["label"] == "G-001"
    cid = cluster.json["id"]
    woman = groups.woman(ready=False)
    member = staff.post(f"{base}/clusters/{cid}/members", json={"beneficiary_id": woman.id,
                                                                "joined_on": START.isoformat()})
    assert member.status_code == 201
    counselor = staff.post(f"{base}/clusters/{cid}/members", json={
        "beneficiary_id": groups.woman(ready=False, name="Peer").id, "role": "peer_counselor", "user_id": peer.id,
        "joined_on": START.isoformat()}).json
    held = staff.post(f"{base}/clusters/{cid}/sessions", json={
        "module": "orientation", "held_on": (START + timedelta(days=2)).isoformat(),
        "facilitator_id": counselor["id"], "present": [member.json["id"]]})
    assert held.status_code == 201 and held.json["attended"] == [member.json["id"]]
    bad = staff.post(f"{base}/clusters/{cid}/sessions", json={"module": "x", "held_on": "soon"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert set(bad.json["errors"]) == {"module", "held_on"}
    assert api(peer).get(f"{base}/clusters/{cid}/sessions").json[0]["attended"] == [member.json["id"]]
    other = groups.cluster(name="Other")
    assert api(peer).get(f"{base}/clusters/{other.id}/sessions").status_code == 404
    assert api(peer).get(f"{base}/clusters/{cid}/members").status_code == 403
    auditor = api(make_user(ngo, "auditor"))
    assert auditor.get(f"{base}/clusters").status_code == 403
    program = staff.post(f"{base}/trainings", json={"title": "Course", "starts_on": START.isoformat(),
                                                    "ends_on": (START + timedelta(days=20)).isoformat(), "days": 1})
    pid = program.json["id"]
    day = staff.post(f"{base}/trainings/{pid}/days", json={"held_on": START.isoformat(), "topic": "Vision"}).json
    enrolled = staff.post(f"{base}/trainings/{pid}/enrollments", json={"beneficiary_id": woman.id,
                                                                      "enrolled_on": START.isoformat()}).json
    assert staff.post(f"{base}/trainings/{pid}/attendance", json={"day_id": day["id"], "present": [enrolled["id"]]}
                      ).status_code == 200
    done = staff.post(f"{base}/enrollments/{enrolled['id']}/completion", json={"completed_on": START.isoformat()})
    assert done.json["status"] == "completed"
    coaching = staff.post(f"{base}/coaching", json={"beneficiary_id": woman.id, "held_on": START.isoformat(),
                                                    "topic": "Costing", "minutes": 45, "note": "private"})
    assert coaching.status_code == 201 and "note" not in coaching.json
    assert staff.post(f"{base}/catalogue", json={"kind": "service", "title": "Legal aid", "partner": "PAO"}
                      ).status_code == 201
    assert [o["title"] for o in api(peer).get(f"{base}/catalogue?q=legal").json] == ["Legal aid"]
    counts = auditor.get(f"{base}/outcomes?start=2026-01-01&end=2026-12-31").json["counts"]
    assert counts["women_in_clusters"] == 1 and counts["group_sessions"] == 1 and counts["trainings_completed"] == 1


def test_a_capital_loan_through_the_api(groups, ngo, maker, api, make_user):
    loan, _moa, _fund = groups.released_loan()
    staff = api(maker)
    base = f"/api/v1/orgs/{ngo.slug}/groups"
    found = staff.get(f"{base}/loans/{loan.id}").json
    assert found["principal"] == "12000.00" and len(found["installments"]) == 10
    body = {"amount": "1200", "paid_on": "2026-05-12", "cash_account": "cash_in_bank"}
    paid = staff.post(f"{base}/loans/{loan.id}/repayments", json=body, headers={"Idempotency-Key": "api-r-1"})
    assert paid.status_code == 201
    again = staff.post(f"{base}/loans/{loan.id}/repayments", json=body, headers={"Idempotency-Key": "api-r-1"})
    assert again.json["id"] == paid.json["id"]
    entries = db.session.query(JournalEntry).count()
    over = staff.post(f"{base}/loans/{loan.id}/repayments", json={**body, "amount": "20000"},
                      headers={"Idempotency-Key": "api-r-2"})
    assert over.status_code == 422 and db.session.query(JournalEntry).count() == entries
    auditor = api(make_user(ngo, "auditor"))
    assert auditor.get(f"{base}/loans").json[0]["outstanding"] == "10800.00"
    aging = auditor.get(f"{base}/loans/aging?as_of=2026-07-20").json
    assert aging[0]["buckets"]["61-90"] == 0 and aging[0]["buckets"]["1-30"] == 120_000  # 12 May paid
    assert auditor.post(f"{base}/loans/{loan.id}/repayments", json=body).status_code == 403
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_080_000, 1_080_000)]
    void = staff.post(f"{base}/repayments/{paid.json['id']}/void", json={"on": "2026-05-13", "reason": "Mistyped"})
    assert void.status_code == 200 and void.json["voided_on"] == "2026-05-13" and void.json["reversal_id"]
    assert staff.post(f"{base}/repayments/{paid.json['id']}/void", json={"on": "2026-05-13"}).status_code == 422
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_200_000, 1_200_000)]
