"""Fixtures shared by every domain's tests.

The database is chosen by DATABASE_URL (SQLite by default). The schema is built once per run
with the real migrations; each test then starts from empty tables: on SQLite a fresh copy of the
migrated file, on PostgreSQL a DELETE of the rows in the tables that hold any (see _empty_postgres).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from itertools import count

import pytest
from flask.testing import FlaskClient
from typing import NamedTuple

from sqlalchemy import create_engine, event, text

_INSTANCE = tempfile.mkdtemp(prefix="coop-test-instance-")
os.environ.setdefault("COOP_INSTANCE", _INSTANCE)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# PostgreSQL: a test's commits need not wait for the WAL to reach the disk (nothing here must survive a
# crash); on a shared CI disk that wait, not the work, was most of the suite's wall time.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")

from coop import create_app  # noqa: E402
from coop.extensions import db  # noqa: E402
from coop.ledger.models import Account  # noqa: E402

# Tests check behaviour, not timing: on a busy CI machine a slow example is no failure.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("coop", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("coop")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgresql")
_serial = count(1)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    if ON_POSTGRES:
        engine = create_engine(DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(DATABASE_URL)
        return DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


def empty_database(template, directory) -> str:
    """The migrated schema with no rows: PostgreSQL's tables emptied, or a copy of the SQLite template."""
    started, cpu = time.perf_counter(), time.process_time()
    if ON_POSTGRES:
        _empty_postgres()
        url = DATABASE_URL
    else:
        path = directory / "coop.sqlite"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    _CLEANING["runs"] += 1
    _CLEANING["seconds"] += time.perf_counter() - started
    _CLEANING["cpu"] += time.process_time() - cpu
    return url


_cleaner = {}
VACUUM_EVERY = 25  # tests between two vacuums of the tables their cleaning emptied (see _empty_postgres)
_CLEANING = {"runs": 0, "seconds": 0.0, "cpu": 0.0}


def _empty_postgres() -> None:
    """Every table empty and every id sequence back at 1, in two round trips.

    One statement asks which tables hold a row and which sequences were used (a rolled-back insert uses one
    too); it reads the tables themselves, so rows written by another connection, a thread, a trigger or COPY
    are found as surely as the ORM's. A test touches a handful of tables, and only those are emptied, with
    DELETE while the session plays a replica (`session_replication_role`, the superuser's switch pg_dump and
    logical replication use), so that neither the foreign keys nor the triggers (append-only journal, the
    journal lines' reference checks of 0210) fire: every table with a row is emptied, so none is left
    pointing at a row that is gone. TRUNCATE ... CASCADE, the way before, emptied every table that refers to
    a truncated one, which from `organization` is nearly all of them, each getting new files: 1.7 s a test
    on this loaded machine, against tens of milliseconds for DELETE of a few rows (issue 22, bench/pgclean.py).
    The sequences go back to 1 with setval (ALTER SEQUENCE RESTART writes a new file too), as a fresh SQLite
    copy starts its ids at 1."""
    if not _cleaner:
        _cleaner["engine"] = engine = create_engine(DATABASE_URL, pool_size=1)
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        probes = [f"SELECT 't', '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables]
        probes.append("SELECT 's', sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL")
        _cleaner["probe"] = text(" UNION ALL ".join(probes))
        _cleaner["emptied"] = set()
    engine = _cleaner["engine"]
    with engine.begin() as conn:
        used = conn.execute(_cleaner["probe"]).all()
        if not used:
            return
        tables = [name for kind, name in used if kind == "t"]
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{name}"' for name in tables]
        sequences = [f"setval('\"{name}\"', 1, false)" for kind, name in used if kind == "s"]
        if sequences:
            statements.append("SELECT " + ", ".join(sequences))
        conn.exec_driver_sql("; ".join(statements))
    # DELETE leaves dead rows and index entries behind, and the ids start at 1 again: without a vacuum (autovacuum
    # may be off, and is slow to come to tables that are empty) every test's lookups of organization 1 would wade
    # through those of every test before it. One VACUUM of the tables emptied since the last, every few tests.
    emptied = _cleaner["emptied"]
    emptied.update(tables)
    _cleaner["cleanings"] = _cleaner.get("cleanings", 0) + 1
    if _cleaner["cleanings"] % VACUUM_EVERY == 0:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM " + ", ".join(f'"{name}"' for name in sorted(emptied)))
        emptied.clear()


@pytest.fixture
def database_url(database_template, tmp_path):
    return empty_database(database_template, tmp_path)


class RequestClient(FlaskClient):
    """Each request starts with an empty `g`, as it does in production.

    Tests hold one app context open (to call services), and Flask reuses it for requests, so
    without this, the user, organization and role loaded by one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        from flask import g

        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})
    app.test_client_class = RequestClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# ------------------------------------------------------------------ factories


@pytest.fixture
def make_org(app):
    from coop.orgs.services import create_organization

    def make(kind: str = "cooperative", slug: str | None = None, no_overdraft: bool = False):
        n = next(_serial)
        org = create_organization(slug or f"{kind[:4]}-{n}", f"Test {kind} {n}", kind)
        if not no_overdraft:
            # a new organization's cash on hand refuses payments below zero; the domains' tests pay out of an
            # empty cash box, so they turn that off (tests/cash tests the refusal with no_overdraft=True)
            db.session.execute(Account.__table__.update().where(Account.org_id == org.id).values(no_overdraft=False))
        db.session.commit()
        return org

    return make


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    from coop.auth.services import create_user, grant_role

    def make(org, role: str, username: str | None = None):
        user = create_user(username or f"{role}{next(_serial)}", PASSWORD, f"Test {role}")
        grant_role(user.id, org.id, role)
        db.session.commit()
        return user

    return make


@pytest.fixture
def coop(make_org):
    """A cooperative (a package's conftest may give another kind of organization under this name)."""
    return make_org("cooperative")


@pytest.fixture
def officer(coop, make_user):
    return make_user(coop, "officer")


class Sent(NamedTuple):
    response: object
    statements: list[str]  # what the request sent, transaction control and the pool's ping left out
    transactions: int  # transactions begun
    begins: list[str]  # SQLite's BEGIN statements as sent ("BEGIN", "BEGIN IMMEDIATE")


_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SELECT 1")


def statements_sent(run) -> Sent:
    """Run `run()` (a request) and count what it sent to the database: the hot paths' counts are pinned by tests
    so that they cannot silently grow back."""
    sent, transactions = [], []
    on_statement = lambda conn, cursor, statement, *rest: sent.append(statement)  # noqa: E731
    on_begin = lambda connection: transactions.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", on_statement)
    event.listen(db.engine, "begin", on_begin)
    try:
        response = run()
    finally:
        event.remove(db.engine, "before_cursor_execute", on_statement)
        event.remove(db.engine, "begin", on_begin)
    return Sent(response, [s for s in sent if not s.lstrip().upper().startswith(_NOT_COUNTED)], len(transactions),
                [s for s in sent if s.startswith("BEGIN")])


@pytest.fixture
def login(client):
    def do(user, password: str = PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 303, response.data
        return client

    return do


@pytest.fixture
def api(app):
    """A JSON client authenticated as a user with a bearer token."""
    from coop.auth.services import issue_token

    class Api:
        def __init__(self, user):
            self.token = issue_token(user.id, "test")
            db.session.commit()
            self.client = app.test_client()

        def _headers(self, extra):
            return {"Authorization": f"Bearer {self.token}", **(extra or {})}

        def get(self, url, headers=None, **kw):
            return self.client.get(url, headers=self._headers(headers), **kw)

        def post(self, url, json=None, headers=None):
            return self.client.post(url, json=json, headers=self._headers(headers))

        def patch(self, url, json=None, headers=None):
            return self.client.patch(url, json=json, headers=self._headers(headers))

    return Api


@pytest.fixture
def concurrently(app):
    """Run fn(n) in `threads` threads at once, each in its own app context and session.

    Returns (results, errors). Pass plain ids into fn: ORM objects belong to the test's session.
    """
    import threading

    def run(fn, threads: int = 2):
        results, errors = [], []
        barrier = threading.Barrier(threads)

        def worker(n):
            with app.app_context():
                try:
                    barrier.wait()
                    results.append(fn(n))
                    db.session.commit()
                except Exception as exc:  # collected for the test to assert on
                    db.session.rollback()
                    errors.append(exc)
                finally:
                    db.session.remove()

        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return results, errors

    return run


def _control_problems_now() -> dict[int, list[str]]:
    """`coop ledger check`'s control accounts, for every organization that has a journal entry (one query finds
    them: a test that posted nothing costs one round trip)."""
    from coop.cli.ledger import control_problems
    from coop.ledger.models import JournalEntry

    try:
        db.session.flush()
    except Exception:  # the test left a failed flush behind: what the database holds is what counts
        db.session.rollback()
    if not db.session.is_active:  # a failed flush the test caught itself (a constraint it proves) and left there
        db.session.rollback()
    orgs = list(db.session.scalars(db.select(JournalEntry.org_id).distinct()))
    found = {org_id: control_problems(org_id) for org_id in orgs}
    return {org_id: problems for org_id, problems in found.items() if problems}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()
_CHECKS = {"runs": 0, "seconds": 0.0}


def pytest_terminal_summary(terminalreporter):
    """What emptying the database before each test and the control checks after it cost this run (the suite's time
    is printed beside it)."""
    if _CLEANING["runs"]:
        terminalreporter.write_line(f"cleaning before {_CLEANING['runs']} tests: {_CLEANING['seconds']:.1f} s in all "
                                    f"({_CLEANING['cpu']:.1f} s CPU in pytest), load average {os.getloadavg()[0]:.1f}")
    if _CHECKS["runs"]:
        terminalreporter.write_line(f"control-account checks after {_CHECKS['runs']} tests: "
                                    f"{_CHECKS['seconds']:.1f} s in all, load average {os.getloadavg()[0]:.1f}")


@pytest.fixture(autouse=True)
def _controls_agree_after_each_test(request):
    """After every test that uses the database, each organization that posted anything has its control accounts
    agreeing with its domains' subsidiary records (`coop ledger check`). A test that failed is left to its own
    failure; a test that corrupts the books on purpose says so with `@pytest.mark.controls_disagree`."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")  # torn down after this fixture
    yield
    # read after the test: a fixture that fakes books on purpose marks the test itself (request.applymarker)
    if request.node.stash.get(_CALL_FAILED, True) or request.node.get_closest_marker("controls_disagree"):
        return
    started = time.perf_counter()
    problems = _control_problems_now()
    _CHECKS["runs"] += 1
    _CHECKS["seconds"] += time.perf_counter() - started
    assert problems == {}, f"control accounts disagree with their subsidiary ledgers after the test: {problems}"


@pytest.fixture
def controls_agree(app):
    """Kept for the tests that ask for it by name: the autouse check above does the work."""
    yield
