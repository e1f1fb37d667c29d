"""The Memorandum of Agreement as a PDF, generated from the MOA's data, ready to sign."""
from __future__ import annotations

import io

from ..money import php_text
from ..web.pdf import fonts
from .models import Beneficiary, BusinessPlan, DonorFund, Moa, PlanLine, Tranche

CONDITION_TEXT = {
    "on_signing": "upon the signing of this Agreement",
    "receipts": "after the receipts of the purchases made with tranche {prev} are submitted",
    "sales_report": "after the monthly sales report following the release of tranche {prev} is made",
}


def condition_text(tranche: Tranche) -> str:
    return CONDITION_TEXT[tranche.condition].format(prev=tranche.seq - 1)


def moa_pdf(*, organization: str, moa: Moa, plan: BusinessPlan, lines: list[PlanLine], beneficiary: Beneficiary,
            fund: DonorFund, tranches: list[Tranche], monitoring_months: int) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{moa.label}", author=organization)
    styles = getSampleStyleSheet()
    regular, bold = fonts()
    for name in ("Normal", "BodyText", "Heading2", "Heading3"):
        styles[name].fontName = bold if name.startswith("Heading") else regular
    body = styles["BodyText"].clone("moa", fontSize=10, leading=13.5)
    esc = _escape
    where = ", ".join(part for part in (beneficiary.town, beneficiary.province) if part)
    kind = "capital loan" if moa.kind == "loan" else "livelihood grant"
    story = [
        Paragraph(esc(organization), styles["Heading2"]),
        Paragraph(f"MEMORANDUM OF AGREEMENT {esc(moa.label)}", styles["Heading3"]),
        Paragraph(f"<b>Status:</b> {esc(moa.status)}" + (f", signed on {moa.signed_on:%d %B %Y}" if moa.signed_on
                                                          else " (to be signed)"), body),
        Spacer(1, 4 * mm),
        Paragraph("This Agreement is entered into by and between:", body),
        Paragraph(f"<b>{esc(organization)}</b>, hereinafter the <b>Centre</b>, represented by "
                  f"{esc(moa.centre_signatory)}; and", body),
        Paragraph(f"<b>{esc(beneficiary.name)}</b> ({esc(beneficiary.label)}){', of ' + esc(where) if where else ''}, "
                  "hereinafter the <b>Beneficiary</b>.", body),
        Spacer(1, 3 * mm),
        Paragraph("<b>1. Purpose.</b> The Centre gives the Beneficiary a " + kind + " of <b>"
                  + esc(_php(moa.total)) + "</b> to start the business described in her business plan "
                  + esc(plan.label) + ": <b>" + esc(plan.business_type) + "</b> at " + esc(plan.location)
                  + ", funded by " + esc(fund.donor_name) + ".", body),
        Paragraph("<b>2. The Centre as operations partner.</b> " + esc(moa.centre_role), body),
        Paragraph("<b>3. Use of the money.</b> The Beneficiary uses the money only for the items of her business "
                  "plan below, keeps the receipts of every purchase and shows them to the Centre.", body),
    ]
    budget = [["Item", "Amount"]] + [[esc(line.item), _php(line.amount)] for line in lines]
    budget.append(["Total", _php(sum(line.amount for line in lines))])
    story += [Spacer(1, 2 * mm), _grid(Table, TableStyle, colors, budget, [120 * mm, 40 * mm]), Spacer(1, 3 * mm)]
    story.append(Paragraph("<b>4. Tranches.</b> The money is handed over in tranches, each released only when its "
                           "condition is met and the release is approved by two staff members of the Centre:", body))
    schedule = [["Tranche", "Amount", "Planned date", "Released"]] + [
        [str(t.seq), _php(t.amount), f"{t.planned_on:%d %b %Y}", esc(condition_text(t))] for t in tranches]
    schedule[0][3] = "Condition for release"
    schedule.append(["Total", _php(sum(t.amount for t in tranches)), "", ""])
    story += [Spacer(1, 2 * mm), _grid(Table, TableStyle, colors, schedule, [18 * mm, 32 * mm, 28 * mm, 92 * mm],
                                       wrap=styles["BodyText"].clone("cell", fontSize=9, leading=11), paragraph=Paragraph),
              Spacer(1, 3 * mm)]
    story.append(Paragraph(f"<b>5. Monitoring.</b> For {monitoring_months} months after the first release, the "
                           "Beneficiary keeps a record of her sales, costs and savings, and the Centre visits her "
                           "business every month to review it with her.", body))
    story.append(Paragraph("<b>6. Privacy.</b> The Centre keeps the Beneficiary's personal information confidential "
                           "and shares only figures without her name with the donor (Republic Act 10173).", body))
    story += [Spacer(1, 8 * mm)]
    signatures = [["_______________________________", "_______________________________"],
                  [esc(moa.centre_signatory), esc(beneficiary.name)],
                  ["for the Centre", "Beneficiary"],
                  ["Date: ____________________", "Date: ____________________"]]
    sig = Table(signatures, colWidths=[85 * mm, 85 * mm])
    sig.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 2)]))
    story += [sig, Spacer(1, 5 * mm), Paragraph("Witnesses: ______________________  ______________________", body)]
    doc.build(story)
    return buffer.getvalue()


def _grid(Table, TableStyle, colors, data, widths, wrap=None, paragraph=None):
    if wrap is not None:
        data = [row[:-1] + [paragraph(row[-1], wrap) if n else row[-1]] for n, row in enumerate(data)]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("FONTNAME", (0, 0), (-1, -1), fonts()[0]), ("FONTNAME", (0, -1), (-1, -1), fonts()[1]), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    return table


def _php(centavos: int) -> str:
    return php_text(centavos)


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
