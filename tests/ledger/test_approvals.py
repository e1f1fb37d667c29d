"""Issue 15 item 11: a large manual entry, and the reversal of one, need a second officer (coop.approvals)."""
import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.timeutil import today

MILLION = "1,000,000.00"


def _body(org, amount=MILLION):
    return {"entry_date": today().isoformat(), "memo": "Gift from the parish", "lines": [
        {"account_id": ledger.get_account(org.id, "cash_on_hand").id, "debit": amount},
        {"account_id": ledger.get_account(org.id, "donations_grants").id, "credit": amount}]}


def _entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_a_million_peso_entry_waits_for_a_second_officer(make_org, make_user, api):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    held = api(maker).post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=_body(org))
    assert held.status_code == 202 and held.json["status"] == "pending" and held.json["kind"] == "ledger.manual_entry"
    assert held.json["amount_centavos"] == 100_000_000 and _entries() == 0
    assert any("1,000,000.00" in d["value"] for d in held.json["details"])
    url = f"/api/v1/orgs/{org.slug}/approvals/{held.json['id']}"
    refused = api(maker).post(f"{url}/approval", json={})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json" and _entries() == 0
    done = api(checker).post(f"{url}/approval", json={})
    assert done.status_code == 200 and done.json["status"] == "approved", done.json
    entry = ledger.get_entry(org.id, int(done.json["result_ref"]))
    assert sum(line.debit for line in entry.lines) == 100_000_000
    again = api(checker).post(f"{url}/approval", json={})
    assert again.status_code == 409 and _entries() == 1


def test_within_the_policy_amount_one_officer_posts(make_org, make_user, api):
    org = make_org()
    posted = api(make_user(org, "officer")).post(f"/api/v1/orgs/{org.slug}/ledger/entries",
                                                  json=_body(org, "100,000.00"))
    assert posted.status_code == 201 and posted.json["id"]


def test_the_reversal_of_a_million_needs_a_second_officer_too(make_org, make_user, api):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "admin")
    held = api(maker).post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=_body(org)).json
    entry_id = int(api(checker).post(f"/api/v1/orgs/{org.slug}/approvals/{held['id']}/approval",
                                     json={}).json["result_ref"])
    reverse = f"/api/v1/orgs/{org.slug}/ledger/entries/{entry_id}/reversal"
    body = {"entry_date": today().isoformat(), "reason": "the check bounced"}
    pending = api(checker).post(reverse, json=body)
    assert pending.status_code == 202 and ledger.reversal_of(org.id, entry_id) is None
    twice = api(maker).post(reverse, json=body)
    assert twice.status_code == 409  # one pending reversal per entry
    assert api(checker).post(f"/api/v1/orgs/{org.slug}/approvals/{pending.json['id']}/approval",
                             json={}).status_code == 403  # the maker of the reversal is the checker of the entry
    done = api(maker).post(f"/api/v1/orgs/{org.slug}/approvals/{pending.json['id']}/approval", json={})
    assert done.status_code == 200 and ledger.reversal_of(org.id, entry_id) == int(done.json["result_ref"])


@pytest.mark.controls_disagree  # a loan's entry posted with no loan behind it, to be refused its reversal
def test_a_bad_or_domain_owned_entry_is_refused_before_anything_is_held(make_org, make_user, api):
    org = make_org()
    client = api(make_user(org, "officer"))
    body = _body(org)
    body["lines"][1]["credit"] = "999,999.00"
    assert client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body).status_code == 422
    control = ledger.get_account(org.id, "loans_receivable_emergency")
    body = _body(org)
    body["lines"][0]["account_id"] = control.id
    assert client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body).status_code == 422
    owned = ledger.post(ledger.Entry(org.id, today(), "Loan", (
        ledger.Line("loans_receivable_emergency", debit=100_000_000), ledger.Line("cash_on_hand", credit=100_000_000)),
        source="loans.loan", source_id="1"))
    db.session.commit()
    refused = client.post(f"/api/v1/orgs/{org.slug}/ledger/entries/{owned.id}/reversal",
                          json={"entry_date": today().isoformat(), "reason": "mistake"})
    assert refused.status_code == 409
    assert client.get(f"/api/v1/orgs/{org.slug}/approvals").json == []


def test_the_page_sends_a_large_entry_to_the_inbox(make_org, make_user, login, client):
    org = make_org()
    maker = make_user(org, "officer")
    login(maker)
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    response = client.post(f"/o/{org.slug}/ledger/entries", data={
        "entry_date": today().isoformat(), "memo": "Gift", "account_id": [str(cash), str(gift)],
        "debit": [MILLION, ""], "credit": ["", MILLION]})
    assert response.status_code == 303 and "/approvals/" in response.location and _entries() == 0
    page = client.get(response.location).get_data(as_text=True)
    assert "Manual journal entry" in page and "Approve and carry out" not in page
