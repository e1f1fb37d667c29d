"""The loans API: products, applications, approval by another officer, release, schedule, repayments, reversal."""
from coop.extensions import db
from coop.loans import services as loans


def test_the_whole_cycle_over_json(coop, member, officer, checker, api):
    maker, approver = api(officer), api(checker)
    base = f"/api/v1/orgs/{coop.slug}/loans"
    products = maker.get(f"{base}/products").get_json()
    emergency = next(p for p in products if p["code"] == "emergency")
    assert emergency["cap_amount"] == "2000.00" and emergency["interest_rate_pct"] == 1.0

    refused = maker.post(f"{base}/applications", json={"member": member.label, "product_id": emergency["id"],
                                                       "amount": "2000.01"})
    assert refused.status_code == 422 and "at most ₱2,000.00 for this member" in refused.get_json()["detail"]
    created = maker.post(f"{base}/applications", json={"member": str(member.number), "product_id": emergency["id"],
                                                       "amount": "2000", "purpose": "Hospital", "on": "2026-03-02"})
    assert created.status_code == 201
    loan_id = created.get_json()["id"]
    assert maker.post(f"{base}/{loan_id}/approval", json={}).status_code == 403
    assert [l["id"] for l in approver.get(f"{base}/applications").get_json()] == [loan_id]
    assert approver.post(f"{base}/{loan_id}/approval", json={"on": "2026-03-02"}).status_code == 200
    released = approver.post(f"{base}/{loan_id}/release", json={"on": "2026-03-02"}, headers={"Idempotency-Key": "r"})
    assert released.get_json()["status"] == "active"
    schedule = maker.get(f"{base}/{loan_id}/schedule").get_json()
    assert len(schedule) == 6 and schedule[-1]["principal_due"] == "333.35"

    paid = maker.post(f"{base}/{loan_id}/repayments", json={"amount": "343.33", "on": "2026-03-17"},
                      headers={"Idempotency-Key": "p1"})
    assert paid.status_code == 201 and paid.get_json()["interest"] == "10.00"
    replay = maker.post(f"{base}/{loan_id}/repayments", json={"amount": "343.33", "on": "2026-03-17"},
                        headers={"Idempotency-Key": "p1"})
    assert replay.status_code == 200 and replay.get_json()["id"] == paid.get_json()["id"]
    over = maker.post(f"{base}/{loan_id}/repayments", json={"amount": "5000"}, headers={"Idempotency-Key": "p2"})
    assert over.status_code == 422
    reversal = approver.post(f"{base}/repayments/{paid.get_json()['id']}/reversal",
                             json={"reason": "Recorded on the wrong loan", "on": "2026-03-18"})
    assert reversal.status_code == 201
    loan = maker.get(f"{base}/{loan_id}").get_json()
    assert loan["outstanding"] == "2060.00"
    kinds = [t["kind"] for t in maker.get(f"{base}/{loan_id}/transactions").get_json()]
    assert kinds == ["release", "repayment", "reversal"]


def test_admin_adds_a_product_by_configuration(coop, make_user, api):
    admin = api(make_user(coop, "admin"))
    response = admin.post(f"/api/v1/orgs/{coop.slug}/loans/products", json={
        "code": "salary", "name": "Salary loan", "cap_amount": "5000", "cap_ceiling": "5000", "frequency": "weekly",
        "term_count": 8, "max_term_count": 12, "interest_method": "diminishing", "interest_rate_pct": 2})
    assert response.status_code == 201, response.get_json()
    assert loans.product_by_code(coop.id, "salary").interest_rate_bp == 200
    bad = admin.patch(f"/api/v1/orgs/{coop.slug}/loans/products/{response.get_json()['id']}",
                      json={"frequency": "daily"})
    assert bad.status_code == 422


def test_another_organizations_loan_is_not_found(make_org, coop, member, officer, checker, make_user, api):
    loan = loans.apply(coop.id, member.id, loans.product_by_code(coop.id, "emergency").id, 10_000,
                       on=__import__("datetime").date(2026, 3, 2), actor_id=officer.id)
    db.session.commit()
    elsewhere = make_org()
    outsider = api(make_user(elsewhere, "officer"))
    assert outsider.get(f"/api/v1/orgs/{elsewhere.slug}/loans/{loan.id}").status_code == 404
    assert outsider.get(f"/api/v1/orgs/{coop.slug}/loans/{loan.id}").status_code == 404
