"""A member's slip of interest on share capital and patronage refund, as a PDF."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import format_date
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..web.pdf import fonts, pdf_money


def slip(organization: str, allocation, line, member) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5)
    width, height = A5
    y = height - 15 * mm
    regular, bold_font = fonts()  # the embedded font: Helvetica has no peso sign

    def row(text: str, amount: int | None = None, *, bold: bool = False) -> None:
        nonlocal y
        pdf.setFont(bold_font if bold else regular, 9)
        pdf.drawString(12 * mm, y, text[:70])
        if amount is not None:
            pdf.drawRightString(width - 12 * mm, y, pdf_money(amount))
        y -= 5.5 * mm

    row(organization, bold=True)
    row(_("Interest on share capital and patronage refund, %(year)s", year=allocation.year), bold=True)
    row(_("Slip %(number)s", number=line.slip_number))
    row(f"{member.label} {member.name}")
    row(_("General assembly resolution %(number)s of %(date)s", number=allocation.resolution_number or "",
          date=format_date(allocation.assembly_date, "medium") if allocation.assembly_date else ""))
    y -= 3 * mm
    row(_("Average paid-up share capital"), line.average_capital)
    row(_("Interest on share capital (%(rate)s%%)", rate="%g" % (allocation.interest_rate_bp / 100)), line.interest)
    row(_("Patronage"), line.patronage)
    row(_("Patronage refund"), line.refund)
    row(_("Total"), line.total, bold=True)
    if line.paid_on:
        y -= 3 * mm
        row(_("Paid on %(date)s", date=format_date(line.paid_on, "medium")), bold=True)
        for label, amount in ((_("Applied to her unpaid subscription"), line.to_subscription),
                              (_("Applied to her loans"), line.to_loans),
                              (_("Additional share capital"), line.to_share_capital),
                              (_("Held as revolving capital"), line.to_revolving),
                              (_("Paid in cash"), line.to_cash)):
            if amount:
                row(label, amount)
    y -= 10 * mm
    row(_("Received by: ____________________"))
    pdf.save()
    return buffer.getvalue()
