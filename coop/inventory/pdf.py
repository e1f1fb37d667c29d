"""The sale slip: itemised, narrow enough for a receipt printer (80 mm), printable on any page."""
from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..money import php_text, to_pesos_text
from ..web.pdf import fonts
from .models import Sale, SaleLine
from .quantity import quantity_text

WIDTH = 80 * mm


def sale_slip(sale: Sale, lines: list[SaleLine], organization: str, receipt_number: str | None = None,
              member_label: str | None = None, due_text: str | None = None) -> bytes:
    rows = 14 + 2 * len(lines)
    height = max(120 * mm, rows * 5 * mm)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(WIDTH, height))
    pdf.setTitle(f"Sale {sale.display_number}")
    x, right, y = 4 * mm, WIDTH - 4 * mm, height - 8 * mm

    def text(value: str, size: float = 8, bold: bool = False, align: str = "left") -> None:
        nonlocal y
        pdf.setFont(fonts()[1] if bold else fonts()[0], size)
        {"left": pdf.drawString, "right": pdf.drawRightString, "center": pdf.drawCentredString}[align](
            {"left": x, "right": right, "center": WIDTH / 2}[align], y, value)

    def down(step: float = 4.2) -> None:
        nonlocal y
        y -= step * mm

    text(organization[:42], 9, True, "center"); down(5)
    text("CASH SALE" if sale.payment == "cash" else "CHARGE SALE (COMMODITY CREDIT)", 8, True, "center"); down()
    text(f"Sale {sale.display_number}"); text(sale.sold_on.isoformat(), align="right"); down()
    if receipt_number:
        text(f"Official receipt {receipt_number}"); down()
    if member_label:
        text(f"Member {member_label}"); down()
    pdf.line(x, y + 2 * mm, right, y + 2 * mm); down(1)
    for line in lines:
        text(line.description[:40]); down(3.6)
        text(f"  {quantity_text(line.quantity)} {line.unit} x {to_pesos_text(line.unit_price)}", 7.5)
        text(to_pesos_text(line.amount), 8, align="right"); down()
    pdf.line(x, y + 2 * mm, right, y + 2 * mm); down(1)
    text("TOTAL", 10, True); text(php_text(sale.total), 10, True, "right"); down(5)
    if sale.tendered:
        text("Cash"); text(to_pesos_text(sale.tendered), align="right"); down()
        text("Change"); text(to_pesos_text(sale.tendered - sale.total), align="right"); down()
    if sale.returned_amount:
        text("Returned"); text(f"-{to_pesos_text(sale.returned_amount)}", align="right"); down()
    if due_text:
        down(1); text(due_text, 8, True); down()
    down(2)
    text("Thank you! Salamat po!", 8, False, "center")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
