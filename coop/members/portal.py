"""The member's own page: her shares block (first of the portal sections) and her statement."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..reports import services as reports
from ..reports.tables import party_statement_table
from ..reports.tabular import Table
from ..timeutil import today
from . import services, shares
from .models import Member


RECENT_PAID = 3  # on a phone, the schedule shows what is still open and only the last few paid


def shares_section(org_id: int, member_id: int) -> dict:
    member = services.get_member(org_id, member_id)
    on = today()
    installments = shares.installments_of(org_id, member.id)
    paid = [row for row in installments if not row.open]
    shown = paid[-RECENT_PAID:] + [row for row in installments if row.open]
    return {"member": member, "summary": shares.summary(org_id, member, on), "today": on,
            "installments": shown, "earlier_paid": len(paid) - len(paid[-RECENT_PAID:]),
            "subscriptions": shares.subscriptions_of(org_id, member.id),
            "payments": shares.payments_of(org_id, member.id, limit=5),
            "standing": services.standing(org_id, member.id, on)}


def statement_table(org_id: int, member: Member, start: date, end: date) -> Table:
    """Everything that moved on her accounts (shares, loans, commissions...) from start to end."""
    if member.party_id is None:
        services.member_party(member)
    report = reports.party_statement(org_id, member.party_id, start, end)
    return party_statement_table(report, who=f"{member.label} {member.name}")


def installment_rows(installments, on: date):
    """(installment, state) with state paid | overdue | due | part-paid, for the schedule."""
    rows = []
    for row in installments:
        if row.paid >= row.amount:
            state = "paid"
        elif row.open and row.due_on < on:
            state = "overdue"
        elif not row.open:
            state = "closed"
        else:
            state = "part" if row.paid else "due"
        rows.append((row, state))
    return rows


STATE_LABELS = {"paid": "Paid", "overdue": "Overdue", "due": "Due", "part": "Part paid", "closed": "Closed"}


def state_label(state: str) -> str:
    return _(STATE_LABELS[state])
