"""Outcomes for donors: counts and indicators by program, period and donor. No name, no number of any woman.

Every line is an `Indicator` plug-in (coop.manifest): this package declares its own, and any package may add
more in its manifest (grants adds businesses running and savings reported; a clusters or trainings package
would add its own); the report shows them all in their order.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select

from ...extensions import db
from ...manifest import Indicator, IndicatorValue, OutcomeScope, plugins
from ..models import SESSION_KINDS, Assessment, Case, Program, Referral, Session


def scope_for(org_id: int, start: date, end: date, *, program_id: int | None = None,
              fund_id: int | None = None, kept: frozenset[int] | None = None) -> OutcomeScope:
    """The women a report counts: one program's, those of the programs a donor funds, those another package's
    filter keeps (`kept`: grants beneficiary ids, e.g. a cluster's women), or everyone. Kept women count in the
    other packages' lines whether or not they have a case; the case lines count their cases."""
    if program_id is None and fund_id is None and kept is None:
        return OutcomeScope(org_id, start, end)
    query = select(Case.id, Case.beneficiary_id).where(Case.org_id == org_id)
    if program_id is not None:
        query = query.where(Case.program_id == program_id)
    if fund_id is not None:
        query = query.where(Case.program_id.in_(select(Program.id).where(Program.org_id == org_id,
                                                                         Program.fund_id == fund_id)))
    if kept is not None:
        query = query.where(Case.beneficiary_id.in_(kept or {0}))
    rows = db.session.execute(query).all()
    # A donor's grants are cut by its fund; the women are cut only when a program or another filter chose them.
    women = frozenset(b for _c, b in rows if b is not None) if program_id is not None else None
    if kept is not None:
        women = frozenset(kept) if women is None else women & kept
    return OutcomeScope(org_id, start, end, fund_id=fund_id, beneficiary_ids=women,
                        case_ids=frozenset(c for c, _b in rows))


def _count(scope: OutcomeScope, model, case_column, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(
        model.org_id == scope.org_id, *([case_column.in_(scope.case_ids)] if scope.case_ids is not None else []),
        *where)) or 0


def _between(column, scope: OutcomeScope):
    return and_(column >= scope.start, column <= scope.end)


def reached(scope: OutcomeScope) -> IndicatorValue:
    """Open at any time in the period: opened by its end, not ended before its start."""
    return IndicatorValue(_count(scope, Case, Case.id, Case.opened_on <= scope.end,
                                 or_(Case.ended_on.is_(None), Case.ended_on >= scope.start)))


def new_cases(scope: OutcomeScope) -> IndicatorValue:
    return IndicatorValue(_count(scope, Case, Case.id, _between(Case.opened_on, scope)))


def sessions_held(scope: OutcomeScope) -> IndicatorValue:
    return IndicatorValue(_count(scope, Session, Session.case_id, _between(Session.held_on, scope)))


def _sessions_of_kind(kind: str):
    def compute(scope: OutcomeScope) -> IndicatorValue:
        return IndicatorValue(_count(scope, Session, Session.case_id, Session.kind == kind,
                                     _between(Session.held_on, scope)))

    return compute


def session_hours(scope: OutcomeScope) -> IndicatorValue:
    minutes = db.session.scalar(select(func.coalesce(func.sum(Session.minutes), 0)).where(
        Session.org_id == scope.org_id, _between(Session.held_on, scope),
        *([Session.case_id.in_(scope.case_ids)] if scope.case_ids is not None else []))) or 0
    return IndicatorValue(round(int(minutes) / 60))


def referrals_made(scope: OutcomeScope) -> IndicatorValue:
    return IndicatorValue(_count(scope, Referral, Referral.case_id, _between(Referral.referred_on, scope)))


def referrals_completed(scope: OutcomeScope) -> IndicatorValue:
    return IndicatorValue(_count(scope, Referral, Referral.case_id, Referral.status == "completed",
                                 _between(Referral.outcome_on, scope)))


def certified_ready(scope: OutcomeScope) -> IndicatorValue:
    return IndicatorValue(_count(scope, Case, Case.id, _between(Case.ready_on, scope)))


def distress_lower(scope: OutcomeScope) -> IndicatorValue:
    """Of the women assessed at least twice by the period's end (the last time within it), how many scored a
    lower level of distress the last time than the first."""
    rows = db.session.execute(select(Assessment.case_id, Assessment.assessed_on, Assessment.level)
                              .where(Assessment.org_id == scope.org_id, Assessment.assessed_on <= scope.end,
                                     *([Assessment.case_id.in_(scope.case_ids)] if scope.case_ids is not None
                                       else []))
                              .order_by(Assessment.case_id, Assessment.assessed_on, Assessment.id)).all()
    series: dict[int, list[tuple[date, int]]] = {}
    for case_id, on, level in rows:
        series.setdefault(case_id, []).append((on, level))
    known = [s for s in series.values() if len(s) >= 2 and s[-1][0] >= scope.start]
    return IndicatorValue(sum(1 for s in known if s[-1][1] < s[0][1]), known=len(known))


def _ended(status: str):
    def compute(scope: OutcomeScope) -> IndicatorValue:
        return IndicatorValue(_count(scope, Case, Case.id, Case.status == status, _between(Case.ended_on, scope)))

    return compute


def indicators(labels: dict) -> tuple[Indicator, ...]:
    """This package's lines of the report (labels come from the manifest, translated there)."""
    return (
        Indicator("cases.reached", labels["reached"], reached, 10),
        Indicator("cases.new", labels["new"], new_cases, 11),
        Indicator("cases.sessions", labels["sessions"], sessions_held, 20),
        *(Indicator(f"cases.sessions.{kind}", labels[f"sessions.{kind}"], _sessions_of_kind(kind), 21 + n)
          for n, kind in enumerate(SESSION_KINDS)),
        Indicator("cases.session_hours", labels["hours"], session_hours, 27),
        Indicator("cases.distress_lower", labels["distress"], distress_lower, 28),
        Indicator("cases.referrals", labels["referrals"], referrals_made, 30),
        Indicator("cases.referrals_completed", labels["completed"], referrals_completed, 31),
        Indicator("cases.ready", labels["ready"], certified_ready, 40),
        Indicator("cases.closed", labels["closed"], _ended("closed"), 80),
        Indicator("cases.transferred", labels["transferred"], _ended("transferred"), 81),
    )


def outcome_lines(scope: OutcomeScope) -> list[tuple[Indicator, IndicatorValue]]:
    """Every package's indicators for this scope, in their order."""
    return [(indicator, indicator.compute(scope)) for indicator in plugins().indicators]
