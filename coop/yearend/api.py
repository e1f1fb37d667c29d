"""Year-end JSON under /api/v1/orgs/<org>/yearend. Posting calls take an Idempotency-Key header.

The flow: POST years/close (asks; 202 with the request for approval) -> another officer's POST
/approvals/{id}/approval (closes) -> POST allocations (a draft) -> POST allocations/{id}/review -> POST
allocations/{id}/approval (the assembly's resolution; 202) -> /approvals/{id}/approval -> POST
allocations/{id}/post -> POST allocations/{id}/members/{member}/payout."""
from flask import g, jsonify
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..approvals.schemas import ApprovalOutSchema
from ..auth.access import READERS, STAFF, roles_required
from ..ledger.schemas import CloseYearSchema, ReopenYearSchema
from ..web.forms import idempotency_key, load_json
from . import services
from .models import Allocation
from .schemas import (
    AllocationDetailOutSchema,
    AllocationOutSchema,
    ApprovalSchema,
    LineOutSchema,
    PayoutSchema,
    PostSchema,
    ProposalSchema,
    ReviewSchema,
    YearOutSchema,
)

bp = blueprint("yearend", __name__, "/orgs/<org>/yearend")


def _detail(allocation: Allocation, status: int = 200):
    body = AllocationOutSchema().dump(allocation)
    body["schedule"] = LineOutSchema(many=True).dump(services.schedule(allocation))
    response = jsonify(body)
    response.status_code = status
    return response




@bp.get("/years")
@roles_required(*READERS)
@documented("Closed (and reopened) years, newest first", returns=YearOutSchema, many=True)
def years():
    return respond(YearOutSchema(), services.years(g.org.id), many=True)


@bp.post("/years/close")
@roles_required(*STAFF)
@documented("Ask for a year to be closed; another officer approves the request (coop.approvals)",
            body=CloseYearSchema, returns=ApprovalOutSchema, status=202)
def request_close():
    data = load_json(CloseYearSchema())
    return respond(ApprovalOutSchema(), services.ask_to_close(g.org.id, data["year"], actor_id=current_user.id), 202)


@bp.post("/years/reopen")
@roles_required(*STAFF)
@documented("Ask for a closed year to be reopened (its closing entry reversed); another officer approves",
            body=ReopenYearSchema, returns=ApprovalOutSchema, status=202)
def request_reopen():
    data = load_json(ReopenYearSchema())
    return respond(ApprovalOutSchema(), services.ask_to_reopen(g.org.id, data["year"], reason=data["reason"],
                                                               actor_id=current_user.id), 202)


@bp.get("/allocations")
@roles_required(*READERS)
@documented("Allocations of the net surplus, newest first", returns=AllocationOutSchema, many=True)
def allocations():
    return respond(AllocationOutSchema(), services.allocations(g.org.id), many=True)


@bp.post("/allocations")
@roles_required(*STAFF)
@documented("Propose the allocation of a closed year's net surplus: a draft with its schedule and checks",
            body=ProposalSchema, returns=AllocationDetailOutSchema, status=201)
def propose():
    return _detail(services.propose(g.org.id, actor_id=current_user.id, **load_json(ProposalSchema())), 201)


@bp.get("/allocations/<int:allocation_id>")
@roles_required(*READERS)
@documented("One allocation with its per-member schedule", returns=AllocationDetailOutSchema)
def allocation(allocation_id: int):
    return _detail(services.get_allocation(g.org.id, allocation_id))


@bp.post("/allocations/<int:allocation_id>/review")
@roles_required(*STAFF)
@documented("The board reviewed the draft", body=ReviewSchema, returns=AllocationDetailOutSchema)
def review(allocation_id: int):
    return _detail(services.review(g.org.id, allocation_id, actor_id=current_user.id, **load_json(ReviewSchema())))


@bp.post("/allocations/<int:allocation_id>/cancel")
@roles_required(*STAFF)
@documented("Cancel a draft or reviewed proposal", returns=AllocationDetailOutSchema)
def cancel(allocation_id: int):
    return _detail(services.cancel(g.org.id, allocation_id, actor_id=current_user.id))


@bp.post("/allocations/<int:allocation_id>/approval")
@roles_required(*STAFF)
@documented("Record the general assembly's approval (resolution number, date); another officer confirms",
            body=ApprovalSchema, returns=ApprovalOutSchema, status=202)
def request_approval(allocation_id: int):
    return respond(ApprovalOutSchema(), services.ask_to_approve(g.org.id, allocation_id, actor_id=current_user.id,
                                                                **load_json(ApprovalSchema())), 202)


@bp.post("/allocations/<int:allocation_id>/post")
@roles_required(*STAFF)
@documented("Post the approved allocation: one entry for the funds and each member's payables",
            body=PostSchema, returns=AllocationDetailOutSchema)
def post(allocation_id: int):
    return _detail(services.post_allocation(g.org.id, allocation_id, actor_id=current_user.id,
                                            idempotency_key=idempotency_key(), **load_json(PostSchema())))


@bp.post("/allocations/<int:allocation_id>/members/<int:member_id>/payout")
@roles_required(*STAFF)
@documented("Pay one member her interest and refund (subscription, loans, then cash, shares or revolving)",
            body=PayoutSchema, returns=LineOutSchema)
def pay_out(allocation_id: int, member_id: int):
    return respond(LineOutSchema(), services.pay_out(g.org.id, allocation_id, member_id, actor_id=current_user.id,
                                                     idempotency_key=idempotency_key(), **load_json(PayoutSchema())))
