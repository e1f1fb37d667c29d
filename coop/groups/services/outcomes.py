"""Plain counts for the donor outcome report: no names, nothing but numbers of the period."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from ...extensions import db
from ..models import CapitalLoan, ClusterMember, Coaching, GroupSession, Repayment
from .trainings import count_completed

OUTCOME_KEYS = ("women_in_clusters", "children_in_groups", "group_sessions", "trainings_completed",
                "coaching_sessions", "capital_loans_active", "capital_loans_repaid")


def outcome_counts(org_id: int, start: date, end: date) -> dict[str, int]:
    """Women in clusters (members on any day of the period; the peer counselors who lead them are not counted),
    group sessions held, trainings completed, coaching
    sessions, capital loans active at the end of the period and repaid in full within it."""
    in_period = (ClusterMember.org_id == org_id, ClusterMember.joined_on <= end,
                 or_(ClusterMember.left_on.is_(None), ClusterMember.left_on >= start))
    women = db.session.scalar(select(func.count(func.distinct(ClusterMember.beneficiary_id))).where(
        *in_period, ClusterMember.beneficiary_id.is_not(None), ClusterMember.alias.is_(None),
        ClusterMember.role != "peer_counselor"))
    children = db.session.scalar(select(func.count(ClusterMember.id)).where(*in_period, ClusterMember.alias.is_not(None)))
    sessions = db.session.scalar(select(func.count(GroupSession.id)).where(
        GroupSession.org_id == org_id, GroupSession.held_on.between(start, end)))
    coaching = db.session.scalar(select(func.count(Coaching.id)).where(
        Coaching.org_id == org_id, Coaching.held_on.between(start, end)))
    last_paid = (select(Repayment.loan_id, func.max(Repayment.paid_on).label("last"))
                 .where(Repayment.org_id == org_id, Repayment.voided_on.is_(None)).group_by(Repayment.loan_id).subquery())
    repaid = db.session.scalar(select(func.count(CapitalLoan.id)).join(last_paid, last_paid.c.loan_id == CapitalLoan.id)
                               .where(CapitalLoan.org_id == org_id, CapitalLoan.status == "repaid",
                                      last_paid.c.last.between(start, end)))
    active = db.session.scalar(select(func.count(CapitalLoan.id)).outerjoin(
        last_paid, last_paid.c.loan_id == CapitalLoan.id).where(
        CapitalLoan.org_id == org_id, CapitalLoan.released_on <= end,
        or_(CapitalLoan.status == "active", last_paid.c.last > end)))
    return {"women_in_clusters": women or 0, "children_in_groups": children or 0, "group_sessions": sessions or 0,
            "trainings_completed": count_completed(org_id, start, end), "coaching_sessions": coaching or 0,
            "capital_loans_active": active or 0, "capital_loans_repaid": repaid or 0}
