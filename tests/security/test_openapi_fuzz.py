"""Item 12 of issue 15: schemathesis over /api/v1/openapi.json on a seeded app: no 5xx, no answer off its schema.

One seeded database for the module (the demo cooperative and NGO); every operation is called with
generated input as every demo role of the organization it belongs to (admin, officer, auditor, attendant,
member of the cooperative; admin and grant staff of the NGO). A refusal (403/404) must be documented
problem+json like any other answer. Marked slow: `-m "not slow"` leaves it out.
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis.checks import content_type_conformance, response_schema_conformance
from hypothesis import HealthCheck, Phase, given, settings

from coop.demo import DEMO_USERS
from coop.extensions import db

pytestmark = pytest.mark.slow
EXAMPLES = 8  # for the roles that reach every operation's data (officer, NGO admin)
EXAMPLES_OTHERS = 2  # the other roles: mostly refusals, which must be documented answers too


ROLES = {slug: [u for u, _p, _n, _r, s in DEMO_USERS if s == slug] for slug in ("dawn-mpc", "batis")}


@pytest.mark.parametrize("who", [f"{u}@{s}" for s, users in ROLES.items() for u in users])
def test_no_server_errors_and_answers_match_the_schema(seeded_demo, who):
    app, tokens = seeded_demo
    username, slug = who.split("@")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, calls = [], [0]
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES if username in ("officer", "ngo-admin") else EXAMPLES_OTHERS, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def call(case):
            path = case.path_parameters or {}
            if "org" in path:
                path["org"] = slug
            for name in list(path):
                if name != "org" and isinstance(path[name], int):
                    path[name] = path[name] % 8 + 1  # the demo's records, so answers carry data
            token = tokens[username]
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
    assert calls[0] > 100 if username in ("officer", "ngo-admin") else calls[0] > 30
    assert failures == [], "\n".join(f"{m} {p}: {t[:300]}" for m, p, _b, t in failures)
