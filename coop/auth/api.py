from flask import current_app, g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..errors import CoopError
from ..web.forms import load_json
from . import services
from .schemas import MeSchema, TokenRequestSchema, TokenSchema

bp = blueprint("auth", __name__)


class Unauthenticated(CoopError):
    status = 401
    title = "Unauthenticated"


@bp.post("/tokens")
@documented("Exchange a username and password for an API token", body=TokenRequestSchema, returns=TokenSchema,
            status=201)
def issue_token():
    data = load_json(TokenRequestSchema())
    attempt = services.authenticate(data["username"], data["password"],
                                    max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                    lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    if attempt.user is None:
        g.keep_changes = True  # the failure count and its audit row are kept
        raise services.LoginRefused(attempt.refusal)
    return respond(TokenSchema(), {"token": services.issue_token(attempt.user.id, data["label"])}, 201)


@bp.get("/me")
@documented("The authenticated user and her organizations", returns=MeSchema)
def me():
    if not current_user.is_authenticated:
        raise Unauthenticated("Send a bearer token in the Authorization header.")
    orgs = [{"slug": org.slug, "name": org.name, "kind": org.kind, "role": role}
            for org, role in services.organizations_of(current_user.id)]
    return respond(MeSchema(), {"username": current_user.username, "display_name": current_user.display_name,
                                "organizations": orgs})
