"""The promissory note: her promise to pay, the schedule, and her co-makers' joint guarantee, with signature lines."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..money import amount_in_words
from ..web.pdf import pdf_date, pdf_money
from .disclosure import Disclosure


def promissory_note(loan, member, comakers: list, found: Disclosure, organization: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{_('Promissory note')} {loan.number}", author=organization)
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [Paragraph(escape(organization), styles["Heading2"]),
             Paragraph(escape(f"{_('Promissory note')} {loan.number}"), styles["Heading3"]),
             Paragraph(escape(_("Date: %(day)s", day=pdf_date(loan.released_on or loan.decided_on or loan.applied_on))),
                       body),
             Spacer(1, 4 * mm),
             Paragraph(escape(_(
                 "For value received, I, %(name)s (member %(label)s), promise to pay %(org)s the sum of %(words)s "
                 "(%(amount)s), with interest of %(interest)s, in the installments below, at the cooperative's "
                 "office. If I miss an installment, the penalties of the cooperative's policy apply and the whole "
                 "balance may be collected.", name=member.name, label=member.label, org=organization,
                 words=amount_in_words(loan.amount), amount=pdf_money(loan.amount),
                 interest=pdf_money(found.interest))), body),
             Spacer(1, 3 * mm),
             Paragraph(escape(_("Deducted at release: service fee %(fee)s, capital build-up to my share capital "
                                "%(cbu)s. Cash received: %(net)s.", fee=pdf_money(found.service_fee),
                                cbu=pdf_money(found.cbu_retention), net=pdf_money(found.net_proceeds))), body),
             Spacer(1, 4 * mm)]
    rows = [[_("No."), _("Due"), _("Principal"), _("Interest"), _("Total")]]
    rows += [[str(row.number), pdf_date(row.due_on), pdf_money(row.principal), pdf_money(row.interest),
              pdf_money(row.total)] for row in found.installments]
    schedule = Table(rows, repeatRows=1)
    schedule.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 9),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                                  ("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
    story += [schedule, Spacer(1, 10 * mm)]
    signers = [(member.name, _("Borrower"))]
    if comakers:
        story.append(Paragraph(escape(_(
            "We, the undersigned co-makers, members of %(org)s, jointly and severally guarantee this note and "
            "promise to pay what the borrower leaves unpaid.", org=organization)), body))
        story.append(Spacer(1, 8 * mm))
        signers += [(f"{comaker.name} ({comaker.label})", _("Co-maker")) for comaker in comakers]
    signature_rows = []
    for name, role in signers:
        signature_rows += [["_" * 40, ""], [name, role], ["", ""]]
    lines = Table(signature_rows, colWidths=(100 * mm, 60 * mm))
    lines.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9)]))
    story.append(lines)
    doc.build(story)
    return buffer.getvalue()
