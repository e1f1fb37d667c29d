"""Item 7 of issue 15: amounts are parsed strictly, in forms and in the API alike."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.money import to_centavos


@pytest.mark.parametrize("text,centavos", [
    ("2000", 200_000), ("2,000", 200_000), ("1,234.50", 123_450), ("1,234,567.05", 123_456_705),
    ("0.5", 50), ("₱1,000.00", 100_000), ("-5", -500), (2000, 200_000), ("12.5", 1250),
])
def test_good_amounts(text, centavos):
    assert to_centavos(text) == centavos


@pytest.mark.parametrize("text", [
    "1,50", "12,34,5", "1,2345", "123,", ",123", "1,23.45", "1.234", "1e5", ".5", "1..5", "1.2.3",
    "١٢٣", "١٢٣.٥٠", "１２３", "１,２３４", "۱۲۳", "12 34", "0x10", "NaN", "Infinity", "--5", "+5",
])
def test_loose_amounts_are_refused(text):
    with pytest.raises(ValueError):
        to_centavos(text)


def test_comma_message_is_clear():
    with pytest.raises(ValueError, match="thousands separators"):
        to_centavos("1,50")


def test_amounts_past_the_limit_are_refused():
    assert to_centavos("1,000,000,000,000.00") == 10**14
    for value in ("1" + "0" * 400, 10**400, "92,233,720,368,547,758.08", 92_233_720_368_547_758, float("inf")):
        with pytest.raises(ValueError):
            to_centavos(value)


def _body(org, amount):
    return {"entry_date": "2026-05-04", "memo": "Gift", "lines": [
        {"account_id": ledger.get_account(org.id, "cash_on_hand").id, "debit": amount},
        {"account_id": ledger.get_account(org.id, "donations_grants").id, "credit": amount}]}


def _entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


@pytest.mark.parametrize("amount", ["1,50", "12,34,5", "١٢٣", "１２３", "1" + "0" * 400, 10**30,
                                    "92233720368547758.08"])
def test_api_refuses_loose_amounts(make_org, make_user, api, amount):
    org = make_org()
    client = api(make_user(org, "officer"))
    response = client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=_body(org, amount))
    assert response.status_code in (400, 422), response.data
    assert response.mimetype == "application/problem+json"
    assert _entries() == 0


def test_form_refuses_a_comma_for_centavos(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    response = client.post(f"/o/{org.slug}/ledger/entries", data={
        "entry_date": "2026-05-04", "memo": "Gift", "account_id": [str(cash), str(gift)],
        "debit": ["1,50", ""], "credit": ["", "1,50"]}, headers={"Referer": f"/o/{org.slug}/ledger/entries/new"})
    assert response.status_code == 303 and response.location.endswith("/entries/new")
    assert _entries() == 0
    page = client.get(f"/o/{org.slug}/ledger/entries/new").get_data(as_text=True)
    assert "thousands separators" in page


@pytest.mark.parametrize("text,centavos", [
    ("P2,000", 200_000), ("P 2,000.50", 200_050), ("Php 2,000.50", 200_050), ("php500", 50_000),
    ("PhP1,000", 100_000), ("₱ 1,000", 100_000), ("PHP 5", 500),
])
def test_the_peso_as_an_officer_types_it_on_her_first_day(text, centavos):
    """Receipts and price tags here write P2,000.00 or Php 2,000.50 (the keyboard has no ₱): taken, not refused as
    'not digits'."""
    assert to_centavos(text) == centavos


@pytest.mark.parametrize("text", ["1.500,00", "2.000", "1.234.567,89", "P1.500,00"])
def test_european_separators_are_refused_with_the_reason(text):
    """'1.500,00' (thousands with points, centavos after a comma) was refused as 'not the digits 0-9'."""
    with pytest.raises(ValueError, match="point, not a comma|at most two decimals"):
        to_centavos(text)
