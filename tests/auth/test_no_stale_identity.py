"""Who is asking is read afresh on every request, in one statement: nothing an earlier request learned keeps a
revoked token, a changed role, an old password, a reset second step or a disabled login working.

Each test runs two instances of the application on one database, as two server processes would: the change
is made through the first, and the attacker's very next request, through the second, is refused.
"""
from __future__ import annotations

import time

import pyotp
import pytest

from coop import create_app
from coop.auth.services import issue_token
from coop.extensions import db
from tests.auth.helpers import with_totp
from tests.conftest import PASSWORD, RequestClient


@pytest.fixture
def other_server(database_url):
    """A second application on the same database: another process's engine, pool, sessions and memory."""
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                         "SESSION_COOKIE_SECURE": False})
    second.test_client_class = RequestClient
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def _settle(*rows) -> None:
    """Read the rows the test names, then let go of the database: on SQLite the test's own session reading an
    expired row outside a request begins a writer's transaction, which the other server would queue behind."""
    for row in rows:
        row.id  # noqa: B018 (loads the row's columns)
    db.session.expunge_all()
    db.session.rollback()


def _signed_in(server, user, password: str = PASSWORD):
    browser = server.test_client()
    response = browser.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 303, response.data
    return browser


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _warm(browser, api, org, token):
    """Both credentials work on the second server first, so that anything it could remember, it has seen."""
    for _ in range(2):
        assert browser.get(f"/o/{org.slug}/members/").status_code == 200
        assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 200


def test_a_revoked_token_fails_on_the_very_next_request_to_another_server(make_org, make_user, client, other_server):
    org = make_org()
    officer = make_user(org, "officer")
    token = issue_token(officer.id, "phone")
    db.session.commit()
    _settle(org, officer)
    attacker = other_server.test_client()
    url = f"/api/v1/orgs/{org.slug}/members"
    assert attacker.get(url, headers=_bearer(token)).status_code == 200
    assert attacker.get(url, headers=_bearer(token)).status_code == 200
    token_id = client.get("/api/v1/tokens", headers=_bearer(token)).get_json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=_bearer(token)).status_code in (200, 204)
    assert attacker.get(url, headers=_bearer(token)).status_code == 401
    assert attacker.get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_a_role_taken_away_is_gone_on_the_next_request_to_another_server(make_org, make_user, login, other_server):
    org = make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    token = issue_token(officer.id, "phone")
    db.session.commit()
    _settle(org, admin, officer)
    browser, api = _signed_in(other_server, officer), other_server.test_client()
    _warm(browser, api, org, token)
    demoted = login(admin).post(f"/o/{org.slug}/admin/users", data={
        "username": officer.username, "display_name": "Demoted", "role": "member"})
    assert demoted.status_code == 303
    assert browser.get(f"/o/{org.slug}/members/").status_code == 404  # a member learns nothing of staff pages
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 404
    assert api.post(f"/api/v1/orgs/{org.slug}/members", json={"name": "Mallory"},
                    headers={**_bearer(token), "Idempotency-Key": "after-demotion"}).status_code == 404
    login(admin).post(f"/o/{org.slug}/admin/users", data={
        "username": officer.username, "display_name": "Officer again", "role": "auditor"})
    assert browser.get(f"/o/{org.slug}/members/").status_code == 403  # known here again, but not staff
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 200  # auditors read...
    assert api.post(f"/api/v1/orgs/{org.slug}/members", json={"name": "Mallory"},
                    headers={**_bearer(token), "Idempotency-Key": "as-auditor"}).status_code == 403  # ...not write


def test_a_password_change_ends_the_other_servers_session_and_tokens(make_org, make_user, other_server, app):
    org = make_org()
    officer = make_user(org, "officer")
    token = issue_token(officer.id, "phone")
    db.session.commit()
    _settle(org, officer)
    stolen, api = _signed_in(other_server, officer), other_server.test_client()
    _warm(stolen, api, org, token)
    own = _signed_in(app, officer)
    changed = own.post("/account", data={"old_password": PASSWORD, "password": "a brand new long password"})
    assert changed.status_code == 303
    assert _sent_to_login(stolen.get(f"/o/{org.slug}/members/"))
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 401
    assert own.get(f"/o/{org.slug}/members/").status_code == 200  # the device she changed it on stays in


def test_turning_the_second_step_on_ends_the_other_servers_sessions(make_org, make_user, other_server, app):
    org = make_org()
    officer = make_user(org, "officer")
    _settle(org, officer)
    stolen = _signed_in(other_server, officer)
    assert stolen.get(f"/o/{org.slug}/members/").status_code == 200
    own = _signed_in(app, officer)
    own.get("/account/two-step")
    with own.session_transaction() as state:
        secret = state["totp_pending"]
    enrolled = own.post("/account/two-step", data={"code": pyotp.TOTP(secret).at(time.time() - 30)})
    assert enrolled.status_code == 200 and "shown only this once" in enrolled.get_data(as_text=True)
    assert _sent_to_login(stolen.get(f"/o/{org.slug}/members/"))
    assert own.get(f"/o/{org.slug}/members/").status_code == 200


def test_an_admins_reset_of_the_second_step_ends_the_other_servers_session_and_tokens(
        make_org, make_user, login, other_server):
    org = make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    authenticator = with_totp(officer)
    token = issue_token(officer.id, "phone")
    db.session.commit()
    _settle(org, admin, officer)
    stolen, api = other_server.test_client(), other_server.test_client()
    assert stolen.post("/login", data={"username": officer.username, "password": PASSWORD}).status_code == 303
    assert stolen.post("/login/code", data={"code": authenticator.now()}).status_code == 303
    _warm(stolen, api, org, token)
    assert login(admin).post(f"/o/{org.slug}/admin/users/{officer.id}/two-step/reset").status_code == 303
    assert _sent_to_login(stolen.get(f"/o/{org.slug}/members/"))
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 401


def test_a_disabled_login_fails_on_the_next_request_to_another_server_and_stays_out(
        make_org, make_user, login, other_server):
    org = make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    token = issue_token(officer.id, "phone")
    db.session.commit()
    _settle(org, admin, officer)
    stolen, api = _signed_in(other_server, officer), other_server.test_client()
    _warm(stolen, api, org, token)
    officer_page = login(admin)
    assert officer_page.post(f"/o/{org.slug}/admin/users/{officer.id}/active", data={"active": "false"}).status_code == 303
    assert _sent_to_login(stolen.get(f"/o/{org.slug}/members/"))
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 401
    assert other_server.test_client().post("/login", data={
        "username": officer.username, "password": PASSWORD}).status_code != 303
    officer_page.post(f"/o/{org.slug}/admin/users/{officer.id}/active", data={"active": "true"})
    assert _sent_to_login(stolen.get(f"/o/{org.slug}/members/"))  # enabling her again brings nothing old back
    assert api.get(f"/api/v1/orgs/{org.slug}/members", headers=_bearer(token)).status_code == 401
