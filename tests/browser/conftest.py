"""Shared fixtures for browser tests: the real app on a live server, driven by headless chromium.

Every test module in tests/browser/ is marked `browser` automatically. Without /usr/bin/chromium
(or without Playwright) the tests skip, unless COOP_REQUIRE_BROWSER=1 (CI sets it): then they fail.

Fixtures
- `live_server`: the app served over plain http on 127.0.0.1 (a free port) by werkzeug in a
  thread, on this test's database (the `database_url` fixture, emptied for every test), with CSRF
  ON as in production and cookies without the Secure flag (plain http). `live_server.url` is the
  base URL, `live_server.app` the served app. A server error (500) in any request fails the test.
- `page`: a Playwright page (desktop, 1280x800, English) whose relative URLs go to the live
  server: `page.goto("/login")`.
- `phone_page`: the same on a small phone (360x640, touch, mobile user agent).
- `browser`: the session's chromium, for tests that need several pages at once
  (`browser.new_context(base_url=live_server.url)`).
- `log_in(page, user_or_username, password=PASSWORD)`: logs in through the login form and waits
  until the browser has left it. The users come from the usual `make_org`/`make_user` fixtures.
- `shot(page, "name")`: saves a full-page PNG and returns its path, so you can look at it
  (in $COOP_SCREENSHOTS if set, else in pytest's temporary directory of the run).

Example:

    def test_officer_sees_accounts(make_org, make_user, page, log_in, shot):
        org = make_org()
        officer = make_user(org, "officer")
        log_in(page, officer)
        page.goto(f"/o/{org.slug}/ledger/accounts")
        assert page.get_by_role("heading", name="Accounts").is_visible()
        shot(page, "accounts")

Data set up by the test through services must be committed (`db.session.commit()`, as the
factories do) before the browser asks for it. On SQLite the test's own session runs in
autocommit mode while the server is up (the app's transactions take the write lock at BEGIN, and
a test reading `org.slug` would otherwise hold it and stall the server), so the test always
reads what the server wrote last.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True,
         "user_agent": "Mozilla/5.0 (Linux; Android 11; SM-A025F) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/120.0 Mobile Safari/537.36"}
TIMEOUT_MS = 15_000

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _unavailable()
    if missing:
        if os.environ.get("COOP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here, but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.errors: list[BaseException] = []
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_server(app, database_url, browser):
    # `app` (the tests' own app, CSRF off) keeps its context for the factories; the served app is
    # a second instance on the same database, configured as in production but for plain http.
    from flask import got_request_exception

    from coop import create_app
    from coop.extensions import db

    from coop.web.transactions import begin_transaction
    from sqlalchemy import event

    db.session.commit()
    if db.engine.dialect.name == "sqlite" and event.contains(db.engine, "begin", begin_transaction):
        event.remove(db.engine, "begin", begin_transaction)
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True,
                         "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    server = LiveServer(served)

    def record(sender, exception, **extra):
        server.errors.append(exception)

    got_request_exception.connect(record, served)
    server.start()
    yield server
    server.stop()
    got_request_exception.disconnect(record, served)
    with served.app_context():
        db.engine.dispose()
    if server.errors:
        pytest.fail(f"the server failed: {server.errors[0]!r}")


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, new = _new_page(browser, live_server, viewport={"width": 1280, "height": 800})
    yield new
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, new = _new_page(browser, live_server, **PHONE)
    yield new
    context.close()


@pytest.fixture
def log_in():
    def do(page, user, password: str = PASSWORD):
        username = user if isinstance(user, str) else user.username
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert "/login" not in page.url, f"login as {username} failed: {page.inner_text('main')[:300]}"
        return page

    return do


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    chosen = os.environ.get("COOP_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(screenshot_dir):
    def take(page, name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
