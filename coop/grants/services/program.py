"""The program in numbers, for donors and lists: a woman's stage, the program summary, all MOAs and plans."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import (Beneficiary, BusinessPlan, DonorFund, FundReceipt, Moa, MonitoringReport, Purchase, Tranche,
                      Training)
from .base import RELEASES, RESTRICTED_REVENUE
from .beneficiaries import is_ready, readiness_marks
from .funds import FundPosition, fund_position, get_fund, list_funds
from .moas import moas_of
from .plans import plans_of


def stage_of(org_id: int, beneficiary: Beneficiary) -> str:
    """Where she is in the program, in one word for lists."""
    moas = moas_of(org_id, beneficiary.id)
    if moas:
        latest = moas[-1]
        if latest.status == "closed":
            return f"closed: {latest.outcome}"
        if latest.status == "signed":
            return "monitoring" if latest.first_released_on else "MOA signed"
        return "MOA drafted"
    plans = plans_of(org_id, beneficiary.id)
    if plans:
        return f"plan {plans[-1].status}"
    if is_ready(org_id, beneficiary):
        return "ready"
    return "in counselling"


@dataclass(frozen=True)
class ProgramSummary:
    beneficiaries: int
    certified_ready: int
    trained: int
    plans_by_status: dict[str, int]
    moas_by_status: dict[str, int]
    committed_total: int  # sum of signed and closed MOAs' totals
    released_total: int
    tranches_released: int
    purchases_total: int
    reports_recorded: int
    average_sales: int
    average_savings: int
    outcomes: dict[str, int]
    funds: list[tuple[DonorFund, FundPosition]]
    grants_expense: int | None  # the ledger's livelihood grants ever (the women's rows); None for one fund
    released_from_funds: int  # the ledger's releases from restriction ever (the donors' rows)

    @property
    def reconciles(self) -> bool:
        from_funds = sum(position.released for _, position in self.funds)
        expense = self.released_total if self.grants_expense is None else self.grants_expense
        return self.released_total == from_funds == self.released_from_funds == expense


def program_summary(org_id: int, fund_id: int | None = None) -> ProgramSummary:
    """Counts and amounts for the donor: no name, no number of any woman.

    With a fund, only the grants charged to it and the women who received them.
    """
    moas = select(Moa.id).where(Moa.org_id == org_id, *([Moa.fund_id == fund_id] if fund_id else []))
    women = select(Moa.beneficiary_id).where(Moa.id.in_(moas))
    funds = [get_fund(org_id, fund_id)] if fund_id else list_funds(org_id)

    def scoped(column):
        return [column.in_(women)] if fund_id else []

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(model.org_id == org_id, *where)) or 0

    def by(column, model, *where):
        return {k: n for k, n in db.session.execute(select(column, func.count()).where(model.org_id == org_id, *where)
                                                    .group_by(column))}

    trained = db.session.scalar(select(func.count(func.distinct(Training.beneficiary_id))).where(
        Training.org_id == org_id, Training.completed.is_(True), *scoped(Training.beneficiary_id))) or 0
    sums = db.session.execute(select(func.coalesce(func.sum(Moa.total), 0), func.coalesce(func.sum(Moa.released_total), 0))
                              .where(Moa.id.in_(moas), Moa.status != "draft")).one()
    averages = db.session.execute(select(func.avg(MonitoringReport.sales), func.avg(MonitoringReport.savings))
                                  .where(MonitoringReport.moa_id.in_(moas))).one()
    outcomes = {k: n for k, n in db.session.execute(select(Moa.outcome, func.count()).where(
        Moa.id.in_(moas), Moa.status == "closed").group_by(Moa.outcome))}
    purchases = db.session.scalar(select(func.coalesce(func.sum(Purchase.amount), 0)).where(
        Purchase.tranche_id.in_(select(Tranche.id).where(Tranche.moa_id.in_(moas)))))
    # Totals since the start from the party rows, which the year-end closing (by account, naming no party)
    # leaves alone. The grants expense is kept per woman, not per fund.
    released_from_funds = sum(ledger.party_balance(org_id, RELEASES, fund.party_id).credit_balance for fund in funds)
    grants_expense = None if fund_id else sum(
        b.debit_balance for b in ledger.parties_balances(org_id, "livelihood_grants_expense").values())
    return ProgramSummary(
        beneficiaries=count(Beneficiary, *scoped(Beneficiary.id)),
        certified_ready=_certified(org_id, scoped(Beneficiary.id)),
        trained=trained, plans_by_status=by(BusinessPlan.status, BusinessPlan, *scoped(BusinessPlan.beneficiary_id)),
        moas_by_status=by(Moa.status, Moa, Moa.id.in_(moas)),
        committed_total=int(sums[0]), released_total=int(sums[1]),
        tranches_released=count(Tranche, Tranche.status == "released", Tranche.moa_id.in_(moas)),
        purchases_total=int(purchases), reports_recorded=count(MonitoringReport, MonitoringReport.moa_id.in_(moas)),
        average_sales=int(averages[0] or 0), average_savings=int(averages[1] or 0), outcomes=outcomes,
        funds=[(fund, fund_position(fund)) for fund in funds],
        grants_expense=grants_expense, released_from_funds=released_from_funds,
    )


def _certified(org_id: int, where: list) -> int:
    women = list(db.session.scalars(select(Beneficiary).where(Beneficiary.org_id == org_id, *where)))
    return sum(1 for mark in readiness_marks(org_id, women).values() if mark.ready_on is not None)


def all_moas(org_id: int) -> list[Moa]:
    return list(db.session.scalars(select(Moa).where(Moa.org_id == org_id).order_by(Moa.id)))


def all_plans(org_id: int) -> list[BusinessPlan]:
    return list(db.session.scalars(select(BusinessPlan).where(BusinessPlan.org_id == org_id).order_by(BusinessPlan.id)))


@dataclass(frozen=True)
class FundYear:
    """A donor's fund over one year: what it had, received, released and has left, from the ledger, with the
    receipts and tranches recorded in the program beside them (they agree when the books are right)."""

    fund: DonorFund
    opening: int
    received: int  # ledger: contributions with restrictions of the year, and gifts booked straight into the fund
    released: int  # ledger: the donor's releases from restriction in the year
    closing: int
    receipts_recorded: int  # the fund's receipts dated in the year
    tranches_released: int  # the tranches charged to the fund released in the year

    @property
    def reconciles(self) -> bool:
        return (self.opening + self.received - self.released == self.closing
                and self.received == self.receipts_recorded and self.released == self.tranches_released)


def _left_at(org_id: int, funds: list[DonorFund], on: date) -> tuple[dict[int, int], dict[int, int]]:
    """Per fund at the end of a day: what is left (restricted net assets) and what was released so far."""
    balances = ledger.balances_as_of(org_id, on)
    revenue, releases = ledger.get_account(org_id, RESTRICTED_REVENUE).id, ledger.get_account(org_id, RELEASES).id
    rows = ledger.party_totals_as_of(org_id, (revenue, releases), on)
    left, released = {}, {}
    for fund in funds:
        left[fund.id] = (balances.get(fund.account_id, ledger.Balance()).credit_balance
                         + rows.get((revenue, fund.party_id), ledger.Balance()).credit_balance)
        released[fund.id] = rows.get((releases, fund.party_id), ledger.Balance()).credit_balance
    return left, released


def fund_years(org_id: int, year: int) -> list[FundYear]:
    funds = list_funds(org_id)
    start, end = date(year - 1, 12, 31), date(year, 12, 31)
    (left_before, debits_before), (left_after, debits_after) = _left_at(org_id, funds, start), _left_at(org_id, funds, end)
    receipts = dict(db.session.execute(
        select(FundReceipt.fund_id, func.sum(FundReceipt.amount))
        .where(FundReceipt.org_id == org_id, FundReceipt.received_on > start, FundReceipt.received_on <= end)
        .group_by(FundReceipt.fund_id)).all())
    tranches = dict(db.session.execute(
        select(Moa.fund_id, func.sum(Tranche.amount)).join(Moa, Moa.id == Tranche.moa_id)
        .where(Tranche.org_id == org_id, Tranche.status == "released", Tranche.released_on > start,
               Tranche.released_on <= end).group_by(Moa.fund_id)).all())
    out = []
    for fund in funds:
        released = debits_after[fund.id] - debits_before[fund.id]
        received = left_after[fund.id] - left_before[fund.id] + released
        out.append(FundYear(fund, left_before[fund.id], received, released, left_after[fund.id],
                            int(receipts.get(fund.id) or 0), int(tranches.get(fund.id) or 0)))
    return out


@dataclass(frozen=True)
class MoaExpense:
    moa: Moa
    fund: DonorFund
    beneficiary_label: str
    released: tuple[int, ...]  # per year asked for


def program_expenses(org_id: int, years: tuple[int, ...]) -> list[MoaExpense]:
    """What each MOA released in each year, by donor: the program expenses the funds paid for."""
    funds = {fund.id: fund for fund in list_funds(org_id)}
    found: dict[int, dict[int, int]] = {}
    for moa_id, released_on, amount in db.session.execute(
            select(Tranche.moa_id, Tranche.released_on, Tranche.amount)
            .where(Tranche.org_id == org_id, Tranche.status == "released")):
        if released_on.year in years:
            found.setdefault(moa_id, {}).setdefault(released_on.year, 0)
            found[moa_id][released_on.year] += amount
    if not found:
        return []
    moas = list(db.session.scalars(select(Moa).where(Moa.id.in_(found)).order_by(Moa.fund_id, Moa.number)))
    labels = {b.id: b.label for b in db.session.scalars(select(Beneficiary).where(
        Beneficiary.id.in_({m.beneficiary_id for m in moas})))}
    return [MoaExpense(m, funds[m.fund_id], labels[m.beneficiary_id], tuple(found[m.id].get(y, 0) for y in years))
            for m in moas]
