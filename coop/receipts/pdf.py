"""The official receipt as a PDF, half an A4 page."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..money import amount_in_words, php_text
from .models import Receipt


def render(receipt: Receipt, organization: str, party_label: str | None, issued_by: str | None) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Official receipt {receipt.display_number}")
    x, y = 15 * mm, height - 18 * mm
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(x, y, organization)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawRightString(width - x, y, f"OFFICIAL RECEIPT No. {receipt.number:06d}")
    pdf.setFont("Helvetica", 10)
    pdf.drawRightString(width - x, y - 6 * mm, f"Date: {receipt.issued_on.isoformat()}")
    if receipt.cancelled_at:
        pdf.setFont("Helvetica-Bold", 28)
        pdf.setFillGray(0.6)
        pdf.drawCentredString(width / 2, height / 2, "CANCELLED")
        pdf.setFillGray(0)
    rows = [
        ("Received from", receipt.received_from or party_label or ""),
        ("Member / party no.", party_label or ""),
        ("The sum of", amount_in_words(receipt.amount)),
        ("Amount", php_text(receipt.amount, grouped=False)),
        ("For", receipt.description),
    ]
    y -= 20 * mm
    for label, value in rows:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(x, y, label)
        pdf.setFont("Helvetica-Bold" if label == "Amount" else "Helvetica", 11)
        pdf.drawString(x + 40 * mm, y, str(value)[:90])
        pdf.line(x + 40 * mm, y - 1.5 * mm, width - x, y - 1.5 * mm)
        y -= 10 * mm
    if receipt.cancelled_at:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(x, y, f"Cancelled: {receipt.cancel_reason}")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(x, 15 * mm, f"Received by: {issued_by or ''}")
    pdf.line(width - x - 60 * mm, 18 * mm, width - x, 18 * mm)
    pdf.drawRightString(width - x, 13 * mm, "Authorized signature")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
