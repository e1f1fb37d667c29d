"""Formatting at the edge: money and dates in the reader's language."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_date, get_locale

from ..money import format_money, to_pesos_text


def _babel_locale() -> str:
    return "fil_PH" if str(get_locale()) == "fil" else "en_PH"


def money(centavos) -> str:
    return format_money(centavos, _babel_locale())


def register(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(to_pesos_text, "pesos")  # an amount in a form field: "2000.50"
    app.add_template_filter(lambda d, fmt="medium": format_date(d, fmt) if d else "", "date")
