"""The JSON API under /api/v1: bearer tokens, problem details, an OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, jsonify

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
