"""The grants program's lines of the donor outcome report (an `Indicator` plug-in shown by coop.cases):
businesses running 3 and 12 months after the first release where known, savings reported, grants released."""
from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...manifest import IndicatorValue, OutcomeScope
from ..models import Moa, MonitoringReport, Tranche
from .base import add_months

RUNNING = ("livelihood", "enterprise")


def _moas(scope: OutcomeScope) -> list[Moa]:
    query = select(Moa).where(Moa.org_id == scope.org_id, Moa.first_released_on.is_not(None))
    if scope.fund_id is not None:
        query = query.where(Moa.fund_id == scope.fund_id)
    if scope.beneficiary_ids is not None:
        query = query.where(Moa.beneficiary_id.in_(scope.beneficiary_ids))
    return list(db.session.scalars(query))


def running_after(months: int):
    """Businesses whose mark (the first release plus `months`) falls in the period: how many are known to run,
    of how many are known at all (a monitoring report of that month or later, or the grant closed with its
    outcome)."""

    def compute(scope: OutcomeScope) -> IndicatorValue:
        due = [m for m in _moas(scope) if scope.start <= add_months(m.first_released_on, months) <= scope.end]
        reports: dict[int, list[MonitoringReport]] = {}
        if due:
            for report in db.session.scalars(select(MonitoringReport).where(
                    MonitoringReport.moa_id.in_([m.id for m in due]), MonitoringReport.month_no >= months)):
                reports.setdefault(report.moa_id, []).append(report)
        known = running = 0
        for moa in due:
            if reports.get(moa.id):
                known += 1
                running += any(r.sales > 0 for r in reports[moa.id])
            elif moa.status == "closed" and moa.outcome:
                known += 1
                running += moa.outcome in RUNNING
        return IndicatorValue(running, known=known)

    return compute


def savings_reported(scope: OutcomeScope) -> IndicatorValue:
    ids = [m.id for m in _moas(scope)]
    count, total = db.session.execute(select(func.count(), func.coalesce(func.sum(MonitoringReport.savings), 0)).where(
        MonitoringReport.moa_id.in_(ids), MonitoringReport.visited_on >= scope.start,
        MonitoringReport.visited_on <= scope.end)).one()
    return IndicatorValue(int(count), amount=int(total))


def grants_released(scope: OutcomeScope) -> IndicatorValue:
    ids = [m.id for m in _moas(scope)]
    count, total = db.session.execute(select(func.count(), func.coalesce(func.sum(Tranche.amount), 0)).where(
        Tranche.moa_id.in_(ids), Tranche.status == "released", Tranche.released_on >= scope.start,
        Tranche.released_on <= scope.end)).one()
    return IndicatorValue(int(count), amount=int(total))
