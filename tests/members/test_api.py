from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.members import shares
from coop.members.models import Member, SharePayment
from coop.timeutil import today


def base(org):
    return f"/api/v1/orgs/{org.slug}"


def test_officer_flow_through_the_api(coop, officer, api):
    client = api(officer)
    created = client.post(f"{base(coop)}/members", json={"name": "Ana Reyes", "mobile": "09171234567"})
    assert created.status_code == 201, created.json
    member_id = created.json["id"]
    sub = client.post(f"{base(coop)}/members/{member_id}/subscriptions",
                      json={"shares": 20, "plan": "4-monthly", "on": today().isoformat()})
    assert sub.status_code == 201 and sub.json["amount"] == "2000.00"
    paid = client.post(f"{base(coop)}/members/{member_id}/payments", json={"amount": "500", "on": today().isoformat()},
                       headers={"Idempotency-Key": "p-1"})
    assert paid.status_code == 201 and paid.json["receipt_number"] == "OR-000001"
    admitted = client.post(f"{base(coop)}/members/{member_id}/admission",
                           json={"board_resolution": "BR 1", "on": today().isoformat()})
    assert admitted.status_code == 200 and admitted.json["initial_password"]
    again = client.post(f"{base(coop)}/members/{member_id}/payments", json={"amount": "500", "on": today().isoformat()},
                        headers={"Idempotency-Key": "p-1"})
    assert again.json["id"] == paid.json["id"]
    over = client.post(f"{base(coop)}/members/{member_id}/payments", json={"amount": "1500.01", "on": today().isoformat()})
    assert over.status_code == 422 and over.json["errors"]["amount"].startswith("That is more than she owes")
    assert db.session.query(SharePayment).count() == 1
    listed = client.get(f"{base(coop)}/members?q=reyes")
    assert [m["name"] for m in listed.json] == ["Ana Reyes"]
    assert client.get(f"{base(coop)}/members/{member_id}/payments").json[0]["amount"] == "500.00"


def test_api_never_returns_personal_data_to_an_auditor(coop, make_user, make_member, api):
    ana = make_member("Ana Reyes", mobile="09171234567")
    auditor = api(make_user(coop, "auditor"))
    listed = auditor.get(f"{base(coop)}/members").json
    assert listed and all("name" not in m and "mobile" not in m for m in listed)
    one = auditor.get(f"{base(coop)}/members/{ana.id}").json
    assert one["label"] == ana.label and "name" not in one and "beneficiary_name" not in one
    assert auditor.post(f"{base(coop)}/members", json={"name": "X Y"}).status_code == 403


def test_officer_view_of_personal_data_is_audited(coop, officer, make_member, api):
    ana = make_member()
    api(officer).get(f"{base(coop)}/members/{ana.id}")
    assert db.session.query(AuditEvent).filter_by(action="member.view", target_id=str(ana.id)).count() == 1


def test_my_summary_and_no_one_elses(coop, officer, make_member, api, make_org, make_user):
    ana, bea = make_member("Ana", login=True), make_member("Bea", login=True)
    shares.subscribe(coop.id, ana.id, shares=20, on=today(), installments=4, actor_id=officer.id)
    shares.record_payment(coop.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
    db.session.commit()
    client = api(ana.user)
    summary = client.get(f"{base(coop)}/me/summary").json
    assert (summary["paid_up"], summary["due"], summary["member"]["id"]) == ("500.00", "1500.00", ana.id)
    assert summary["next_due_on"] and len(summary["installments"]) == 3
    for url in (f"/members/{bea.id}", f"/members/{bea.id}/payments", f"/members/{bea.id}/subscriptions", "/members"):
        assert client.get(base(coop) + url).status_code == 404, url
    other = make_org("cooperative")
    outsider = api(make_user(other, "officer"))
    assert outsider.get(f"{base(coop)}/members/{ana.id}").status_code == 404
    assert outsider.get(f"{base(other)}/members/{ana.id}").status_code == 404


def test_bad_input_is_refused_clearly(coop, officer, api):
    client = api(officer)
    response = client.post(f"{base(coop)}/members", json={"name": "A", "mobile": "12345"})
    assert response.status_code == 422 and "mobile" in response.json["errors"]
    assert db.session.query(Member).count() == 0


def test_openapi_lists_the_members_resources(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/orgs/{org}/members" in paths and "/api/v1/orgs/{org}/me/summary" in paths
