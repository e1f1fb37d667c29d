"""Item 6 of issue 15: bad input is a 4xx (problem+json under /api/), never a 500, and nothing is posted."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry


def _entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def _body(org, amount="250.00", **line):
    return {"entry_date": "2026-05-04", "memo": "Gift", "lines": [
        {"account_id": ledger.get_account(org.id, "cash_on_hand").id, "debit": amount, **line},
        {"account_id": ledger.get_account(org.id, "donations_grants").id, "credit": amount}]}


@pytest.fixture
def org(make_org):
    return make_org()


@pytest.fixture
def officer_api(org, make_user, api):
    return api(make_user(org, "officer"))


@pytest.mark.parametrize("path", ["loans/99999999999", "loans/2147483648", "ledger/entries/2147483648",
                                  "ledger/accounts/18446744073709551616/balance", "members/" + "9" * 40])
def test_huge_ids_in_api_paths_are_404(org, officer_api, path):
    response = officer_api.get(f"/api/v1/orgs/{org.slug}/{path}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["members/2147483648", "members/99999999999/edit", "ledger/entries/2147483648"])
def test_huge_ids_in_page_paths_are_404(org, make_user, login, path):
    client = login(make_user(org, "officer"))
    assert client.get(f"/o/{org.slug}/{path}").status_code == 404


def test_largest_id_is_still_routed(org, officer_api):
    response = officer_api.get(f"/api/v1/orgs/{org.slug}/ledger/entries/2147483647")
    assert response.status_code == 404 and "entry" in response.json["detail"].lower()


@pytest.mark.parametrize("party_id", [2**31, 2**40, 2**63, 2**64, -1, 0])
def test_huge_party_id_in_a_body(org, officer_api, party_id):
    response = officer_api.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=_body(org, party_id=party_id))
    assert response.status_code in (404, 422), response.data
    assert response.mimetype == "application/problem+json"
    assert _entries() == 0


def test_huge_account_id_in_a_form(org, make_user, login):
    client = login(make_user(org, "officer"))
    response = client.post(f"/o/{org.slug}/ledger/entries", data={
        "entry_date": "2026-05-04", "memo": "Gift", "account_id": [str(2**40), str(2**64)],
        "debit": ["5", ""], "credit": ["", "5"]}, headers={"Referer": f"/o/{org.slug}/ledger/entries/new"})
    assert response.status_code == 303 and _entries() == 0


def test_nul_byte_in_json_text(org, officer_api):
    body = _body(org)
    body["memo"] = "Gift\x00"
    response = officer_api.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert _entries() == 0


def test_nul_byte_in_a_form_and_query(org, make_user, login):
    client = login(make_user(org, "officer"))
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    response = client.post(f"/o/{org.slug}/ledger/entries", data={
        "entry_date": "2026-05-04", "memo": "Gi\x00ft", "account_id": [str(cash), str(gift)],
        "debit": ["5", ""], "credit": ["", "5"]})
    assert response.status_code == 400 and _entries() == 0
    assert client.get(f"/o/{org.slug}/members/?q=a%00b").status_code == 400


def test_nul_byte_at_login(client):
    assert client.post("/login", data={"username": "ad\x00min", "password": "x"}).status_code == 400


def test_json_nested_ten_thousand_deep(org, officer_api):
    deep = "[" * 10_000 + "]" * 10_000
    response = officer_api.client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", data=deep,
                                       headers={**officer_api._headers(None), "Content-Type": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_json_number_with_too_many_digits(org, officer_api):
    body = '{"entry_date": "2026-05-04", "memo": "x", "lines": [{"account_id": 1, "debit": ' + "9" * 5000 + "}]}"
    response = officer_api.client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", data=body,
                                       headers={**officer_api._headers(None), "Content-Type": "application/json"})
    assert response.status_code == 400


def test_request_size_limit(org, officer_api):
    body = _body(org)
    body["memo"] = "x" * (3 * 1024 * 1024)
    response = officer_api.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert _entries() == 0


def test_lost_races_on_postgres_are_409(app, org, officer_api):
    """PostgreSQL's deadlock, serialization and lock errors (a lost booking race) answer 409, not 500."""
    from sqlalchemy.exc import OperationalError

    class Orig(Exception):
        def __init__(self, sqlstate):
            self.sqlstate = sqlstate

    from flask import Blueprint

    bp = Blueprint("race_test", __name__)

    @bp.post("/api/v1/race-test/<code>")
    def race(code):
        raise OperationalError("UPDATE ...", {}, Orig(code))

    @bp.post("/race-test/<code>")
    def race_page(code):
        raise OperationalError("UPDATE ...", {}, Orig(code))

    app.register_blueprint(bp)
    for code in ("40P01", "40001", "55P03"):
        response = officer_api.post(f"/api/v1/race-test/{code}", json={})
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert app.test_client().post(f"/race-test/{code}", data={"x": "1"}).status_code == 303


def test_huge_ids_in_the_query_string(org, officer_api):
    cash = ledger.get_account(org.id, "cash_on_hand").id
    for value in (2**40, 2**64, 10**30):
        response = officer_api.get(f"/api/v1/orgs/{org.slug}/ledger/accounts/{cash}/balance?party_id={value}")
        assert response.status_code in (404, 422) and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("number", ["¹", "٣", "１２", "9" * 5000, "M-" + "9" * 40])
def test_member_numbers_in_other_digits_are_refused(make_org, make_user, api, number):
    from coop.members.services import create_member

    org = make_org("cooperative")
    ana = create_member(org.id, name="Ana", actor_id=None, status="active")
    db.session.commit()
    client = api(make_user(org, "officer"))
    response = client.post(f"/api/v1/orgs/{org.slug}/members/{ana.id}/transfers",
                           json={"to_member": number, "shares": 1, "on": "2026-05-04"})
    assert response.status_code in (404, 422), response.data
    assert client.get(f"/api/v1/orgs/{org.slug}/members?q={number}").status_code < 500
