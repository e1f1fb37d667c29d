from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry


def body(org, amount="250.00"):
    return {"entry_date": "2026-05-04", "memo": "Gift", "lines": [
        {"account_id": ledger.get_account(org.id, "cash_on_hand").id, "debit": amount},
        {"account_id": ledger.get_account(org.id, "donations_grants").id, "credit": amount}]}


def test_post_replay_and_conflict(make_org, make_user, api):
    org = make_org()
    client = api(make_user(org, "officer"))
    url = f"/api/v1/orgs/{org.slug}/ledger/entries"
    first = client.post(url, json=body(org), headers={"Idempotency-Key": "abc"})
    assert first.status_code == 201 and first.json["lines"][0]["debit_centavos"] == 25_000
    replay = client.post(url, json=body(org), headers={"Idempotency-Key": "abc"})
    assert replay.status_code == 200 and replay.json["id"] == first.json["id"] and replay.json["replayed"]
    conflict = client.post(url, json=body(org, "300"), headers={"Idempotency-Key": "abc"})
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    assert db.session.query(JournalEntry).count() == 1


def test_bad_input_is_a_problem_document_naming_the_field(make_org, make_user, api):
    org = make_org()
    client = api(make_user(org, "officer"))
    url = f"/api/v1/orgs/{org.slug}/ledger/entries"
    unbalanced = body(org)
    unbalanced["lines"][1]["credit"] = "249.99"
    response = client.post(url, json=unbalanced)
    assert response.status_code == 422 and "unbalanced" in response.json["detail"]
    missing = client.post(url, json={"memo": "x", "lines": []})
    assert missing.status_code == 422 and "entry_date" in missing.json["errors"]
    assert client.post(url, json=[1, 2]).status_code == 422
    assert db.session.query(JournalEntry).count() == 0


def test_tokens_roles_and_organizations(make_org, make_user, api, client):
    org, other = make_org(), make_org()
    assert client.get(f"/api/v1/orgs/{org.slug}/ledger/accounts").status_code == 401
    assert api(make_user(other, "officer")).get(f"/api/v1/orgs/{org.slug}/ledger/accounts").status_code == 404
    auditor = api(make_user(org, "auditor"))
    assert auditor.get(f"/api/v1/orgs/{org.slug}/ledger/accounts").status_code == 200
    assert auditor.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body(org)).status_code == 403
    member = api(make_user(org, "member"))
    assert member.get(f"/api/v1/orgs/{org.slug}/ledger/accounts").status_code == 404


def test_token_from_password_and_session_cookie_is_not_enough(make_org, make_user, client, login):
    from tests.conftest import PASSWORD

    org = make_org()
    user = make_user(org, "officer")
    token = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD}).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["organizations"][0]["role"] == "officer"
    login(user)  # a browser session must not authorise API calls (no CSRF there)
    assert client.get(f"/api/v1/orgs/{org.slug}/ledger/accounts").status_code == 401


def test_balance_and_reversal(make_org, make_user, api):
    org = make_org()
    client = api(make_user(org, "officer"))
    posted = client.post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body(org)).json
    cash = ledger.get_account(org.id, "cash_on_hand").id
    assert client.get(f"/api/v1/orgs/{org.slug}/ledger/accounts/{cash}/balance").json["balance_centavos"] == 25_000
    reversal = client.post(f"/api/v1/orgs/{org.slug}/ledger/entries/{posted['id']}/reversal",
                           json={"entry_date": "2026-05-05", "reason": "duplicate"})
    assert reversal.status_code == 201 and reversal.json["reverses_id"] == posted["id"]
    assert client.get(f"/api/v1/orgs/{org.slug}/ledger/accounts/{cash}/balance").json["balance_centavos"] == 0


def test_openapi_document_describes_the_routes(client):
    doc = client.get("/api/v1/openapi.json").json
    post = doc["paths"]["/api/v1/orgs/{org}/ledger/entries"]["post"]
    assert "entry_date" in post["requestBody"]["content"]["application/json"]["schema"]["required"]
    assert "201" in post["responses"]


def test_an_account_with_a_balance_cannot_be_deactivated(make_org, make_user, api):
    """An admin deactivated an income account holding ₱250: every entry on it could no longer be reversed
    ('account is inactive') and the year end could not close it to surplus. Emptied, it may go."""
    org = make_org()
    officer = make_user(org, "officer")
    admin = api(make_user(org, "admin"))
    posted = api(officer).post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body(org))
    assert posted.status_code == 201
    gifts = ledger.get_account(org.id, "donations_grants")
    url = f"/api/v1/orgs/{org.slug}/ledger/accounts/{gifts.id}"
    refused = admin.patch(url, json={"active": False})
    assert refused.status_code == 422 and "balance" in refused.json["detail"], refused.json
    db.session.expire_all()
    assert ledger.get_account(org.id, "donations_grants").active
    reversal = api(officer).post(f"/api/v1/orgs/{org.slug}/ledger/entries/{posted.json['id']}/reversal",
                                 json={"entry_date": "2026-05-04", "reason": "typed twice"})
    assert reversal.status_code == 201, reversal.json
    assert admin.patch(url, json={"active": False}).status_code == 200
