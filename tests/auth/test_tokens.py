"""API tokens: the second step on issue, expiry, last use, list and revoke (API, pages, CLI), and their end
with a password change or a disabled login."""
from __future__ import annotations

from datetime import timedelta

from coop.audit.models import AuditEvent
from coop.auth import services
from coop.auth.models import ApiToken
from coop.extensions import db
from coop.timeutil import utcnow
from tests.auth.helpers import set_org_setting, with_totp
from tests.conftest import PASSWORD


def _issue(client, user, **extra):
    return client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD, **extra})


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _tokens():
    db.session.expire_all()
    return db.session.query(ApiToken).count()


# ---------------------------------------------------------------- 1. the second step is not skipped by the API


def test_token_issue_needs_the_code_when_the_second_step_is_on(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    totp = with_totp(user)
    refused = _issue(client, user)
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert "token" not in refused.get_json() and "code" in refused.get_json()["errors"]
    wrong = _issue(client, user, code="000000" if totp.now() != "000000" else "111111")
    assert wrong.status_code == 401 and "token" not in wrong.get_json()
    assert _tokens() == 0
    issued = _issue(client, user, code=totp.now())
    assert issued.status_code == 201 and issued.get_json()["token"].startswith("coop_")
    assert _me(client, issued.get_json()["token"]).status_code == 200


def test_a_recovery_code_opens_token_issue_once(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    with_totp(user)
    codes = services.new_recovery_codes(user.id)
    db.session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert _issue(client, user, code=codes[0]).status_code == 201
    assert _issue(client, user, code=codes[0]).status_code == 401  # spent
    assert _issue(client, user, code=codes[1].upper()).status_code == 201


def test_wrong_codes_on_token_issue_count_toward_the_lockout(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    totp = with_totp(user)
    for _ in range(3):
        assert _issue(client, user, code="12345x").status_code == 401
    assert _issue(client, user, code=totp.now()).status_code == 401  # locked: even the right code
    assert db.session.query(AuditEvent).filter_by(action="login.lockout", user_id=user.id).count() == 1


# ---------------------------------------------------------------- 4. expiry, last use, list, revoke


def test_tokens_expire_by_policy_and_on_request(make_org, make_user, client):
    org = make_org()
    user = make_user(org, "officer")
    body = _issue(client, user).get_json()
    assert abs((services.tokens_of(user.id)[0].expires_at - utcnow()) - timedelta(days=90)) < timedelta(minutes=1)
    assert body["expires_at"].startswith(str((utcnow() + timedelta(days=90)).date()))
    short = _issue(client, user, expires_in_days=7, label="cron").get_json()
    assert short["label"] == "cron" and short["expires_at"].startswith(str((utcnow() + timedelta(days=7)).date()))
    too_long = _issue(client, user, expires_in_days=400)
    assert too_long.status_code == 422 and "365" in too_long.get_json()["detail"]
    set_org_setting(org, "auth.token_max_days", 30)
    assert _issue(client, user, expires_in_days=31).status_code == 422
    set_org_setting(org, "auth.token_days", 10)
    capped = _issue(client, user).get_json()
    assert capped["expires_at"].startswith(str((utcnow() + timedelta(days=10)).date()))


def test_an_expired_token_is_refused(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    token = _issue(client, user).get_json()["token"]
    assert _me(client, token).status_code == 200
    row = db.session.query(ApiToken).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _me(client, token).status_code == 401


def test_tokens_are_stored_hashed_and_record_their_last_use(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    token = _issue(client, user).get_json()["token"]
    row = db.session.query(ApiToken).one()
    assert token not in (row.token_hash, row.label) and row.last_used_at is None
    _me(client, token)
    db.session.expire_all()
    assert db.session.query(ApiToken).one().last_used_at is not None


def test_list_and_revoke_tokens_through_the_api(make_org, make_user, client):
    org = make_org()
    user, other = make_user(org, "officer"), make_user(org, "officer")
    first = _issue(client, user, label="laptop").get_json()
    second = _issue(client, user, label="script").get_json()["token"]
    foreign = _issue(client, other).get_json()
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {second}"})
    assert listed.status_code == 200
    assert sorted(t["label"] for t in listed.get_json()) == ["laptop", "script"]
    assert all("token" not in t for t in listed.get_json())
    auth = {"Authorization": f"Bearer {second}"}
    assert client.delete(f"/api/v1/tokens/{foreign['id']}", headers=auth).status_code == 404  # not hers
    assert client.delete(f"/api/v1/tokens/{first['id']}", headers=auth).status_code == 204
    assert _me(client, first["token"]).status_code == 401
    assert client.get("/api/v1/tokens").status_code == 401  # no token, no list
    assert db.session.query(AuditEvent).filter_by(action="token.revoked").count() == 1


def test_an_admin_revokes_her_organizations_tokens(make_org, make_user, client, app):
    org, elsewhere = make_org(), make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    stranger = make_user(elsewhere, "officer")
    token = _issue(client, officer).get_json()
    strangers = _issue(client, stranger).get_json()
    admin_token = _issue(client, admin).get_json()["token"]
    auth = {"Authorization": f"Bearer {admin_token}"}
    assert client.delete(f"/api/v1/tokens/{strangers['id']}", headers=auth).status_code == 404
    assert client.delete(f"/api/v1/tokens/{token['id']}", headers=auth).status_code == 204
    assert _me(client, token["token"]).status_code == 401
    assert _me(client, strangers["token"]).status_code == 200


def test_tokens_pages_for_the_owner_and_the_admin(make_org, make_user, login, app):
    org, elsewhere = make_org(), make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    stranger = make_user(elsewhere, "officer")
    mine = services.new_token(officer.id, "phone app")[1]
    services.new_token(admin.id, "admin script")
    theirs = services.new_token(stranger.id, "not here")[1]
    db.session.commit()
    browser = app.test_client()
    browser.post("/login", data={"username": officer.username, "password": PASSWORD})
    page = browser.get("/account/tokens").get_data(as_text=True)
    assert "phone app" in page and "admin script" not in page
    assert browser.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert browser.post(f"/account/tokens/{mine.id}/revoke").status_code == 303
    assert services.tokens_of(officer.id) == []

    again = services.new_token(officer.id, "second phone")[1]
    db.session.commit()
    admin_client = login(admin)
    listing = admin_client.get(f"/o/{org.slug}/admin/tokens").get_data(as_text=True)
    assert "second phone" in listing and "admin script" in listing and "not here" not in listing
    assert admin_client.post(f"/o/{org.slug}/admin/tokens/{theirs.id}/revoke").status_code == 404
    assert admin_client.post(f"/o/{org.slug}/admin/tokens/{again.id}/revoke").status_code == 303
    assert services.tokens_of(officer.id) == []
    assert browser.get(f"/o/{org.slug}/admin/tokens").status_code == 403


def test_tokens_from_the_command_line(make_org, make_user, app):
    user = make_user(make_org(), "officer")
    token, row = services.new_token(user.id, "nightly")
    db.session.commit()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["user", "tokens", user.username])
    assert listed.exit_code == 0 and f"{row.id}\tnightly" in listed.output and token not in listed.output
    revoked = runner.invoke(args=["user", "revoke-token", str(row.id)])
    assert revoked.exit_code == 0, revoked.output
    assert services.user_for_token(token) is None
    assert runner.invoke(args=["user", "revoke-token", "999999"]).exit_code != 0


def test_a_password_change_and_a_disabled_login_end_the_tokens(make_org, make_user, login, client, app):
    org = make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    token = _issue(client, officer).get_json()["token"]
    browser = app.test_client()
    browser.post("/login", data={"username": officer.username, "password": PASSWORD})
    browser.post("/account", data={"old_password": PASSWORD, "password": "another long password"})
    assert _me(client, token).status_code == 401

    token = client.post("/api/v1/tokens", json={"username": officer.username,
                                                "password": "another long password"}).get_json()["token"]
    assert _me(client, token).status_code == 200
    login(admin).post(f"/o/{org.slug}/admin/users/{officer.id}/active", data={"active": "false"})
    assert _me(client, token).status_code == 401
    login(admin).post(f"/o/{org.slug}/admin/users/{officer.id}/active", data={"active": "true"})
    assert _me(client, token).status_code == 401  # enabling her again does not bring old tokens back


# ---------------------------------------------------------------- a code is good once (item 5/1 of issue 15)


def test_an_authenticator_code_is_accepted_once_within_its_window(make_org, make_user, client, app):
    user = make_user(make_org(), "officer")
    totp = with_totp(user)
    code = totp.now()
    assert _issue(client, user, code=code).status_code == 201
    replayed = _issue(client, user, code=code)
    assert replayed.status_code == 401 and "token" not in replayed.get_json()
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": PASSWORD})
    assert browser.post("/login/code", data={"code": code}).status_code == 401  # nor at the login page
    assert _tokens() == 1


def test_an_older_code_is_refused_once_a_newer_one_was_used(make_org, make_user, client):
    import time

    user = make_user(make_org(), "officer")
    totp = with_totp(user)
    newer, older = totp.at(time.time() + 30), totp.at(time.time() - 30)  # both inside the window
    assert _issue(client, user, code=newer).status_code == 201
    assert _issue(client, user, code=older).status_code == 401
