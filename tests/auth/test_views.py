from coop.audit.models import AuditEvent
from coop.auth.models import User
from coop.extensions import db
from tests.conftest import PASSWORD


def test_login_and_logout(make_org, make_user, client):
    org = make_org()
    user = make_user(org, "officer")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 303
    assert client.get(f"/o/{org.slug}/").status_code == 200
    client.post("/logout")
    assert client.get(f"/o/{org.slug}/").status_code == 302


def test_wrong_password_is_refused_and_logged(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    response = client.post("/login", data={"username": user.username, "password": "nope"}, follow_redirects=True)
    assert b"Wrong username or password" in response.data
    assert db.session.query(AuditEvent).filter_by(action="login.failed", user_id=user.id).count() == 1


def test_repeated_failures_lock_the_account(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "wrong"})
    response = client.post("/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True)
    assert b"locked" in response.data
    assert db.session.query(AuditEvent).filter_by(action="login.lockout", user_id=user.id).count() == 1
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None


def test_logout_everywhere_revokes_other_sessions(app, make_org, make_user, login):
    org = make_org()
    user = make_user(org, "officer")
    phone = app.test_client()
    phone.post("/login", data={"username": user.username, "password": PASSWORD})
    laptop = login(user)
    assert phone.get(f"/o/{org.slug}/").status_code == 200
    laptop.post("/logout-everywhere")
    assert phone.get(f"/o/{org.slug}/").status_code == 302


def test_open_redirect_is_refused(make_org, make_user, client):
    user = make_user(make_org(), "officer")
    response = client.post("/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD})
    assert "evil" not in response.headers["Location"]


def test_csrf_is_enforced_on_forms(database_url, make_org, make_user):
    from coop import create_app

    org = make_org()
    user = make_user(org, "officer")
    strict = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SESSION_COOKIE_SECURE": False})
    client = strict.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 400


def test_security_headers_and_no_store(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    response = client.get(f"/o/{org.slug}/ledger/accounts", headers={"Accept-Encoding": "gzip"})
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Encoding"] == "gzip"


def test_user_of_another_organization_gets_404(make_org, make_user, login):
    org, other = make_org(), make_org()
    client = login(make_user(other, "admin"))
    assert client.get(f"/o/{org.slug}/ledger/accounts").status_code == 404
    assert client.get(f"/o/{org.slug}/reports/trial-balance").status_code == 404


def test_role_is_checked(make_org, make_user, login):
    org = make_org()
    attendant = login(make_user(org, "attendant"))
    assert attendant.get(f"/o/{org.slug}/ledger/entries/new").status_code == 403


def test_member_gets_404_on_staff_pages(make_org, make_user, login):
    org = make_org()
    member = login(make_user(org, "member"))
    for path in ("ledger/accounts", "ledger/entries", "reports/trial-balance", "reports/parties/1"):
        assert member.get(f"/o/{org.slug}/{path}").status_code == 404


def test_admin_adds_a_user_who_can_log_in_once_shown_her_password(make_org, make_user, login, app):
    org = make_org()
    admin = login(make_user(org, "admin"))
    response = admin.post(f"/o/{org.slug}/admin/users", data={"username": "liza", "display_name": "Liza",
                                                              "role": "officer"}, follow_redirects=True)
    text = response.data.decode()
    password = text.split("shown once): ")[1].split("<")[0].strip()
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "liza", "password": password}).status_code == 303
    assert fresh.get(f"/o/{org.slug}/ledger/entries/new").status_code == 200
    from coop.auth.services import find_user

    admin.post(f"/o/{org.slug}/admin/users/{find_user('liza').id}/active", data={"active": "false"})
    assert fresh.get(f"/o/{org.slug}/ledger/entries/new").status_code == 302  # her session ended


def test_audit_log_page_for_auditor_only(make_org, make_user, login, app):
    org = make_org()
    officer = make_user(org, "officer")
    assert login(officer).get(f"/o/{org.slug}/admin/audit").status_code == 403
    auditor = app.test_client()
    auditor.post("/login", data={"username": make_user(org, "auditor").username, "password": PASSWORD})
    assert auditor.get(f"/o/{org.slug}/admin/audit").status_code == 200


def test_change_password_ends_the_other_sessions(make_org, make_user, login, app):
    user = make_user(make_org(), "officer")
    phone = app.test_client()
    phone.post("/login", data={"username": user.username, "password": PASSWORD})
    client = login(user)
    assert client.post("/account", data={"old_password": PASSWORD, "password": "a-brand-new-pass"}).status_code == 303
    assert client.get("/account").status_code == 200  # the device she changed it on stays in
    assert phone.get("/account").status_code == 302  # every other one is out
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": user.username, "password": "a-brand-new-pass"}).status_code == 303


def test_second_login_step_with_an_authenticator(make_org, make_user, login, app):
    import time

    import pyotp

    org = make_org()
    user = make_user(org, "officer")
    client = login(user)
    client.get("/account/two-step")
    with client.session_transaction() as state:
        secret = state["totp_pending"]
    assert client.get("/account/two-step/qr.svg").mimetype == "image/svg+xml"
    assert client.post("/account/two-step", data={"code": "000000"}).status_code == 303  # wrong: refused
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    client.post("/account/two-step", data={"code": pyotp.TOTP(secret).at(time.time() - 30)})
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret

    fresh = app.test_client()
    step = fresh.post("/login", data={"username": user.username, "password": PASSWORD})
    assert step.headers["Location"].startswith("/login/code")
    assert fresh.get(f"/o/{org.slug}/").status_code == 302  # not logged in yet
    assert fresh.post("/login/code", data={"code": "123456"}).status_code == 401
    assert fresh.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 303
    assert fresh.get(f"/o/{org.slug}/").status_code == 200


def test_an_ngo_admin_cannot_take_the_cooperatives_admin_login_into_her_organization(make_org, make_user, login, app):
    """Typing another organization's username on 'add user' gave that login a role here; this admin could then
    disable it everywhere, end its sessions and tokens, and clear its second login step."""
    from coop.auth.models import OrgRole
    coop_org, ngo = make_org("cooperative"), make_org("ngo")
    treasurer = make_user(coop_org, "admin")
    ngo_admin = login(make_user(ngo, "admin"))
    response = ngo_admin.post(f"/o/{ngo.slug}/admin/users", data={"username": treasurer.username,
                                                                   "display_name": "Helper", "role": "officer"},
                              headers={"Referer": f"http://localhost/o/{ngo.slug}/admin/users"})
    assert response.status_code == 303
    page = ngo_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "already used" in page
    assert db.session.query(OrgRole).filter_by(user_id=treasurer.id, org_id=ngo.id).count() == 0
    assert ngo_admin.post(f"/o/{ngo.slug}/admin/users/{treasurer.id}/active", data={"active": "false"}).status_code == 404
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": treasurer.username, "password": PASSWORD}).status_code == 303


def test_a_login_shared_by_two_organizations_is_disabled_or_reset_only_by_the_operator(make_org, make_user,
                                                                                       login, app):
    """The server's operator may give one login roles in two organizations (coop user add); neither organization's
    admin alone may then disable it or clear its second step: that would lock her out of the other one too."""
    from coop.auth.services import grant_role
    coop_org, ngo = make_org("cooperative"), make_org("ngo")
    both = make_user(coop_org, "officer")
    grant_role(both.id, ngo.id, "grant_staff")
    both.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    ngo_admin = login(make_user(ngo, "admin"))
    headers = {"Referer": f"http://localhost/o/{ngo.slug}/admin/users"}
    for path, data in ((f"/o/{ngo.slug}/admin/users/{both.id}/active", {"active": "false"}),
                       (f"/o/{ngo.slug}/admin/users/{both.id}/two-step/reset", {})):
        response = ngo_admin.post(path, data=data, headers=headers)
        assert response.status_code == 303
        page = ngo_admin.get(response.headers["Location"]).get_data(as_text=True)
        assert "another organization" in page
    db.session.refresh(both)
    assert both.active and both.totp_secret == "JBSWY3DPEHPK3PXP"

    # the operator can, from the command line, and the change reaches her next request
    her = app.test_client()
    assert her.post("/login", data={"username": both.username, "password": PASSWORD}).status_code == 303
    runner = app.test_cli_runner()
    reset = runner.invoke(args=["user", "reset-second-step", both.username, "--org", ngo.slug])
    assert reset.exit_code == 0, reset.output
    disabled = runner.invoke(args=["user", "disable", both.username, "--org", coop_org.slug])
    assert disabled.exit_code == 0, disabled.output
    db.session.expire_all()
    assert not both.active and both.totp_secret is None
    assert her.get(f"/o/{coop_org.slug}/").status_code in (302, 303)  # her open session ended
    assert app.test_client().post("/login", data={"username": both.username, "password": PASSWORD}).status_code != 303
    assert runner.invoke(args=["user", "enable", both.username, "--org", ngo.slug]).exit_code == 0
    assert app.test_client().post("/login", data={"username": both.username, "password": PASSWORD}).status_code == 303
    for wrong in (["user", "disable", "nobody", "--org", ngo.slug], ["user", "disable", both.username, "--org", "nowhere"]):
        refused = runner.invoke(args=wrong)
        assert refused.exit_code != 0 and "Traceback" not in refused.output
    stranger = make_user(make_org("cooperative"), "officer")
    refused = runner.invoke(args=["user", "disable", stranger.username, "--org", ngo.slug])
    assert refused.exit_code != 0 and "No such user" in refused.output
