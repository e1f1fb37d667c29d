"""Server-side sessions: a copied cookie dies at logout; idle and absolute timeouts; revocation."""
from __future__ import annotations

from datetime import timedelta

from coop.auth.models import UserSession
from coop.extensions import db
from coop.timeutil import utcnow
from tests.auth.helpers import set_org_setting
from tests.conftest import PASSWORD


def _copy_cookie(source, target):
    target.set_cookie("session", source.get_cookie("session").value)
    return target


def test_a_copied_cookie_gets_the_login_page_after_logout(make_org, make_user, login, app):
    org = make_org()
    client = login(make_user(org, "officer"))
    thief = _copy_cookie(client, app.test_client())
    assert thief.get(f"/o/{org.slug}/").status_code == 200  # the copy works while the session lives
    client.post("/logout")
    response = thief.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert db.session.query(UserSession).one().revoked_at is not None


def test_the_session_is_a_row_and_the_cookie_carries_only_its_random_id(make_org, make_user, login):
    user = make_user(make_org(), "officer")
    client = login(user)
    row = db.session.query(UserSession).one()
    assert row.user_id == user.id and row.ip == "127.0.0.1" and row.revoked_at is None
    with client.session_transaction() as state:
        sid = state["_user_id"]
    assert len(sid) >= 43 and sid != str(user.id) and row.token_hash != sid  # 32 random bytes, stored hashed


def test_an_idle_session_ends(make_org, make_user, login):
    org = make_org()
    set_org_setting(org, "auth.idle_minutes", 5)
    client = login(make_user(org, "officer"))
    row = db.session.query(UserSession).one()
    assert row.idle_minutes == 5
    row.last_seen_at = utcnow() - timedelta(minutes=4)
    db.session.commit()
    assert client.get(f"/o/{org.slug}/").status_code == 200  # and this request counts as activity
    db.session.expire_all()
    assert db.session.query(UserSession).one().last_seen_at > utcnow() - timedelta(minutes=1)
    row = db.session.query(UserSession).one()
    row.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert client.get(f"/o/{org.slug}/").status_code == 302


def test_a_session_ends_at_its_absolute_timeout_however_active(make_org, make_user, login):
    org = make_org()
    set_org_setting(org, "auth.session_hours", 2)
    client = login(make_user(org, "officer"))
    row = db.session.query(UserSession).one()
    assert timedelta(hours=1, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=2)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/o/{org.slug}/").status_code == 302


def test_the_strictest_organization_sets_the_timeout(make_org, make_user, login):
    from coop.auth.services import grant_role

    strict, relaxed = make_org(), make_org()
    set_org_setting(strict, "auth.idle_minutes", 10)
    set_org_setting(relaxed, "auth.idle_minutes", 120)
    user = make_user(relaxed, "officer")
    grant_role(user.id, strict.id, "member")
    db.session.commit()
    login(user)
    assert db.session.query(UserSession).one().idle_minutes == 10


def test_logout_everywhere_revokes_every_session(make_org, make_user, login, app):
    org = make_org()
    user = make_user(org, "officer")
    phone = app.test_client()
    phone.post("/login", data={"username": user.username, "password": PASSWORD})
    laptop = login(user)
    assert "this device" in laptop.get("/account").get_data(as_text=True)
    laptop.post("/logout-everywhere")
    db.session.expire_all()
    assert all(row.revoked_at is not None for row in db.session.query(UserSession))
    assert phone.get(f"/o/{org.slug}/").status_code == 302
    assert laptop.get(f"/o/{org.slug}/").status_code == 302
