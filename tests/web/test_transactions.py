"""A request runs in one database transaction: nothing reads the database after the boundary commits."""
import sqlite3
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from coop.auth.models import UserSession
from coop.extensions import db
from coop.timeutil import utcnow
from tests.conftest import ON_POSTGRES


def _begins_during(client, path):
    begins = []
    listener = lambda connection: begins.append(1)  # noqa: E731
    event.listen(db.engine, "begin", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "begin", listener)
    return response, len(begins)


def test_a_logged_in_page_is_one_transaction(make_org, make_user, login, client):
    org = make_org()
    slug = org.slug
    login(make_user(org, "officer"))
    db.session.remove()  # the test's own session starts cold, like a server's
    response, begins = _begins_during(client, f"/o/{slug}/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert begins == 1


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking")
def test_a_page_reads_without_the_write_lock_and_a_post_takes_it(make_org, make_user, login, client):
    org = make_org()
    slug = org.slug
    login(make_user(org, "officer"))
    db.session.commit()
    begins = []
    listener = lambda conn, cursor, statement, *rest: statement.startswith("BEGIN") and begins.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/o/{slug}/").status_code == 200
        assert begins == ["BEGIN"]
        client.post("/logout")
        assert begins[1:] == ["BEGIN IMMEDIATE"]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking")
def test_a_page_is_served_while_another_connection_holds_the_write_lock(make_org, make_user, login, client, database_url):
    org = make_org()
    slug = org.slug
    login(make_user(org, "officer"))
    db.session.commit()
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert client.get(f"/o/{slug}/").status_code == 200
        assert time.monotonic() - started < 5  # the busy timeout is 30 s: it did not queue behind the writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_page_that_must_write_runs_again_with_the_write_lock(make_org, make_user, login, client):
    """Her session is touched once a minute, even by a GET: the write happens and the page is served."""
    org = make_org()
    slug = org.slug
    user = make_user(org, "officer")
    login(user)
    long_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(last_seen_at=long_ago))
    db.session.commit()
    response, begins = _begins_during(client, f"/o/{slug}/")
    assert response.status_code == 200
    assert begins == (1 if ON_POSTGRES else 2)  # SQLite: the deferred read, then the run with the write lock
    db.session.expire_all()
    seen = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))
    assert seen > long_ago


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking")
@pytest.mark.controls_disagree  # the ledger alone: no domain record behind the entries
def test_writers_in_one_process_queue_for_the_write_lock_and_every_end_gives_it_back(make_org, concurrently):
    """Eight writers at once all post (they wait their turn, none polls or fails), and a transaction that
    commits, rolls back or is closed half-way leaves the lock free for the next."""
    from datetime import date

    from coop.ledger import services as ledger
    from coop.ledger.records import Entry, Line

    org_id = make_org().id
    db.session.commit()
    writer = db.engine.coop_writer

    def post(n):
        for i in range(10):
            ledger.post(Entry(org_id, date(2026, 6, 1), f"w{n}-{i}", (
                Line("cash_on_hand", debit=100), Line("other_income", credit=100))))
            db.session.commit()
        return n

    results, errors = concurrently(post, threads=8)
    assert errors == [] and sorted(results) == list(range(8))
    assert ledger.balance(org_id, "cash_on_hand").debit_total == 8 * 10 * 100
    db.session.commit()
    assert not writer.locked()
    db.session.execute(select(1))  # outside a request a transaction writes: it holds the lock
    assert writer.locked()
    db.session.rollback()
    assert not writer.locked()
    db.session.execute(select(1))
    db.session.close()  # given back to the pool in the middle of its transaction
    assert not writer.locked()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking")
def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(app, make_org, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from coop.web import transactions

    make_org()
    db.session.commit()
    monkeypatch.setattr(transactions, "WRITER_WAIT_SECONDS", 0.05)
    db.engine.coop_writer.acquire()  # another thread's writer, holding on
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            db.session.execute(select(1))
        db.session.rollback()
    finally:
        db.engine.coop_writer.release()
    assert db.session.execute(select(1)).scalar() == 1
    db.session.commit()
    assert not db.engine.coop_writer.locked()
