"""The checker's inbox as JSON under /api/v1/orgs/<org>/approvals."""
from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import roles_required
from ..web.forms import idempotency_key, load_json, load_query
from . import services
from .schemas import ApprovalOutSchema, ApprovalQuerySchema, ApproveSchema, RejectSchema
from .views import DECIDERS, INBOX_READERS

bp = blueprint("approvals", __name__, "/orgs/<org>/approvals")


@bp.get("")
@roles_required(*INBOX_READERS)
@documented("Requests waiting for a second person (status=pending, the default), or decided ones",
            query=ApprovalQuerySchema, returns=ApprovalOutSchema, many=True)
def index():
    query = load_query(ApprovalQuerySchema())
    status = None if query["status"] == "all" else query["status"]
    return respond(ApprovalOutSchema(), services.approvals(g.org.id, status, 100, query["before"]), many=True)


@bp.get("/<int:approval_id>")
@roles_required(*INBOX_READERS)
@documented("One request for approval, its payload in plain words", returns=ApprovalOutSchema)
def show(approval_id: int):
    return respond(ApprovalOutSchema(), services.get_approval(g.org.id, approval_id))


@bp.post("/<int:approval_id>/approval")
@roles_required(*DECIDERS)
@documented("Approve and carry out a request, once (not by the person who asked: 403; already decided: 409)",
            body=ApproveSchema, returns=ApprovalOutSchema)
def approve(approval_id: int):
    data = load_json(ApproveSchema())
    return respond(ApprovalOutSchema(), services.approve(g.org.id, approval_id, current_user.id, on=data["on"],
                                                         note=data["note"], idempotency_key=idempotency_key()))


@bp.post("/<int:approval_id>/rejection")
@roles_required(*DECIDERS)
@documented("Turn a request down with the reason (the same people who may approve it)", body=RejectSchema,
            returns=ApprovalOutSchema)
def reject(approval_id: int):
    data = load_json(RejectSchema())
    return respond(ApprovalOutSchema(), services.reject(g.org.id, approval_id, current_user.id, data["reason"],
                                                        on=data["on"]))
