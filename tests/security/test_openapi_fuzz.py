"""Item 12 of issue 15: schemathesis over /api/v1/openapi.json on a seeded app: no 5xx, no answer off its schema.

One seeded database for the module (the demo cooperative and NGO); every operation is called with
generated input as an officer (coop) and an admin (NGO). Marked slow: `-m "not slow"` leaves it out.
"""
from __future__ import annotations

import shutil

import pytest
import schemathesis
from schemathesis.checks import content_type_conformance, response_schema_conformance
from hypothesis import HealthCheck, Phase, given, settings

from coop import create_app
from coop.extensions import db
from tests.conftest import DATABASE_URL, ON_POSTGRES

pytestmark = pytest.mark.slow
EXAMPLES = 8


@pytest.fixture(scope="module")
def seeded(database_template, tmp_path_factory):
    if ON_POSTGRES:
        from sqlalchemy import create_engine, text

        engine = create_engine(DATABASE_URL)
        with engine.begin() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            conn.execute(text("SET LOCAL coop.allow_truncate = 'on'"))
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        engine.dispose()
        url = DATABASE_URL
    else:
        path = tmp_path_factory.mktemp("fuzz") / "coop.sqlite"
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        from coop.auth import services as auth
        from coop.auth.models import User
        from coop.demo import seed

        seed()
        db.session.commit()
        tokens = {}
        for username in ("officer", "ngo-admin"):
            user = db.session.scalar(db.select(User).where(User.username == username))
            tokens[username] = auth.issue_token(user.id, "fuzz")
        db.session.commit()
        db.session.remove()
    yield app, tokens
    with app.app_context():
        db.engine.dispose()


def test_no_server_errors_and_answers_match_the_schema(seeded):
    app, tokens = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, calls = [], [0]
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def call(case):
            path = case.path_parameters or {}
            if "org" in path:
                path["org"] = "batis" if "grants" in case.path else "dawn-mpc"
            for name in list(path):
                if name != "org" and isinstance(path[name], int):
                    path[name] = path[name] % 8 + 1  # the demo's records, so answers carry data
            token = tokens["ngo-admin"] if path.get("org") == "batis" else tokens["officer"]
            with app.app_context():
                response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
                db.session.remove()
            calls[0] += 1
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.body, response.text[:300]))
                return
            try:
                case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])
            except BaseException as exc:  # schemathesis raises a group of failures
                failures.append((case.method, case.formatted_path, case.body, str(exc)[:600]))

        call()
    assert calls[0] > 100
    assert failures == []
