"""The access matrix of issue 15, generated from the URL map: a new route is covered without editing this file.

Every route under an organization (`/o/<org>/...`, `/api/v1/orgs/<org>/...`) and every method it takes is
called, on the seeded demo, as:
- nobody: the login page (pages) or 401 (API), never the record;
- a user of the other organization: 404, whatever her role there;
- the auditor, with any method but GET: refused (403/404/405), nothing changed;
- member A: 404 on every route her role does not declare; on hers, with every id of the demo's records,
  never a page that shows another member's name, and no write on another member's record;
- an admin of the organization, with ids no record has (random, up to 2^31-1): 4xx, nothing changed.
No answer is a 5xx.
"""
from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import func, or_, select

from coop import create_app
from coop.extensions import db

_ARG = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?(\w+)>")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
COOP, NGO = "dawn-mpc", "batis"
# rows that a refused request may still write, on purpose: the audit row of the refusal, the login's session
UNWATCHED = {"audit_event", "user_session", "throttle", "alembic_version"}


def _routes() -> list[tuple[str, str, str, tuple[str, ...] | None]]:
    """(rule, method, endpoint, roles its view declares) for every route under an organization."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if "org" not in rule.arguments or rule.endpoint == "static":
            continue
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, rule.endpoint, roles))
    return found


ROUTES = _routes()
PUBLIC = [r for r in ROUTES if r[3] is None]  # the public application form, the SMS gateway's hook
GUARDED = [r for r in ROUTES if r[3] is not None]
ID = [f"{m} {rule}" for rule, m, _e, _r in GUARDED]


def _has_ids(rule: str) -> bool:
    return any(kind in ("int", None) and name != "org" for kind, name in _ARG.findall(rule))


def home_org(rule: str) -> str:
    """The demo organization whose records a route is about (grants, cases and groups live in the NGO)."""
    return NGO if any(part in rule for part in ("/grants", "/cases", "/groups")) else COOP


def url_for_rule(rule: str, org: str, ids: int | None = None) -> str:
    def fill(match):
        kind, name = match.group(1), match.group(2)
        if name == "org":
            return org
        if kind == "int" or kind is None and name.endswith("_id"):
            return str(ids if ids is not None else 1)
        return "x.pdf" if kind == "path" else "x"

    return _ARG.sub(fill, rule)


class Caller:
    """Calls a route as one demo user: pages with her session, the API with her token."""

    def __init__(self, app, tokens, username: str | None):
        from coop.demo import DEMO_USERS

        self.app, self.token = app, tokens.get(username) if username else None
        self.client = app.test_client()
        if username:
            password = {u: p for u, p, *_rest in DEMO_USERS}[username]
            response = self.client.post("/login", data={"username": username, "password": password})
            assert response.status_code == 303, f"{username} cannot log in"

    def call(self, method: str, url: str):
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            if method in WRITES:
                headers["Idempotency-Key"] = f"matrix-{random.getrandbits(64):x}"
            return self.client.open(url, method=method, headers=headers, json={} if method in WRITES else None)
        return self.client.open(url, method=method, data={} if method in WRITES else None,
                                headers={"Referer": "http://localhost/"})


def snapshot() -> dict[str, int]:
    """Row counts of every table a refused request must leave alone."""
    db.session.rollback()
    tables = [t for t in db.metadata.sorted_tables if t.name not in UNWATCHED]
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


@pytest.fixture(scope="module")
def matrix(seeded_demo):
    app, tokens = seeded_demo
    with app.app_context():
        callers = {}

        def caller(username):
            if username not in callers:
                callers[username] = Caller(app, tokens, username)
            return callers[username]

        yield app, caller


def _changed(before: dict[str, int]) -> list[str]:
    after = snapshot()
    return [f"{name}: {before[name]} -> {after[name]}" for name in before if after[name] != before[name]]


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), GUARDED, ids=ID)
def test_nobody_is_sent_to_log_in(matrix, rule, method, endpoint, roles):
    app, caller = matrix
    response = caller(None).call(method, url_for_rule(rule, home_org(rule)))
    if rule.startswith("/api/"):
        assert response.status_code == 401, response.data[:300]
    else:
        assert response.status_code in (302, 401), response.data[:300]
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), GUARDED, ids=ID)
def test_another_organization_gets_404(matrix, rule, method, endpoint, roles):
    """A user of one organization learns nothing of the other's records, whatever her role there."""
    app, caller = matrix
    for username, org in (("ngo-admin", COOP), ("admin", NGO)):
        before = snapshot() if method in WRITES else None
        response = caller(username).call(method, url_for_rule(rule, org))
        assert response.status_code == 404, f"{username} on {org}: {response.status_code} {response.data[:300]!r}"
        if before is not None:
            assert _changed(before) == []


WRITE_ROUTES = [r for r in GUARDED if r[1] in WRITES]


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), WRITE_ROUTES,
                         ids=[f"{m} {rule}" for rule, m, _e, _r in WRITE_ROUTES])
def test_the_auditor_writes_nothing(matrix, rule, method, endpoint, roles):
    app, caller = matrix
    for ids in (1, 2, 3):  # what she is refused, not only what the view declares: a service may refuse her too
        before = snapshot()
        response = caller("auditor").call(method, url_for_rule(rule, COOP, ids))
        assert response.status_code in (403, 404, 405), f"{response.status_code} {response.data[:300]!r}"
        assert _changed(before) == []


def _other_members(member_username: str) -> list[str]:
    from coop.auth.models import User
    from coop.members.models import Member

    db.session.rollback()
    her = db.session.scalar(select(User.id).where(User.username == member_username))
    others = select(Member.name).where(or_(Member.user_id.is_(None), Member.user_id != her))
    return [name for name in db.session.scalars(others) if len(name) > 4]


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), GUARDED, ids=ID)
def test_member_a_sees_and_touches_nothing_of_member_b(matrix, rule, method, endpoint, roles):
    app, caller = matrix
    member = caller("member")
    if "member" not in roles:
        before = snapshot() if method in WRITES else None
        response = member.call(method, url_for_rule(rule, COOP))
        assert response.status_code == 404, f"{response.status_code} {response.data[:300]!r}"
        if before is not None:
            assert _changed(before) == []
        return
    others = _other_members("member")
    assert others, "the demo has other members"
    for ids in (range(1, 41) if _has_ids(rule) else (None,)):
        if method in WRITES and _has_ids(rule):
            # a write on a record: refused unless the record is hers (then her own GET of it must be allowed)
            before = snapshot()
            response = member.call(method, url_for_rule(rule, COOP, ids))
            if _changed(before):
                pytest.fail(f"id {ids}: member A changed a record through {rule}; only her own may change "
                            "and the demo member has none of these")
            assert response.status_code < 500
            continue
        if method in WRITES:
            continue  # her own application, her own PIN: the walk and the domain tests cover them
        url = url_for_rule(rule, COOP, ids)
        response = member.call(method, url)
        assert response.status_code < 500, response.data[:300]
        if response.status_code != 200:
            continue
        if response.mimetype in ("text/html", "application/json"):
            body = response.get_data(as_text=True)
            leaked = [name for name in others if name in body]
            assert not leaked, f"id {ids}: the member sees {leaked[:3]} on {rule}"
        else:  # a PDF of a record: she opens it only where she may open the record's page
            # "/receipts/12.pdf" is the record 12 itself; "/loans/mine/1/schedule.pdf", "…/promissory-note.pdf"
            # are papers of the record above them
            last = url.rsplit("/", 1)[1]
            page = url.removesuffix(".pdf") if last.removesuffix(".pdf").isdigit() else url.rsplit("/", 1)[0]
            assert member.call("GET", page).status_code == 200, f"id {ids}: {url} opens, its record {page} not"


ID_ROUTES = [r for r in GUARDED if _has_ids(r[0])]
ADMIN_OF = {COOP: "admin", NGO: "ngo-admin"}


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), ID_ROUTES,
                         ids=[f"{m} {rule}" for rule, m, _e, _r in ID_ROUTES])
def test_random_ids_find_nothing(matrix, rule, method, endpoint, roles):
    app, caller = matrix
    org = home_org(rule)
    randomly = random.Random(rule + method)
    for ids in [randomly.randint(10**5, 2**31 - 1) for _ in range(3)] + [2**31 - 1]:
        before = snapshot() if method in WRITES else None
        response = caller(ADMIN_OF[org]).call(method, url_for_rule(rule, org, ids))
        if response.status_code == 303 and not rule.startswith("/api/"):  # a form refused: back to it
            assert response.headers["Location"] == "http://localhost/", response.headers["Location"]
        else:
            assert 400 <= response.status_code < 500, f"id {ids}: {response.status_code} {response.data[:300]!r}"
        if rule.startswith("/api/"):
            assert response.mimetype == "application/problem+json"
        if before is not None:
            assert _changed(before) == []


@pytest.mark.parametrize(("rule", "method", "endpoint", "roles"), PUBLIC,
                         ids=[f"{m} {rule}" for rule, m, _e, _r in PUBLIC])
def test_public_routes_answer_without_a_login_and_take_no_other_organizations_name(matrix, rule, method, endpoint,
                                                                                  roles):
    app, caller = matrix
    response = caller(None).call(method, url_for_rule(rule, "no-such-org"))
    assert response.status_code == 404
