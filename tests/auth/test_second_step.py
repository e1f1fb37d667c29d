"""The second login step: recovery codes, the staff policy, an admin's reset of a lost device."""
from __future__ import annotations

import time

import pyotp

from coop.audit.models import AuditEvent
from coop.auth.models import RecoveryCode, User
from coop.extensions import db
from tests.auth.helpers import set_org_setting, with_totp
from tests.conftest import PASSWORD


def _enrol(client):
    client.get("/account/two-step")
    with client.session_transaction() as state:
        secret = state["totp_pending"]
    # the previous step's code (still inside the window): the current one stays unused for what follows
    page = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).at(time.time() - 30)})
    return secret, page


def test_enrolling_shows_ten_recovery_codes_once_and_stores_them_hashed(make_org, make_user, login):
    user = make_user(make_org(), "officer")
    client = login(user)
    secret, page = _enrol(client)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "shown only this once" in text
    codes = [line.split("<code>")[1].split("</code>")[0] for line in text.splitlines() if "<li><code>" in line]
    assert len(codes) == 10
    stored = [row.code_hash for row in db.session.query(RecoveryCode).filter_by(user_id=user.id)]
    assert len(stored) == 10 and not set(stored) & ({c.replace("-", "") for c in codes} | set(codes))
    assert "<li><code>" not in client.get("/account/two-step").get_data(as_text=True)  # never shown again
    again = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})  # the page reloaded
    assert again.status_code == 303 and "<li><code>" not in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret  # still on: a reload does not turn it off


def test_a_recovery_code_logs_in_once(make_org, make_user, app):
    from coop.auth.services import new_recovery_codes

    org = make_org()
    user = make_user(org, "officer")
    with_totp(user)
    codes = new_recovery_codes(user.id)
    db.session.commit()
    first = app.test_client()
    first.post("/login", data={"username": user.username, "password": PASSWORD})
    assert first.post("/login/code", data={"code": codes[3]}).status_code == 303
    assert first.get(f"/o/{org.slug}/").status_code == 200
    second = app.test_client()
    second.post("/login", data={"username": user.username, "password": PASSWORD})
    assert second.post("/login/code", data={"code": codes[3]}).status_code == 401


def test_staff_without_the_second_step_enrol_before_any_other_page(make_org, make_user, app):
    org = make_org()
    set_org_setting(org, "auth.require_totp_staff", True)
    officer, member = make_user(org, "officer"), make_user(org, "member")
    client = app.test_client()
    client.post("/login", data={"username": officer.username, "password": PASSWORD})
    for path in (f"/o/{org.slug}/", f"/o/{org.slug}/ledger/accounts", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-step", path
    assert client.get("/account/two-step").status_code == 200
    refused = client.post("/api/v1/tokens", json={"username": officer.username, "password": PASSWORD})
    assert refused.status_code == 403 and "token" not in refused.get_json()
    _enrol(client)
    assert client.get(f"/o/{org.slug}/ledger/accounts").status_code == 200

    portal = app.test_client()  # members are not covered by the policy
    portal.post("/login", data={"username": member.username, "password": PASSWORD})
    assert portal.get("/").status_code in (200, 302)
    assert portal.get("/").headers.get("Location") != "/account/two-step"


def test_without_the_policy_staff_are_not_forced(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "admin"))
    assert client.get(f"/o/{org.slug}/").status_code == 200


def test_an_admin_resets_a_lost_device_with_an_audit_row(make_org, make_user, login, app):
    from coop.auth.services import new_recovery_codes

    org, elsewhere = make_org(), make_org()
    admin, officer = make_user(org, "admin"), make_user(org, "officer")
    other_admin = make_user(elsewhere, "admin")
    with_totp(officer)
    new_recovery_codes(officer.id)
    db.session.commit()
    outsider = login(other_admin)
    assert outsider.post(f"/o/{elsewhere.slug}/admin/users/{officer.id}/two-step/reset").status_code == 404
    client = app.test_client()
    client.post("/login", data={"username": admin.username, "password": PASSWORD})
    assert "Reset lost authenticator" in client.get(f"/o/{org.slug}/admin/users").get_data(as_text=True)
    assert client.post(f"/o/{org.slug}/admin/users/{officer.id}/two-step/reset").status_code == 303
    db.session.expire_all()
    assert db.session.get(User, officer.id).totp_secret is None
    assert db.session.query(RecoveryCode).filter_by(user_id=officer.id).count() == 0
    event = db.session.query(AuditEvent).filter_by(action="totp.reset").one()
    assert (event.org_id, event.user_id, event.target_id) == (org.id, admin.id, str(officer.id))
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": officer.username, "password": PASSWORD}).headers["Location"] == "/"


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(make_org, make_user):
    from coop.auth.services import new_recovery_codes, recovery_codes_left

    user = make_user(make_org(), "officer")
    totp = with_totp(user)
    old = new_recovery_codes(user.id)
    db.session.commit()
    from flask import current_app

    client = current_app.test_client()  # she has the second step: log in through both steps
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    client.post("/login/code", data={"code": old[0]})
    assert "9 unused recovery codes" in client.get("/account/two-step").get_data(as_text=True)
    refused = client.post("/account/two-step/recovery-codes", data={"code": old[1]})  # not an authenticator code
    assert refused.status_code == 303 and recovery_codes_left(user.id) == 9
    page = client.post("/account/two-step/recovery-codes", data={"code": totp.now()})
    assert page.status_code == 200 and page.get_data(as_text=True).count("<li><code>") == 10
    db.session.expire_all()
    assert recovery_codes_left(user.id) == 10
    again = current_app.test_client()
    again.post("/login", data={"username": user.username, "password": PASSWORD})
    assert again.post("/login/code", data={"code": old[2]}).status_code == 401  # the old ones are void


def test_the_second_step_stays_on_where_the_policy_requires_it(make_org, make_user, app):
    org = make_org()
    set_org_setting(org, "auth.require_totp_staff", True)
    user = make_user(org, "officer")
    totp = with_totp(user)
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    client.post("/login/code", data={"code": totp.at(time.time() - 30)})
    client.post("/account/two-step/off", data={"code": totp.now()}, headers={"Referer": "/account/two-step"})
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is not None


def test_turning_the_second_step_off_needs_a_current_code(make_org, make_user, login):
    user = make_user(make_org(), "officer")
    client = login(user)
    secret, _ = _enrol(client)
    client.post("/account/two-step/off", data={"code": "99999x"}, headers={"Referer": "/account/two-step"})
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    assert client.post("/account/two-step/off", data={"code": pyotp.TOTP(secret).now()}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    assert db.session.query(RecoveryCode).filter_by(user_id=user.id).count() == 0
