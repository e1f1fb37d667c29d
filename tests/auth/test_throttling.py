"""Lockout counted in the database (parallel guesses included) and per-address throttles."""
from __future__ import annotations

import threading

import pytest

from coop.auth import services
from coop.auth.models import Throttle, User
from coop.extensions import db
from tests.conftest import PASSWORD

# Windows are fixed (aligned to multiples of their length): tests use one long enough that a slow run
# never straddles a boundary, which would start a fresh count halfway through.
LONG = 10**7


class CountingHasher:
    """The real hasher, counting how many passwords it was asked to check."""

    def __init__(self, real):
        self.real, self.checked, self.lock = real, 0, threading.Lock()

    def verify(self, *args):
        with self.lock:
            self.checked += 1
        return self.real.verify(*args)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _in_parallel(app, n, request):
    """n requests at once, each from its own thread and client; their status codes."""
    barrier, codes, errors = threading.Barrier(n), [], []

    def worker():
        with app.app_context():  # its own context and database session, as in a server's worker
            client = app.test_client()
            barrier.wait()
            try:
                codes.append(request(client).status_code)
            except Exception as exc:  # reported by the test
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return codes


@pytest.mark.parametrize("path", ["/login", "/api/v1/tokens"])
def test_forty_parallel_wrong_passwords_are_checked_at_most_limit_times(app, make_org, make_user, monkeypatch, path):
    user = make_user(make_org(), "officer")
    username = user.username
    app.config["THROTTLE_LOGIN"] = (1000, LONG)  # this test is about the account's lockout, not the address
    hasher = CountingHasher(services._hasher)
    monkeypatch.setattr(services, "_hasher", hasher)
    db.session.remove()  # hold no transaction (SQLite: no lock) while the threads run

    def guess(client):
        if path == "/login":
            return client.post("/login", data={"username": username, "password": "wrong guess"})
        return client.post(path, json={"username": username, "password": "wrong guess"})

    codes = _in_parallel(app, 40, guess)
    assert sorted(set(codes)) == [401]
    assert hasher.checked <= app.config["LOGIN_MAX_FAILURES"], f"{hasher.checked} passwords were checked"
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None
    right = app.test_client().post("/login", data={"username": username, "password": PASSWORD})
    assert right.status_code == 401 and hasher.checked <= app.config["LOGIN_MAX_FAILURES"]


@pytest.mark.postgres
def test_parallel_guesses_on_postgresql_are_checked_at_most_limit_times(app, make_org, make_user, monkeypatch):
    # the same race on PostgreSQL, where requests really run at once (SQLite queues writers)
    test_forty_parallel_wrong_passwords_are_checked_at_most_limit_times(app, make_org, make_user, monkeypatch, "/login")


def test_sprayed_passwords_from_one_address_get_429(app, make_org, make_user, client):
    org = make_org()
    names = [make_user(org, "member").username for _ in range(5)] + [f"nobody{n}" for n in range(5)]
    limit = app.config["THROTTLE_LOGIN"][0]
    app.config["THROTTLE_LOGIN"] = (limit, LONG)
    codes = [client.post("/login", data={"username": names[n % len(names)], "password": "Summer2026!"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code for n in range(limit + 3)]
    assert codes[:limit] == [401] * limit and codes[limit:] == [429] * 3
    refused = client.post("/login", data={"username": names[0], "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= LONG
    api = client.post("/api/v1/tokens", json={"username": names[0], "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert api.status_code == 429 and api.mimetype == "application/problem+json" and "Retry-After" in api.headers
    assert "token" not in api.get_json()
    other = client.post("/login", data={"username": names[0], "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 303  # another address is not held back


def test_an_office_behind_one_address_is_not_throttled_by_its_own_logins(app, make_org, make_user):
    org = make_org()
    app.config["THROTTLE_LOGIN"] = (3, LONG)
    users = [make_user(org, "officer") for _ in range(6)]
    for user in users:
        assert app.test_client().post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 303
    assert db.session.query(Throttle).one().hits == 0  # successes give their attempt back


def test_the_public_application_form_is_throttled_per_address(app, make_org, client):
    org = make_org("cooperative")
    app.config["THROTTLE_APPLY"] = (3, LONG)
    codes = [client.post(f"/o/{org.slug}/apply", data={"name": f"Applicant {n}", "barangay": "Tumana"}).status_code
             for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    from coop.members.models import Member

    assert db.session.query(Member).count() == 3
    elsewhere = client.post(f"/o/{org.slug}/apply", data={"name": "Neighbour", "barangay": "Tumana"},
                            environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 200


def test_behind_a_trusted_proxy_the_clients_address_is_throttled(database_url, make_org, make_user):
    from coop import create_app

    username = make_user(make_org(), "officer").username
    db.session.commit()  # the test's own session holds no transaction (SQLite: no lock) while the other app runs
    proxied = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                          "SESSION_COOKIE_SECURE": False, "TRUSTED_PROXIES": 1, "THROTTLE_LOGIN": (2, LONG)})
    try:
        client = proxied.test_client()
        wrong = {"username": username, "password": "nope"}
        for _ in range(2):
            client.post("/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.5"})
        assert client.post("/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
        ok = client.post("/login", data={"username": username, "password": PASSWORD},
                         headers={"X-Forwarded-For": "198.51.100.1"})
        assert ok.status_code == 303
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_ended_windows_are_cleaned_up_and_the_current_one_kept(app):
    from datetime import timedelta

    from coop.timeutil import utcnow

    db.session.add(Throttle(bucket="login", address="192.0.2.1", window_start=utcnow() - timedelta(days=2), hits=9))
    db.session.add(Throttle(bucket="apply", address="192.0.2.1", window_start=utcnow() - timedelta(days=2), hits=9))
    db.session.flush()
    services.throttle("login", "192.0.2.2", limit=5, window_seconds=3600)
    services.throttle("login", "192.0.2.2", limit=5, window_seconds=3600)
    rows = sorted((row.bucket, row.address, row.hits) for row in db.session.query(Throttle))
    assert rows == [("apply", "192.0.2.1", 9), ("login", "192.0.2.2", 2)]
    db.session.rollback()
