"""What every PDF shares: dates and pesos formatted by Babel in the reader's language ("₱2,000.50", as on
every page and in every message), and one embedded font that has the peso sign (call these inside the request)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import has_request_context
from flask_babel import format_date, get_locale
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..money import format_money

_FONTS = Path(__file__).parent.parent / "static" / "fonts"
REGULAR, BOLD = "CoopSans", "CoopSans-Bold"


@lru_cache(maxsize=1)
def _register() -> tuple[str, str]:
    # DejaVu Sans, cut down to Latin and the peso sign (the PDF standard fonts have no "₱")
    pdfmetrics.registerFont(TTFont(REGULAR, str(_FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)  # <b> inside a Paragraph
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def fonts() -> tuple[str, str]:
    """(regular, bold): the embedded font every PDF writes with."""
    return _register()


def _locale() -> str:
    return "fil_PH" if has_request_context() and str(get_locale()) == "fil" else "en_PH"


def pdf_money(centavos: int | None) -> str:
    return "" if centavos is None else format_money(centavos, _locale())


def pdf_date(day) -> str:
    return format_date(day, "medium") if day else ""
