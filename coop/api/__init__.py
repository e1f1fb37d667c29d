"""The JSON API under /api/v1: bearer tokens, problem details, an OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify, request

from ..extensions import csrf

API_PREFIX = "/api/v1"


def blueprint(name: str, import_name: str, path: str = "") -> Blueprint:
    """A domain's API blueprint: token-authenticated, so exempt from the cookie CSRF check."""
    bp = Blueprint(f"{name}_api", import_name, url_prefix=f"{API_PREFIX}{path}")
    csrf.exempt(bp)
    return bp


def respond(schema, obj, status: int = 200, many: bool = False):
    response = jsonify(schema.dump(obj, many=many))
    response.status_code = status
    return response


def register(app: Flask) -> None:
    from . import openapi

    @app.before_request
    def authenticate_api_client():
        """API calls authenticate with a bearer token only; a browser's session cookie is ignored here."""
        if not request.path.startswith(API_PREFIX + "/"):
            return
        from ..auth.services import user_for_token

        g._login_user = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = user_for_token(header[7:].strip())
            if user is not None:
                g._login_user = user
        if g._login_user is None:
            from flask_login import AnonymousUserMixin

            g._login_user = AnonymousUserMixin()

    app.register_blueprint(openapi.bp)
