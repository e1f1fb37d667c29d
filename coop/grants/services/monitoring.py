"""Monthly monitoring after the first release, and closing a grant with its outcome."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Status
from ...extensions import db
from ...orgs.services import get_setting
from ..models import OUTCOMES, FollowUp, Moa, MonitoringReport
from .base import MONITORING_MONTHS, add_months, mark_done
from .funds import get_fund
from .moas import get_moa, tranches_of


@dataclass(frozen=True)
class MonthDue:
    moa_id: int
    month_no: int
    due_on: date
    report: MonitoringReport | None


def monitoring_months(org_id: int) -> int:
    return get_setting(org_id, MONITORING_MONTHS)


def monitoring_schedule(org_id: int, moa: Moa) -> list[MonthDue]:
    """Month k of monitoring is due k months after the first release."""
    if moa.first_released_on is None:
        return []
    reports = {r.month_no: r for r in reports_of(moa.id)}
    return [MonthDue(moa.id, k, add_months(moa.first_released_on, k), reports.get(k))
            for k in range(1, monitoring_months(org_id) + 1)]


def record_monitoring(org_id: int, moa_id: int, data: dict, actor_id: int | None) -> MonitoringReport:
    moa = get_moa(org_id, moa_id, lock=True)
    if moa.status != "signed" or moa.first_released_on is None:
        raise Invalid("%(label)s has no released tranche yet; monitoring starts with the first release.",
                      values={"label": moa.label})
    schedule = monitoring_schedule(org_id, moa)
    month_no = data.get("month_no") or next((m.month_no for m in schedule if m.report is None), None)
    if month_no is None:
        raise Conflict("All %(count)s monthly reports of %(label)s are recorded.",
                       values={"count": len(schedule), "label": moa.label})
    if not 1 <= month_no <= len(schedule):
        raise Invalid("Monitoring lasts %(count)s months; month %(month_no)s is outside it.", field="month_no",
                      values={"count": len(schedule), "month_no": month_no})
    if schedule[month_no - 1].report is not None:
        raise Conflict("Month %(month_no)s of %(label)s is already reported.", field="month_no",
                       values={"month_no": month_no, "label": moa.label})
    if data["visited_on"] < moa.first_released_on:
        raise Invalid("A monitoring visit comes after the first release.", field="visited_on")
    report = MonitoringReport(org_id=org_id, moa_id=moa.id, month_no=month_no, recorded_by=actor_id, **{
        key: data[key] for key in ("visited_on", "sales", "costs", "savings", "visit_note")})
    db.session.add(report)
    mark_done(org_id, "monitoring", moa.id, month_no, data["visited_on"])
    db.session.flush()
    audit.record("grants.monitoring.add", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id,
                 details={"month": month_no})
    return report


def close_moa(org_id: int, moa_id: int, *, outcome: str, note: str, on: date, actor_id: int | None) -> Moa:
    """The grant's end: livelihood, growing enterprise, or stopped (what was not released goes back to the fund)."""
    moa = get_moa(org_id, moa_id)
    fund = get_fund(org_id, moa.fund_id, lock=True)
    moa = get_moa(org_id, moa.id, lock=True)
    if outcome not in OUTCOMES:
        raise Invalid("An outcome is one of %(choices)s.", field="outcome", values={"choices": ', '.join(OUTCOMES)})
    if moa.status != "signed":
        raise Conflict("%(label)s is %(status)s; only a signed MOA is closed.",
                       values={"label": moa.label, "status": Status(moa.status)})
    tranches = tranches_of(moa.id)
    if outcome != "stopped":
        if any(t.status != "released" for t in tranches):
            raise Invalid("Some tranches are not released; close as 'stopped' or release them first.",
                          field="outcome")
        missing = [m.month_no for m in monitoring_schedule(org_id, moa) if m.report is None]
        if missing:
            raise Invalid("Monitoring month(s) %(choices)s are not reported yet.",
                          field="outcome", values={"choices": ', '.join(map(str, missing))})
    for tranche in tranches:
        if tranche.status in ("planned", "pending"):
            tranche.status = "cancelled"
    fund.committed -= moa.total - moa.released_total
    moa.status, moa.outcome, moa.outcome_note, moa.closed_on = "closed", outcome, note, on
    for item in db.session.scalars(select(FollowUp).where(FollowUp.moa_id == moa.id, FollowUp.done_on.is_(None))):
        item.done_on = on
    db.session.flush()
    audit.record("grants.moa.close", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id,
                 details={"outcome": outcome})
    return moa


def reports_of(moa_id: int) -> list[MonitoringReport]:
    return list(db.session.scalars(select(MonitoringReport).where(MonitoringReport.moa_id == moa_id)
                                   .order_by(MonitoringReport.month_no)))
