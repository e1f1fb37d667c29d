"""The members' verbs. Other domains use get_member, member_party, standing and the standing-check registry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import func, select

from ..errors import Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from .models import MEMBER_STATUSES, Member, MemberStatusChange


@dataclass(frozen=True)
class Standing:
    good: bool
    reasons: tuple[str, ...]


# Checks other domains plug in (loans: "no loan in arrears"): fn(org_id, member_id, on) -> reasons, empty if fine.
STANDING_CHECKS: list[Callable[[int, int, date], list[str]]] = []


def register_standing_check(check: Callable[[int, int, date], list[str]]) -> None:
    if check not in STANDING_CHECKS:
        STANDING_CHECKS.append(check)


def get_member(org_id: int, member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.org_id != org_id:
        raise NotFound("No such member.")
    return member


def member_for_user(org_id: int, user_id: int) -> Member:
    member = db.session.scalar(select(Member).where(Member.org_id == org_id, Member.user_id == user_id))
    if member is None:
        raise NotFound("No member record is linked to this login.")
    return member


def parties_of_user(org_id: int, user_id: int) -> set[int]:
    """The member's ledger party, if this login belongs to a member of the organization."""
    party_id = db.session.scalar(select(Member.party_id).where(Member.org_id == org_id, Member.user_id == user_id))
    return {party_id} if party_id else set()


def member_party(member: Member) -> int:
    """The member's party id in the ledger (created on first use)."""
    if member.party_id is None:
        member.party_id = ledger.ensure_party(member.org_id, "member", member.id, member.label)
        db.session.flush()
    return member.party_id


def standing(org_id: int, member_id: int, on: date) -> Standing:
    """Good standing: active, and every registered check (shares, loans...) finds nothing overdue."""
    member = get_member(org_id, member_id)
    reasons = [] if member.status == "active" else [f"membership is {member.status}"]
    for check in STANDING_CHECKS:
        reasons.extend(check(org_id, member_id, on))
    return Standing(not reasons, tuple(reasons))


def create_member(org_id: int, *, name: str, actor_id: int | None, status: str = "applicant",
                  on: date | None = None, **fields) -> Member:
    if status not in MEMBER_STATUSES:
        raise Invalid(f"A status is one of {', '.join(MEMBER_STATUSES)}.", field="status")
    if not name or not name.strip():
        raise Invalid("Give the member's name.", field="name")
    number = (db.session.scalar(select(func.max(Member.number)).where(Member.org_id == org_id)) or 0) + 1
    member = Member(org_id=org_id, number=number, name=name.strip(), status=status, **fields)
    db.session.add(member)
    db.session.flush()
    db.session.add(MemberStatusChange(org_id=org_id, member_id=member.id, from_status=None, to_status=status,
                                      changed_on=on or date.today(), reason="registered", changed_by=actor_id))
    member_party(member)
    return member
