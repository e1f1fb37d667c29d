"""What is due (monitoring months, tranches, approvals) and the staff's follow-up list kept by the daily job."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, literal, select, union

from ...extensions import db
from ..models import FollowUp, Moa, MonitoringReport, Tranche
from .base import add_months
from .moas import tranches_of
from .monitoring import MonthDue, monitoring_months, monitoring_schedule
from .releases import release_blocker


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


def list_due_followups(org_id: int, day: date) -> str:
    """The daily job: put every monitoring report and tranche whose day has come on the staff's list, once.

    Set-based: the tranches due and not listed are one INSERT ... SELECT; the monitoring months are read for the
    signed agreements whose months are not all listed or reported yet (one statement), with their reports and
    listed months (one each), and inserted at once. Nothing is read per agreement."""
    moa, tranche, followup = Moa.__table__.c, Tranche.__table__.c, FollowUp.__table__.c
    report = MonitoringReport.__table__.c
    months = monitoring_months(org_id)
    # the months of each signed agreement already accounted for: listed, or reported (before it was listed)
    accounted = union(select(followup.moa_id, followup.ref.label("month_no"))
                      .where(followup.org_id == org_id, followup.kind == "monitoring"),
                      select(report.moa_id, report.month_no).where(report.org_id == org_id)).subquery("accounted")
    done = (select(func.count()).where(accounted.c.moa_id == moa.id, accounted.c.month_no.between(1, months))
            .correlate(Moa.__table__).scalar_subquery())
    open_ones = db.session.execute(
        select(moa.id, moa.first_released_on).where(moa.org_id == org_id, moa.status == "signed",
                                                    moa.first_released_on.is_not(None), moa.first_released_on < day,
                                                    done < months).order_by(moa.id)).all()
    rows = []
    if open_ones:
        ids = [moa_id for moa_id, _first in open_ones]
        taken = {tuple(row) for row in db.session.execute(
            select(accounted.c.moa_id, accounted.c.month_no).where(accounted.c.moa_id.in_(ids)))}
        for moa_id, first in open_ones:
            for k in range(1, months + 1):
                due_on = add_months(first, k)
                if due_on > day:
                    break
                if (moa_id, k) not in taken:
                    rows.append({"org_id": org_id, "kind": "monitoring", "moa_id": moa_id, "ref": k,
                                 "due_on": due_on, "listed_on": day})
    if rows:
        db.session.execute(insert(FollowUp.__table__), rows)
    listed = len(rows)
    on_list = (select(followup.id).where(followup.org_id == org_id, followup.kind == "tranche",
                                         followup.moa_id == tranche.moa_id, followup.ref == tranche.seq)
               .correlate(Tranche.__table__).exists())
    listed += len(db.session.execute(insert(FollowUp.__table__).from_select(
        ["org_id", "kind", "moa_id", "ref", "due_on", "listed_on"],
        select(literal(org_id), literal("tranche"), tranche.moa_id, tranche.seq, tranche.planned_on,
               literal(day, FollowUp.__table__.c.listed_on.type))
        .join_from(Tranche.__table__, Moa.__table__, moa.id == tranche.moa_id)
        .where(moa.org_id == org_id, moa.status == "signed", tranche.status.in_(("planned", "pending")),
               tranche.planned_on <= day, ~on_list)
        .order_by(tranche.moa_id, tranche.seq)).returning(followup.id)).all())  # (rowcount: -1 on PostgreSQL)
    return f"{listed} follow-up(s) listed"


def open_followups(org_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.done_on.is_(None))
                                   .order_by(FollowUp.due_on, FollowUp.id)))
