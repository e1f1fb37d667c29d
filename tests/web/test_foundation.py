"""The application's foundations: configuration, cookies, passwords, and the coop commands."""
import re

from sqlalchemy import func, select

from coop.audit.models import AuditEvent
from coop.auth.models import User
from coop.extensions import db
from coop.ledger.models import JournalEntry, JournalLine
from coop.orgs.models import Organization
from tests.conftest import PASSWORD


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    from coop import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 64 and config.load(str(tmp_path))["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_default_database_is_sqlite_in_the_instance_folder_and_cookies_are_secure(tmp_path, monkeypatch):
    from coop import config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("COOP_INSECURE_COOKIES", raising=False)
    settings = config.load(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'coop.sqlite'}"
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == settings["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert settings["REMEMBER_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_HTTPONLY"]
    monkeypatch.setenv("COOP_INSECURE_COOKIES", "1")
    assert not config.load(str(tmp_path))["SESSION_COOKIE_SECURE"]


def test_sqlite_runs_in_wal_mode(app):
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"


def test_session_cookie_flags(database_url, make_org, make_user):
    from coop import create_app

    username = make_user(make_org(), "officer").username
    db.session.commit()  # end the read: on SQLite the second app below needs the write lock
    secure = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    response = secure.test_client().post("/login", data={"username": username, "password": PASSWORD})
    with secure.app_context():
        db.engine.dispose()  # its pooled connection must not outlive the test
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_argon2id_hashes(make_org, make_user):
    user = make_user(make_org(), "officer")
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")


def test_login_and_period_close_are_audited_with_origin(make_org, make_user, client):
    org = make_org()
    user = make_user(org, "officer")
    client.post("/login", data={"username": user.username, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    client.post(f"/o/{org.slug}/ledger/periods/close", data={"year": "2026", "month": "1"},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})  # a session is bound to its origin
    events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id))}
    assert events["login"].ip == "10.1.2.3" and events["period.close"].target_id == "2026-01"


def test_demo_twice_changes_nothing_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert re.search(r"officer\s+demo-officer-pass\s+officer\s+dawn-mpc", first.output)

    def sizes():
        return tuple(db.session.scalar(select(func.count()).select_from(t))
                     for t in (Organization, User, JournalEntry, JournalLine))

    before = sizes()
    assert before[0] == 2 and before[2] > 0
    db.session.commit()  # end the read before the command writes
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and sizes() == before
    assert runner.invoke(args=["ledger", "check"]).exit_code == 0


def test_init_and_user_add(app, make_org):
    org = make_org()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    added = runner.invoke(args=["user", "add", "treasurer", "--org", org.slug, "--role", "officer",
                                "--password", "a long enough password"])
    assert added.exit_code == 0, added.output
    client = app.test_client()
    assert client.post("/login", data={"username": "treasurer", "password": "a long enough password"}).status_code == 303
    assert client.get(f"/o/{org.slug}/ledger/entries/new").status_code == 200


def test_user_add_refuses_in_one_line_not_a_traceback(app, make_org):
    """An unknown role printed a Python traceback; an unknown organization and a short password did too."""
    org = make_org()
    runner = app.test_cli_runner()
    for args, said in ((["--org", org.slug, "--role", "treasurer"], "treasurer"),
                       (["--org", "nowhere", "--role", "officer"], "organization"),
                       (["--org", org.slug, "--role", "officer", "--password", "short"], "")):
        password = [] if "--password" in args else ["--password", "a long enough password"]
        refused = runner.invoke(args=["user", "add", "treasurer", *args, *password])
        assert refused.exit_code != 0 and isinstance(refused.exception, SystemExit)  # click's own exit, no raise
        assert "Traceback" not in refused.output and said in refused.output, refused.output


def test_the_audit_log_is_append_only(make_org):
    import pytest

    from coop.audit import services as audit

    audit.record("test.event", org_id=make_org().id, user_id=None)
    db.session.commit()
    for change in (AuditEvent.__table__.update().values(action="forged"), AuditEvent.__table__.delete()):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(change)
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.event")) == 1
