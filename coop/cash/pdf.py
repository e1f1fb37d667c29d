"""The bank reconciliation statement as a PDF."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..money import php_text
from ..web.pdf import fonts


def render(organization: str, r: dict) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 20 * mm

    def line(text: str, amount: int | None = None, *, bold: bool = False, indent: float = 0) -> None:
        nonlocal y
        if y < 20 * mm:
            pdf.showPage()
            y = height - 20 * mm
        pdf.setFont(fonts()[1] if bold else fonts()[0], 10)
        pdf.drawString(20 * mm + indent, y, text[:90])
        if amount is not None:
            pdf.drawRightString(width - 20 * mm, y, php_text(amount))
        y -= 6 * mm

    statement, account = r["statement"], r["account"]
    line(organization, bold=True)
    line(_("Bank reconciliation statement"), bold=True)
    line(f"{account.code} {account.name} — {statement.start_date.isoformat()} – {statement.end_date.isoformat()}")
    y -= 4 * mm
    line(_("Balance per bank statement"), r["bank_balance"], bold=True)
    line(_("Add: deposits in transit"))
    for row in r["deposits_in_transit"]:
        line(f"{row.entry_date.isoformat()}  {row.memo}", row.amount, indent=6 * mm)
    line(_("Less: outstanding checks"))
    for row in r["outstanding_checks"]:  # "Less:" says the sign: the amount is shown as it is subtracted
        line(f"{row.entry_date.isoformat()}  {row.memo}", -row.amount, indent=6 * mm)
    line(_("Adjusted bank balance"), r["adjusted_bank"], bold=True)
    y -= 4 * mm
    line(_("Balance per books"), r["book_balance"], bold=True)
    line(_("Add: bank credits not in the books"))
    for row in r["bank_credits"]:
        line(f"{row.line_date.isoformat()}  {row.description}", row.amount, indent=6 * mm)
    line(_("Less: bank charges and debits not in the books"))
    for row in r["bank_debits"]:
        line(f"{row.line_date.isoformat()}  {row.description}", -row.amount, indent=6 * mm)
    line(_("Adjusted book balance"), r["adjusted_book"], bold=True)
    y -= 4 * mm
    line(_("Difference"), r["difference"], bold=True)
    pdf.save()
    return buffer.getvalue()
