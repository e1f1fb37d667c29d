"""Item 8 of issue 15: an idempotency key names the whole request; concurrent copies get the first result."""
from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.wellness import services as wellness
from coop.wellness.models import Booking
from tests.wellness.conftest import MONDAY, center  # noqa: F401 - the fixture


def _bookings():
    return db.session.scalar(select(func.count(Booking.id)))


@pytest.fixture
def officer_api(center, make_user, api, monkeypatch):  # noqa: F811
    monkeypatch.setattr(wellness, "local_now", lambda: MONDAY.replace(hour=7))
    return api(make_user(center.org, "officer"))


def _booking(center, **change):  # noqa: F811
    body = {"service_id": center.foot_spa.id, "starts_at": "2030-01-07T10:00", "client_name": "Lina",
            "client_mobile": "09181112222", "attendant_id": center.ana.id}
    body.update(change)
    return body


@pytest.mark.parametrize("change", [{"starts_at": "2030-01-07T14:00"}, {"client_name": "Other"},
                                    {"attendant_id": "bea"}, {"service_id": "massage"}, {"notes": "x"}])
def test_same_key_with_another_booking_is_409(center, officer_api, change):  # noqa: F811
    url = f"/api/v1/orgs/{center.org.slug}/wellness/bookings"
    first = officer_api.post(url, json=_booking(center), headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.json
    if change.get("attendant_id") == "bea":
        change = {"attendant_id": center.bea.id}
    if change.get("service_id") == "massage":
        change = {"service_id": center.massage.id}
    other = officer_api.post(url, json=_booking(center, **change), headers={"Idempotency-Key": "k1"})
    assert other.status_code == 409 and other.mimetype == "application/problem+json", other.json
    assert _bookings() == 1
    replay = officer_api.post(url, json=_booking(center), headers={"Idempotency-Key": "k1"})
    assert replay.status_code in (200, 201) and replay.json["id"] == first.json["id"]


def test_key_order_in_json_does_not_matter(center, officer_api):  # noqa: F811
    url = f"/api/v1/orgs/{center.org.slug}/wellness/bookings"
    body = _booking(center)
    first = officer_api.post(url, json=body, headers={"Idempotency-Key": "k2"})
    again = officer_api.post(url, json=dict(reversed(list(body.items()))), headers={"Idempotency-Key": "k2"})
    assert again.status_code in (200, 201) and again.json["id"] == first.json["id"]


def test_same_key_on_another_endpoint_is_409(make_org, make_user, api):
    org = make_org()
    client = api(make_user(org, "officer"))
    body = {"entry_date": "2026-05-04", "memo": "Gift", "lines": [
        {"account_id": ledger.get_account(org.id, "cash_on_hand").id, "debit": "5"},
        {"account_id": ledger.get_account(org.id, "donations_grants").id, "credit": "5"}]}
    base = f"/api/v1/orgs/{org.slug}/ledger/entries"
    first = client.post(base, json=body, headers={"Idempotency-Key": "same"})
    assert first.status_code == 201
    reversal = client.post(f"{base}/{first.json['id']}/reversal", json={"entry_date": "2026-05-05", "reason": "wrong"},
                           headers={"Idempotency-Key": "same"})
    assert reversal.status_code == 409
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1


def test_form_same_key_with_another_memo_is_refused(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    form = {"entry_date": "2026-05-04", "memo": "Gift", "account_id": [str(cash), str(gift)],
            "debit": ["5", ""], "credit": ["", "5"], "idempotency_key": "form-1", "csrf_token": "a"}
    url = f"/o/{org.slug}/ledger/entries"
    assert client.post(url, data=form).status_code == 303
    assert client.post(url, data={**form, "csrf_token": "b"}).status_code == 303  # a double submit: the first entry
    changed = client.post(url, data={**form, "debit": ["6", ""], "credit": ["", "6"]},
                          headers={"Referer": f"/o/{org.slug}/ledger/entries/new"})
    assert changed.status_code == 303 and changed.location.endswith("/entries/new")
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    # she pressed back, changed the amount and sent it again: told in plain words (and Filipino), no "idempotency key"
    client.get(f"/o/{org.slug}/ledger/entries/new?lang=fil")
    again = client.post(url, data={**form, "debit": ["7", ""], "credit": ["", "7"]},
                        headers={"Referer": f"/o/{org.slug}/ledger/entries/new"})
    told = client.get(again.location).get_data(as_text=True)
    assert "idempotency key" not in told.lower() and "Naipadala na ang form na ito" in told


def test_concurrent_copies_of_one_key_all_get_the_first_booking(app, center, officer_api):  # noqa: F811
    url = f"/api/v1/orgs/{center.org.slug}/wellness/bookings"
    headers = {"Authorization": f"Bearer {officer_api.token}", "Idempotency-Key": "race-1"}
    body = _booking(center)
    db.session.commit()  # the test's own session must hold no lock while the copies race
    copies = 8
    barrier = threading.Barrier(copies)
    answers = []

    def send():
        client = FlaskClient(app, app.response_class)
        barrier.wait()
        try:
            response = client.post(url, json=body, headers=headers)
            answers.append((response.status_code, (response.get_json() or {}).get("id")))
        except Exception as exc:  # reported in the assertion below
            answers.append((repr(exc), None))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == copies and all(code in (200, 201) for code, _ in answers), answers
    assert len({booking_id for _, booking_id in answers}) == 1
    db.session.rollback()
    assert _bookings() == 1
