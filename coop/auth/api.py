from flask import current_app, g, request
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..errors import CoopError, Forbidden
from ..web.forms import load_json
from . import services
from .schemas import MeSchema, TokenInfoSchema, TokenRequestSchema, TokenSchema

bp = blueprint("auth", __name__)


class Unauthenticated(CoopError):
    status = 401
    title = "Unauthenticated"


def _signed_in():
    if not current_user.is_authenticated:
        raise Unauthenticated("Send a bearer token in the Authorization header.")
    return current_user


@bp.post("/tokens")
@documented("Exchange a username, password (and, with the second login step on, its code) for an API token",
            body=TokenRequestSchema, returns=TokenSchema, status=201)
def issue_token():
    data = load_json(TokenRequestSchema())
    limits = {"max_failures": current_app.config["LOGIN_MAX_FAILURES"],
              "lock_minutes": current_app.config["LOGIN_LOCK_MINUTES"]}
    limit, window = current_app.config["THROTTLE_LOGIN"]
    services.throttle("login", request.remote_addr, limit=limit, window_seconds=window)
    attempt = services.authenticate(data["username"], data["password"], **limits)
    if attempt.user is not None and attempt.needs_second_step:
        if not data["code"]:
            g.keep_changes = True  # the password's attempt stays counted until a code is right
            raise services.LoginRefused("This login has the second step on: send the authenticator's code "
                                        "(or an unused recovery code) as `code`.", field="code")
        attempt = services.verify_second_step(attempt.user.id, data["code"], **limits)
    if attempt.user is None:
        g.keep_changes = True  # the failure count and its audit row are kept
        raise services.LoginRefused(attempt.refusal)
    if services.must_enrol_totp(attempt.user.id):
        raise Forbidden("Your organization requires the second login step for your role: set it up in the "
                        "browser (My account) before asking for a token.")
    services.throttle_refund("login", request.remote_addr, window_seconds=window)
    token, row = services.new_token(attempt.user.id, data["label"], days=data["expires_in_days"])
    fields = ("id", "label", "created_at", "expires_at", "last_used_at")
    return respond(TokenSchema(), {**{name: getattr(row, name) for name in fields}, "token": token}, 201)


@bp.get("/tokens")
@documented("The authenticated user's working API tokens (never the tokens themselves)", returns=TokenInfoSchema,
            many=True)
def list_tokens():
    return respond(TokenInfoSchema(), services.tokens_of(_signed_in().id), many=True)


@bp.delete("/tokens/<int:token_id>")
@documented("Revoke an API token: her own, or as an admin one of her organization's users'", status=204)
def revoke_token(token_id: int):
    services.revoke_token(token_id, _signed_in().id)
    return "", 204


@bp.get("/me")
@documented("The authenticated user and her organizations", returns=MeSchema)
def me():
    user = _signed_in()
    orgs = [{"slug": org.slug, "name": org.name, "kind": org.kind, "role": role}
            for org, role in services.organizations_of(user.id)]
    return respond(MeSchema(), {"username": user.username, "display_name": user.display_name,
                                "organizations": orgs})
