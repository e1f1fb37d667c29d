"""A report is a table: titled columns of text, dates and money. One renderer per format serves all reports."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from ..money import format_money, pesos_text, to_pesos_text
from ..web.pdf import fonts


@dataclass(frozen=True)
class Column:
    key: str  # stable name in JSON, whatever the page's language
    label: str
    kind: str = "text"  # text | money | date | number


@dataclass(frozen=True)
class Table:
    title: str
    subtitle: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    totals: tuple | None = None
    notes: tuple[str, ...] = field(default=())
    links: tuple = field(default=())  # per row: url or None, used by the page only


def _cell_text(value, kind: str, locale: str | None = None) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_money(value, locale) if locale else pesos_text(value)
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?", re.ASCII)


def csv_safe(value):
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or line break) gets a leading
    apostrophe, so a memo "=HYPERLINK(...)" shows as text. Plain numbers ("-12.50") stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    """Machine-readable: money as plain pesos with two decimals, dates ISO; no cell is a formula.

    The one CSV writer of the application: every CSV it hands out goes through here.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(str(c.label)) for c in table.columns])
    for row in table.rows + ((table.totals,) if table.totals else ()):
        writer.writerow([to_pesos_text(v) if c.kind == "money" and v not in (None, "") else
                         (v.isoformat() if isinstance(v, date) else ("" if v is None else csv_safe(str(v))))
                         for c, v in zip(table.columns, row)])
    return out.getvalue()


def to_pdf(table: Table, organization: str, locale: str | None = None) -> bytes:
    """The table on A4 (landscape when wide). Money is written as the page writes it ("₱1,234.50", Babel, in
    `locale` or English) in the embedded font that has the peso sign."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    regular, bold = fonts()
    locale = locale or "en_PH"
    buffer = io.BytesIO()
    wide = len(table.columns) > 5
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4) if wide else A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=table.title, author=organization)
    styles = getSampleStyleSheet()
    for name in ("Normal", "BodyText", "Heading2", "Heading3"):
        styles[name].fontName = bold if name.startswith("Heading") else regular
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    story = [Paragraph(organization, styles["Heading2"]), Paragraph(table.title, styles["Heading3"]),
             Paragraph(table.subtitle, styles["Normal"]), Spacer(1, 5 * mm)]
    header = [Paragraph(f"<b>{_escape(str(c.label))}</b>", cell) for c in table.columns]
    body = [[_cell_text(v, c.kind, locale) if c.kind in ("money", "number")
             else Paragraph(_escape(_cell_text(v, c.kind)), cell)
             for c, v in zip(table.columns, row)] for row in table.rows]
    data = [header] + body
    if table.totals:
        data.append([_cell_text(v, c.kind, locale) for c, v in zip(table.columns, table.totals)])
    pdf_table = PdfTable(data, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")), ("FONTSIZE", (0, 0), (-1, -1), 8.5)]
    for n, c in enumerate(table.columns):
        if c.kind in ("money", "number"):
            style.append(("ALIGN", (n, 1), (n, -1), "RIGHT"))
    style.append(("FONTNAME", (0, 0), (-1, -1), regular))
    if table.totals:
        style.append(("FONTNAME", (0, -1), (-1, -1), bold))
    pdf_table.setStyle(TableStyle(style))
    story.append(pdf_table)
    for note in table.notes:
        story += [Spacer(1, 3 * mm), Paragraph(_escape(note), styles["Normal"])]
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_json(table: Table) -> dict:
    keys = [c.key for c in table.columns]

    def encode(row):
        out = {}
        for key, c, v in zip(keys, table.columns, row):
            if c.kind == "money":
                out[f"{key}_centavos"] = v
            else:
                out[key] = v.isoformat() if isinstance(v, date) else v
        return out

    return {"title": str(table.title), "subtitle": table.subtitle, "rows": [encode(r) for r in table.rows],
            "totals": encode(table.totals) if table.totals else None}
