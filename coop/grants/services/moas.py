"""The Memorandum of Agreement: drafted from an approved plan, its tranche schedule, signed against a fund."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Status
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ..models import CONDITIONS, Moa, Tranche
from .base import CENTRE_ROLE, check_bounds, next_number
from .funds import fund_position, get_fund
from .plans import get_plan, moa_of_plan, review_of


def get_moa(org_id: int, moa_id: int, *, lock: bool = False) -> Moa:
    return get_in_org(Moa, org_id, moa_id, "No such MOA.", lock=lock)


def moas_of(org_id: int, beneficiary_id: int) -> list[Moa]:
    return list(db.session.scalars(select(Moa).where(Moa.org_id == org_id, Moa.beneficiary_id == beneficiary_id)
                                   .order_by(Moa.id)))


def tranches_of(moa_id: int) -> list[Tranche]:
    return list(db.session.scalars(select(Tranche).where(Tranche.moa_id == moa_id).order_by(Tranche.seq)))


def get_tranche(org_id: int, tranche_id: int, *, lock: bool = False) -> Tranche:
    return get_in_org(Tranche, org_id, tranche_id, "No such tranche.", lock=lock)


def draft_moa(org_id: int, plan_id: int, *, fund_id: int, centre_signatory: str, actor_id: int | None,
              centre_role: str | None = None, tranches: list[dict] | None = None) -> Moa:
    plan = get_plan(org_id, plan_id, lock=True)
    if plan.status != "approved":
        raise Conflict("Plan %(label)s is %(status)s; an MOA follows an approved plan.",
                       values={"label": plan.label, "status": Status(plan.status)})
    if moa_of_plan(plan.id) is not None:
        raise Conflict("Plan %(label)s already has its MOA.", values={"label": plan.label})
    fund = get_fund(org_id, fund_id)
    check_bounds(org_id, plan.amount_requested, field="total")
    moa = Moa(org_id=org_id, number=next_number(Moa, org_id), plan_id=plan.id, beneficiary_id=plan.beneficiary_id,
              fund_id=fund.id, kind=plan.kind, total=plan.amount_requested, centre_role=centre_role or CENTRE_ROLE,
              centre_signatory=centre_signatory, created_by=actor_id)
    db.session.add(moa)
    db.session.flush()
    for tranche in tranches or []:
        add_tranche(org_id, moa.id, amount=tranche["amount"], planned_on=tranche["planned_on"],
                    condition=tranche["condition"], actor_id=actor_id)
    audit.record("grants.moa.draft", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id)
    return moa


def add_tranche(org_id: int, moa_id: int, *, amount: int, planned_on: date, condition: str,
                actor_id: int | None) -> Tranche:
    moa = get_moa(org_id, moa_id, lock=True)
    if moa.status != "draft":
        raise Conflict("%(label)s is %(status)s; its tranche schedule is part of what was signed.",
                       values={"label": moa.label, "status": Status(moa.status)})
    if condition not in CONDITIONS:
        raise Invalid("A release condition is one of %(choices)s.", field="condition",
                      values={"choices": ', '.join(CONDITIONS)})
    existing = tranches_of(moa.id)
    if not existing and condition != "on_signing":
        raise Invalid("The first tranche is released on signing: there is no earlier tranche to wait for.",
                      field="condition")
    scheduled = sum(t.amount for t in existing)
    if scheduled + amount > moa.total:
        raise Invalid("The tranches would add up to %(amount)s, more than the MOA's %(total)s.", field="amount",
                      values={"amount": Pesos(scheduled + amount), "total": Pesos(moa.total)})
    if existing and planned_on < existing[-1].planned_on:
        raise Invalid("A tranche is planned on or after the one before it.", field="planned_on")
    tranche = Tranche(org_id=org_id, moa_id=moa.id, seq=len(existing) + 1, amount=amount, planned_on=planned_on,
                      condition=condition)
    db.session.add(tranche)
    db.session.flush()
    return tranche


def remove_last_tranche(org_id: int, moa_id: int, actor_id: int | None) -> None:
    moa = get_moa(org_id, moa_id, lock=True)
    if moa.status != "draft":
        raise Conflict("%(label)s is %(status)s; its tranche schedule is part of what was signed.",
                       values={"label": moa.label, "status": Status(moa.status)})
    existing = tranches_of(moa.id)
    if not existing:
        raise Invalid("There is no tranche to remove.")
    db.session.delete(existing[-1])
    db.session.flush()


def sign_moa(org_id: int, moa_id: int, *, on: date, actor_id: int | None) -> Moa:
    """Both parties signed: the schedule is frozen and the fund's money is promised to her."""
    moa = get_moa(org_id, moa_id)
    fund = get_fund(org_id, moa.fund_id, lock=True)
    moa = get_moa(org_id, moa.id, lock=True)
    if moa.status != "draft":
        raise Conflict("%(label)s is already %(status)s.", values={"label": moa.label, "status": Status(moa.status)})
    if on > ledger.latest_date(org_id):
        raise Invalid("An MOA cannot be signed on a future date: record the signing on the day it happens.",
                      field="signed_on")
    review = review_of(moa.plan_id)
    reviewed = max(review.interviewed_on, review.visited_on) if review is not None else None
    if reviewed is not None and on < reviewed:
        raise Invalid("An MOA is signed on or after the plan's review (interview and visit, %(day)s).",
                      field="signed_on", values={"day": reviewed})
    tranches = tranches_of(moa.id)
    scheduled = sum(t.amount for t in tranches)
    if scheduled != moa.total:
        raise Invalid("The tranches add up to %(scheduled)s; the MOA is for %(total)s. Complete the schedule before "
                      "signing.", field="tranches", values={"scheduled": Pesos(scheduled), "total": Pesos(moa.total)})
    position = fund_position(fund)
    if moa.total > position.available:
        raise Invalid("The %(donor_name)s fund has %(available)s not yet promised (%(left)s left, %(committed)s under "
                      "signed MOAs); this MOA needs %(total)s.", field="fund_id",
                      values={"donor_name": fund.donor_name, "available": Pesos(position.available), "left": Pesos(position.left), "committed": Pesos(position.committed), "total": Pesos(moa.total)})
    moa.status, moa.signed_on = "signed", on
    fund.committed += moa.total
    db.session.flush()
    audit.record("grants.moa.sign", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id)
    return moa


def void_moa(org_id: int, moa_id: int, *, on: date, reason: str, actor_id: int | None) -> Moa:
    """A mistaken MOA (signed on the wrong date, with the wrong terms) is voided, never edited: its promise
    to the fund is taken back and the plan can have its MOA entered again. Once money was released under
    it, the release is what is corrected, not the MOA."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason the MOA is voided.", field="reason")
    moa = get_moa(org_id, moa_id)
    fund = get_fund(org_id, moa.fund_id, lock=True)
    moa = get_moa(org_id, moa.id, lock=True)
    if moa.status not in ("draft", "signed"):
        raise Conflict("%(label)s is %(status)s; only a draft or signed MOA is voided.",
                       values={"label": moa.label, "status": Status(moa.status)})
    if moa.released_total or any(t.status not in ("planned",) for t in tranches_of(moa.id)):
        raise Conflict("Money was released or asked for under %(label)s; it cannot be voided.",
                       values={"label": moa.label})
    if moa.status == "signed":
        fund.committed -= moa.total
    moa.status, moa.voided_on, moa.void_reason = "void", on, reason[:300]
    db.session.flush()
    audit.record("grants.moa.void", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id,
                 details={"reason": reason[:300]})
    return moa
