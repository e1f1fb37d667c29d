"""The Memorandum of Agreement: drafted from an approved plan, its tranche schedule, signed against a fund."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid
from ...extensions import db
from ...kernel import get_in_org
from ..models import CONDITIONS, Moa, Tranche
from .base import CENTRE_ROLE, check_bounds, next_number, pesos
from .funds import fund_position, get_fund
from .plans import get_plan, moa_of_plan


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
        raise Conflict(f"Plan {plan.label} is {plan.status}; an MOA follows an approved plan.")
    if moa_of_plan(plan.id) is not None:
        raise Conflict(f"Plan {plan.label} already has its MOA.")
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
        raise Conflict(f"{moa.label} is {moa.status}; its tranche schedule is part of what was signed.")
    if condition not in CONDITIONS:
        raise Invalid(f"A release condition is one of {', '.join(CONDITIONS)}.", field="condition")
    existing = tranches_of(moa.id)
    if not existing and condition != "on_signing":
        raise Invalid("The first tranche is released on signing: there is no earlier tranche to wait for.",
                      field="condition")
    scheduled = sum(t.amount for t in existing)
    if scheduled + amount > moa.total:
        raise Invalid(f"The tranches would add up to {pesos(scheduled + amount)}, more than the MOA's "
                      f"{pesos(moa.total)}.", field="amount")
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
        raise Conflict(f"{moa.label} is {moa.status}; its tranche schedule is part of what was signed.")
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
        raise Conflict(f"{moa.label} is already {moa.status}.")
    tranches = tranches_of(moa.id)
    scheduled = sum(t.amount for t in tranches)
    if scheduled != moa.total:
        raise Invalid(f"The tranches add up to {pesos(scheduled)}; the MOA is for {pesos(moa.total)}. "
                      "Complete the schedule before signing.", field="tranches")
    position = fund_position(fund)
    if moa.total > position.available:
        raise Invalid(f"The {fund.donor_name} fund has {pesos(position.available)} not yet promised "
                      f"({pesos(position.left)} left, {pesos(position.committed)} under signed MOAs); "
                      f"this MOA needs {pesos(moa.total)}.", field="fund_id")
    moa.status, moa.signed_on = "signed", on
    fund.committed += moa.total
    db.session.flush()
    audit.record("grants.moa.sign", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id)
    return moa
