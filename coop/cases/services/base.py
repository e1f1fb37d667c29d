"""What the case verbs share: setting keys, errors, who may see a case, dates in order."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...auth import services as auth
from ...errors import Invalid, NotFound, Words
from ...extensions import db
from ...kernel import get_in_org
from ...timeutil import today
from ..models import Assignment, Case

SCALE = "cases.distress_scale"
TEXT_OVERDUE = "cases.text_overdue"
SENDER = "cases.sender_name"
FOLLOWUP_DAYS = "cases.followup_days"
ADMIN = "admin"
CASE_WORKER = "case_worker"
HIDDEN = Words("No such case.")


def next_number(model, org_id: int) -> int:
    return (db.session.scalar(select(func.max(model.number)).where(model.org_id == org_id)) or 0) + 1


def is_admin(org_id: int, actor_id: int | None) -> bool:
    return actor_id is not None and auth.role_in(actor_id, org_id) == ADMIN


def is_assigned(case_id: int, actor_id: int | None) -> bool:
    return actor_id is not None and db.session.scalar(select(Assignment.id).where(
        Assignment.case_id == case_id, Assignment.user_id == actor_id, Assignment.active.is_(True))) is not None


def may_see(org_id: int, case: Case, actor_id: int | None) -> bool:
    """RA 10173: a case is for its assigned workers and the admin; a sealed case for the admin only."""
    if is_admin(org_id, actor_id):
        return True
    return case.sealed_on is None and is_assigned(case.id, actor_id)


def may_open(org_id: int, case_id: int, actor_id: int | None) -> bool:
    return may_see(org_id, get_in_org(Case, org_id, case_id, HIDDEN), actor_id)


def case_for(org_id: int, case_id: int, actor_id: int | None, *, lock: bool = False) -> Case:
    """The case if this person may see it; otherwise the same 404 as a case that does not exist (the refusal
    is kept in the audit trail by the error handler)."""
    case = get_in_org(Case, org_id, case_id, HIDDEN, lock=lock)
    if not may_see(org_id, case, actor_id):
        raise NotFound(HIDDEN)
    return case


def not_future(on: date, field: str) -> None:
    if on > today():
        raise Invalid("A date in the future cannot be recorded yet.", field=field)


def not_before(on: date, earliest: date, field: str) -> None:
    if on < earliest:
        raise Invalid("This date is before the case was opened or the step it follows.", field=field)


def check_day(case: Case, on: date, field: str) -> None:
    """Something that happened on her case: not ahead of today, not before her intake."""
    not_future(on, field)
    not_before(on, case.opened_on, field)


def open_only(case: Case) -> None:
    if not case.is_open:
        raise Invalid("The case is closed or transferred; reopen it first.")
