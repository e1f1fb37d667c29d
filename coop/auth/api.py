from flask import request
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
    user = services.authenticate(data["username"], data["password"])
    return respond(TokenSchema(), {"token": services.issue_token(user.id, data["label"])}, 201)


@bp.get("/me")
@documented("The authenticated user and her organizations", returns=MeSchema)
def me():
    if not current_user.is_authenticated:
        raise Unauthenticated("Send a bearer token in the Authorization header.")
    orgs = [{"slug": org.slug, "name": org.name, "kind": org.kind, "role": role}
            for org, role in services.organizations_of(current_user.id)]
    return respond(MeSchema(), {"username": current_user.username, "display_name": current_user.display_name,
                                "organizations": orgs})
