"""What every PDF shares: a font that has the peso sign, and dates and pesos formatted by Babel
in the reader's language, as on the pages (call these inside the request)."""
from __future__ import annotations

import os
from functools import lru_cache

from flask_babel import format_date

from .filters import money

_CANDIDATES = (  # (regular, bold): a Unicode font with "₱"; Helvetica (no "₱") when none is installed
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with reportlab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for regular, bold in _CANDIDATES:
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("CoopSans", regular))
            pdfmetrics.registerFont(TTFont("CoopSans-Bold", bold))
            return "CoopSans", "CoopSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def pdf_money(centavos: int | None) -> str:
    """Pesos as the pages show them; "PHP" for "₱" only when no font with the sign is installed."""
    text = money(centavos)
    return text if fonts()[0] != "Helvetica" else text.replace("₱", "PHP ")


def pdf_date(day) -> str:
    return format_date(day, "medium") if day else ""
