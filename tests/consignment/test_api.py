from sqlalchemy import func, select

from coop.consignment import services
from coop.consignment.models import Principal
from coop.extensions import db
from coop.ledger import services as ledger

API = "/api/v1/orgs/{slug}/consignment"


def test_the_report_example_through_the_api(world, api):
    w = world
    client = api(w.officer)
    base = API.format(slug=w.org.slug)
    lines = [{"item_id": w.lipstick.id, "qty": 6}, {"item_id": w.cologne.id, "qty": 4}]
    issued = client.post(f"{base}/issues", json={"member_id": w.ana.id, "campaign_id": w.campaign.id,
                                                 "on": "2026-03-02", "lines": lines}, headers={"Idempotency-Key": "i1"})
    assert issued.status_code == 201 and issued.json["list_value"] == "3500.00"
    sold = client.post(f"{base}/sales-reports", json={
        "member_id": w.ana.id, "campaign_id": w.campaign.id, "on": "2026-03-10",
        "lines": [{"item_id": w.lipstick.id, "qty": 6}, {"item_id": w.cologne.id, "qty": 2}]})
    assert sold.status_code == 201
    assert (sold.json["list_value"], sold.json["commission"], sold.json["net"], sold.json["rate"]) == (
        "2500.00", "625.00", "1875.00", "25")
    remitted = client.post(f"{base}/remittances", json={"member_id": w.ana.id, "amount": "1875", "on": "2026-03-12"},
                           headers={"Idempotency-Key": "r1"})
    assert remitted.status_code == 201 and remitted.json["receipt_id"]
    again = client.post(f"{base}/remittances", json={"member_id": w.ana.id, "amount": "1875", "on": "2026-03-12"},
                        headers={"Idempotency-Key": "r1"})
    assert again.json["entry_id"] == remitted.json["entry_id"]
    summary = client.get(f"{base}/members/{w.ana.id}").json
    assert (summary["owed"], summary["commission_earned"], summary["held_value"]) == ("0.00", "625.00", "1000.00")
    assert client.get(f"{base}/principals/{w.avon.id}/due").json["due_centavos"] == 187_500
    statement = client.get(f"{base}/members/{w.ana.id}/statement?start=2026-03-01&end=2026-03-31").json
    assert statement["totals"]["commission_centavos"] == 62_500
    settled = client.post(f"{base}/settlements", json={"campaign_id": w.campaign.id, "amount": "1875.00",
                                                      "on": "2026-04-05", "reference": "deposit 12"})
    assert settled.status_code == 201
    campaign = client.get(f"{base}/campaigns/{w.campaign.id}").json
    assert campaign["balance"] == "0.00" and campaign["paid_to_principal"] == "1875.00"
    assert ledger.balance(w.org.id, "due_to_principals").credit_balance == 0
    for name in ("goods-out", "remittances-due", "commissions", "due-to-principals"):
        assert client.get(f"{base}/reports/{name}").status_code == 200


def test_principals_and_campaigns(world, api):
    w = world
    client = api(w.officer)
    base = API.format(slug=w.org.slug)
    created = client.post(f"{base}/principals", json={"name": "Natasha", "member_commission": "20",
                                                      "coop_margin": "5", "uses_campaigns": False})
    assert created.status_code == 201 and created.json["member_commission"] == "20"
    changed = client.patch(f"{base}/principals/{created.json['id']}", json={"payment_terms_days": 45})
    assert changed.json["payment_terms_days"] == 45
    assert len(client.get(f"{base}/campaigns?principal_id={created.json['id']}").json) == 1  # the ongoing period
    added = client.post(f"{base}/principals/{w.avon.id}/campaigns", json={"code": "C04", "starts_on": "2026-04-01",
                                                                          "ends_on": "2026-04-21"})
    assert added.status_code == 201
    assert {p["name"] for p in client.get(f"{base}/principals").json} == {"Avon", "Natasha"}


def test_refusals_are_problem_details_and_write_nothing(world, api):
    w = world
    client = api(w.officer)
    base = API.format(slug=w.org.slug)
    for body in ({"name": "Over", "member_commission": "100.5"}, {"name": "Under", "member_commission": "-1"},
                 {"name": "Both", "member_commission": "90", "coop_margin": "20"}):
        refused = client.post(f"{base}/principals", json=body)
        assert refused.status_code == 422 and refused.mimetype == "application/problem+json", body
    assert db.session.scalar(select(func.count()).select_from(Principal)) == 1
    never = client.post(f"{base}/sales-reports", json={"member_id": w.ana.id, "campaign_id": w.campaign.id,
                                                       "on": "2026-03-10", "lines": [{"item_id": w.lipstick.id, "qty": 1}]})
    assert never.status_code == 422 and "never given" in never.json["detail"]
    zero = client.post(f"{base}/issues", json={"member_id": w.ana.id, "campaign_id": w.campaign.id,
                                               "on": "2026-03-10", "lines": [{"item_id": w.lipstick.id, "qty": 0}]})
    assert zero.status_code == 422
    assert services.get_item(w.org.id, w.lipstick.id).qty_at_coop == 20


def test_readers_may_read_but_not_post_and_members_get_404(world, api, make_user):
    w = world
    base = API.format(slug=w.org.slug)
    auditor = api(make_user(w.org, "auditor"))
    assert auditor.get(f"{base}/principals").status_code == 200
    assert auditor.post(f"{base}/principals", json={"name": "X"}).status_code == 403
    member = api(make_user(w.org, "member"))
    assert member.get(f"{base}/members/{w.ana.id}").status_code == 404


def test_the_openapi_document_lists_the_consignment_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("principals", "issues", "sales-reports", "remittances", "settlements", "campaigns/{campaign_id}"):
        assert f"/api/v1/orgs/{{org}}/consignment/{path}" in paths
