"""The grants reports as tables (page, CSV, PDF, JSON). None of them carries a woman's name or phone."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import format_date
from sqlalchemy import select

from ..extensions import db
from ..money import pesos_text
from ..reports.tabular import Column, Table
from . import services
from .models import Beneficiary


def _labels(org_id: int, beneficiary_ids: set[int]) -> dict[int, str]:
    if not beneficiary_ids:
        return {}
    return {b.id: b.label for b in db.session.scalars(select(Beneficiary).where(
        Beneficiary.org_id == org_id, Beneficiary.id.in_(beneficiary_ids)))}


def funds_table(org_id: int, on: date) -> Table:
    rows, totals = [], [0, 0, 0, 0, 0]
    for fund in services.list_funds(org_id):
        p = services.fund_position(fund)
        figures = (p.received, p.released, p.committed, p.left, p.available)
        rows.append((fund.label, fund.donor_name) + figures)
        totals = [t + f for t, f in zip(totals, figures)]
    return Table(
        title=_("Donor funds"), subtitle=_("As of %(day)s. Left = received less released; available = left less "
                                           "what signed MOAs will still release.", day=format_date(on, "medium")),
        columns=(Column("fund", _("Fund")), Column("donor", _("Donor")), Column("received", _("Received"), "money"),
                 Column("released", _("Released"), "money"), Column("committed", _("Committed, not released"), "money"),
                 Column("left", _("Left"), "money"), Column("available", _("Available"), "money")),
        rows=tuple(rows), totals=(_("Total"), "", *totals))


def summary_table(org_id: int, on: date, fund_id: int | None = None) -> Table:
    s = services.program_summary(org_id, fund_id)
    plans, moas = s.plans_by_status, s.moas_by_status
    rows = [
        (_("Women in the program"), s.beneficiaries, None),
        (_("Certified ready by a social worker"), s.certified_ready, None),
        (_("Completed a training"), s.trained, None),
        (_("Business plans submitted for review"), sum(n for k, n in plans.items() if k != "draft"), None),
        (_("Plans approved"), plans.get("approved", 0), None),
        (_("Plans sent back for revision"), plans.get("revise", 0), None),
        (_("Plans rejected"), plans.get("rejected", 0), None),
        (_("MOAs signed (open and closed)"), moas.get("signed", 0) + moas.get("closed", 0), s.committed_total),
        (_("Tranches released"), s.tranches_released, s.released_total),
        (_("Purchases with receipts"), None, s.purchases_total),
        (_("Monthly monitoring reports"), s.reports_recorded, None),
        (_("Average monthly sales reported"), None, s.average_sales),
        (_("Average monthly savings reported"), None, s.average_savings),
    ]
    for outcome in ("livelihood", "enterprise", "stopped"):
        rows.append((_("Grants closed: %(outcome)s", outcome=outcome), s.outcomes.get(outcome, 0), None))
    for fund, p in s.funds:
        rows.append((_("Fund %(fund)s (%(donor)s): received", fund=fund.label, donor=fund.donor_name), None, p.received))
        rows.append((_("Fund %(fund)s (%(donor)s): released", fund=fund.label, donor=fund.donor_name), None, p.released))
        rows.append((_("Fund %(fund)s (%(donor)s): left", fund=fund.label, donor=fund.donor_name), None, p.left))
    released_from_funds = sum(p.released for _f, p in s.funds)
    expense = "" if s.grants_expense is None else _("; livelihood grants expense %(amount)s",
                                                    amount=pesos_text(s.grants_expense))
    notes = (
        _("Released under MOAs %(moa)s; charged to the donor funds %(funds)s; restrictions released in the ledger "
          "%(ledger)s%(expense)s: %(verdict)s.",
          moa=pesos_text(s.released_total), funds=pesos_text(released_from_funds),
          ledger=pesos_text(s.released_from_funds), expense=expense,
          verdict=_("they agree") if s.reconciles else _("THEY DO NOT AGREE: check the ledger")),
    )
    scope = (_("Grants charged to %(donor)s", donor=s.funds[0][0].donor_name) + ". ") if fund_id else ""
    return Table(title=_("Program summary"),
                 subtitle=scope + _("As of %(day)s. Counts and amounts only: no personal data.", day=format_date(on, "medium")),
                 columns=(Column("item", _("Item")), Column("count", _("Count"), "number"),
                          Column("amount", _("Amount"), "money")),
                 rows=tuple(rows), notes=notes)


def status_table(org_id: int, on: date) -> Table:
    plans = services.all_plans(org_id)
    moas = {m.plan_id: m for m in services.all_moas(org_id)}
    labels = _labels(org_id, {p.beneficiary_id for p in plans})
    rows = []
    for plan in plans:
        moa = moas.get(plan.id)
        status = (f"MOA {moa.status}" + (f": {moa.outcome}" if moa.outcome else "")) if moa else f"plan {plan.status}"
        rows.append((plan.label, labels.get(plan.beneficiary_id), plan.business_type, status,
                     moa.label if moa else "", plan.amount_requested, moa.released_total if moa else 0))
    return Table(title=_("Grants by status"), subtitle=_("As of %(day)s. Women are named by number only.",
                                                          day=format_date(on, "medium")),
                 columns=(Column("plan", _("Plan")), Column("beneficiary", _("Beneficiary")),
                          Column("business", _("Business")), Column("status", _("Status")),
                          Column("moa", _("MOA")), Column("amount", _("Amount"), "money"),
                          Column("released", _("Released"), "money")),
                 rows=tuple(rows),
                 totals=(_("Total"), "", "", "", "", sum(r[5] for r in rows), sum(r[6] for r in rows)))


def tranches_due_table(org_id: int, on: date, horizon_days: int = 30) -> Table:
    due = services.tranches_due(org_id, on, horizon_days)
    labels = _labels(org_id, {d.moa.beneficiary_id for d in due})
    rows = tuple((d.moa.label, labels.get(d.moa.beneficiary_id), d.tranche.seq, d.tranche.planned_on,
                  d.tranche.amount, d.tranche.condition, d.tranche.status, d.blocker or _("ready to release"))
                 for d in due)
    until = on + timedelta(days=horizon_days)
    return Table(title=_("Tranches due"), subtitle=_("Planned on or before %(day)s.", day=format_date(until, "medium")),
                 columns=(Column("moa", _("MOA")), Column("beneficiary", _("Beneficiary")),
                          Column("tranche", _("Tranche"), "number"), Column("planned_on", _("Planned"), "date"),
                          Column("amount", _("Amount"), "money"), Column("condition", _("Condition")),
                          Column("status", _("Status")), Column("next", _("What it waits for"))),
                 rows=rows)


def monitoring_due_table(org_id: int, on: date) -> Table:
    due = services.monitoring_due(org_id, on, horizon_days=7)
    labels = _labels(org_id, {moa.beneficiary_id for moa, _m in due})
    rows = tuple((moa.label, labels.get(moa.beneficiary_id), month.month_no, month.due_on,
                  max((on - month.due_on).days, 0)) for moa, month in due)
    return Table(title=_("Monitoring due"), subtitle=_("Monthly reports not yet recorded, due by %(day)s.",
                                                        day=format_date(on, "medium")),
                 columns=(Column("moa", _("MOA")), Column("beneficiary", _("Beneficiary")),
                          Column("month", _("Month"), "number"), Column("due_on", _("Due"), "date"),
                          Column("days_late", _("Days late"), "number")),
                 rows=rows)


def beneficiary_file_table(org_id: int, beneficiary: Beneficiary) -> Table:
    """Her grant, tranches, purchases and monitoring, one line each, named by her number."""
    rows = []
    for moa in services.moas_of(org_id, beneficiary.id):
        rows.append((moa.signed_on or moa.created_at.date(), moa.label, _("MOA %(status)s", status=moa.status),
                     moa.total))
        for tranche in services.tranches_of(moa.id):
            rows.append((tranche.released_on or tranche.planned_on, moa.label,
                         _("Tranche %(seq)s %(status)s", seq=tranche.seq, status=tranche.status), tranche.amount))
            for purchase in services.purchases_of(tranche.id):
                rows.append((purchase.bought_on, moa.label,
                             _("Purchase: %(item)s (receipt %(no)s)", item=purchase.item, no=purchase.receipt_no),
                             purchase.amount))
        for report in services.reports_of(moa.id):
            rows.append((report.visited_on, moa.label,
                         _("Month %(n)s: sales %(sales)s, costs %(costs)s, savings %(savings)s", n=report.month_no,
                           sales=pesos_text(report.sales), costs=pesos_text(report.costs),
                           savings=pesos_text(report.savings)), None))
        if moa.status == "closed":
            rows.append((moa.closed_on, moa.label, _("Closed: %(outcome)s", outcome=moa.outcome), None))
    return Table(title=_("Grant file of %(label)s", label=beneficiary.label),
                 subtitle=_("Grant, tranches, purchases and monitoring."),
                 columns=(Column("on", _("Date"), "date"), Column("moa", _("MOA")), Column("what", _("What")),
                          Column("amount", _("Amount"), "money")),
                 rows=tuple(rows))


def register_table(org_id: int) -> Table:
    """The beneficiary register for export: number, province, stage, amounts. No name, no phone, no town."""
    rows = []
    women = list(db.session.scalars(select(Beneficiary).where(Beneficiary.org_id == org_id)
                                    .order_by(Beneficiary.number)))
    marks = services.readiness_marks(org_id, women)
    for b in women:
        moas = services.moas_of(org_id, b.id)
        rows.append((b.label, b.province or "", marks[b.id].ready_on if b.id in marks else None,
                     services.stage_of(org_id, b),
                     sum(m.total for m in moas if m.status != "draft"), sum(m.released_total for m in moas)))
    return Table(title=_("Beneficiary register"), subtitle=_("Named by number only; names and phones stay in coop."),
                 columns=(Column("beneficiary", _("Beneficiary")), Column("province", _("Province")),
                          Column("ready_on", _("Certified ready"), "date"), Column("stage", _("Stage")),
                          Column("granted", _("Granted"), "money"), Column("released", _("Released"), "money")),
                 rows=tuple(rows))


def fund_report_table(org_id: int, year: int) -> Table:
    """Each donor's fund over the year, from the ledger, beside the receipts and releases the program recorded."""
    rows, totals = [], [0] * 6
    for f in services.fund_years(org_id, year):
        figures = (f.opening, f.received, f.released, f.closing, f.receipts_recorded, f.tranches_released)
        rows.append((f.fund.label, f.fund.donor_name, *figures, _("yes") if f.reconciles else _("NO")))
        totals = [t + x for t, x in zip(totals, figures)]
    return Table(
        title=_("Fund report per donor"), subtitle=_("January 1 to December 31, %(year)s", year=year),
        columns=(Column("fund", _("Fund")), Column("donor", _("Donor")),
                 Column("opening", _("Beginning balance"), "money"), Column("received", _("Received"), "money"),
                 Column("released", _("Released to grants"), "money"), Column("closing", _("Ending balance"), "money"),
                 Column("receipts", _("Receipts recorded"), "money"),
                 Column("tranches", _("Tranches released"), "money"), Column("reconciles", _("Reconciled"))),
        rows=tuple(rows), totals=(_("Total"), "", *totals, ""),
        notes=(_("Balances are the funds' restricted net assets in the ledger (the fund account and the year's "
                 "gifts not yet closed into it); receipts and tranches are the program's own records."),))


def program_expenses_table(org_id: int, year: int) -> Table:
    """Grants released in the year and the year before, by MOA, with a subtotal per donor."""
    years = (year, year - 1)
    rows, by_donor, totals = [], {}, [0, 0]
    for item in services.program_expenses(org_id, years):
        rows.append((item.fund.donor_name, item.moa.label, item.beneficiary_label, *item.released))
        sums = by_donor.setdefault(item.fund.donor_name, [0, 0])
        for n, amount in enumerate(item.released):
            sums[n] += amount
            totals[n] += amount
    rows += [(donor, _("Total for the donor"), "", *sums) for donor, sums in by_donor.items()]
    return Table(
        title=_("Program expenses by MOA and by donor"),
        subtitle=_("Years ended December 31, %(this)s and %(last)s", this=year, last=year - 1),
        columns=(Column("donor", _("Donor")), Column("moa", _("MOA")), Column("beneficiary", _("Beneficiary")),
                 Column(f"year_{year}", str(year), "money"), Column(f"year_{year - 1}", str(year - 1), "money")),
        rows=tuple(rows), totals=(_("Total"), "", "", *totals),
        notes=(_("Each released tranche is a livelihood grant expense charged to the donor's fund."),))
