"""/api/v1 for the Wellness Center."""
from sqlalchemy import func, select

from coop.extensions import db
from coop.wellness import services as wellness
from coop.wellness.models import Booking

from .conftest import MONDAY


def _base(center):
    return f"/api/v1/orgs/{center.org.slug}/wellness"


def test_services_attendants_schedule_and_availability(center, make_user, api, monkeypatch):
    monkeypatch.setattr(wellness.clock, "local_now", lambda: MONDAY.replace(hour=7))
    client = api(make_user(center.org, "officer"))
    services = client.get(_base(center) + "/services").get_json()
    assert {s["name"] for s in services} == {"Foot spa", "Massage", "Manicure"}
    assert [a["label"] for a in client.get(_base(center) + "/attendants").get_json()] == ["W-01", "W-02", "W-03"]
    blocks = client.get(_base(center) + f"/attendants/{center.ana.id}/schedule").get_json()
    assert {"weekday": 0, "kind": "work", "starts": "09:00:00", "ends": "17:00:00"} in blocks
    slots = client.get(_base(center) + f"/availability?service_id={center.foot_spa.id}&day=2030-01-07").get_json()
    assert slots[0]["starts_at"].startswith("2030-01-07T09:00") and len(slots[0]["attendant_ids"]) == 2


def test_book_complete_and_pay_through_the_api(center, make_user, api, monkeypatch):
    monkeypatch.setattr(wellness.clock, "local_now", lambda: MONDAY.replace(hour=7))
    client = api(make_user(center.org, "officer"))
    created = client.post(_base(center) + "/bookings", json={
        "service_id": center.foot_spa.id, "starts_at": "2030-01-07T10:00", "client_name": "Lina",
        "client_mobile": "09181112222", "attendant_id": center.ana.id})
    assert created.status_code == 201, created.get_json()
    booking_id = created.get_json()["id"]
    taken = client.post(_base(center) + "/bookings", json={
        "service_id": center.foot_spa.id, "starts_at": "2030-01-07T10:00", "client_name": "Other",
        "attendant_id": center.bea.id})
    assert taken.status_code == 409 and taken.mimetype == "application/problem+json"
    monkeypatch.setattr(wellness.clock, "local_now", lambda: MONDAY.replace(hour=11))
    done = client.post(_base(center) + f"/bookings/{booking_id}/complete",
                       json={"payment_method": "e_wallet", "reference": "GC-1"})
    assert done.status_code == 200 and done.get_json()["share_amount_centavos"] == 14_000
    again = client.post(_base(center) + f"/bookings/{booking_id}/complete", json={})
    assert again.status_code == 409
    paid = client.post(_base(center) + "/payouts", json={"attendant_id": center.ana.id, "start": "2030-01-07",
                                                        "end": "2030-01-07", "paid_on": "2030-01-08"},
                       headers={"Idempotency-Key": "pay-ana-1"})
    assert paid.status_code == 201 and paid.get_json()["amount_centavos"] == 14_000
    assert client.get(_base(center) + "/payouts").get_json()[0]["id"] == paid.get_json()["id"]


def test_bad_api_input_is_a_problem_and_writes_nothing(center, make_user, api):
    client = api(make_user(center.org, "officer"))
    response = client.post(_base(center) + "/bookings", json={"service_id": center.foot_spa.id,
                                                               "starts_at": "not a time"})
    assert response.status_code == 422 and "starts_at" in response.get_json()["errors"]
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_attendants_and_members_cannot_write_through_the_api(center, make_user, api):
    for role in ("attendant", "auditor"):
        client = api(make_user(center.org, role))
        assert client.post(_base(center) + "/bookings", json={}).status_code == 403
    member = api(make_user(center.org, "member"))
    assert member.get(_base(center) + "/bookings").status_code == 404


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/orgs/{org}/wellness/availability" in paths
    assert "post" in paths["/api/v1/orgs/{org}/wellness/bookings"]
