"""Savings pages and API: open, deposit and withdraw through the desk's forms and JSON, problems next to the field,
her own passbook on her portal and nobody else's."""
from datetime import timedelta

from coop.auth.services import create_user, grant_role
from coop.extensions import db
from coop.members.services import create_member
from coop.savings import services as savings
from coop.savings.models import SavingsTransaction
from coop.timeutil import today

from ..conftest import PASSWORD


def test_the_desk_opens_deposits_and_is_refused_below_the_minimum(coop, member, product, officer, login):
    client = login(officer)
    base = f"/o/{coop.slug}/savings"
    assert member.name.encode() in client.get(f"{base}/?member={member.number}").data
    response = client.post(f"{base}/accounts", data={"member_id": member.id, "product_id": product.id,
                                                     "amount": "1,000.00", "idempotency_key": "open-1"})
    assert response.status_code == 303
    account = savings.accounts_of_member(coop.id, member.id)[0]
    assert client.post(f"{base}/accounts/{account.id}/deposits", data={"amount": "250.50", "cash_account":
                       "cash_on_hand", "idempotency_key": "dep-1"}).status_code == 303
    refused = client.post(f"{base}/accounts/{account.id}/withdrawals", data={"amount": "1200", "cash_account":
                          "cash_on_hand", "idempotency_key": "wd-1"}, follow_redirects=True)
    assert "minimum balance" in refused.get_data(as_text=True)
    page = client.get(f"{base}/accounts/{account.id}").get_data(as_text=True)
    assert "1,250.50" in page
    assert client.get(f"{base}/accounts/{account.id}/statement?format=pdf").mimetype == "application/pdf"
    assert client.get(f"{base}/products").status_code == 200


def test_the_api_posts_once_per_key_and_answers_problems(coop, member, product, officer, api):
    client = api(officer)
    base = f"/api/v1/orgs/{coop.slug}/savings"
    made = client.post(f"{base}/accounts", json={"member_id": member.id, "product_id": product.id,
                                                 "amount": "500"}, headers={"Idempotency-Key": "a1"})
    assert made.status_code == 201, made.json
    url = f"{base}/accounts/{made.json['id']}/deposits"
    first = client.post(url, json={"amount": "100.00"}, headers={"Idempotency-Key": "d1"})
    again = client.post(url, json={"amount": "100.00"}, headers={"Idempotency-Key": "d1"})
    assert first.status_code == 201 and again.json["id"] == first.json["id"]
    assert db.session.query(SavingsTransaction).filter_by(kind="deposit").count() == 2
    bad = client.post(url, json={"amount": "abc"}, headers={"Idempotency-Key": "d2"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    future = client.post(url, json={"amount": "1", "on": (today() + timedelta(days=3)).isoformat()},
                         headers={"Idempotency-Key": "d3"})
    assert future.status_code in (409, 422) and future.mimetype == "application/problem+json"
    low = client.post(f"{base}/accounts/{made.json['id']}/withdrawals", json={"amount": "550"},
                      headers={"Idempotency-Key": "w1"})
    assert low.status_code == 422 and "minimum balance" in low.json["detail"]
    assert client.get(f"{base}/accounts/{made.json['id']}/transactions").json[-1]["amount"] == "100.00"


def _her_account_and_another(coop, product, officer, username):
    """A member with a login and her account, and another member's account she must never see."""
    user = create_user(username, PASSWORD, "Ana")
    grant_role(user.id, coop.id, "member")
    ana = create_member(coop.id, name="Ana", actor_id=None, status="active", user_id=user.id)
    other = create_member(coop.id, name="Bea", actor_id=None, status="active")
    mine = savings.open_account(coop.id, ana.id, product.id, amount=300_00, actor_id=officer.id)
    theirs = savings.open_account(coop.id, other.id, product.id, amount=400_00, actor_id=officer.id)
    db.session.commit()
    return user, mine, theirs


def test_her_portal_shows_her_savings_and_only_hers(coop, product, officer, login):
    user, mine, theirs = _her_account_and_another(coop, product, officer, "ana-savings")
    client = login(user)
    portal = client.get(f"/o/{coop.slug}/me").get_data(as_text=True)
    assert mine.number in portal and "300.00" in portal
    assert client.get(f"/o/{coop.slug}/savings/my/{mine.id}/statement").status_code == 200
    assert client.get(f"/o/{coop.slug}/savings/my/{theirs.id}/statement").status_code == 404
    receipt = savings.transactions(coop.id, mine.id)[0].receipt_id
    assert client.get(f"/o/{coop.slug}/receipts/{receipt}").status_code == 200
    assert client.get(f"/o/{coop.slug}/savings/accounts/{mine.id}").status_code in (403, 404)


def test_the_accounts_list_says_whose_each_account_is_and_finds_hers(coop, member, product, officer, login):
    """The list showed numbers and products only: at the desk nobody could tell which account was Ana's; checking
    her name offered to open another account but did not show the ones she has."""
    other = create_member(coop.id, name="Bea Santos", actor_id=None, status="active")
    hers = savings.open_account(coop.id, member.id, product.id, amount=300_00, actor_id=officer.id)
    theirs = savings.open_account(coop.id, other.id, product.id, amount=400_00, actor_id=officer.id)
    db.session.commit()
    client = login(officer)
    listed = client.get(f"/o/{coop.slug}/savings/").get_data(as_text=True)
    assert "Ana Cruz" in listed and "Bea Santos" in listed
    checked = client.get(f"/o/{coop.slug}/savings/?member=Ana").get_data(as_text=True)
    assert hers.number in checked and theirs.number not in checked


def test_the_officers_page_of_a_member_shows_her_savings_accounts_and_loans(coop, member, product, officer, login):
    """Her savings accounts and loans were missing from the officers' page of a member; each domain adds its
    block there by its manifest (`member_page`), the members package importing neither."""
    from coop.ledger.records import Line
    from coop.loans import services as loans

    client = login(officer)
    page = client.get(f"/o/{coop.slug}/members/{member.id}").get_data(as_text=True)
    assert "Savings accounts" in page and "No savings account yet." in page and "No loan yet." in page
    account = savings.open_account(coop.id, member.id, product.id, amount=75_000, actor_id=officer.id)
    loan = loans.open_commodity_loan(coop.id, member.id, 20_000, today(), goods_lines=(Line("sales", credit=20_000),),
                                     memo="Goods", source=None, source_id=None, idempotency_key="g", actor_id=None)
    db.session.commit()
    page = client.get(f"/o/{coop.slug}/members/{member.id}").get_data(as_text=True)
    assert f"/savings/accounts/{account.id}" in page and account.number in page and "₱750.00" in page
    assert f"/loans/{loan.id}" in page and loan.number in page and "₱200.00" in page
    filipino = client.get(f"/o/{coop.slug}/members/{member.id}?lang=fil").get_data(as_text=True)
    assert "Savings accounts" not in filipino and account.number in filipino and loan.number in filipino


def test_the_accounts_list_pages_and_finds_by_member_name_or_number(coop, product, officer, login, api):
    """The list stopped at 200 accounts with no way further and no search."""
    people = [create_member(coop.id, name=name, actor_id=None, status="active")
              for name in ("Ana Cruz", "Bea Santos", "Carla Cruz")]
    db.session.commit()
    opened = [savings.open_account(coop.id, person.id, product.id, actor_id=officer.id)
              for person in people for _ in range(2)]
    db.session.commit()
    client = login(officer)
    base = f"/o/{coop.slug}/savings/"
    first = client.get(base + "?limit=4").get_data(as_text=True)
    assert [a.number for a in opened if a.number in first] == [a.number for a in opened[2:]]
    assert "offset=4" in first and "More" in first
    rest = client.get(base + "?limit=4&offset=4").get_data(as_text=True)
    assert [a.number for a in opened if a.number in rest] == [a.number for a in opened[:2]]
    assert "offset=8" not in rest
    cruz = client.get(base + "?q=cruz").get_data(as_text=True)
    assert {a.number for a in opened if a.number in cruz} == {a.number for a in opened[:2] + opened[4:]}
    by_number = client.get(base + f"?q={people[1].label}").get_data(as_text=True)
    assert {a.number for a in opened if a.number in by_number} == {a.number for a in opened[2:4]}
    nobody = client.get(base + "?q=Zenaida").get_data(as_text=True)
    assert "No savings account matches." in nobody
    assert client.get(base + "?offset=-1").status_code in (302, 303, 400, 422)
    listed = api(officer).get(f"/api/v1/orgs/{coop.slug}/savings/accounts?q=cruz&limit=3&offset=1")
    assert listed.status_code == 200 and len(listed.json) == 3


def test_her_own_accounts_and_passbook_through_the_api(coop, product, officer, api):
    user, mine, theirs = _her_account_and_another(coop, product, officer, "ana-api")
    client = api(user)
    base = f"/api/v1/orgs/{coop.slug}/savings"
    assert [row["number"] for row in client.get(f"{base}/my").json] == [mine.number]
    lines = client.get(f"{base}/my/{mine.id}/transactions").json
    assert [(row["kind"], row["amount"], row["receipt_id"] is not None) for row in lines] == [("deposit", "300.00", True)]
    assert client.get(f"{base}/my/{theirs.id}/transactions").status_code == 404
    assert client.get(f"{base}/accounts/{mine.id}").status_code in (403, 404)  # the officers' API is not hers


def test_no_account_is_opened_before_she_was_admitted(coop, product, officer, api):
    from coop.members.models import Member

    late = create_member(coop.id, name="Cora", actor_id=None, status="active")
    db.session.get(Member, late.id).admitted_on = today() - timedelta(days=3)
    db.session.commit()
    refused = api(officer).post(f"/api/v1/orgs/{coop.slug}/savings/accounts", json={
        "member_id": late.id, "product_id": product.id, "amount": "500", "on": (today() - timedelta(days=4)).isoformat()},
        headers={"Idempotency-Key": "early"})
    assert refused.status_code == 422 and refused.json["errors"]["on"].startswith("A savings account cannot be opened")


def test_the_passbook_tells_its_memos_in_filipino(coop, member, product, officer, login):
    """The memos the savings desk writes ("Opening deposit") were shown as recorded, in English, on a Filipino
    passbook page and its CSV."""
    account = savings.open_account(coop.id, member.id, product.id, amount=300_00, actor_id=officer.id)
    db.session.commit()
    client = login(officer)
    page = client.get(f"/o/{coop.slug}/savings/accounts/{account.id}/statement?format=csv&lang=fil")
    text = page.get_data(as_text=True)
    assert "Unang deposito" in text and "Opening deposit" not in text


def test_a_refusal_is_said_in_the_language_of_whoever_reads_it(coop, member, product, officer, api, login):
    """A refusal is raised in English with its values apart: the API says it in the language the call asks for,
    and a flash made on an English page reads in Filipino on the next page once she switched."""
    client = api(officer)
    base = f"/api/v1/orgs/{coop.slug}/savings"
    made = client.post(f"{base}/accounts", json={"member_id": member.id, "product_id": product.id, "amount": "500"},
                       headers={"Idempotency-Key": "a1"})
    url = f"{base}/accounts/{made.json['id']}/withdrawals"
    fil = client.post(url, json={"amount": "550"}, headers={"Idempotency-Key": "w1", "Accept-Language": "fil"})
    assert fil.status_code == 422 and fil.headers["Content-Language"] == "fil"
    assert fil.json["detail"] == ("Mag-iiwan iyan ng mas mababa sa minimum na balanseng ₱100.00: hanggang ₱400.00 "
                                  "lamang ang maaaring i-withdraw.")
    assert fil.json["errors"]["amount"] == fil.json["detail"]
    english = client.post(url, json={"amount": "550"}, headers={"Idempotency-Key": "w2"})
    assert english.json["detail"].startswith("That would leave less than the minimum balance of ₱100.00")

    page = login(officer)
    account = f"/o/{coop.slug}/savings/accounts/{made.json['id']}"
    assert page.get(f"{account}?lang=en").status_code == 200  # she reads in English...
    refused = page.post(f"{account}/withdrawals", data={"amount": "550", "cash_account": "cash_on_hand",
                                                       "idempotency_key": "wd-9"}, headers={"Referer": account})
    assert refused.status_code == 303 and refused.headers["Location"].endswith(account)
    shown = page.get(f"{account}?lang=fil").get_data(as_text=True)  # ...and switches before the next page
    assert "Mag-iiwan iyan ng mas mababa sa minimum na balanseng ₱100.00" in shown
    assert "That would leave" not in shown  # neither the flash nor the message by the field kept the old language


def test_a_date_in_a_refusal_is_babels_in_the_readers_language(coop, member, product, officer, api):
    """'Cannot be dated before the account was opened (30 Nob 2026)', never the ISO '2026-11-30'."""
    client = api(officer)
    base = f"/api/v1/orgs/{coop.slug}/savings"
    opened = today() - timedelta(days=3)
    made = client.post(f"{base}/accounts", json={"member_id": member.id, "product_id": product.id, "amount": "500",
                                                 "on": opened.isoformat()}, headers={"Idempotency-Key": "a1"})
    assert made.status_code == 201, made.json
    early = (opened - timedelta(days=1)).isoformat()
    fil = client.post(f"{base}/accounts/{made.json['id']}/deposits", json={"amount": "1", "on": early},
                      headers={"Idempotency-Key": "d1", "Accept-Language": "fil"})
    from babel.dates import format_date

    assert fil.status_code == 422, fil.json
    assert format_date(opened, "medium", locale="fil_PH") in fil.json["detail"] and opened.isoformat() not in \
        fil.json["detail"]
