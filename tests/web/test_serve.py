"""`coop serve` (waitress) and the trusted-proxy setting behind nginx or Caddy."""
from sqlalchemy import select

from coop import create_app
from coop.audit.models import AuditEvent
from coop.cli import serve as serve_module
from coop.extensions import db
from tests.conftest import PASSWORD


def test_serve_runs_waitress_with_the_threads_and_connection_limit_of_the_settings(app, monkeypatch):
    called = {}
    monkeypatch.setattr(serve_module.waitress, "serve", lambda wsgi, **options: called.update(options, app=wsgi))
    app.config.update(SERVE_THREADS=3, SERVE_CONNECTION_LIMIT=42)
    result = app.test_cli_runner().invoke(args=["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert called["threads"] == 3 and called["connection_limit"] == 42 and called["port"] == 8123
    assert called["app"] is app


def test_behind_a_trusted_proxy_https_hsts_and_the_audited_address_are_the_clients(database_url, make_org, make_user):
    user = make_user(make_org(), "officer")
    username, user_id = user.username, user.id
    db.session.commit()  # reading them began a transaction: SQLite's write lock is the served app's now
    proxied = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                          "TRUSTED_PROXIES": 1})
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "coop.example"}
    with proxied.test_client() as client:
        response = client.post("/login", data={"username": username, "password": PASSWORD}, headers=forwarded)
        assert response.status_code == 303
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in response.headers["Set-Cookie"]
    with proxied.app_context():
        addresses = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.user_id == user_id)).all()
        db.session.remove()
        db.engine.dispose()
    assert addresses and set(addresses) == {"203.0.113.7"}


def test_without_the_setting_forwarded_headers_are_not_believed(app, client, make_org, make_user):
    user = make_user(make_org(), "officer")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    assert "Strict-Transport-Security" not in response.headers
    addresses = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.user_id == user.id)).all()
    assert "203.0.113.7" not in addresses
