"""Counselling sessions, group work, home visits, phone and text follow-ups on a case."""
from __future__ import annotations

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ..models import Session
from .base import case_for, check_day
from .setup import workers


def record_session(org_id: int, case_id: int, data: dict, actor_id: int) -> Session:
    """Who facilitated is a staff member (by login) or a peer counselor (by name: she need not have a login)."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    check_day(case, data["held_on"], "held_on")
    facilitator_id, peer = data.get("facilitator_id"), data.get("peer_counselor")
    if data["facilitator_kind"] == "staff":
        facilitator_id, peer = facilitator_id or actor_id, None
        if facilitator_id != actor_id and facilitator_id not in {u.id for u in workers(org_id)}:
            raise Invalid("Choose a case worker of this organization.", field="facilitator_id")
    else:
        if not peer:
            raise Invalid("Name the peer counselor who facilitated.", field="peer_counselor")
        facilitator_id = None
    row = Session(org_id=org_id, case_id=case.id, kind=data["kind"], held_on=data["held_on"],
                  facilitator_kind=data["facilitator_kind"], facilitator_id=facilitator_id, peer_counselor=peer,
                  module=data.get("module"), minutes=data["minutes"], note=data.get("note"), recorded_by=actor_id)
    db.session.add(row)
    if case.status == "intake":
        case.status, case.status_on = "recovery", max(case.status_on, data["held_on"])
    db.session.flush()
    audit.record("cases.session.add", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"session": row.id, "kind": row.kind})
    return row


def sessions_of(case_id: int) -> list[Session]:
    return list(db.session.scalars(select(Session).where(Session.case_id == case_id)
                                   .order_by(Session.held_on.desc(), Session.id.desc())))
