"""Business plans: drafted, submitted with budget lines, reviewed (approve, reject, or revise as a new draft)."""
from __future__ import annotations

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Status
from ...extensions import db
from ...kernel import get_in_org
from ...timeutil import utcnow
from ..models import DECISIONS, BusinessPlan, Moa, PlanLine, Review
from .base import NotReady, check_bounds, next_number
from .beneficiaries import get_beneficiary, is_ready


def get_plan(org_id: int, plan_id: int, *, lock: bool = False) -> BusinessPlan:
    return get_in_org(BusinessPlan, org_id, plan_id, "No such business plan.", lock=lock)


def plans_of(org_id: int, beneficiary_id: int) -> list[BusinessPlan]:
    return list(db.session.scalars(select(BusinessPlan).where(
        BusinessPlan.org_id == org_id, BusinessPlan.beneficiary_id == beneficiary_id).order_by(BusinessPlan.id)))


def plan_lines(plan_id: int) -> list[PlanLine]:
    return list(db.session.scalars(select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.id)))


def review_of(plan_id: int) -> Review | None:
    return db.session.scalar(select(Review).where(Review.plan_id == plan_id))


def _open_plan(org_id: int, beneficiary_id: int) -> BusinessPlan | None:
    """A plan still in the works or an approved one whose grant is not closed: one at a time."""
    for plan in plans_of(org_id, beneficiary_id):
        if plan.status in ("draft", "submitted"):
            return plan
        if plan.status == "approved":
            moa = moa_of_plan(plan.id)
            if moa is None or moa.status != "closed":
                return plan
    return None


def create_plan(org_id: int, beneficiary_id: int, data: dict, actor_id: int | None,
                revision_of: int | None = None) -> BusinessPlan:
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    if not is_ready(org_id, beneficiary):
        raise NotReady("%(label)s is not yet certified ready by a social worker; a business plan waits for that.",
                       field="beneficiary_id", values={"label": beneficiary.label})
    current = _open_plan(org_id, beneficiary.id)
    if current is not None:
        raise Conflict("%(label)s already has plan %(label2)s (%(status)s).",
                       values={"label": beneficiary.label, "label2": current.label, "status": Status(current.status)})
    check_bounds(org_id, data["amount_requested"])
    plan = BusinessPlan(org_id=org_id, number=next_number(BusinessPlan, org_id), beneficiary_id=beneficiary.id,
                        revision_of=revision_of, created_by=actor_id)
    _fill_plan(plan, data)
    db.session.add(plan)
    db.session.flush()
    _replace_lines(plan, data.get("lines", []))
    audit.record("grants.plan.create", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id)
    return plan


def _fill_plan(plan: BusinessPlan, data: dict) -> None:
    for key in ("kind", "business_type", "location", "summary", "amount_requested", "projected_sales",
                "projected_costs"):
        if key in data:
            setattr(plan, key, data[key])


def _replace_lines(plan: BusinessPlan, lines: list[dict]) -> None:
    db.session.execute(PlanLine.__table__.delete().where(PlanLine.plan_id == plan.id))
    for line in lines:
        db.session.add(PlanLine(org_id=plan.org_id, plan_id=plan.id, item=line["item"], amount=line["amount"]))
    db.session.flush()


def update_plan(org_id: int, plan_id: int, data: dict, actor_id: int | None) -> BusinessPlan:
    plan = get_plan(org_id, plan_id, lock=True)
    if plan.status != "draft":
        raise Conflict("Plan %(label)s is %(status)s: a submitted plan is frozen.",
                       values={"label": plan.label, "status": Status(plan.status)})
    check_bounds(org_id, data.get("amount_requested", plan.amount_requested))
    _fill_plan(plan, data)
    if "lines" in data:
        _replace_lines(plan, data["lines"])
    db.session.flush()
    audit.record("grants.plan.update", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id)
    return plan


def submit_plan(org_id: int, plan_id: int, actor_id: int | None) -> BusinessPlan:
    plan = get_plan(org_id, plan_id, lock=True)
    if plan.status != "draft":
        raise Conflict("Plan %(label)s is already %(status)s.",
                       values={"label": plan.label, "status": Status(plan.status)})
    if not is_ready(org_id, get_beneficiary(org_id, plan.beneficiary_id)):
        raise NotReady("She is not certified ready; the plan cannot go forward.")
    check_bounds(org_id, plan.amount_requested)
    lines = plan_lines(plan.id)
    if not lines:
        raise Invalid("List what the money will buy (budget lines) before submitting.", field="lines")
    budget = sum(line.amount for line in lines)
    if budget != plan.amount_requested:
        raise Invalid("The budget lines add up to %(budget)s; the amount requested is %(amount_requested)s. Make them "
                      "agree.", field="lines",
                      values={"budget": Pesos(budget), "amount_requested": Pesos(plan.amount_requested)})
    plan.status, plan.submitted_at = "submitted", utcnow()
    db.session.flush()
    audit.record("grants.plan.submit", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id)
    return plan


def review_plan(org_id: int, plan_id: int, data: dict, actor_id: int) -> Review:
    """Interview, site visit, feasibility and the decision. 'revise' opens a new draft copied from this one."""
    plan = get_plan(org_id, plan_id, lock=True)
    if plan.status != "submitted":
        raise Conflict("Plan %(label)s is %(status)s; only a submitted plan is reviewed.",
                       values={"label": plan.label, "status": Status(plan.status)})
    if data["decision"] not in DECISIONS:
        raise Invalid("A decision is one of %(choices)s.", field="decision", values={"choices": ', '.join(DECISIONS)})
    if data["decision"] == "approved":
        check_bounds(org_id, plan.amount_requested)
    review = Review(org_id=org_id, plan_id=plan.id, reviewed_by=actor_id, **{
        key: data[key] for key in ("interviewed_on", "interview_note", "visited_on", "visit_note",
                                   "feasibility_note", "decision", "reason")})
    db.session.add(review)
    plan.status = data["decision"]
    db.session.flush()
    audit.record("grants.plan.review", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id,
                 details={"decision": data["decision"]})
    if data["decision"] == "revise":
        copy = {key: getattr(plan, key) for key in ("kind", "business_type", "location", "summary",
                                                    "amount_requested", "projected_sales", "projected_costs")}
        copy["lines"] = [{"item": line.item, "amount": line.amount} for line in plan_lines(plan.id)]
        create_plan(org_id, plan.beneficiary_id, copy, actor_id, revision_of=plan.id)
    return review


def moa_of_plan(plan_id: int) -> Moa | None:
    """The plan's MOA that is not void (a voided one was entered again, or is still to be)."""
    return db.session.scalar(select(Moa).where(Moa.plan_id == plan_id, Moa.status != "void"))
