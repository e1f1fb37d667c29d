"""The JSON API's own parts: bearer-token authentication for /api/v1 and the OpenAPI document."""
from flask import Flask, g, request
from flask_login import AnonymousUserMixin

from ..auth.services import token_user, user_for_token
from ..manifest import Manifest
from . import API_PREFIX, openapi


def authenticate_api_client():
    """API calls authenticate with a bearer token only; a browser's session cookie is ignored here."""
    if not request.path.startswith(API_PREFIX + "/"):
        return
    g._login_user = None
    header = request.headers.get("Authorization", "")
    seen = g.get("visit")
    if seen is not None:  # the organization's URL: the token, its user and her role came with the organization
        user = token_user(seen.token, seen.user) if seen.token is not None else None
        if user is not None:
            g._login_user = user
            g.role = seen.role
    elif header.startswith("Bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            g._login_user = user
    if g._login_user is None:
        g._login_user = AnonymousUserMixin()


def setup(app: Flask) -> None:
    app.before_request(authenticate_api_client)


manifest = Manifest(name="api", blueprints=(openapi.bp,), setup=setup)
