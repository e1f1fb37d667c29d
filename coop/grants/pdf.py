"""The Memorandum of Agreement as a PDF, generated from the MOA's data, ready to sign."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..web.pdf import fonts, pdf_date, pdf_money
from .models import Beneficiary, BusinessPlan, DonorFund, Moa, PlanLine, Tranche

CONDITION_TEXT = {
    "on_signing": _l("upon the signing of this Agreement"),
    "receipts": _l("after the receipts of the purchases made with tranche %(prev)s are submitted"),
    "sales_report": _l("after the monthly sales report following the release of tranche %(prev)s is made"),
}


def condition_text(tranche: Tranche) -> str:
    """When a tranche is released, in the reader's language."""
    text = str(CONDITION_TEXT[tranche.condition])
    return text % {"prev": tranche.seq - 1} if "%(prev)s" in text else text


def moa_pdf(*, organization: str, moa: Moa, plan: BusinessPlan, lines: list[PlanLine], beneficiary: Beneficiary,
            fund: DonorFund, tranches: list[Tranche], monitoring_months: int) -> bytes:
    """The agreement in the reader's language (the request's): headings, clauses, dates and pesos by Babel."""
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

    def clause(heading: str, text: str) -> Paragraph:
        return Paragraph(f"<b>{esc(heading)}</b> {esc(text)}", body)

    where = ", ".join(part for part in (beneficiary.town, beneficiary.province) if part)
    kind = _("capital loan") if moa.kind == "loan" else _("livelihood grant")
    status = _("Status: %(status)s", status=_(moa.status.replace("_", " ")))
    status += (_(", signed on %(day)s", day=pdf_date(moa.signed_on)) if moa.signed_on else _(" (to be signed)"))
    beneficiary_text = (_("%(name)s (%(label)s), of %(place)s, hereinafter the Beneficiary.", name=beneficiary.name,
                          label=beneficiary.label, place=where) if where else
                        _("%(name)s (%(label)s), hereinafter the Beneficiary.", name=beneficiary.name,
                          label=beneficiary.label))
    story = [
        Paragraph(esc(organization), styles["Heading2"]),
        Paragraph(esc(_("MEMORANDUM OF AGREEMENT %(label)s", label=moa.label)), styles["Heading3"]),
        Paragraph(esc(status), body),
        Spacer(1, 4 * mm),
        Paragraph(esc(_("This Agreement is entered into by and between:")), body),
        Paragraph(esc(_("%(org)s, hereinafter the Centre, represented by %(signatory)s; and", org=organization,
                        signatory=moa.centre_signatory)), body),
        Paragraph(esc(beneficiary_text), body),
        Spacer(1, 3 * mm),
        clause(_("1. Purpose."), _(
            "The Centre gives the Beneficiary a %(kind)s of %(amount)s to start the business described in her "
            "business plan %(plan)s: %(business)s at %(location)s, funded by %(donor)s.", kind=kind,
            amount=pdf_money(moa.total), plan=plan.label, business=plan.business_type, location=plan.location,
            donor=fund.donor_name)),
        clause(_("2. The Centre as operations partner."), _(moa.centre_role)),  # the default: said in her language
        clause(_("3. Use of the money."), _(
            "The Beneficiary uses the money only for the items of her business plan below, keeps the receipts of "
            "every purchase and shows them to the Centre.")),
    ]
    budget = [[_("Item"), _("Amount")]] + [[esc(line.item), pdf_money(line.amount)] for line in lines]
    budget.append([_("Total"), pdf_money(sum(line.amount for line in lines))])
    story += [Spacer(1, 2 * mm), _grid(Table, TableStyle, colors, budget, [120 * mm, 40 * mm]), Spacer(1, 3 * mm)]
    story.append(clause(_("4. Tranches."), _(
        "The money is handed over in tranches, each released only when its condition is met and the release is "
        "approved by two staff members of the Centre:")))
    schedule = [[_("Tranche"), _("Amount"), _("Planned date"), _("Condition for release")]] + [
        [str(t.seq), pdf_money(t.amount), pdf_date(t.planned_on), esc(condition_text(t))] for t in tranches]
    schedule.append([_("Total"), pdf_money(sum(t.amount for t in tranches)), "", ""])
    story += [Spacer(1, 2 * mm), _grid(Table, TableStyle, colors, schedule, [18 * mm, 32 * mm, 28 * mm, 92 * mm],
                                       wrap=styles["BodyText"].clone("cell", fontSize=9, leading=11), paragraph=Paragraph),
              Spacer(1, 3 * mm)]
    story.append(clause(_("5. Monitoring."), _(
        "For %(months)s months after the first release, the Beneficiary keeps a record of her sales, costs and "
        "savings, and the Centre visits her business every month to review it with her.", months=monitoring_months)))
    story.append(clause(_("6. Privacy."), _(
        "The Centre keeps the Beneficiary's personal information confidential and shares only figures without her "
        "name with the donor (Republic Act 10173).")))
    story += [Spacer(1, 8 * mm)]
    date_line = _("Date: %(day)s", day="____________________")
    signatures = [["_______________________________", "_______________________________"],
                  [esc(moa.centre_signatory), esc(beneficiary.name)],
                  [esc(_("for the Centre")), esc(_("Beneficiary"))],
                  [esc(date_line), esc(date_line)]]
    sig = Table(signatures, colWidths=[85 * mm, 85 * mm])
    sig.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 2),
                             ("FONTNAME", (0, 0), (-1, -1), regular)]))
    story += [sig, Spacer(1, 5 * mm),
              Paragraph(esc(_("Witnesses: %(lines)s", lines="______________________  ______________________")), body)]
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


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
