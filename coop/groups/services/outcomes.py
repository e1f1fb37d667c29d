"""Plain counts for the donor outcome report: no names, nothing but numbers of the period. They are lines of the
cases domain's outcome report (`indicators` in the manifest) and read alone through `outcome_counts`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from ...extensions import db
from ...grants import services as grants
from ...manifest import IndicatorValue, OutcomeScope
from ..models import CapitalLoan, Cluster, ClusterMember, Coaching, Enrollment, GroupSession, Repayment, SessionAttendance

OUTCOME_KEYS = ("women_in_clusters", "children_in_groups", "group_sessions", "trainings_completed",
                "coaching_sessions", "capital_loans_active", "capital_loans_repaid")


def outcome_counts(org_id: int, start: date, end: date, *, beneficiary_ids: frozenset[int] | None = None,
                   fund_id: int | None = None) -> dict[str, int]:
    """Women in clusters (members on any day of the period; the peer counselors who lead them are not counted),
    group sessions held, trainings completed, coaching sessions, capital loans active at the end of the period and
    repaid in full within it. `beneficiary_ids` keeps those women only (a program's, a cluster's); `fund_id` keeps
    the capital loans charged to one donor's fund."""
    def only(column):
        return () if beneficiary_ids is None else (column.in_(beneficiary_ids or {0}),)

    in_period = (ClusterMember.org_id == org_id, ClusterMember.joined_on <= end,
                 or_(ClusterMember.left_on.is_(None), ClusterMember.left_on >= start))
    women = db.session.scalar(select(func.count(func.distinct(ClusterMember.beneficiary_id))).where(
        *in_period, ClusterMember.beneficiary_id.is_not(None), ClusterMember.alias.is_(None),
        ClusterMember.role != "peer_counselor", *only(ClusterMember.beneficiary_id)))
    children = db.session.scalar(select(func.count(ClusterMember.id)).where(
        *in_period, ClusterMember.alias.is_not(None), *only(ClusterMember.beneficiary_id)))
    sessions = select(func.count(func.distinct(GroupSession.id))).where(
        GroupSession.org_id == org_id, GroupSession.held_on.between(start, end))
    if beneficiary_ids is not None:  # the sessions those women attended
        sessions = (sessions.join(SessionAttendance, SessionAttendance.session_id == GroupSession.id)
                    .join(ClusterMember, ClusterMember.id == SessionAttendance.member_id)
                    .where(*only(ClusterMember.beneficiary_id)))
    completed = db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.org_id == org_id, Enrollment.status == "completed", Enrollment.completed_on.between(start, end),
        *only(Enrollment.beneficiary_id)))
    coaching = db.session.scalar(select(func.count(Coaching.id)).where(
        Coaching.org_id == org_id, Coaching.held_on.between(start, end), *only(Coaching.beneficiary_id)))
    loans = (CapitalLoan.org_id == org_id, *only(CapitalLoan.beneficiary_id))
    if fund_id is not None:
        loans += (CapitalLoan.moa_id.in_({m.id for m in grants.all_moas(org_id) if m.fund_id == fund_id} or {0}),)
    last_paid = (select(Repayment.loan_id, func.max(Repayment.paid_on).label("last"))
                 .where(Repayment.org_id == org_id, Repayment.voided_on.is_(None)).group_by(Repayment.loan_id)
                 .subquery())
    repaid = db.session.scalar(select(func.count(CapitalLoan.id)).join(last_paid, last_paid.c.loan_id == CapitalLoan.id)
                               .where(*loans, CapitalLoan.status == "repaid", last_paid.c.last.between(start, end)))
    active = db.session.scalar(select(func.count(CapitalLoan.id)).outerjoin(
        last_paid, last_paid.c.loan_id == CapitalLoan.id).where(
        *loans, CapitalLoan.released_on <= end, or_(CapitalLoan.status == "active", last_paid.c.last > end)))
    return {"women_in_clusters": women or 0, "children_in_groups": children or 0,
            "group_sessions": db.session.scalar(sessions) or 0, "trainings_completed": completed or 0,
            "coaching_sessions": coaching or 0, "capital_loans_active": active or 0, "capital_loans_repaid": repaid or 0}


def cluster_options(org_id: int) -> list[tuple[int, str]]:
    """`OutcomeFilter.options`: the clusters by number and group name (never a woman's)."""
    return [(c.id, f"{c.label} {c.name}") for c in db.session.scalars(
        select(Cluster).where(Cluster.org_id == org_id).order_by(Cluster.number))]


def cluster_women(org_id: int, cluster_id: int) -> frozenset[int]:
    """`OutcomeFilter.women`: the women who have been in the cluster (the mothers of a children's group's
    children), not its peer counselors, who lead it."""
    return frozenset(db.session.scalars(select(ClusterMember.beneficiary_id).where(
        ClusterMember.org_id == org_id, ClusterMember.cluster_id == cluster_id,
        ClusterMember.beneficiary_id.is_not(None), ClusterMember.role != "peer_counselor")))


def indicator(key: str):
    """The compute function of one `Indicator` line of the cases domain's donor report."""
    def compute(scope: OutcomeScope) -> IndicatorValue:
        return IndicatorValue(count=outcome_counts(scope.org_id, scope.start, scope.end,
                                                   beneficiary_ids=scope.beneficiary_ids,
                                                   fund_id=scope.fund_id)[key])

    return compute
