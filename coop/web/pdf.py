"""What every PDF shares: dates formatted by Babel in the reader's language, pesos as on all paper
("PHP 2,000.50", coop.money.php_text), and the standard fonts (call these inside the request)."""
from __future__ import annotations

from flask_babel import format_date

from ..money import php_text


def fonts() -> tuple[str, str]:
    """(regular, bold): the PDF standard fonts, which every reader has; "PHP" needs no peso glyph."""
    return "Helvetica", "Helvetica-Bold"


def pdf_money(centavos: int | None) -> str:
    return "" if centavos is None else php_text(centavos)


def pdf_date(day) -> str:
    return format_date(day, "medium") if day else ""
