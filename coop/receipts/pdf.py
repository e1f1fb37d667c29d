"""The official receipt as a PDF, half an A4 page."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from flask_babel import gettext as _

from ..money import amount_in_words
from ..web.pdf import fonts, pdf_date, pdf_money
from .models import Receipt
from .words import in_her_words


def render(receipt: Receipt, organization: str, party_label: str | None, issued_by: str | None) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    regular, bold = fonts()
    pdf.setTitle(f"{_('Official receipt')} {receipt.display_number}")
    x, y = 15 * mm, height - 18 * mm
    pdf.setFont(bold, 14)
    pdf.drawString(x, y, organization)
    pdf.setFont(bold, 12)
    pdf.drawRightString(width - x, y, f"{_('Official receipt').upper()} No. {receipt.number:06d}")
    pdf.setFont(regular, 10)
    pdf.drawRightString(width - x, y - 6 * mm, f"{_('Date')}: {pdf_date(receipt.issued_on)}")
    if receipt.cancelled_at:
        pdf.setFont(bold, 28)
        pdf.setFillGray(0.6)
        pdf.drawCentredString(width / 2, height / 2, _("Cancelled").upper())
        pdf.setFillGray(0)
    rows = [
        (_("Received from"), receipt.received_from or party_label or ""),
        (_("Number"), party_label or ""),
        (_("The sum of"), amount_in_words(receipt.amount)),
        (_("Amount"), pdf_money(receipt.amount)),
        (_("For"), in_her_words(receipt.description)),
    ]
    amount_label = rows[3][0]
    y -= 20 * mm
    for label, value in rows:
        pdf.setFont(regular, 9)
        pdf.drawString(x, y, label)
        pdf.setFont(bold if label == amount_label else regular, 11)
        pdf.drawString(x + 40 * mm, y, str(value)[:90])
        pdf.line(x + 40 * mm, y - 1.5 * mm, width - x, y - 1.5 * mm)
        y -= 10 * mm
    if receipt.cancelled_at:
        pdf.setFont(regular, 9)
        pdf.drawString(x, y, f"{_('Cancelled')}: {receipt.cancel_reason}")
    pdf.setFont(regular, 9)
    received_by = _("Received by")  # outside the f-string, where the extraction finds it
    pdf.drawString(x, 15 * mm, f"{received_by}: {issued_by or ''}")
    pdf.line(width - x - 60 * mm, 18 * mm, width - x, 18 * mm)
    pdf.drawRightString(width - x, 13 * mm, _("Authorized signature"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
