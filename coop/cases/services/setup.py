"""The NGO's own lists: presenting-situation categories, programs (with their donor), workers' phones."""
from __future__ import annotations

from sqlalchemy import select

from ...audit import services as audit
from ...auth import services as auth
from ...errors import Conflict
from ...extensions import db
from ...grants import services as grants
from ...kernel import get_in_org
from ..models import Category, Program, WorkerPhone
from .base import CASE_WORKER

DEFAULT_CATEGORIES = ("Trafficking", "Illegal recruitment", "Violence", "Abandonment", "Medical", "Legal")


def categories(org_id: int, *, active_only: bool = False) -> list[Category]:
    query = select(Category).where(Category.org_id == org_id)
    if active_only:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query.order_by(Category.name)))


def add_category(org_id: int, name: str, actor_id: int | None) -> Category:
    name = name.strip()
    if db.session.scalar(select(Category.id).where(Category.org_id == org_id, Category.name == name)):
        raise Conflict("That category is already on the list.", field="name")
    category = Category(org_id=org_id, name=name)
    db.session.add(category)
    db.session.flush()
    audit.record("cases.category.add", org_id=org_id, user_id=actor_id, target_type="case_category",
                 target_id=category.id)
    return category


def set_category_active(org_id: int, category_id: int, active: bool, actor_id: int | None) -> Category:
    category = get_in_org(Category, org_id, category_id, "No such category.")
    category.active = active
    db.session.flush()
    audit.record("cases.category.active" if active else "cases.category.retire", org_id=org_id, user_id=actor_id,
                 target_type="case_category", target_id=category.id)
    return category


def ensure_default_categories(org_id: int) -> None:
    """A new NGO starts with the situations the field report names; it edits the list as it likes."""
    if not categories(org_id):
        for name in DEFAULT_CATEGORIES:
            db.session.add(Category(org_id=org_id, name=name))
        db.session.flush()


def programs(org_id: int, *, active_only: bool = False) -> list[Program]:
    query = select(Program).where(Program.org_id == org_id)
    if active_only:
        query = query.where(Program.active.is_(True))
    return list(db.session.scalars(query.order_by(Program.name)))


def get_program(org_id: int, program_id: int) -> Program:
    return get_in_org(Program, org_id, program_id, "No such program.")


def add_program(org_id: int, name: str, fund_id: int | None, actor_id: int | None) -> Program:
    name = name.strip()
    if db.session.scalar(select(Program.id).where(Program.org_id == org_id, Program.name == name)):
        raise Conflict("That program is already on the list.", field="name")
    if fund_id is not None:
        grants.get_fund(org_id, fund_id)
    program = Program(org_id=org_id, name=name, fund_id=fund_id)
    db.session.add(program)
    db.session.flush()
    audit.record("cases.program.add", org_id=org_id, user_id=actor_id, target_type="case_program",
                 target_id=program.id)
    return program


def funds(org_id: int):
    return grants.list_funds(org_id)


def workers(org_id: int) -> list:
    """The organization's case workers (users with that role), by name."""
    return [user for user, role in auth.users_of(org_id) if role == CASE_WORKER]


TEXTED_ROLES = (CASE_WORKER, "admin", "grant_staff")  # the case workers, and the social workers who supervise clusters


def texted_staff(org_id: int) -> list:
    """Staff who may get the overdue texts (referral follow-ups, capital-loan installments), by name."""
    return [user for user, role in auth.users_of(org_id) if role in TEXTED_ROLES]


def worker_phones(org_id: int) -> dict[int, str]:
    return {p.user_id: p.mobile for p in db.session.scalars(select(WorkerPhone).where(WorkerPhone.org_id == org_id))}


def set_worker_phone(org_id: int, user_id: int, mobile: str | None, actor_id: int | None) -> None:
    if user_id not in {u.id for u in texted_staff(org_id)}:
        raise Conflict("Only a case worker or social worker of this organization gets the overdue texts.",
                       field="user_id")
    row = db.session.scalar(select(WorkerPhone).where(WorkerPhone.org_id == org_id, WorkerPhone.user_id == user_id))
    if mobile:
        if row is None:
            db.session.add(WorkerPhone(org_id=org_id, user_id=user_id, mobile=mobile))
        else:
            row.mobile = mobile
    elif row is not None:
        db.session.delete(row)
    db.session.flush()
    audit.record("cases.worker_phone", org_id=org_id, user_id=actor_id, target_type="user", target_id=user_id)
