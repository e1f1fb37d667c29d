"""/api/v1/orgs/<org>/grants: beneficiaries (grant staff only), funds, plans, reviews, MOAs, tranches, monitoring."""
from flask import abort, g, jsonify
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..approvals.schemas import ApprovalOutSchema
from ..auth.access import roles_required
from ..ledger.schemas import CloseYearSchema, ReopenYearSchema
from ..reports.tabular import to_json
from ..timeutil import today
from ..web.forms import idempotency_key, load_json
from . import services
from .schemas import (
    BeneficiaryInSchema,
    BeneficiaryOutSchema,
    BeneficiaryUpdateSchema,
    ClosingSchema,
    FundInSchema,
    FundOutSchema,
    MoaInSchema,
    MoaOutSchema,
    MonitoringInSchema,
    MonitoringOutSchema,
    PlanInSchema,
    PlanOutSchema,
    PlanUpdateSchema,
    PurchaseInSchema,
    PurchaseOutSchema,
    ReadinessSchema,
    ReceiptInSchema,
    ReceiptOutSchema,
    ReleaseRequestSchema,
    ReviewInSchema,
    ReviewOutSchema,
    SigningSchema,
    VoidMoaSchema,
    ClosedYearOutSchema,
    TrainingInSchema,
    TrainingOutSchema,
    TrancheInSchema,
    TrancheOutSchema,
)
from .views import GRANT_READERS, GRANT_STAFF, REPORTS

bp = blueprint("grants", __name__, "/orgs/<org>/grants")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


def _beneficiary(b) -> dict:
    ready = services.readiness(b.org_id, b)
    return {**{k: getattr(b, k) for k in ("id", "label", "name", "mobile", "town", "province", "party_id",
                                          "ready_note")}, "stage": services.stage_of(b.org_id, b),
            "ready_on": ready.ready_on if ready else None}


def _fund(fund) -> dict:
    p = services.fund_position(fund)
    return {"id": fund.id, "label": fund.label, "donor_name": fund.donor_name, "purpose": fund.purpose,
            "account_id": fund.account_id, "party_id": fund.party_id, "received": p.received, "released": p.released,
            "committed": p.committed, "left": p.left, "available": p.available}


def _plan(plan) -> dict:
    out = {k: getattr(plan, k) for k in ("id", "label", "beneficiary_id", "revision_of", "kind", "business_type",
                                         "location", "summary", "amount_requested", "projected_sales",
                                         "projected_costs", "status")}
    out["lines"] = services.plan_lines(plan.id)
    out["review"] = services.review_of(plan.id)
    return out


def _tranche(moa, tranche) -> dict:
    out = {k: getattr(tranche, k) for k in ("id", "seq", "amount", "planned_on", "condition", "status",
                                            "requested_by", "release_on", "approved_by", "released_on", "entry_id")}
    out["blocker"] = services.release_blocker(moa.org_id, moa, tranche)
    out["purchases"] = services.purchases_of(tranche.id)
    return out


def _moa(moa) -> dict:
    out = {k: getattr(moa, k) for k in ("id", "label", "plan_id", "beneficiary_id", "fund_id", "kind", "total",
                                        "released_total", "centre_role", "centre_signatory", "status", "signed_on",
                                        "first_released_on", "outcome", "outcome_note", "closed_on")}
    out["tranches"] = [_tranche(moa, t) for t in services.tranches_of(moa.id)]
    out["monitoring"] = [{**{k: getattr(m.report, k) for k in ("id", "moa_id", "month_no", "visited_on", "sales",
                                                               "costs", "savings", "visit_note")}, "due_on": m.due_on}
                         if m.report else {"moa_id": moa.id, "month_no": m.month_no, "due_on": m.due_on}
                         for m in services.monitoring_schedule(moa.org_id, moa)]
    holder = services.record_holder(moa.org_id, moa.id)
    out["beneficiary_of_record"] = None if holder is None else {
        "kind": holder.kind, "label": holder.label, "party_id": holder.party_id, "members": list(holder.members)}
    return out


# ------------------------------------------------------------------ beneficiaries


@bp.get("/beneficiaries")
@roles_required(*GRANT_STAFF)
@documented("Beneficiaries (grant staff only; every call is audited)", returns=BeneficiaryOutSchema, many=True)
def beneficiaries():
    return respond(BeneficiaryOutSchema(), [_beneficiary(b) for b in
                                            services.list_beneficiaries(g.org.id, current_user.id)], many=True)


@bp.post("/beneficiaries")
@roles_required(*GRANT_STAFF)
@documented("Add a beneficiary (the minimum: name, town, province, phone)", body=BeneficiaryInSchema,
            returns=BeneficiaryOutSchema, status=201)
def add_beneficiary():
    found = services.add_beneficiary(g.org.id, load_json(BeneficiaryInSchema()), current_user.id)
    return respond(BeneficiaryOutSchema(), _beneficiary(found), 201)


@bp.get("/beneficiaries/<int:beneficiary_id>")
@roles_required(*GRANT_STAFF)
@documented("One beneficiary (audited)", returns=BeneficiaryOutSchema)
def beneficiary(beneficiary_id: int):
    return respond(BeneficiaryOutSchema(),
                   _beneficiary(services.view_beneficiary(g.org.id, beneficiary_id, current_user.id)))


@bp.patch("/beneficiaries/<int:beneficiary_id>")
@roles_required(*GRANT_STAFF)
@documented("Correct a beneficiary's details", body=BeneficiaryUpdateSchema, returns=BeneficiaryOutSchema)
def update_beneficiary(beneficiary_id: int):
    found = services.update_beneficiary(g.org.id, beneficiary_id, load_json(BeneficiaryUpdateSchema()), current_user.id)
    return respond(BeneficiaryOutSchema(), _beneficiary(found))


@bp.post("/beneficiaries/<int:beneficiary_id>/readiness")
@roles_required(*GRANT_STAFF)
@documented("A social worker certifies her ready for economic reintegration", body=ReadinessSchema,
            returns=BeneficiaryOutSchema, status=201)
def certify_ready(beneficiary_id: int):
    data = load_json(ReadinessSchema())
    found = services.certify_ready(g.org.id, beneficiary_id, on=data["ready_on"], note=data["note"],
                                   actor_id=current_user.id)
    return respond(BeneficiaryOutSchema(), _beneficiary(found), 201)


@bp.get("/beneficiaries/<int:beneficiary_id>/trainings")
@roles_required(*GRANT_STAFF)
@documented("Trainings she attended", returns=TrainingOutSchema, many=True)
def trainings(beneficiary_id: int):
    services.get_beneficiary(g.org.id, beneficiary_id)
    return respond(TrainingOutSchema(), services.trainings_of(g.org.id, beneficiary_id), many=True)


@bp.post("/beneficiaries/<int:beneficiary_id>/trainings")
@roles_required(*GRANT_STAFF)
@documented("Record a training she attended", body=TrainingInSchema, returns=TrainingOutSchema, status=201)
def add_training(beneficiary_id: int):
    return respond(TrainingOutSchema(), services.add_training(g.org.id, beneficiary_id, load_json(TrainingInSchema()),
                                                              current_user.id), 201)


# ------------------------------------------------------------------ funds


@bp.get("/funds")
@roles_required(*GRANT_READERS)
@documented("Donor funds: received, released, committed, left and available", returns=FundOutSchema, many=True)
def funds():
    return respond(FundOutSchema(), [_fund(f) for f in services.list_funds(g.org.id)], many=True)


@bp.post("/funds")
@roles_required(*GRANT_STAFF)
@documented("Open a restricted fund for a donor (its own ledger account)", body=FundInSchema, returns=FundOutSchema,
            status=201)
def add_fund():
    data = load_json(FundInSchema())
    return respond(FundOutSchema(), _fund(services.add_fund(g.org.id, data["donor_name"], data.get("purpose"),
                                                            current_user.id)), 201)


@bp.get("/funds/<int:fund_id>")
@roles_required(*GRANT_READERS)
@documented("One donor fund", returns=FundOutSchema)
def fund(fund_id: int):
    return respond(FundOutSchema(), _fund(services.get_fund(g.org.id, fund_id)))


@bp.post("/funds/<int:fund_id>/receipts")
@roles_required(*GRANT_STAFF)
@documented("Money received from the donor (send an Idempotency-Key header)", body=ReceiptInSchema,
            returns=ReceiptOutSchema, status=201)
def receive(fund_id: int):
    data = load_json(ReceiptInSchema())
    receipt = services.receive(g.org.id, fund_id, on=data["received_on"], amount=data["amount"],
                               reference=data.get("reference"), actor_id=current_user.id,
                               idempotency_key=idempotency_key())
    return respond(ReceiptOutSchema(), receipt, 201)


# ------------------------------------------------------------------ plans and reviews


@bp.post("/beneficiaries/<int:beneficiary_id>/plans")
@roles_required(*GRANT_STAFF)
@documented("Start her business plan (a draft)", body=PlanInSchema, returns=PlanOutSchema, status=201)
def create_plan(beneficiary_id: int):
    plan = services.create_plan(g.org.id, beneficiary_id, load_json(PlanInSchema()), current_user.id)
    return respond(PlanOutSchema(), _plan(plan), 201)


@bp.get("/beneficiaries/<int:beneficiary_id>/plans")
@roles_required(*GRANT_STAFF)
@documented("Her business plans, oldest first", returns=PlanOutSchema, many=True)
def plans(beneficiary_id: int):
    services.get_beneficiary(g.org.id, beneficiary_id)
    return respond(PlanOutSchema(), [_plan(p) for p in services.plans_of(g.org.id, beneficiary_id)], many=True)


@bp.get("/plans/<int:plan_id>")
@roles_required(*GRANT_STAFF)
@documented("A business plan with its budget and review", returns=PlanOutSchema)
def plan(plan_id: int):
    return respond(PlanOutSchema(), _plan(services.get_plan(g.org.id, plan_id)))


@bp.patch("/plans/<int:plan_id>")
@roles_required(*GRANT_STAFF)
@documented("Edit a draft plan", body=PlanUpdateSchema, returns=PlanOutSchema)
def update_plan(plan_id: int):
    return respond(PlanOutSchema(), _plan(services.update_plan(g.org.id, plan_id, load_json(PlanUpdateSchema()),
                                                               current_user.id)))


@bp.post("/plans/<int:plan_id>/submission")
@roles_required(*GRANT_STAFF)
@documented("Submit a plan for review (it is frozen from then on)", returns=PlanOutSchema)
def submit_plan(plan_id: int):
    return respond(PlanOutSchema(), _plan(services.submit_plan(g.org.id, plan_id, current_user.id)))


@bp.post("/plans/<int:plan_id>/review")
@roles_required(*GRANT_STAFF)
@documented("Interview, site visit, feasibility and the decision", body=ReviewInSchema, returns=ReviewOutSchema,
            status=201)
def review_plan(plan_id: int):
    return respond(ReviewOutSchema(), services.review_plan(g.org.id, plan_id, load_json(ReviewInSchema()),
                                                           current_user.id), 201)


# ------------------------------------------------------------------ MOAs, tranches, purchases, monitoring


@bp.post("/plans/<int:plan_id>/moa")
@roles_required(*GRANT_STAFF)
@documented("Draft the MOA of an approved plan with its tranche schedule", body=MoaInSchema, returns=MoaOutSchema,
            status=201)
def draft_moa(plan_id: int):
    data = load_json(MoaInSchema())
    moa = services.draft_moa(g.org.id, plan_id, fund_id=data["fund_id"], centre_signatory=data["centre_signatory"],
                             centre_role=data.get("centre_role"), tranches=data["tranches"], actor_id=current_user.id)
    return respond(MoaOutSchema(), _moa(moa), 201)


@bp.get("/moas")
@roles_required(*GRANT_STAFF)
@documented("Every MOA, oldest first", returns=MoaOutSchema, many=True)
def moas():
    return respond(MoaOutSchema(), [_moa(m) for m in services.all_moas(g.org.id)], many=True)


@bp.get("/moas/<int:moa_id>")
@roles_required(*GRANT_STAFF)
@documented("An MOA with its tranches, purchases and monitoring", returns=MoaOutSchema)
def moa(moa_id: int):
    return respond(MoaOutSchema(), _moa(services.get_moa(g.org.id, moa_id)))


@bp.post("/moas/<int:moa_id>/tranches")
@roles_required(*GRANT_STAFF)
@documented("Add a tranche to a draft MOA's schedule", body=TrancheInSchema, returns=MoaOutSchema, status=201)
def add_tranche(moa_id: int):
    services.add_tranche(g.org.id, moa_id, actor_id=current_user.id, **load_json(TrancheInSchema()))
    return respond(MoaOutSchema(), _moa(services.get_moa(g.org.id, moa_id)), 201)


@bp.post("/moas/<int:moa_id>/signing")
@roles_required(*GRANT_STAFF)
@documented("Record that both parties signed the MOA", body=SigningSchema, returns=MoaOutSchema)
def sign_moa(moa_id: int):
    data = load_json(SigningSchema())
    return respond(MoaOutSchema(), _moa(services.sign_moa(g.org.id, moa_id, on=data["signed_on"],
                                                          actor_id=current_user.id)))


@bp.post("/moas/<int:moa_id>/void")
@roles_required(*GRANT_STAFF)
@documented("Void a mistaken MOA (nothing released under it); the plan's MOA is then entered again",
            body=VoidMoaSchema, returns=MoaOutSchema)
def void_moa(moa_id: int):
    data = load_json(VoidMoaSchema())
    return respond(MoaOutSchema(), _moa(services.void_moa(g.org.id, moa_id, on=data["voided_on"],
                                                          reason=data["reason"], actor_id=current_user.id)))


@bp.post("/tranches/<int:tranche_id>/release-request")
@roles_required(*GRANT_STAFF)
@documented("Ask for a tranche's release (the maker)", body=ReleaseRequestSchema, returns=TrancheOutSchema)
def request_release(tranche_id: int):
    data = load_json(ReleaseRequestSchema())
    tranche = services.request_release(g.org.id, tranche_id, on=data["release_on"], actor_id=current_user.id)
    return respond(TrancheOutSchema(), _tranche(services.get_moa(g.org.id, tranche.moa_id), tranche))


@bp.post("/tranches/<int:tranche_id>/approval")
@roles_required(*GRANT_STAFF)
@documented("Approve a tranche's release (a second staff member); posts it against the donor fund",
            returns=TrancheOutSchema)
def approve_release(tranche_id: int):
    tranche = services.approve_release(g.org.id, tranche_id, actor_id=current_user.id,
                                       idempotency_key=idempotency_key())
    return respond(TrancheOutSchema(), _tranche(services.get_moa(g.org.id, tranche.moa_id), tranche))


@bp.post("/tranches/<int:tranche_id>/purchases")
@roles_required(*GRANT_STAFF)
@documented("Record an item bought against a released tranche, with its receipt", body=PurchaseInSchema,
            returns=PurchaseOutSchema, status=201)
def add_purchase(tranche_id: int):
    return respond(PurchaseOutSchema(), services.add_purchase(g.org.id, tranche_id, load_json(PurchaseInSchema()),
                                                              current_user.id), 201)


@bp.post("/moas/<int:moa_id>/monitoring")
@roles_required(*GRANT_STAFF)
@documented("Record a month's monitoring: sales, costs, savings, site visit", body=MonitoringInSchema,
            returns=MonitoringOutSchema, status=201)
def record_monitoring(moa_id: int):
    return respond(MonitoringOutSchema(), services.record_monitoring(g.org.id, moa_id, load_json(MonitoringInSchema()),
                                                                     current_user.id), 201)


@bp.post("/moas/<int:moa_id>/closing")
@roles_required(*GRANT_STAFF)
@documented("Close the grant with its outcome", body=ClosingSchema, returns=MoaOutSchema)
def close_moa(moa_id: int):
    data = load_json(ClosingSchema())
    return respond(MoaOutSchema(), _moa(services.close_moa(g.org.id, moa_id, outcome=data["outcome"], note=data["note"],
                                                           on=data["closed_on"], actor_id=current_user.id)))


@bp.get("/reports/<name>")
@roles_required(*GRANT_READERS)
@documented("A grants report (funds, summary, status, tranches-due, monitoring-due, register) as JSON")
def report(name: str):
    if name not in REPORTS:
        abort(404)
    return jsonify(to_json(REPORTS[name].build(g.org.id, today())))


# ------------------------------------------------------------------ the year's closing into net assets


@bp.get("/years")
@roles_required(*GRANT_READERS)
@documented("The last ten years that are over, each closed (with its closing entry) or not", returns=ClosedYearOutSchema,
            many=True)
def years():
    return respond(ClosedYearOutSchema(), [{"year": year, "closed": entry is not None,
                                            "entry_id": entry.id if entry is not None else None}
                                           for year, entry in services.closed_years(g.org.id)], many=True)


@bp.post("/years/close")
@roles_required(*GRANT_STAFF)
@documented("Ask for a year to be closed into net assets by class; another staff member approves (coop.approvals)",
            body=CloseYearSchema, returns=ApprovalOutSchema, status=202)
def request_close():
    data = load_json(CloseYearSchema())
    return respond(ApprovalOutSchema(), services.ask_to_close(g.org.id, data["year"], actor_id=current_user.id), 202)


@bp.post("/years/reopen")
@roles_required(*GRANT_STAFF)
@documented("Ask for a closed year to be reopened (its closing entry reversed); another staff member approves",
            body=ReopenYearSchema, returns=ApprovalOutSchema, status=202)
def request_reopen():
    data = load_json(ReopenYearSchema())
    return respond(ApprovalOutSchema(), services.ask_to_reopen(g.org.id, data["year"], reason=data["reason"],
                                                               actor_id=current_user.id), 202)
