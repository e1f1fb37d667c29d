"""Formatting at the edge: money and dates in the reader's language."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from ..errors import said
from ..money import format_money, to_pesos_text


def _babel_locale() -> str:
    return "fil_PH" if str(get_locale()) == "fil" else "en_PH"


def day(value) -> str:
    """A date (or the ISO text a stored command keeps) as the reader's language writes it ("Dis 5, 2026")."""
    from datetime import date

    if not value:
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)), "medium")


def money(centavos) -> str:
    return format_money(centavos, _babel_locale())


# The states records go through, as a reader sees them (the values stay English in the database).
STATUS_LABELS = {
    "applicant": _l("applicant"), "active": _l("active"), "inactive": _l("inactive"), "withdrawn": _l("withdrawn"),
    "deceased": _l("deceased"), "applied": _l("applied"), "approved": _l("approved"), "rejected": _l("rejected"),
    "cancelled": _l("cancelled"), "closed": _l("closed"), "written_off": _l("written off"),
    "restructured": _l("restructured"), "draft": _l("draft"), "submitted": _l("submitted"),
    "revise": _l("to revise"), "signed": _l("signed"), "planned": _l("planned"), "pending": _l("pending"),
    "released": _l("released"), "booked": _l("booked"), "checked_in": _l("checked in"),
    "completed": _l("completed"), "no_show": _l("no-show"), "open": _l("open"), "paid": _l("paid"),
    "past_due": _l("past due"), "turned_down": _l("turned down"), "current": _l("current"),
    "partially_paid": _l("partially paid"), "fully_paid": _l("fully paid"), "unpaid": _l("unpaid"),
    "lump_sum": _l("lump sum"), "weekly": _l("weekly"), "semi_monthly": _l("semi-monthly"),
    "monthly": _l("monthly"), "none": _l("none"), "fixed": _l("fixed"), "flat": _l("flat"),
    "diminishing": _l("diminishing"), "rate": _l("rate"), "share_multiple": _l("multiple of paid-up capital"),
    "percent": _l("percent"), "amount": _l("amount"),
    "grant": _l("grant"), "loan": _l("loan"), "queued": _l("queued"), "running": _l("running"), "done": _l("done"),
    "failed": _l("failed"), "count": _l("count"), "spoilage": _l("spoilage"), "damage": _l("damage"),
    "expired": _l("expired"),
    "nearest": _l("each to the nearest centavo, the last absorbs the difference"),
    "down": _l("each cut down to the centavo, the last takes the remainder"),
}


def status(value) -> str:
    """A status or a choice (`written_off`) in the reader's language."""
    if value is None:
        return ""
    label = STATUS_LABELS.get(str(value))
    return str(label) if label is not None else str(value).replace("_", " ")


# The classes of membership (RA 9520), as a reader sees them.
MEMBERSHIP_LABELS = {"regular": _l("Regular"), "associate": _l("Associate")}


def membership(value) -> str:
    """A member's class (`regular`, `associate`) in the reader's language."""
    if value is None:
        return ""
    label = MEMBERSHIP_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def _at_render(function):
    """The filter run at every render, in that request's language. Jinja folds a filter applied to a literal
    (`'regular'|membership`) into the compiled template, once, in whatever language the first page that
    compiled it was in; a filter that takes the render's context is never folded."""

    @pass_context
    def filtered(_context, value, *args, **kwargs):
        return function(value, *args, **kwargs)

    return filtered


def register(app: Flask) -> None:
    app.add_template_filter(_at_render(said), "said")  # a kept message (a flash) in this page's language
    app.add_template_filter(_at_render(status), "status")
    app.add_template_filter(_at_render(membership), "membership")
    app.add_template_filter(_at_render(money), "money")
    app.add_template_filter(to_pesos_text, "pesos")  # an amount in a form field: "2000.50"
    app.add_template_filter(_at_render(lambda d, fmt="medium": format_date(d, fmt) if d else ""), "date")
    # a stored moment (naive UTC) as the reader's clock in Manila says it, in her language
    app.add_template_filter(_at_render(lambda t, fmt="medium": format_datetime(t, fmt) if t else ""), "datetime")
