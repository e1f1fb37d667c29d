"""Who may open what: the organization comes from the URL, the role from the user's membership.

A user with no role in the organization gets 404, so the URL reveals nothing about it.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

from . import services

STAFF = ("admin", "officer")
READERS = ("admin", "officer", "auditor")


def load_session_user(raw: str):
    """Flask-Login's user loader: the user of a live server-side session (its random id is what the
    cookie carries), else nobody: revoked, idle too long or past its end."""
    seen = g.get("visit")
    if seen is not None and seen.session is not None and seen.session.token_hash == services.digest(raw):
        row, user = services.live_session(seen.session), seen.user  # read with the organization (web.session)
    else:
        row = services.session_for(raw)
        user = services.get_user(row.user_id) if row is not None else None
    if row is None or not user.active:
        return None
    g.user_session_id = row.id
    if seen is not None and user is seen.user:
        g.role = seen.role
    return user


def current_role() -> str | None:
    if not current_user.is_authenticated or getattr(g, "org", None) is None:
        return None
    if "role" not in g:
        g.role = services.role_in(current_user.id, g.org.id)
    return g.role


def roles_required(*roles: str):
    """Let the view run only for a signed-in user with one of these roles in g.org."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            role = current_role()
            if role is None or (role not in roles and role == "member"):
                abort(404)  # a member learns nothing about what else exists
            if role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorate
