"""coop: the books and daily operations of Philippine women's cooperatives and the NGOs that support them."""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event, inspect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, errors
from .api import API_PREFIX
from .extensions import babel, csrf, db, login_manager, migrate
from .manifest import install
from .web import filters, guard, http, session, transactions
from .audit import services as audit_sql  # its SQL functions, registered on each SQLite connection
from .ledger import services as ledger_sql  # its TEMP view on SQLite, created again after a rollback

# The packages, in the order they are installed: each has a module `manifest` declaring what it plugs in.
DOMAINS = (
    "coop.audit",
    "coop.auth",
    "coop.orgs",
    "coop.ledger",
    "coop.approvals",
    "coop.members",
    "coop.receipts",
    "coop.cash",
    "coop.inventory",
    "coop.loans",
    "coop.savings",
    "coop.consignment",
    "coop.grants",
    "coop.groups",
    "coop.wellness",
    "coop.cases",
    "coop.yearend",
    "coop.interchange",
    "coop.messaging",
    "coop.jobs",
    "coop.reports",
    "coop.privacy",
    "coop.api",
    "coop.web",
)

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    app = transactions.CoopFlask(__name__, instance_path=os.environ.get("COOP_INSTANCE") or None, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
        if "SQLALCHEMY_DATABASE_URI" in test_config:
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config._engine_options(test_config["SQLALCHEMY_DATABASE_URI"])

    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=_locale, timezone_selector=lambda: "Asia/Manila")
    with app.app_context():
        _tune_engine(db.engine)

    errors.register(app)
    guard.register(app)  # before the blueprints: it bounds their <int:...> arguments
    http.register(app)
    filters.register(app)
    session.register(app)
    for name in DOMAINS:
        install(app, importlib.import_module(f"{name}.manifest").manifest)

    from . import cli

    cli.register(app)

    @app.after_request
    def commit_at_the_boundary(response):
        """Services flush; the request commits once, only when it succeeded. Nothing reads the database after:
        her language is settled first (a flashed message is translated when the cookie is written, later). An API
        call flashes nothing and its user came with its token, not from the database: nothing to settle."""
        if not request.path.startswith(API_PREFIX + "/"):
            get_locale()
        if response.status_code < 400 or g.get("keep_changes"):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return app


def _tune_engine(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below start transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        audit_sql.sqlite_functions(dbapi_connection)

    transactions.install(engine)  # BEGIN IMMEDIATE for writers, a deferred BEGIN for a page that only reads
    # a post's lines and totals are written through a TEMP view (coop.ledger.services): a rollback may undo it
    event.listen(engine, "rollback", ledger_sql.sqlite_forget_post_line)
    event.listen(engine, "rollback_savepoint", ledger_sql.sqlite_forget_post_line)
    event.listen(engine.pool, "reset", ledger_sql.sqlite_forget_post_line_on_reset)


def _expired(user) -> bool:
    """Her row was expired by a flush that failed (PostgreSQL refused a value): reading it again would run in the
    failed transaction. Her language is then the one her request asks for."""
    state = inspect(user._get_current_object(), raiseerr=False)
    return state is not None and bool(state.expired_attributes)


def _locale():
    if not has_request_context():  # a job, the command line, a service called in a test: English unless forced
        return "en"
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in ("en", "fil"):
        return chosen
    if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
        asked = request.accept_languages.best_match(["en", "fil"])  # a program says per call what it reads
        if asked:
            return asked
    if current_user and not _expired(current_user) and current_user.is_authenticated:
        return current_user.locale
    return request.accept_languages.best_match(["en", "fil"]) or "en"
