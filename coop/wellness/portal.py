"""What the Wellness Center adds to shared pages: dashboard tiles and the member's portal block."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..money import format_money
from ..timeutil import today
from ..manifest import Tile
from . import services
from .reports import today_figures


def dashboard_tiles(org_id: int) -> list[Tile]:
    waiting, revenue, due = today_figures(org_id, today())
    return [Tile(_("Wellness today"), _("%(n)s bookings to go", n=waiting), "wellness.day",
                 _("%(amount)s taken today", amount=format_money(revenue))),
            Tile(_("Attendants' earnings due"), format_money(due), "wellness.earnings")]


def attendant_tiles(org_id: int) -> list[Tile]:
    """An attendant's own figures on her dashboard."""
    mine = services.attendant_for_user(org_id, current_user.id)
    if mine is None:
        return []
    waiting = len(services.bookings_between(org_id, today(), today(), attendant_id=mine.id,
                                            statuses=("booked", "checked_in")))
    return [Tile(_("My bookings today"), str(waiting), "wellness.day"),
            Tile(_("My earnings due"), format_money(services.earnings_due(org_id, mine)), "wellness.mine")]


def member_block(org_id: int, member_id: int) -> dict | None:
    """For a member who is also an attendant: her services and earnings; None for other members."""
    attendant = services.attendant_for_member(org_id, member_id)
    if attendant is None:
        return None
    return {"wellness_attendant": attendant, **services.attendant_summary(org_id, attendant.id, today())}
