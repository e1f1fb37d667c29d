"""Sessions and the current organization: loaded once per request, checked on every request."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale

from ..audit import services as audit
from ..auth.access import current_role, load_session_user
from ..extensions import login_manager
from ..manifest import plugins
from ..auth.services import visit
from . import forms


def register(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        # The cookie holds a server-side session's random id: revoked, idle or expired sessions load nobody.
        user = load_session_user(session_id)
        g.session_ended = user is None  # the login page says why she is asked again
        return user

    @app.url_value_preprocessor
    def pull_org(endpoint, values):
        if values and "org" in values:
            # The organization, and who is asking (her session or token, user and role), in one statement;
            # the user loader and the API's authentication then check what this read.
            header = request.headers.get("Authorization", "")
            if request.path.startswith("/api/"):
                seen = visit(values.pop("org"), token_raw=header[7:].strip() if header.startswith("Bearer ") else None)
            else:
                seen = visit(values.pop("org"), session_raw=session.get("_user_id"))
            g.org = seen.org
            g.visit = seen

    @app.url_defaults
    def add_org(endpoint, values):
        if "org" in values or getattr(g, "org", None) is None:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "org"):
            values["org"] = g.org.slug

    @app.before_request
    def remember_origin():
        audit.set_origin(request.remote_addr)

    @app.context_processor
    def page_globals():
        role = current_role()
        org = getattr(g, "org", None)
        nav = [item for item in plugins().nav if role in item.roles and org and org.kind in item.org_kinds]
        return {"get_locale": get_locale, "current_org": org, "current_role": role, "nav_items": nav, "form_value": forms.form_value,
                "form_error": forms.form_error, "new_form_key": forms.new_form_key, "lang_url": lang_url, "url_with": url_with,
                "can_open": can_open, "can_open_url": can_open_url}


def lang_url(code: str) -> str:
    """This very page in another language: the same path and everything she asked for, with lang=code."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def url_with(**changes) -> str:
    """This page with some query parameters changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return request.path + ("?" + urlencode(args, doseq=True) if args else "")


def can_open_url(path: str) -> bool:
    """Whether the current user's role may open this local path (a link built elsewhere, e.g. a document's)."""
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(path.split("?")[0])
    except Exception:  # werkzeug raises NotFound, MethodNotAllowed or RequestRedirect: no page to offer
        return False
    return can_open(endpoint)


def can_open(endpoint: str) -> bool:
    """Whether the current user's role may open the page `endpoint` (the roles its view declares)."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    roles = getattr(view, "required_roles", None)
    if roles is None:
        return True
    return current_role() in roles
