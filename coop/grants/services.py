"""The grants program's verbs: from a certified-ready woman to a closed grant, every peso through the ledger.

Ledger design (one restricted fund per donor, the deferral method):
- each donor fund is its own account under Net Assets with Donor Restrictions (3200), so what the
  fund has left is one balance row, and the year-end closing of income accounts never touches it;
- money received:   Dr Cash in Bank / Cr the donor's fund account (donor party);
- a tranche:        Dr Livelihood Grants (beneficiary party) / Cr Cash in Bank, and in the same entry
                    Dr the donor's fund account / Cr Net Assets Released from Restriction (donor party),
  so the statement of operations shows each peso spent on a grant matched by the restriction it
  releases, and the sum of the funds' balances is exactly received less released.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import func, select

from ..audit import services as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..manifest import plugins
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..orgs.services import get_setting
from ..timeutil import utcnow
from .models import (
    CONDITIONS,
    DECISIONS,
    OUTCOMES,
    Beneficiary,
    BusinessPlan,
    DonorFund,
    FollowUp,
    FundReceipt,
    Moa,
    MonitoringReport,
    PlanLine,
    Purchase,
    Review,
    Tranche,
    Training,
)

MIN_GRANT, MAX_GRANT, MONITORING_MONTHS = "grants.min_grant", "grants.max_grant", "grants.monitoring_months"
RESTRICTED_GROUP_KEY = "net_assets_restricted"
CASH = "cash_in_bank"
CENTRE_ROLE = ("The Centre is the operations partner of the Beneficiary: it gives guidance and technical "
               "assistance as she starts her business, helps her buy the items in her business plan, hands "
               "the grant over in the tranches below, and visits her business every month to review her "
               "sales, costs and savings records.")


class NotReady(Invalid):
    title = "Not certified ready"


class ReleaseRefused(Invalid):
    title = "Release refused"


class SameStaff(Invalid):
    """Maker-checker: refused like any rule, so the form shows why (422, not a bare 403 page)."""

    title = "A second staff member must approve"


# ------------------------------------------------------------------ small helpers


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bounds(org_id: int) -> tuple[int, int]:
    return get_setting(org_id, MIN_GRANT), get_setting(org_id, MAX_GRANT)


def check_bounds(org_id: int, amount: int, field: str = "amount_requested") -> None:
    low, high = bounds(org_id)
    if not low <= amount <= high:
        raise Invalid(f"A grant in this program is from PhP{low / 100:,.2f} to PhP{high / 100:,.2f}; "
                      f"PhP{amount / 100:,.2f} is outside.", field=field)


def _pesos(centavos: int) -> str:
    return f"PhP{centavos / 100:,.2f}"


def _next_number(model, org_id: int) -> int:
    return (db.session.scalar(select(func.max(model.number)).where(model.org_id == org_id)) or 0) + 1


def _locked(model, row_id: int):
    """The row, locked for this transaction (PostgreSQL; SQLite already serialises writers) and re-read."""
    return db.session.execute(select(model).where(model.id == row_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def _get(model, org_id: int, row_id: int, what: str):
    row = db.session.get(model, row_id)
    if row is None or row.org_id != org_id:
        raise NotFound(f"No such {what}.")
    return row


# ------------------------------------------------------------------ beneficiaries


def get_beneficiary(org_id: int, beneficiary_id: int) -> Beneficiary:
    return _get(Beneficiary, org_id, beneficiary_id, "beneficiary")


def view_beneficiary(org_id: int, beneficiary_id: int, actor_id: int | None) -> Beneficiary:
    """Her record for a person to look at: every look is in the audit trail."""
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    audit.record("grants.beneficiary.view", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 target_id=beneficiary.id)
    return beneficiary


def list_beneficiaries(org_id: int, actor_id: int | None, query: str | None = None) -> list[Beneficiary]:
    statement = select(Beneficiary).where(Beneficiary.org_id == org_id)
    if query:
        like = f"%{query.strip()}%"
        statement = statement.where(Beneficiary.name.ilike(like) | Beneficiary.town.ilike(like))
    audit.record("grants.beneficiary.list", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 details={"searched": bool(query)})
    return list(db.session.scalars(statement.order_by(Beneficiary.number)))


def add_beneficiary(org_id: int, data: dict, actor_id: int | None) -> Beneficiary:
    beneficiary = Beneficiary(org_id=org_id, number=_next_number(Beneficiary, org_id), name=data["name"],
                              mobile=data.get("mobile"), town=data.get("town"), province=data.get("province"),
                              created_by=actor_id)
    db.session.add(beneficiary)
    db.session.flush()
    beneficiary.party_id = ledger.ensure_party(org_id, "beneficiary", beneficiary.id, beneficiary.label)
    audit.record("grants.beneficiary.add", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 target_id=beneficiary.id)
    return beneficiary


def update_beneficiary(org_id: int, beneficiary_id: int, data: dict, actor_id: int | None) -> Beneficiary:
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    for key in ("name", "mobile", "town", "province"):
        if key in data:
            setattr(beneficiary, key, data[key])
    db.session.flush()
    audit.record("grants.beneficiary.update", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 target_id=beneficiary.id, details={"fields": sorted(data)})
    return beneficiary


def certify_ready(org_id: int, beneficiary_id: int, *, on: date, note: str, actor_id: int) -> Beneficiary:
    """The social worker's word that counselling is done and she is ready for economic reintegration."""
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    if beneficiary.is_ready:
        raise Conflict(f"{beneficiary.label} was certified ready on {beneficiary.ready_on:%d %B %Y}.")
    beneficiary.ready_on, beneficiary.ready_by, beneficiary.ready_note = on, actor_id, note
    db.session.flush()
    audit.record("grants.beneficiary.ready", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 target_id=beneficiary.id)
    return beneficiary


def add_training(org_id: int, beneficiary_id: int, data: dict, actor_id: int | None) -> Training:
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    if data.get("ended_on") and data["ended_on"] < data["started_on"]:
        raise Invalid("A training ends on or after the day it starts.", field="ended_on")
    training = Training(org_id=org_id, beneficiary_id=beneficiary.id, course=data["course"],
                        provider=data.get("provider"), started_on=data["started_on"], ended_on=data.get("ended_on"),
                        completed=data.get("completed", False), recorded_by=actor_id)
    db.session.add(training)
    db.session.flush()
    return training


def trainings_of(org_id: int, beneficiary_id: int) -> list[Training]:
    return list(db.session.scalars(select(Training).where(
        Training.org_id == org_id, Training.beneficiary_id == beneficiary_id).order_by(Training.started_on)))


# ------------------------------------------------------------------ donor funds


@dataclass(frozen=True)
class FundPosition:
    received: int
    released: int
    committed: int

    @property
    def left(self) -> int:
        return self.received - self.released

    @property
    def available(self) -> int:
        """What may still be promised: what is left less what signed MOAs will still release."""
        return self.left - self.committed


def add_fund(org_id: int, donor_name: str, purpose: str | None, actor_id: int | None) -> DonorFund:
    if db.session.scalar(select(DonorFund.id).where(DonorFund.org_id == org_id, DonorFund.donor_name == donor_name)):
        raise Invalid(f"There is already a fund for {donor_name}.", field="donor_name")
    group = ledger.get_account(org_id, RESTRICTED_GROUP_KEY)
    account = ledger.add_account(org_id, code=_next_child_code(org_id, group), name=f"Restricted fund: {donor_name}",
                                 type=group.type, parent_id=group.id, actor_id=actor_id)
    fund = DonorFund(org_id=org_id, donor_name=donor_name, purpose=purpose, account_id=account.id)
    db.session.add(fund)
    db.session.flush()
    fund.party_id = ledger.ensure_party(org_id, "donor", fund.id, fund.label)
    db.session.flush()
    audit.record("grants.fund.add", org_id=org_id, user_id=actor_id, target_type="fund", target_id=fund.id)
    return fund


def _next_child_code(org_id: int, group) -> str:
    used = {a.code for a in ledger.list_accounts(org_id)}
    base = int(group.code) if group.code.isdigit() else 3200
    code = base + 1
    while str(code) in used:
        code += 1
    return str(code)


def get_fund(org_id: int, fund_id: int) -> DonorFund:
    return _get(DonorFund, org_id, fund_id, "fund")


def list_funds(org_id: int) -> list[DonorFund]:
    return list(db.session.scalars(select(DonorFund).where(DonorFund.org_id == org_id).order_by(DonorFund.id)))


def fund_position(fund: DonorFund) -> FundPosition:
    """Two balance rows: what is left is the fund account's balance, what was released is the donor's
    releases from restriction. Received is their sum, so a reversed gift (a bounced check) lowers it."""
    left = ledger.balance(fund.org_id, fund.account_id).credit_balance
    released = ledger.party_balance(fund.org_id, "releases_from_restriction", fund.party_id).credit_balance
    return FundPosition(received=left + released, released=released, committed=fund.committed)


def receive(org_id: int, fund_id: int, *, on: date, amount: int, reference: str | None, actor_id: int | None,
            idempotency_key: str | None = None) -> FundReceipt:
    """Money in from the donor, restricted to this fund."""
    fund = get_fund(org_id, fund_id)
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.source == "grants.receipt":
            return _get(FundReceipt, org_id, int(replay.source_id), "receipt")
    receipt = FundReceipt(org_id=org_id, fund_id=fund.id, received_on=on, amount=amount, reference=reference,
                          recorded_by=actor_id)
    db.session.add(receipt)
    db.session.flush()
    entry = ledger.post(Entry(org_id, on, f"Restricted gift received for {fund.label}", (
        Line(CASH, debit=amount),
        Line(fund.account_id, credit=amount, party_id=fund.party_id)),
        source="grants.receipt", source_id=str(receipt.id), idempotency_key=idempotency_key), actor_id)
    receipt.entry_id = entry.id
    db.session.flush()
    audit.record("grants.fund.receive", org_id=org_id, user_id=actor_id, target_type="fund", target_id=fund.id,
                 details={"entry_id": entry.id})
    return receipt


def receipts_of(org_id: int, fund_id: int) -> list[FundReceipt]:
    return list(db.session.scalars(select(FundReceipt).where(
        FundReceipt.org_id == org_id, FundReceipt.fund_id == fund_id).order_by(FundReceipt.received_on, FundReceipt.id)))


# ------------------------------------------------------------------ business plans and review


def get_plan(org_id: int, plan_id: int) -> BusinessPlan:
    return _get(BusinessPlan, org_id, plan_id, "business plan")


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
    if not beneficiary.is_ready:
        raise NotReady(f"{beneficiary.label} is not yet certified ready by a social worker; "
                       "a business plan waits for that.", field="beneficiary_id")
    current = _open_plan(org_id, beneficiary.id)
    if current is not None:
        raise Conflict(f"{beneficiary.label} already has plan {current.label} ({current.status}).")
    check_bounds(org_id, data["amount_requested"])
    plan = BusinessPlan(org_id=org_id, number=_next_number(BusinessPlan, org_id), beneficiary_id=beneficiary.id,
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
    plan = _locked(BusinessPlan, get_plan(org_id, plan_id).id)
    if plan.status != "draft":
        raise Conflict(f"Plan {plan.label} is {plan.status}: a submitted plan is frozen.")
    check_bounds(org_id, data.get("amount_requested", plan.amount_requested))
    _fill_plan(plan, data)
    if "lines" in data:
        _replace_lines(plan, data["lines"])
    db.session.flush()
    audit.record("grants.plan.update", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id)
    return plan


def submit_plan(org_id: int, plan_id: int, actor_id: int | None) -> BusinessPlan:
    plan = _locked(BusinessPlan, get_plan(org_id, plan_id).id)
    if plan.status != "draft":
        raise Conflict(f"Plan {plan.label} is already {plan.status}.")
    if not get_beneficiary(org_id, plan.beneficiary_id).is_ready:
        raise NotReady("She is not certified ready; the plan cannot go forward.")
    check_bounds(org_id, plan.amount_requested)
    lines = plan_lines(plan.id)
    if not lines:
        raise Invalid("List what the money will buy (budget lines) before submitting.", field="lines")
    budget = sum(line.amount for line in lines)
    if budget != plan.amount_requested:
        raise Invalid(f"The budget lines add up to {_pesos(budget)}; the amount requested is "
                      f"{_pesos(plan.amount_requested)}. Make them agree.", field="lines")
    plan.status, plan.submitted_at = "submitted", utcnow()
    db.session.flush()
    audit.record("grants.plan.submit", org_id=org_id, user_id=actor_id, target_type="plan", target_id=plan.id)
    return plan


def review_plan(org_id: int, plan_id: int, data: dict, actor_id: int) -> Review:
    """Interview, site visit, feasibility and the decision. 'revise' opens a new draft copied from this one."""
    plan = _locked(BusinessPlan, get_plan(org_id, plan_id).id)
    if plan.status != "submitted":
        raise Conflict(f"Plan {plan.label} is {plan.status}; only a submitted plan is reviewed.")
    if data["decision"] not in DECISIONS:
        raise Invalid(f"A decision is one of {', '.join(DECISIONS)}.", field="decision")
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


# ------------------------------------------------------------------ MOA and tranches


def get_moa(org_id: int, moa_id: int) -> Moa:
    return _get(Moa, org_id, moa_id, "MOA")


def moa_of_plan(plan_id: int) -> Moa | None:
    return db.session.scalar(select(Moa).where(Moa.plan_id == plan_id))


def moas_of(org_id: int, beneficiary_id: int) -> list[Moa]:
    return list(db.session.scalars(select(Moa).where(Moa.org_id == org_id, Moa.beneficiary_id == beneficiary_id)
                                   .order_by(Moa.id)))


def tranches_of(moa_id: int) -> list[Tranche]:
    return list(db.session.scalars(select(Tranche).where(Tranche.moa_id == moa_id).order_by(Tranche.seq)))


def get_tranche(org_id: int, tranche_id: int) -> Tranche:
    return _get(Tranche, org_id, tranche_id, "tranche")


def draft_moa(org_id: int, plan_id: int, *, fund_id: int, centre_signatory: str, actor_id: int | None,
              centre_role: str | None = None, tranches: list[dict] | None = None) -> Moa:
    plan = _locked(BusinessPlan, get_plan(org_id, plan_id).id)
    if plan.status != "approved":
        raise Conflict(f"Plan {plan.label} is {plan.status}; an MOA follows an approved plan.")
    if moa_of_plan(plan.id) is not None:
        raise Conflict(f"Plan {plan.label} already has its MOA.")
    fund = get_fund(org_id, fund_id)
    check_bounds(org_id, plan.amount_requested, field="total")
    moa = Moa(org_id=org_id, number=_next_number(Moa, org_id), plan_id=plan.id, beneficiary_id=plan.beneficiary_id,
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
    moa = _locked(Moa, get_moa(org_id, moa_id).id)
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
        raise Invalid(f"The tranches would add up to {_pesos(scheduled + amount)}, more than the MOA's "
                      f"{_pesos(moa.total)}.", field="amount")
    if existing and planned_on < existing[-1].planned_on:
        raise Invalid("A tranche is planned on or after the one before it.", field="planned_on")
    tranche = Tranche(org_id=org_id, moa_id=moa.id, seq=len(existing) + 1, amount=amount, planned_on=planned_on,
                      condition=condition)
    db.session.add(tranche)
    db.session.flush()
    return tranche


def remove_last_tranche(org_id: int, moa_id: int, actor_id: int | None) -> None:
    moa = _locked(Moa, get_moa(org_id, moa_id).id)
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
    fund = _locked(DonorFund, moa.fund_id)
    moa = _locked(Moa, moa.id)
    if moa.status != "draft":
        raise Conflict(f"{moa.label} is already {moa.status}.")
    tranches = tranches_of(moa.id)
    scheduled = sum(t.amount for t in tranches)
    if scheduled != moa.total:
        raise Invalid(f"The tranches add up to {_pesos(scheduled)}; the MOA is for {_pesos(moa.total)}. "
                      "Complete the schedule before signing.", field="tranches")
    position = fund_position(fund)
    if moa.total > position.available:
        raise Invalid(f"The {fund.donor_name} fund has {_pesos(position.available)} not yet promised "
                      f"({_pesos(position.left)} left, {_pesos(position.committed)} under signed MOAs); "
                      f"this MOA needs {_pesos(moa.total)}.", field="fund_id")
    moa.status, moa.signed_on = "signed", on
    fund.committed += moa.total
    db.session.flush()
    audit.record("grants.moa.sign", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id)
    return moa


def purchases_of(tranche_id: int) -> list[Purchase]:
    return list(db.session.scalars(select(Purchase).where(Purchase.tranche_id == tranche_id)
                                   .order_by(Purchase.bought_on, Purchase.id)))


def reports_of(moa_id: int) -> list[MonitoringReport]:
    return list(db.session.scalars(select(MonitoringReport).where(MonitoringReport.moa_id == moa_id)
                                   .order_by(MonitoringReport.month_no)))


def release_blocker(org_id: int, moa: Moa, tranche: Tranche) -> str | None:
    """Why this tranche may not be released yet, or None when its time has come."""
    if moa.status != "signed":
        return f"{moa.label} is {moa.status}: tranches are released only under a signed MOA."
    if tranche.status == "released":
        return f"Tranche {tranche.seq} is already released."
    if tranche.status == "cancelled":
        return f"Tranche {tranche.seq} was cancelled."
    if tranche.seq == 1:
        return None
    previous = db.session.scalar(select(Tranche).where(Tranche.moa_id == moa.id, Tranche.seq == tranche.seq - 1))
    if previous.status != "released":
        return f"Tranche {previous.seq} is not released yet; tranches go in order."
    if tranche.condition == "receipts":
        spent = sum(p.amount for p in purchases_of(previous.id))
        if spent < previous.amount:
            return (f"Tranche {tranche.seq} waits for purchase receipts for tranche {previous.seq}: "
                    f"{_pesos(spent)} of {_pesos(previous.amount)} recorded.")
    if tranche.condition == "sales_report":
        reported = db.session.scalar(select(MonitoringReport.id).where(
            MonitoringReport.moa_id == moa.id, MonitoringReport.visited_on >= previous.released_on).limit(1))
        if reported is None:
            return (f"Tranche {tranche.seq} waits for a monthly sales report made after tranche "
                    f"{previous.seq} was released ({previous.released_on:%d %B %Y}).")
    return None


def request_release(org_id: int, tranche_id: int, *, on: date, actor_id: int) -> Tranche:
    """The maker: asks for the release, to be approved by another staff member."""
    tranche = get_tranche(org_id, tranche_id)
    moa = get_moa(org_id, tranche.moa_id)
    tranche = _locked(Tranche, tranche.id)
    if tranche.status == "pending":
        raise Conflict(f"Tranche {tranche.seq} is already waiting for approval.")
    blocker = release_blocker(org_id, moa, tranche)
    if blocker:
        raise ReleaseRefused(blocker)
    if moa.signed_on and on < moa.signed_on:
        raise Invalid("A release is dated on or after the signing.", field="release_on")
    tranche.status, tranche.requested_by, tranche.requested_at, tranche.release_on = "pending", actor_id, utcnow(), on
    db.session.flush()
    audit.record("grants.tranche.request", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id)
    return tranche


def withdraw_request(org_id: int, tranche_id: int, actor_id: int) -> Tranche:
    tranche = _locked(Tranche, get_tranche(org_id, tranche_id).id)
    if tranche.status != "pending":
        raise Conflict(f"Tranche {tranche.seq} is not waiting for approval.")
    tranche.status, tranche.requested_by, tranche.requested_at, tranche.release_on = "planned", None, None, None
    db.session.flush()
    audit.record("grants.tranche.withdraw", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id)
    return tranche


# How a tranche's money leaves the books, by the MOA's kind. The loans feature registers "loan"
# (a capital-loan release with its repayment schedule) through `release_kinds` in its manifest.
ReleaseLines = Callable[[Moa, Tranche, DonorFund, int], tuple[Line, ...]]


def grant_release(moa: Moa, tranche: Tranche, fund: DonorFund, beneficiary_party: int) -> tuple[Line, ...]:
    return (Line("livelihood_grants_expense", debit=tranche.amount, party_id=beneficiary_party),
            Line(CASH, credit=tranche.amount),
            Line(fund.account_id, debit=tranche.amount, party_id=fund.party_id),
            Line("releases_from_restriction", credit=tranche.amount, party_id=fund.party_id))


def approve_release(org_id: int, tranche_id: int, *, actor_id: int, idempotency_key: str | None = None) -> Tranche:
    """The checker: a second staff member approves; the release posts against the donor's fund.

    Locks the fund, then the MOA, then the tranche (one order everywhere), so two releases from
    the same fund at once are serialised and the second sees what the first took.
    """
    tranche = get_tranche(org_id, tranche_id)
    if idempotency_key and tranche.status == "released" and tranche.entry_id:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.id == tranche.entry_id:
            return tranche
    moa = get_moa(org_id, tranche.moa_id)
    fund = _locked(DonorFund, moa.fund_id)
    moa = _locked(Moa, moa.id)
    tranche = _locked(Tranche, tranche.id)
    if tranche.status != "pending":
        raise Conflict(f"Tranche {tranche.seq} is {tranche.status}, not waiting for approval.")
    if tranche.requested_by == actor_id:
        raise SameStaff("You asked for this release; a second staff member must approve it.")
    blocker = release_blocker(org_id, moa, tranche)
    if blocker:
        raise ReleaseRefused(blocker)
    if moa.released_total + tranche.amount > moa.total:
        raise ReleaseRefused(f"This would release {_pesos(moa.released_total + tranche.amount)} under an MOA of "
                             f"{_pesos(moa.total)}.")
    position = fund_position(fund)
    if tranche.amount > position.left:
        raise ReleaseRefused(f"The {fund.donor_name} fund has {_pesos(position.left)} left; tranche {tranche.seq} "
                             f"is {_pesos(tranche.amount)}.")
    release = plugins().release_kinds.get(moa.kind)
    if release is None:
        raise ReleaseRefused("Capital-loan MOAs are released by the loans feature, which is not set up here yet.")
    beneficiary = get_beneficiary(org_id, moa.beneficiary_id)
    entry = ledger.post(Entry(org_id, tranche.release_on, f"{moa.label} tranche {tranche.seq} released to "
                              f"{beneficiary.label}", release(moa, tranche, fund, beneficiary.party_id),
                              source="grants.tranche", source_id=str(tranche.id), idempotency_key=idempotency_key),
                        actor_id)
    tranche.status, tranche.approved_by, tranche.released_on, tranche.entry_id = (
        "released", actor_id, tranche.release_on, entry.id)
    moa.released_total += tranche.amount
    moa.first_released_on = moa.first_released_on or tranche.release_on
    fund.committed -= tranche.amount
    _mark_done(org_id, "tranche", moa.id, tranche.seq, tranche.release_on)
    db.session.flush()
    audit.record("grants.tranche.release", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id, details={"entry_id": entry.id})
    return tranche


def add_purchase(org_id: int, tranche_id: int, data: dict, actor_id: int | None) -> Purchase:
    tranche = get_tranche(org_id, tranche_id)
    if tranche.status != "released":
        raise Invalid(f"Tranche {tranche.seq} is not released yet; purchases are made from released money.",
                      field="tranche_id")
    if data["bought_on"] < tranche.released_on:
        raise Invalid("A purchase from a tranche is made on or after its release.", field="bought_on")
    purchase = Purchase(org_id=org_id, tranche_id=tranche.id, recorded_by=actor_id, **{
        key: data.get(key) for key in ("bought_on", "item", "supplier", "amount", "receipt_no")})
    db.session.add(purchase)
    db.session.flush()
    audit.record("grants.purchase.add", org_id=org_id, user_id=actor_id, target_type="tranche", target_id=tranche.id)
    return purchase


# ------------------------------------------------------------------ monitoring and closing


@dataclass(frozen=True)
class MonthDue:
    moa_id: int
    month_no: int
    due_on: date
    report: MonitoringReport | None


def monitoring_months(org_id: int) -> int:
    return get_setting(org_id, MONITORING_MONTHS)


def monitoring_schedule(org_id: int, moa: Moa) -> list[MonthDue]:
    """Month k of monitoring is due k months after the first release."""
    if moa.first_released_on is None:
        return []
    reports = {r.month_no: r for r in reports_of(moa.id)}
    return [MonthDue(moa.id, k, add_months(moa.first_released_on, k), reports.get(k))
            for k in range(1, monitoring_months(org_id) + 1)]


def record_monitoring(org_id: int, moa_id: int, data: dict, actor_id: int | None) -> MonitoringReport:
    moa = _locked(Moa, get_moa(org_id, moa_id).id)
    if moa.status != "signed" or moa.first_released_on is None:
        raise Invalid(f"{moa.label} has no released tranche yet; monitoring starts with the first release.")
    schedule = monitoring_schedule(org_id, moa)
    month_no = data.get("month_no") or next((m.month_no for m in schedule if m.report is None), None)
    if month_no is None:
        raise Conflict(f"All {len(schedule)} monthly reports of {moa.label} are recorded.")
    if not 1 <= month_no <= len(schedule):
        raise Invalid(f"Monitoring lasts {len(schedule)} months; month {month_no} is outside it.", field="month_no")
    if schedule[month_no - 1].report is not None:
        raise Conflict(f"Month {month_no} of {moa.label} is already reported.", field="month_no")
    if data["visited_on"] < moa.first_released_on:
        raise Invalid("A monitoring visit comes after the first release.", field="visited_on")
    report = MonitoringReport(org_id=org_id, moa_id=moa.id, month_no=month_no, recorded_by=actor_id, **{
        key: data[key] for key in ("visited_on", "sales", "costs", "savings", "visit_note")})
    db.session.add(report)
    _mark_done(org_id, "monitoring", moa.id, month_no, data["visited_on"])
    db.session.flush()
    audit.record("grants.monitoring.add", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id,
                 details={"month": month_no})
    return report


def close_moa(org_id: int, moa_id: int, *, outcome: str, note: str, on: date, actor_id: int | None) -> Moa:
    """The grant's end: livelihood, growing enterprise, or stopped (what was not released goes back to the fund)."""
    moa = get_moa(org_id, moa_id)
    fund = _locked(DonorFund, moa.fund_id)
    moa = _locked(Moa, moa.id)
    if outcome not in OUTCOMES:
        raise Invalid(f"An outcome is one of {', '.join(OUTCOMES)}.", field="outcome")
    if moa.status != "signed":
        raise Conflict(f"{moa.label} is {moa.status}; only a signed MOA is closed.")
    tranches = tranches_of(moa.id)
    if outcome != "stopped":
        if any(t.status != "released" for t in tranches):
            raise Invalid("Some tranches are not released; close as 'stopped' or release them first.",
                          field="outcome")
        missing = [m.month_no for m in monitoring_schedule(org_id, moa) if m.report is None]
        if missing:
            raise Invalid(f"Monitoring month(s) {', '.join(map(str, missing))} are not reported yet.",
                          field="outcome")
    for tranche in tranches:
        if tranche.status in ("planned", "pending"):
            tranche.status = "cancelled"
    fund.committed -= moa.total - moa.released_total
    moa.status, moa.outcome, moa.outcome_note, moa.closed_on = "closed", outcome, note, on
    for item in db.session.scalars(select(FollowUp).where(FollowUp.moa_id == moa.id, FollowUp.done_on.is_(None))):
        item.done_on = on
    db.session.flush()
    audit.record("grants.moa.close", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id,
                 details={"outcome": outcome})
    return moa


# ------------------------------------------------------------------ what is due, and the staff's list


@dataclass(frozen=True)
class TrancheDue:
    moa: Moa
    tranche: Tranche
    blocker: str | None


def open_moas(org_id: int) -> list[Moa]:
    return list(db.session.scalars(select(Moa).where(Moa.org_id == org_id, Moa.status == "signed").order_by(Moa.id)))


def monitoring_due(org_id: int, on: date, horizon_days: int = 0) -> list[tuple[Moa, MonthDue]]:
    """Reports not recorded whose month has come (or comes within horizon_days)."""
    limit = on + timedelta(days=horizon_days)
    return [(moa, month) for moa in open_moas(org_id) for month in monitoring_schedule(org_id, moa)
            if month.report is None and month.due_on <= limit]


def tranches_due(org_id: int, on: date, horizon_days: int = 0) -> list[TrancheDue]:
    limit = on + timedelta(days=horizon_days)
    found = []
    for moa in open_moas(org_id):
        for tranche in tranches_of(moa.id):
            if tranche.status in ("planned", "pending") and tranche.planned_on <= limit:
                found.append(TrancheDue(moa, tranche, release_blocker(org_id, moa, tranche)))
    return found


def pending_approvals(org_id: int) -> list[Tranche]:
    return list(db.session.scalars(select(Tranche).where(Tranche.org_id == org_id, Tranche.status == "pending")
                                   .order_by(Tranche.requested_at)))


def _mark_done(org_id: int, kind: str, moa_id: int, ref: int, on: date) -> None:
    item = db.session.scalar(select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.kind == kind,
                                                    FollowUp.moa_id == moa_id, FollowUp.ref == ref))
    if item is not None and item.done_on is None:
        item.done_on = on


def list_due_followups(org_id: int, day: date) -> str:
    """The daily job: put every monitoring report and tranche whose day has come on the staff's list, once."""
    listed = 0
    wanted = [("monitoring", moa.id, month.month_no, month.due_on) for moa, month in monitoring_due(org_id, day)]
    wanted += [("tranche", due.moa.id, due.tranche.seq, due.tranche.planned_on) for due in tranches_due(org_id, day)]
    for kind, moa_id, ref, due_on in wanted:
        exists = db.session.scalar(select(FollowUp.id).where(FollowUp.org_id == org_id, FollowUp.kind == kind,
                                                             FollowUp.moa_id == moa_id, FollowUp.ref == ref))
        if exists is None:
            db.session.add(FollowUp(org_id=org_id, kind=kind, moa_id=moa_id, ref=ref, due_on=due_on, listed_on=day))
            listed += 1
    db.session.flush()
    return f"{listed} follow-up(s) listed"


def open_followups(org_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.done_on.is_(None))
                                   .order_by(FollowUp.due_on, FollowUp.id)))


# ------------------------------------------------------------------ the program, in numbers


def stage_of(org_id: int, beneficiary: Beneficiary) -> str:
    """Where she is in the program, in one word for lists."""
    moas = moas_of(org_id, beneficiary.id)
    if moas:
        latest = moas[-1]
        if latest.status == "closed":
            return f"closed: {latest.outcome}"
        if latest.status == "signed":
            return "monitoring" if latest.first_released_on else "MOA signed"
        return "MOA drafted"
    plans = plans_of(org_id, beneficiary.id)
    if plans:
        return f"plan {plans[-1].status}"
    if beneficiary.is_ready:
        return "ready"
    return "in counselling"


@dataclass(frozen=True)
class ProgramSummary:
    beneficiaries: int
    certified_ready: int
    trained: int
    plans_by_status: dict[str, int]
    moas_by_status: dict[str, int]
    committed_total: int  # sum of signed and closed MOAs' totals
    released_total: int
    tranches_released: int
    purchases_total: int
    reports_recorded: int
    average_sales: int
    average_savings: int
    outcomes: dict[str, int]
    funds: list[tuple[DonorFund, FundPosition]]
    grants_expense: int | None  # the ledger's livelihood grants (debit balance); None for one fund
    released_from_funds: int  # the ledger's releases from restriction (credit balance)

    @property
    def reconciles(self) -> bool:
        from_funds = sum(position.released for _, position in self.funds)
        expense = self.released_total if self.grants_expense is None else self.grants_expense
        return self.released_total == from_funds == self.released_from_funds == expense


def program_summary(org_id: int, fund_id: int | None = None) -> ProgramSummary:
    """Counts and amounts for the donor: no name, no number of any woman.

    With a fund, only the grants charged to it and the women who received them.
    """
    moas = select(Moa.id).where(Moa.org_id == org_id, *([Moa.fund_id == fund_id] if fund_id else []))
    women = select(Moa.beneficiary_id).where(Moa.id.in_(moas))
    funds = [get_fund(org_id, fund_id)] if fund_id else list_funds(org_id)

    def scoped(column):
        return [column.in_(women)] if fund_id else []

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(model.org_id == org_id, *where)) or 0

    def by(column, model, *where):
        return {k: n for k, n in db.session.execute(select(column, func.count()).where(model.org_id == org_id, *where)
                                                    .group_by(column))}

    trained = db.session.scalar(select(func.count(func.distinct(Training.beneficiary_id))).where(
        Training.org_id == org_id, Training.completed.is_(True), *scoped(Training.beneficiary_id))) or 0
    sums = db.session.execute(select(func.coalesce(func.sum(Moa.total), 0), func.coalesce(func.sum(Moa.released_total), 0))
                              .where(Moa.id.in_(moas), Moa.status != "draft")).one()
    averages = db.session.execute(select(func.avg(MonitoringReport.sales), func.avg(MonitoringReport.savings))
                                  .where(MonitoringReport.moa_id.in_(moas))).one()
    outcomes = {k: n for k, n in db.session.execute(select(Moa.outcome, func.count()).where(
        Moa.id.in_(moas), Moa.status == "closed").group_by(Moa.outcome))}
    purchases = db.session.scalar(select(func.coalesce(func.sum(Purchase.amount), 0)).where(
        Purchase.tranche_id.in_(select(Tranche.id).where(Tranche.moa_id.in_(moas)))))
    if fund_id:  # the donor's own releases; the grants expense is kept per woman, not per fund
        released_from_funds = ledger.party_balance(org_id, "releases_from_restriction", funds[0].party_id).credit_balance
        grants_expense = None
    else:
        released_from_funds = ledger.balance(org_id, "releases_from_restriction").credit_balance
        grants_expense = ledger.balance(org_id, "livelihood_grants_expense").debit_balance
    return ProgramSummary(
        beneficiaries=count(Beneficiary, *scoped(Beneficiary.id)),
        certified_ready=count(Beneficiary, Beneficiary.ready_on.is_not(None), *scoped(Beneficiary.id)),
        trained=trained, plans_by_status=by(BusinessPlan.status, BusinessPlan, *scoped(BusinessPlan.beneficiary_id)),
        moas_by_status=by(Moa.status, Moa, Moa.id.in_(moas)),
        committed_total=int(sums[0]), released_total=int(sums[1]),
        tranches_released=count(Tranche, Tranche.status == "released", Tranche.moa_id.in_(moas)),
        purchases_total=int(purchases), reports_recorded=count(MonitoringReport, MonitoringReport.moa_id.in_(moas)),
        average_sales=int(averages[0] or 0), average_savings=int(averages[1] or 0), outcomes=outcomes,
        funds=[(fund, fund_position(fund)) for fund in funds],
        grants_expense=grants_expense, released_from_funds=released_from_funds,
    )


def all_moas(org_id: int) -> list[Moa]:
    return list(db.session.scalars(select(Moa).where(Moa.org_id == org_id).order_by(Moa.id)))


def all_plans(org_id: int) -> list[BusinessPlan]:
    return list(db.session.scalars(select(BusinessPlan).where(BusinessPlan.org_id == org_id).order_by(BusinessPlan.id)))
