"""What officers look at: worklists, the portfolio, aging, collections, a loan's schedule as a table.

Read from the loans' running totals and their installments (indexed by organization, settled, due
date), never by summing the journal.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..extensions import db
from ..members import services as members
from ..money import pesos_text, php_text
from ..reports.tabular import Column, Table
from . import schedule as sched
from .disclosure import Disclosure, annual
from .models import Installment, Loan, LoanProduct, LoanTransaction
from .services import aging_bucket_of, installments, list_products, provisioning, provisions


@dataclass(frozen=True)
class Due:
    installment: Installment
    loan: Loan
    member: object


@dataclass(frozen=True)
class Overdue:
    loan: Loan
    member: object
    days: int
    amount: int  # installments past their due date, still unpaid


def _members(org_id: int, loans) -> dict[int, object]:
    return {loan.member_id: members.get_member(org_id, loan.member_id) for loan in loans}


def applications(org_id: int) -> list[tuple[Loan, object]]:
    """Waiting for a decision or for the money to be handed over."""
    rows = list(db.session.scalars(select(Loan).where(Loan.org_id == org_id, Loan.status.in_(("applied", "approved")))
                                   .order_by(Loan.id)))
    people = _members(org_id, rows)
    return [(loan, people[loan.member_id]) for loan in rows]


def due_between(org_id: int, start: date, end: date) -> list[Due]:
    rows = db.session.execute(
        select(Installment, Loan).join(Loan, Loan.id == Installment.loan_id)
        .where(Installment.org_id == org_id, Installment.settled.is_(False), Installment.due_on >= start,
               Installment.due_on <= end, Loan.status == "active")
        .order_by(Installment.due_on, Loan.id)).all()
    people = _members(org_id, [loan for _, loan in rows])
    return [Due(inst, loan, people[loan.member_id]) for inst, loan in rows]


def overdue(org_id: int, on: date) -> list[Overdue]:
    """Loans with an installment unpaid after its due date, longest overdue first."""
    amounts = dict(db.session.execute(
        select(Installment.loan_id, func.sum(Installment.principal_due + Installment.interest_due
                                             + Installment.penalty_due - Installment.principal_paid
                                             - Installment.interest_paid - Installment.penalty_paid))
        .join(Loan, Loan.id == Installment.loan_id)
        .where(Installment.org_id == org_id, Installment.settled.is_(False), Installment.due_on < on,
               Loan.status == "active")
        .group_by(Installment.loan_id)).all())
    rows = list(db.session.scalars(select(Loan).where(Loan.id.in_(amounts)).order_by(Loan.next_due_on, Loan.id)))
    people = _members(org_id, rows)
    return [Overdue(loan, people[loan.member_id], (on - loan.next_due_on).days, int(amounts[loan.id]))
            for loan in rows]


def days_past_due(loan: Loan, on: date) -> int:
    return max((on - loan.next_due_on).days, 0) if loan.next_due_on else 0


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}%" if whole else "0.00%"


_OWED = Loan.principal_due - Loan.principal_paid


def _late_since(day: date):
    """Principal of active loans whose oldest unpaid installment fell due before `day`."""
    return func.sum(case((Loan.next_due_on < day, _OWED), else_=0))


def portfolio_table(org_id: int, on: date) -> Table:
    """Outstanding principal by product, and the portfolio at risk over 30 days (PAR 30)."""
    names = {p.id: p.name for p in list_products(org_id)}
    found = db.session.execute(
        select(Loan.product_id, func.count(Loan.id), func.sum(_OWED), _late_since(on),
               _late_since(on - timedelta(days=30)))
        .where(Loan.org_id == org_id, Loan.status == "active").group_by(Loan.product_id).order_by(Loan.product_id))
    rows = tuple((names[pid], n, int(owed), int(late or 0), int(par or 0), _pct(int(par or 0), int(owed)))
                 for pid, n, owed, late, par in found)
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]
    return Table(
        title=_("Loan portfolio"), subtitle=_("Open loans on %(day)s", day=format_date(on, "medium")),
        columns=(Column("product", _("Product")), Column("loans", _("Loans"), "number"),
                 Column("outstanding", _("Principal outstanding"), "money"),
                 Column("past_due", _("Past due"), "money"), Column("par30", _("At risk over 30 days"), "money"),
                 Column("par30_pct", _("PAR 30"))),
        rows=rows, totals=(_("Total"), *totals, _pct(totals[3], totals[1])),
        notes=(_("PAR 30: principal of loans with an installment more than 30 days late, over all principal "
                 "outstanding."),))


@dataclass(frozen=True)
class AgingBucket:
    loans: int = 0
    outstanding: int = 0
    overdue: int = 0


def aging_table(org_id: int, on: date) -> Table:
    bucket = aging_bucket_of(on).label("bucket")
    counts = {label: (n, int(owed)) for label, n, owed in db.session.execute(
        select(bucket, func.count(Loan.id), func.sum(_OWED))
        .where(Loan.org_id == org_id, Loan.status == "active").group_by(bucket))}
    late = dict(db.session.execute(
        select(bucket, func.sum(Installment.principal_due + Installment.interest_due + Installment.penalty_due
                                - Installment.principal_paid - Installment.interest_paid - Installment.penalty_paid))
        .join(Loan, Loan.id == Installment.loan_id)
        .where(Installment.org_id == org_id, Installment.settled.is_(False), Installment.due_on < on,
               Loan.status == "active").group_by(bucket)).all())
    total = sum(owed for _n, owed in counts.values())
    labels = [("current", _("Current"))] + [(label, _("%(days)s days", days=label)) for label, _l, _h in
                                            sched.AGING_BUCKETS]
    buckets = [(text, AgingBucket(*counts.get(key, (0, 0)), int(late.get(key) or 0))) for key, text in labels]
    rows = tuple((text, b.loans, b.outstanding, b.overdue, _pct(b.outstanding, total)) for text, b in buckets)
    return Table(
        title=_("Loan aging"), subtitle=_("Days past due of the oldest unpaid installment, on %(day)s", day=format_date(on, "medium")),
        columns=(Column("bucket", _("Days past due")), Column("loans", _("Loans"), "number"),
                 Column("outstanding", _("Principal outstanding"), "money"),
                 Column("overdue", _("Amount overdue"), "money"), Column("share", _("Share of portfolio"))),
        rows=rows, totals=(_("Total"), sum(b.loans for _t, b in buckets), total, sum(b.overdue for _t, b in buckets),
                           _pct(total, total)))


def collections_table(org_id: int, start: date, end: date) -> Table:
    """What fell due in the period against what was received in it (payments net of reversals)."""
    names = {p.id: p.name for p in list_products(org_id)}
    due = defaultdict(int)
    for product_id, amount in db.session.execute(
            select(Loan.product_id, func.sum(Installment.principal_due + Installment.interest_due))
            .join(Loan, Loan.id == Installment.loan_id)
            .where(Installment.org_id == org_id, Installment.due_on >= start, Installment.due_on <= end,
                   Loan.status.in_(("active", "closed")))
            .group_by(Loan.product_id)):
        due[product_id] += int(amount)
    received = defaultdict(lambda: [0, 0, 0])
    for product_id, kind, p, i, f in db.session.execute(
            select(Loan.product_id, LoanTransaction.kind, func.sum(LoanTransaction.principal),
                   func.sum(LoanTransaction.interest), func.sum(LoanTransaction.penalty))
            .join(Loan, Loan.id == LoanTransaction.loan_id)
            .where(LoanTransaction.org_id == org_id, LoanTransaction.kind.in_(("repayment", "reversal")),
                   LoanTransaction.on_date >= start, LoanTransaction.on_date <= end)
            .group_by(Loan.product_id, LoanTransaction.kind)):
        sign = 1 if kind == "repayment" else -1
        for n, value in enumerate((p, i, f)):
            received[product_id][n] += sign * int(value or 0)
    rows = []
    for pid in sorted(set(due) | set(received)):
        p, i, f = received[pid]
        rows.append((names[pid], due[pid], p, i, f, p + i + f, _pct(p + i, due[pid])))
    sums = [sum(r[k] for r in rows) for k in range(1, 6)]
    return Table(
        title=_("Loan collections"), subtitle=_("%(start)s to %(end)s", start=format_date(start, "medium"), end=format_date(end, "medium")),
        columns=(Column("product", _("Product")), Column("due", _("Fell due"), "money"),
                 Column("principal", _("Principal received"), "money"),
                 Column("interest", _("Interest received"), "money"),
                 Column("penalty", _("Penalties received"), "money"), Column("received", _("Total received"), "money"),
                 Column("rate", _("Principal and interest received over due"))),
        rows=tuple(rows), totals=(_("Total"), *sums, _pct(sums[1] + sums[2], sums[0])),
        notes=(_("Received counts every payment in the period, early and late ones too."),))


def schedule_table(loan: Loan, member, product: LoanProduct, on: date) -> Table:
    """The amortization schedule she keeps: the same rows as the page, as a PDF."""
    rows = installments(loan.id)
    body = tuple((i.number, i.due_on, i.principal_due, i.interest_due, i.penalty_due, i.amount_paid, i.balance,
                  _("Paid") if i.settled else (_("Overdue") if i.due_on < on else _("Due"))) for i in rows)
    return Table(
        title=_("Loan %(number)s: schedule", number=loan.number),
        subtitle=_("%(member)s · %(product)s · %(amount)s released %(day)s", member=member.label + " " + member.name,
                   product=product.name, amount=php_text(loan.amount),
                   day=format_date(loan.released_on, "medium") if loan.released_on else "-"),
        columns=(Column("number", _("No."), "number"), Column("due_on", _("Due"), "date"),
                 Column("principal", _("Principal"), "money"), Column("interest", _("Interest"), "money"),
                 Column("penalty", _("Penalty"), "money"), Column("paid", _("Paid"), "money"),
                 Column("balance", _("Balance"), "money"), Column("state", _("State"))),
        rows=body,
        totals=("", None, sum(i.principal_due for i in rows), sum(i.interest_due for i in rows),
                sum(i.penalty_due for i in rows), sum(i.amount_paid for i in rows), sum(i.balance for i in rows), ""),
        notes=(_("Payments go to penalties, then interest, then principal, oldest installment first."),))


def dashboard_numbers(org_id: int, on: date) -> dict:
    count, owed, late, par30 = db.session.execute(
        select(func.count(Loan.id), func.coalesce(func.sum(_OWED), 0),
               func.count(case((Loan.next_due_on < on, Loan.id))), _late_since(on - timedelta(days=30)))
        .where(Loan.org_id == org_id, Loan.status == "active")).one()
    waiting = db.session.scalar(select(func.count(Loan.id)).where(Loan.org_id == org_id, Loan.status == "applied"))
    return {"outstanding": int(owed), "count": count, "late": late, "par30": _pct(int(par30 or 0), int(owed)),
            "waiting": waiting}


def _bucket_label(key: str) -> str:
    return _("Current") if key == "current" else _("%(days)s days", days=key)


def _percent_text(rate) -> str:
    return f"{rate:g}%"


def provisioning_table(org_id: int, on: date) -> Table:
    """The allowance for probable losses the policy asks for on a day, bucket by bucket, against what is held."""
    found = provisioning(org_id, on)
    rows = tuple((_bucket_label(line.bucket), line.loans, line.outstanding, _percent_text(line.rate), line.required)
                 for line in found.lines)
    verb = _("to provide") if found.adjustment >= 0 else _("excess to reverse")
    return Table(
        title=_("Loan-loss provisioning"),
        subtitle=_("Allowance for probable losses from the aging, on %(day)s", day=format_date(on, "medium")),
        columns=(Column("bucket", _("Days past due")), Column("loans", _("Loans"), "number"),
                 Column("outstanding", _("Principal outstanding"), "money"), Column("rate", _("Rate")),
                 Column("required", _("Allowance required"), "money")),
        rows=rows, totals=(_("Total"), sum(line.loans for line in found.lines),
                           sum(line.outstanding for line in found.lines), "", found.required),
        notes=(_("Allowance held at the end of the day: %(amount)s.", amount=pesos_text(found.allowance)),
               _("Difference (%(what)s): %(amount)s.", what=verb, amount=pesos_text(abs(found.adjustment))),
               _("Rates are the policy's (default: the CDA's, 35 percent of loans 1 to 12 months past due, all of those "
                 "past due more than a year). At each month end the allowance is set to what is required.")))


def provisions_table(org_id: int) -> Table:
    """Each month end's setting of the allowance, newest first."""
    rows = tuple((row.month_end, row.required, row.allowance_before, row.adjustment, row.entry_id or "")
                 for row in provisions(org_id))
    return Table(
        title=_("Allowance for probable losses by month"), subtitle=_("Set at each month end from the aging"),
        columns=(Column("month_end", _("Month end"), "date"), Column("required", _("Allowance required"), "money"),
                 Column("held", _("Held before"), "money"), Column("adjustment", _("Provided (reversed)"), "money"),
                 Column("entry", _("Journal entry"))),
        rows=rows)


def _rate_text(monthly: float | None) -> str:
    if monthly is None:
        return _("none")
    return _("%(month)s%% a month, %(year)s%% a year", month="%.2f" % (monthly * 100),
             year="%.2f" % (annual(monthly) * 100))


def disclosure_table(loan: Loan, member, product: LoanProduct, found: Disclosure) -> Table:
    """The Truth in Lending disclosure statement she signs before release (RA 3765): every finance charge in
    pesos and as an effective rate, what is deducted, what she takes home and what she pays back."""
    first = found.installments[0] if found.installments else None
    if loan.frequency == "lump_sum":
        terms = _("one payment after %(days)s days", days=loan.term_days)
    else:
        terms = _("%(count)s installments, %(frequency)s", count=loan.term_count,
                  frequency=loan.frequency.replace("_", "-"))
    rows = (
        (_("Amount of the loan"), found.principal, ""),
        (_("Interest (%(rate)s%% a month, %(method)s)", rate="%.2f" % (loan.interest_rate_bp / 100),
           method=loan.interest_method), found.interest, _rate_text(found.interest_rate_monthly)),
        (_("Service fee, deducted at release"), found.service_fee, _rate_text(found.fee_rate_monthly)),
        (_("Total finance charges (effective interest rate)"), found.finance_charges,
         _rate_text(found.total_rate_monthly)),
        (_("Capital build-up, deducted at release to her share capital (hers: not a finance charge)"),
         found.cbu_retention, ""),
        (_("Net proceeds: the cash she receives"), found.net_proceeds, ""),
        (_("Total to repay"), found.total_to_repay, ""),
    )
    notes = [_("Terms: %(terms)s; the first payment of %(amount)s is due %(day)s.", terms=terms,
               amount=php_text(first.total) if first else "-",
               day=format_date(first.due_on, "medium") if first else "-"),
             _("The effective rate is the monthly rate at which the cash she receives grows into what she pays back, "
               "each payment on its due date (Truth in Lending Act, RA 3765; BSP Circular 730).")]
    if product.penalty_method != "none":
        notes.append(_("Late payments are charged a penalty per the cooperative's policy, after %(days)s days' grace.",
                       days=product.penalty_grace_days))
    return Table(
        title=_("Loan %(number)s: disclosure statement", number=loan.number),
        subtitle=_("%(member)s · %(product)s · %(state)s", member=member.label + " " + member.name,
                   product=product.name, state=_("released %(day)s", day=format_date(loan.released_on, "medium"))
                   if loan.released_on else _("as if released today")),
        columns=(Column("item", _("Item")), Column("amount", _("Amount"), "money"),
                 Column("effective_rate", _("Effective rate"))),
        rows=rows, notes=tuple(notes))
