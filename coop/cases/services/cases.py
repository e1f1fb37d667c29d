"""A case from intake to its end: who she is, what brought her, who works with her, how she is, where it ends."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...grants import services as grants
from ...manifest import ReadyMark
from ...orgs.services import get_setting
from ..models import (CLOSING_REASONS, OPEN_STATUSES, SCALES, Assessment, Assignment, Case, CaseCategory,
                      Category)
from .base import (SCALE, case_for, check_day, is_admin, next_number, not_before,
                   not_future, open_only)
from .referrals import chosen_agency
from .setup import get_program, workers

DETAILS = ("client_name", "household", "mobile", "town", "province", "referrer_kind", "referred_by", "program_id")


# ------------------------------------------------------------------ intake, lists, her record


def open_case(org_id: int, data: dict, actor_id: int) -> Case:
    """Intake: she (or her family) comes, referred by someone; the worker who takes her in is assigned."""
    not_future(data["opened_on"], "opened_on")
    if data.get("program_id") is not None:
        get_program(org_id, data["program_id"])
    case = Case(org_id=org_id, number=next_number(Case, org_id), opened_on=data["opened_on"], status="intake",
                status_on=data["opened_on"], created_by=actor_id,
                **{key: data.get(key) for key in DETAILS if key != "household"},
                household=data.get("household") or "woman")
    db.session.add(case)
    db.session.flush()
    _set_categories(org_id, case, data.get("category_ids") or [])
    staff = {u.id for u in workers(org_id)}
    if data.get("worker_id") is not None and data["worker_id"] not in staff:
        raise Invalid("Assign a case worker of this organization.", field="worker_id")
    for worker_id in dict.fromkeys(w for w in (actor_id if actor_id in staff else None, data.get("worker_id")) if w):
        _assign(org_id, case, worker_id, data["opened_on"], actor_id)
    audit.record("cases.case.open", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id)
    return case


def _set_categories(org_id: int, case: Case, category_ids: list[int]) -> None:
    wanted = set(category_ids)
    known = {c.id for c in db.session.scalars(select(Category).where(Category.org_id == org_id,
                                                                     Category.id.in_(wanted)))}
    if wanted - known:
        raise Invalid("Choose categories from the organization's list.", field="category_ids")
    current = {row.category_id: row for row in db.session.scalars(select(CaseCategory).where(
        CaseCategory.case_id == case.id))}
    for category_id in wanted - set(current):
        db.session.add(CaseCategory(org_id=org_id, case_id=case.id, category_id=category_id))
    for category_id in set(current) - wanted:
        db.session.delete(current[category_id])
    db.session.flush()


def case_categories(case_id: int) -> list[Category]:
    return list(db.session.scalars(select(Category).join(CaseCategory, CaseCategory.category_id == Category.id)
                                   .where(CaseCategory.case_id == case_id).order_by(Category.name)))


def visible_cases(org_id: int, actor_id: int, *, status: str | None = None, sealed: bool = False) -> list[Case]:
    """The cases this person may see: the admin all (sealed ones apart), a worker those assigned to her."""
    query = select(Case).where(Case.org_id == org_id)
    if is_admin(org_id, actor_id):
        query = query.where(Case.sealed_on.is_not(None) if sealed else Case.sealed_on.is_(None))
    else:
        query = query.where(Case.sealed_on.is_(None), Case.id.in_(select(Assignment.case_id).where(
            Assignment.user_id == actor_id, Assignment.active.is_(True))))
    if status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif status:
        query = query.where(Case.status == status)
    audit.record("cases.case.list", org_id=org_id, user_id=actor_id, target_type="case",
                 details={"status": status, "sealed": sealed})
    return list(db.session.scalars(query.order_by(Case.number.desc())))


def view_case(org_id: int, case_id: int, actor_id: int) -> Case:
    """Her record for a person to look at: every look is in the audit trail."""
    case = case_for(org_id, case_id, actor_id)
    audit.record("cases.case.view", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id)
    return case


def update_case(org_id: int, case_id: int, data: dict, actor_id: int) -> Case:
    case = case_for(org_id, case_id, actor_id)
    if data.get("program_id") is not None:
        get_program(org_id, data["program_id"])
    for key in DETAILS:
        if key in data:
            setattr(case, key, data[key])
    if "category_ids" in data:
        _set_categories(org_id, case, data["category_ids"] or [])
    db.session.flush()
    audit.record("cases.case.update", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"fields": sorted(data)})
    return case


# ------------------------------------------------------------------ workers


def _assign(org_id: int, case: Case, user_id: int, on: date, actor_id: int | None) -> Assignment:
    row = db.session.scalar(select(Assignment).where(Assignment.case_id == case.id, Assignment.user_id == user_id))
    if row is None:
        row = Assignment(org_id=org_id, case_id=case.id, user_id=user_id, assigned_on=on, assigned_by=actor_id)
        db.session.add(row)
    else:
        row.active, row.assigned_on, row.assigned_by = True, on, actor_id
    db.session.flush()
    audit.record("cases.case.assign", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"worker": user_id})
    return row


def assign_worker(org_id: int, case_id: int, user_id: int, on: date, actor_id: int) -> Assignment:
    case = case_for(org_id, case_id, actor_id)
    if user_id not in {u.id for u in workers(org_id)}:
        raise Invalid("Assign a case worker of this organization.", field="user_id")
    check_day(case, on, "assigned_on")
    return _assign(org_id, case, user_id, on, actor_id)


def unassign_worker(org_id: int, case_id: int, user_id: int, actor_id: int) -> None:
    case = case_for(org_id, case_id, actor_id)
    active = assignments(case.id)
    if user_id not in {a.user_id for a in active}:
        raise NotFound("She is not assigned to this case.")
    if len(active) == 1 and case.is_open:
        raise Invalid("An open case keeps at least one assigned worker.", field="user_id")
    for row in active:
        if row.user_id == user_id:
            row.active = False
    db.session.flush()
    audit.record("cases.case.unassign", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"worker": user_id})


def assignments(case_id: int) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.case_id == case_id,
                                                            Assignment.active.is_(True)).order_by(Assignment.id)))


# ------------------------------------------------------------------ status


# Where a case may go from each status (closing and transfer are the same from any open status).
MOVES = {"intake": ("recovery",), "recovery": ("intake",), "ready": ("recovery",),
         "closed": ("recovery",), "transferred": ("recovery",)}


def set_status(org_id: int, case_id: int, *, status: str, on: date, actor_id: int, reason: str | None = None,
               agency_id: int | None = None) -> Case:
    """Move the case: into recovery, back; closed or transferred (with a reason); reopened. "Ready" comes only
    from a social worker's assessment that certifies her, and a move back to recovery or intake withdraws it."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    check_day(case, on, "on")
    not_before(on, case.status_on, "on")
    if status in ("closed", "transferred"):
        open_only(case)
        if reason not in CLOSING_REASONS:
            raise Invalid("Say why the case ends.", field="reason")
        if status == "transferred":
            if agency_id is None:
                raise Invalid("Choose the agency she is transferred to.", field="agency_id")
            chosen_agency(org_id, agency_id)
        case.closing_reason, case.transferred_to, case.ended_on = reason, agency_id, on
    elif status in MOVES.get(case.status, ()):
        if not case.is_open:
            case.closing_reason, case.transferred_to, case.ended_on = None, None, None
        # Back in recovery (a relapse, a reopened case) she is no longer certified: grants reads that at once.
        case.ready_on, case.ready_by = None, None
    else:
        raise Conflict("The case cannot move to that status from where it is.", field="status")
    previous = case.status
    case.status, case.status_on = status, on
    db.session.flush()
    audit.record("cases.case.status", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"from": previous, "to": status, "reason": case.closing_reason})
    return case


# ------------------------------------------------------------------ assessments and readiness


def scale_of(org_id: int) -> str:
    return get_setting(org_id, SCALE)


def record_assessment(org_id: int, case_id: int, data: dict, actor_id: int) -> Assessment:
    """Her level of distress today on the organization's scale. A social worker's assessment may certify her ready
    for enterprise: the case moves to "ready" and grants reads it (no more free note on the beneficiary)."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    open_only(case)
    check_day(case, data["assessed_on"], "assessed_on")
    scale = scale_of(org_id)
    low, high = SCALES[scale]
    if not low <= data["level"] <= high:
        raise Invalid("The level is outside the organization's scale.", field="level")
    ready = bool(data.get("certifies_ready"))
    if ready:
        if case.ready_on is not None:
            raise Conflict("She is already certified ready.", field="certifies_ready")
        not_before(data["assessed_on"], case.status_on, "assessed_on")
    row = Assessment(org_id=org_id, case_id=case.id, assessed_on=data["assessed_on"], scale=scale,
                     level=data["level"], certifies_ready=ready, note=data.get("note"), assessed_by=actor_id)
    db.session.add(row)
    if ready:
        case.ready_on, case.ready_by = data["assessed_on"], actor_id
        case.status, case.status_on = "ready", data["assessed_on"]
    elif case.status == "intake":
        case.status, case.status_on = "recovery", max(case.status_on, data["assessed_on"])
    db.session.flush()
    audit.record("cases.case.assess", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"assessment": row.id, "certifies_ready": ready})
    return row


def assessments_of(case_id: int) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.case_id == case_id)
                                   .order_by(Assessment.assessed_on, Assessment.id)))


def readiness_marks(org_id: int, beneficiary_ids: frozenset[int] | None) -> dict[int, ReadyMark]:
    """The readiness plug-in grants reads: her case's certification, by case number only."""
    query = select(Case).where(Case.org_id == org_id, Case.beneficiary_id.is_not(None))
    if beneficiary_ids is not None:
        query = query.where(Case.beneficiary_id.in_(beneficiary_ids))
    return {case.beneficiary_id: ReadyMark(case.ready_on, case.ready_by, case.label)
            for case in db.session.scalars(query)}


# ------------------------------------------------------------------ her grant


@dataclass(frozen=True)
class Linked:
    label: str
    stage: str


def link_beneficiary(org_id: int, case_id: int, beneficiary_number: int, actor_id: int) -> Case:
    """Join her case to her record in the livelihood grants program, by its number (B-0003): one case each."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    if case.beneficiary_id is not None:
        raise Conflict("This case is already linked to a beneficiary.", field="beneficiary")
    found = grants.find_beneficiary(org_id, beneficiary_number)
    if found is None:
        raise Invalid("No beneficiary has that number.", field="beneficiary")
    if db.session.scalar(select(Case.id).where(Case.org_id == org_id, Case.beneficiary_id == found.id)):
        raise Conflict("That beneficiary is linked to another case.", field="beneficiary")
    case.beneficiary_id = found.id
    db.session.flush()
    audit.record("cases.case.link", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"beneficiary": found.id})
    return case


def enroll_in_grants(org_id: int, case_id: int, actor_id: int) -> Case:
    """A woman certified ready starts in the livelihood grants program: her beneficiary record is made from her
    case (name, phone, town: the minimum) through the grants program's own service."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    if case.beneficiary_id is not None:
        raise Conflict("This case is already linked to a beneficiary.")
    if case.ready_on is None:
        raise Invalid("She starts in the grants program once a social worker certifies her ready.")
    beneficiary = grants.add_beneficiary(org_id, {"name": case.client_name, "mobile": case.mobile,
                                                  "town": case.town, "province": case.province}, actor_id)
    case.beneficiary_id = beneficiary.id
    db.session.flush()
    audit.record("cases.case.enroll", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"beneficiary": beneficiary.id})
    return case


def linked_beneficiary(org_id: int, case: Case) -> Linked | None:
    if case.beneficiary_id is None:
        return None
    found = grants.get_beneficiary(org_id, case.beneficiary_id)
    return Linked(found.label, grants.stage_of(org_id, found))


# ------------------------------------------------------------------ sealing


def seal(org_id: int, case_id: int, on: date, actor_id: int) -> Case:
    """Kept, hidden: from then on only the admin opens it; it still counts in the aggregates."""
    if not is_admin(org_id, actor_id):
        raise NotFound("No such case.")
    case = case_for(org_id, case_id, actor_id, lock=True)
    if case.sealed_on is not None:
        raise Conflict("The case is already sealed.")
    not_future(on, "sealed_on")
    case.sealed_on, case.sealed_by = on, actor_id
    db.session.flush()
    audit.record("cases.case.seal", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id)
    return case


def unseal(org_id: int, case_id: int, actor_id: int) -> Case:
    if not is_admin(org_id, actor_id):
        raise NotFound("No such case.")
    case = case_for(org_id, case_id, actor_id, lock=True)
    if case.sealed_on is None:
        raise Conflict("The case is not sealed.")
    case.sealed_on, case.sealed_by = None, None
    db.session.flush()
    audit.record("cases.case.unseal", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id)
    return case



def open_count(org_id: int) -> int:
    """For the dashboard: a count, no case named."""
    return db.session.scalar(select(func.count()).select_from(Case).where(
        Case.org_id == org_id, Case.status.in_(OPEN_STATUSES))) or 0
