"""The share certificate, one A4 landscape page."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..money import amount_in_words, php_text
from .models import Member, ShareSubscription


def certificate(subscription: ShareSubscription, member: Member, organization: str) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Share certificate {subscription.certificate_number}")
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, height - 40 * mm, organization)
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(width / 2, height - 58 * mm, "CERTIFICATE OF SHARE CAPITAL")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(25 * mm, height - 30 * mm, f"Certificate No. {subscription.certificate_number}")
    pdf.drawRightString(width - 25 * mm, height - 30 * mm, f"{subscription.shares} shares")
    pdf.setFont("Helvetica", 14)
    text = [
        "This certifies that",
        member.name,
        f"member no. {member.label}, is the owner of {subscription.shares} fully paid common shares",
        f"of the par value of {php_text(subscription.par_value, grouped=False)} each,",
        f"{amount_in_words(subscription.amount)} ({php_text(subscription.amount, grouped=False)}) in all,",
        "transferable only on the books of the cooperative in accordance with its by-laws.",
    ]
    y = height - 80 * mm
    for n, line in enumerate(text):
        pdf.setFont("Helvetica-Bold" if n == 1 else "Helvetica", 18 if n == 1 else 13)
        pdf.drawCentredString(width / 2, y, line)
        y -= 11 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(25 * mm, 35 * mm, f"Subscribed on {subscription.subscribed_on.isoformat()}")
    for x, title in ((width / 2 - 10 * mm, "Secretary"), (width - 25 * mm, "Chairperson")):
        pdf.line(x - 60 * mm, 32 * mm, x, 32 * mm)
        pdf.drawRightString(x, 26 * mm, title)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
