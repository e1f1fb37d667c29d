"""One seeded demo (the cooperative and the NGO) per test module, for the suites that call every route."""
from __future__ import annotations

import pytest

from coop import create_app
from coop.extensions import db
from tests.conftest import RequestClient, empty_database


@pytest.fixture(scope="module")
def seeded_demo(database_template, tmp_path_factory):
    """The demo seeded once for the module; yields the app and each demo user's API token."""
    url = empty_database(database_template, tmp_path_factory.mktemp("demo"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False,
                      # every suite here logs in and calls far more than an office would: no per-address throttle
                      "THROTTLE_LOGIN": (10**6, 60), "THROTTLE_APPLY": (10**6, 60)})
    app.test_client_class = RequestClient
    with app.app_context():
        from coop.auth import services as auth
        from coop.auth.models import User
        from coop.demo import DEMO_USERS, seed

        seed()
        db.session.commit()
        tokens = {}
        for username, *_rest in DEMO_USERS:
            user = db.session.scalar(db.select(User).where(User.username == username))
            tokens[username] = auth.issue_token(user.id, "suite")
        db.session.commit()
        db.session.remove()
    yield app, tokens
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
