"""Year-end JSON under /api/v1/orgs/<org>/yearend. Posting calls take an Idempotency-Key header.

The flow: POST years/close (asks) -> POST requests/{id}/approve (another officer closes) -> POST allocations
(a draft) -> POST allocations/{id}/review -> POST allocations/{id}/approval (the assembly's resolution)
-> requests/{id}/approve -> POST allocations/{id}/post -> POST allocations/{id}/members/{member}/payout."""
from flask import g, jsonify
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..web.forms import idempotency_key, load_json
from . import services
from .models import Allocation
from .schemas import (
    AllocationDetailOutSchema,
    AllocationOutSchema,
    ApprovalSchema,
    DecisionOutSchema,
    LineOutSchema,
    PayoutSchema,
    PostSchema,
    ProposalSchema,
    ReopenSchema,
    RequestOutSchema,
    ReviewSchema,
    YearOutSchema,
    YearSchema,
)

bp = blueprint("yearend", __name__, "/orgs/<org>/yearend")


def _detail(allocation: Allocation, status: int = 200):
    response = jsonify(_allocation_body(allocation))
    response.status_code = status
    return response


def _allocation_body(allocation: Allocation) -> dict:
    body = AllocationOutSchema().dump(allocation)
    body["schedule"] = LineOutSchema(many=True).dump(services.schedule(allocation))
    return body


@bp.get("/years")
@roles_required(*READERS)
@documented("Closed (and reopened) years, newest first", returns=YearOutSchema, many=True)
def years():
    return respond(YearOutSchema(), services.years(g.org.id), many=True)


@bp.post("/years/close")
@roles_required(*STAFF)
@documented("Ask for a year to be closed; another officer approves the request", body=YearSchema,
            returns=RequestOutSchema, status=201)
def request_close():
    data = load_json(YearSchema())
    return respond(RequestOutSchema(), services.request_act(g.org.id, "close_year", {"year": data["year"]},
                                                            actor_id=current_user.id), 201)


@bp.post("/years/reopen")
@roles_required(*STAFF)
@documented("Ask for a closed year to be reopened (its closing entry reversed); another officer approves",
            body=ReopenSchema, returns=RequestOutSchema, status=201)
def request_reopen():
    data = load_json(ReopenSchema())
    return respond(RequestOutSchema(), services.request_act(g.org.id, "reopen_year", {"year": data["year"]},
                                                            actor_id=current_user.id, reason=data["reason"]), 201)


@bp.get("/requests")
@roles_required(*READERS)
@documented("Requests waiting for a second officer", returns=RequestOutSchema, many=True)
def requests():
    return respond(RequestOutSchema(), services.pending_requests(g.org.id), many=True)


@bp.post("/requests/<int:request_id>/approve")
@roles_required(*STAFF)
@documented("Carry out what another officer asked for: the request, with the closed or reopened year or the "
            "approved allocation as its result", returns=DecisionOutSchema)
def approve_request(request_id: int):
    made = services.decide(g.org.id, request_id, approve=True, actor_id=current_user.id)
    body = RequestOutSchema().dump(services.get_request(g.org.id, request_id))
    body["result"] = _allocation_body(made) if isinstance(made, Allocation) else YearOutSchema().dump(made)
    return jsonify(body)


@bp.post("/requests/<int:request_id>/reject")
@roles_required(*STAFF)
@documented("Turn down what another officer asked for", returns=RequestOutSchema)
def reject_request(request_id: int):
    return respond(RequestOutSchema(), services.decide(g.org.id, request_id, approve=False, actor_id=current_user.id))


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
            body=ApprovalSchema, returns=RequestOutSchema, status=201)
def request_approval(allocation_id: int):
    data = load_json(ApprovalSchema())
    return respond(RequestOutSchema(), services.request_act(g.org.id, "approve_allocation", {
        "allocation_id": allocation_id, "resolution_number": data["resolution_number"],
        "assembly_date": data["assembly_date"].isoformat()}, actor_id=current_user.id), 201)


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
