"""What is due (monitoring months, tranches, approvals) and the staff's follow-up list kept by the daily job."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ...extensions import db
from ..models import FollowUp, Moa, Tranche
from .moas import tranches_of
from .monitoring import MonthDue, monitoring_schedule
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
    """The daily job: put every monitoring report and tranche whose day has come on the staff's list, once."""
    listed = 0
    wanted = [("monitoring", moa.id, month.month_no, month.due_on) for moa, month in monitoring_due(org_id, day)]
    wanted += [("tranche", due.moa.id, due.tranche.seq, due.tranche.planned_on) for due in tranches_due(org_id, day)]
    # what is already on the list, read once for the agreements concerned (not one query per follow-up)
    moa_ids = sorted({moa_id for _, moa_id, _, _ in wanted})
    on_list = {tuple(row) for row in db.session.execute(select(FollowUp.kind, FollowUp.moa_id, FollowUp.ref).where(
        FollowUp.org_id == org_id, FollowUp.moa_id.in_(moa_ids)))} if moa_ids else set()
    for kind, moa_id, ref, due_on in wanted:
        if (kind, moa_id, ref) not in on_list:
            on_list.add((kind, moa_id, ref))
            db.session.add(FollowUp(org_id=org_id, kind=kind, moa_id=moa_id, ref=ref, due_on=due_on, listed_on=day))
            listed += 1
    db.session.flush()
    return f"{listed} follow-up(s) listed"


def open_followups(org_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.done_on.is_(None))
                                   .order_by(FollowUp.due_on, FollowUp.id)))
