"""The share certificate, one A4 landscape page."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..web.pdf import fonts, pdf_date as format_date, pdf_money as money
from ..money import amount_in_words
from .models import Member, ShareSubscription


def certificate(subscription: ShareSubscription, member: Member, organization: str) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(_("Share certificate %(number)s", number=subscription.certificate_number))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFont(fonts()[1], 20)
    pdf.drawCentredString(width / 2, height - 40 * mm, organization)
    pdf.setFont(fonts()[1], 26)
    pdf.drawCentredString(width / 2, height - 58 * mm, _("CERTIFICATE OF SHARE CAPITAL"))
    pdf.setFont(fonts()[0], 11)
    pdf.drawString(25 * mm, height - 30 * mm, _("Certificate No. %(number)s", number=subscription.certificate_number))
    pdf.drawRightString(width - 25 * mm, height - 30 * mm, _("%(n)s shares", n=subscription.shares))
    pdf.setFont(fonts()[0], 14)
    text = [
        _("This certifies that"),
        member.name,
        _("member no. %(label)s, is the owner of %(n)s fully paid common shares", label=member.label,
          n=subscription.shares),
        _("of the par value of %(par)s each,", par=money(subscription.par_value)),
        _("%(words)s (%(amount)s) in all,", words=amount_in_words(subscription.amount), amount=money(subscription.amount)),
        _("transferable only on the books of the cooperative in accordance with its by-laws."),
    ]
    y = height - 80 * mm
    for n, line in enumerate(text):
        pdf.setFont(fonts()[1] if n == 1 else fonts()[0], 18 if n == 1 else 13)
        pdf.drawCentredString(width / 2, y, line)
        y -= 11 * mm
    pdf.setFont(fonts()[0], 11)
    pdf.drawString(25 * mm, 35 * mm, _("Subscribed on %(day)s", day=format_date(subscription.subscribed_on)))
    for x, title in ((width / 2 - 10 * mm, _("Secretary")), (width - 25 * mm, _("Chairperson"))):
        pdf.line(x - 60 * mm, 32 * mm, x, 32 * mm)
        pdf.drawRightString(x, 26 * mm, title)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def statement_pdf(statement, organization: str) -> bytes:
    """Her statement in plain words, as on her page: one line per transaction, a running balance per thing.

    Words, dates and pesos in the reader's language (call it inside the request)."""
    regular, bold = fonts()
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Heading3"):
        styles[name].fontName = bold
    small = styles["BodyText"].clone("small", fontSize=8.5, leading=10.5, fontName=regular)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm, title=_("My statement"))
    member = statement.member
    story = [Paragraph(escape(organization), styles["Title"]),
             Paragraph(escape(f"{_('My statement')}: {member.name} ({member.label})"), styles["Heading2"]),
             Paragraph(escape(f"{format_date(statement.start)} – {format_date(statement.end)}"), small),
             Spacer(1, 4 * mm)]

    def balances(labels, values) -> str:
        return " · ".join(f"{label} {money(value)}" for label, value in zip(labels, values))

    for track in statement.tracks:
        story.append(Paragraph(escape(track.title), styles["Heading3"]))
        rows = [[Paragraph(escape(_("At the start")), small), "", Paragraph(escape(balances(track.labels, track.opening)), small)]]
        for line in track.lines:
            sign = "+" if line.amount > 0 else "−"
            rows.append([Paragraph(escape(f"{format_date(line.on)} · {line.text}"), small),
                         Paragraph(escape(sign + money(abs(line.amount))), small),
                         Paragraph(escape(balances(track.labels, line.balances)), small)])
        rows.append([Paragraph(escape(_("At the end")), small), "", Paragraph(escape(balances(track.labels, track.closing)), small)])
        table = Table(rows, colWidths=(90 * mm, 30 * mm, 60 * mm))
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
        story += [table, Spacer(1, 4 * mm)]
    if not statement.tracks:
        story.append(Paragraph(escape(_("Nothing moved in these dates.")), small))
    document.build(story)
    return buffer.getvalue()
