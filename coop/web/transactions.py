"""One transaction per request; on SQLite, the write lock only for a request that writes.

SQLite has one writer at a time. A request that writes begins `BEGIN IMMEDIATE`, so writers queue at
BEGIN (the busy timeout) instead of failing when a read lock cannot be upgraded. A GET or HEAD only
reads: it begins a plain deferred `BEGIN` and never waits behind a post. The few reads that do write
(a session touched once a minute, an audited export) are noticed before their first write statement;
the request is rolled back and run once more, this time holding the write lock from its start. A page
that writes on every read (an audited view of personal data) says so (`writes_when_read`) and takes
the write lock at once.

Within one process, writers queue on a lock of the process's own before `BEGIN IMMEDIATE` (first come, first
served, woken the moment the writer before commits). SQLite's busy handler would make them poll instead,
sleeping up to 100 ms between tries: under eight concurrent posts that polling put a post's p99 at ~330 ms
while the lock was free most of the time. Another process (the scheduler) still meets the busy timeout.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from contextvars import ContextVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from ..extensions import db

READS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_DEFERRED = "coop_deferred"
_HOLDS_WRITER = "coop_holds_writer"  # on the pooled connection's info: it holds its engine's writer lock
WRITER_WAIT_SECONDS = 30  # as long as SQLite's busy timeout (coop._tune_engine), then "database is locked"
# set while the application dispatches a request: a test's or a command's own code under a pushed request
# context (services called directly) is not a request being served
_DISPATCHING: ContextVar[bool] = ContextVar("coop_dispatching", default=False)


class WriteLockNeeded(Exception):
    """A request that began as a reader is about to write: it runs again with the write lock."""


def writes_when_read(view):
    """A page whose GET writes every time (an audited read of personal data): on SQLite it begins
    `BEGIN IMMEDIATE` at once, instead of beginning as a reader, stopping at its write and running again."""
    view.writes_when_read = True
    return view


def _reads_only() -> bool:
    if not (_DISPATCHING.get() and has_request_context() and request.method in READS and not g.get("_coop_write_lock")):
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, "writes_when_read", False)


def begin_transaction(connection) -> None:
    """SQLite's begin hook (the driver's own transaction handling is off, see coop._tune_engine)."""
    deferred = _reads_only()
    connection.info[_DEFERRED] = deferred
    if deferred:
        connection.exec_driver_sql("BEGIN")
        return
    writer = connection.engine.coop_writer
    if not writer.acquire(timeout=WRITER_WAIT_SECONDS):
        # as SQLAlchemy reports SQLite's own busy timeout, so that the same handlers see it
        raise OperationalError("BEGIN IMMEDIATE", (), sqlite3.OperationalError("database is locked"))
    connection.info[_HOLDS_WRITER] = True
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release_writer(connection.info, writer)
        raise


def _release_writer(info, writer) -> None:
    if info.pop(_HOLDS_WRITER, False):
        writer.release()


def _refuse_write_in_a_read(connection, cursor, statement, parameters, context, executemany) -> None:
    # only inside the read request that began it: code outside a request (a test, a command) that goes on
    # with the same connection may write; SQLite upgrades its lock then, as any deferred transaction does
    if connection.info.get(_DEFERRED) and _WRITE.match(statement) and _reads_only():
        raise WriteLockNeeded(statement.split(None, 1)[0])


def install(engine) -> None:
    engine.coop_writer = threading.Lock()

    def end_transaction(connection) -> None:
        # SQLAlchemy calls this just before the driver's COMMIT or ROLLBACK: a writer woken here may find SQLite's
        # lock still held for that instant, and its BEGIN IMMEDIATE then waits in the busy handler's first short
        # sleep. Given back later (when the connection returns to the pool), a session that commits and goes on
        # writing on the same connection would wait for itself.
        _release_writer(connection.info, engine.coop_writer)

    # a connection given back, invalidated or closed in the middle of a transaction ends it too
    # (each listener has its event's exact signature: SQLAlchemy reads a `*args` one as a legacy form)
    def end_on_reset(dbapi_connection, connection_record, reset_state) -> None:  # noqa: ARG001
        _release_writer(connection_record.info, engine.coop_writer)

    def end_on_invalidate(dbapi_connection, connection_record, exception) -> None:  # noqa: ARG001
        _release_writer(connection_record.info, engine.coop_writer)

    def end_on_close(dbapi_connection, connection_record) -> None:  # noqa: ARG001
        _release_writer(connection_record.info, engine.coop_writer)

    event.listen(engine, "begin", begin_transaction)
    event.listen(engine, "before_cursor_execute", _refuse_write_in_a_read)
    event.listen(engine, "commit", end_transaction)
    event.listen(engine, "rollback", end_transaction)
    event.listen(engine.pool, "reset", end_on_reset)
    event.listen(engine.pool, "invalidate", end_on_invalidate)
    event.listen(engine.pool, "close", end_on_close)


class CoopFlask(Flask):
    """Flask, with a read request that turned out to write run again holding SQLite's write lock."""

    def full_dispatch_request(self):
        view_args = dict(request.view_args or {})  # the org preprocessor pops "org" from them
        token = _DISPATCHING.set(True)
        try:
            return super().full_dispatch_request()
        except WriteLockNeeded:
            db.session.rollback()
            for name in list(vars(g)):
                delattr(g, name)
            g._coop_write_lock = True
            request.view_args = view_args
            return super().full_dispatch_request()
        finally:
            _DISPATCHING.reset(token)
