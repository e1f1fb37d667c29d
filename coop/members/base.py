"""What every verb on a member needs, whether it is about her membership (services) or her shares (shares)."""
from __future__ import annotations

from datetime import date

from ..audit import services as audit
from ..extensions import db
from ..kernel import get_in_org
from ..ledger import services as ledger
from .models import Member, MemberStatusChange


def get_member(org_id: int, member_id: int, *, lock: bool = False) -> Member:
    """The member of this organization (lock=True: under her row lock, read fresh), else NotFound."""
    return get_in_org(Member, org_id, member_id, "No such member.", lock=lock)


def member_party(member: Member) -> int:
    """The member's party id in the ledger (created on first use)."""
    if member.party_id is None:
        member.party_id = ledger.ensure_party(member.org_id, "member", member.id, member.label)
        db.session.flush()
    return member.party_id


def set_status(member: Member, to_status: str, on: date, reason: str, actor_id: int | None) -> None:
    """Change her status, with a line in her status history and the audit log."""
    db.session.add(MemberStatusChange(org_id=member.org_id, member_id=member.id, from_status=member.status,
                                      to_status=to_status, changed_on=on, reason=reason, changed_by=actor_id))
    audit.record("member.status", org_id=member.org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"from": member.status, "to": to_status})
    member.status = to_status
    db.session.flush()
