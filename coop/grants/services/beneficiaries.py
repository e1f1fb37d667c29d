"""The women in the program: their records (every look audited), readiness and trainings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...manifest import ReadyMark, plugins
from ..models import Beneficiary, Training
from .base import next_number


def get_beneficiary(org_id: int, beneficiary_id: int, *, lock: bool = False) -> Beneficiary:
    return get_in_org(Beneficiary, org_id, beneficiary_id, "No such beneficiary.", lock=lock)


def find_beneficiary(org_id: int, number: int) -> Beneficiary | None:
    """By her program number (B-0003 is 3), for another package that knows her by number only."""
    return db.session.scalar(select(Beneficiary).where(Beneficiary.org_id == org_id, Beneficiary.number == number))


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
    beneficiary = Beneficiary(org_id=org_id, number=next_number(Beneficiary, org_id), name=data["name"],
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


def readiness_marks(org_id: int, beneficiaries: list[Beneficiary]) -> dict[int, ReadyMark]:
    """Who certified each woman ready. A woman whose recovery another package follows (her case in coop.cases)
    is certified there, by the social worker's assessment; the others keep this program's own certification."""
    ids = frozenset(b.id for b in beneficiaries)
    marks: dict[int, ReadyMark] = {}
    for source in plugins().readiness:
        for beneficiary_id, mark in source(org_id, ids).items():
            marks.setdefault(beneficiary_id, mark)
    for b in beneficiaries:
        if b.id not in marks and b.ready_on is not None:
            marks[b.id] = ReadyMark(b.ready_on, b.ready_by, b.label)
    return marks


def readiness(org_id: int, beneficiary: Beneficiary) -> ReadyMark | None:
    """Her certification, or None when nobody has a say yet (a ReadyMark without a date: followed, not ready)."""
    return readiness_marks(org_id, [beneficiary]).get(beneficiary.id)


def is_ready(org_id: int, beneficiary: Beneficiary) -> bool:
    mark = readiness(org_id, beneficiary)
    return mark is not None and mark.ready_on is not None


def certify_ready(org_id: int, beneficiary_id: int, *, on: date, note: str, actor_id: int) -> Beneficiary:
    """The social worker's word that counselling is done and she is ready for economic reintegration."""
    beneficiary = get_beneficiary(org_id, beneficiary_id)
    mark = readiness(org_id, beneficiary)
    if mark is not None and mark.source != beneficiary.label:
        raise Conflict("Her readiness is assessed on her case, by her social worker.")
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
