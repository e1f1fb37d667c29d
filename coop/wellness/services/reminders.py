"""The daily job: text tomorrow's booked clients a reminder."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_date, format_time, gettext as _

from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...orgs.services import get_setting
from .bookings import bookings_between
from .clients import clients_by_id
from .clock import to_local


def send_reminders(org_id: int, day: date) -> str:
    """Text tomorrow's booked clients once each. The text says when, nothing about who or what."""
    if not get_setting(org_id, "wellness.reminders"):
        return "reminders are off"
    sender = get_setting(org_id, "wellness.sender_name")
    lang = language(None, get_setting(org_id, "messaging.language"))  # a client has no login: the center's language
    tomorrow = day + timedelta(days=1)
    bookings = bookings_between(org_id, tomorrow, tomorrow, statuses=("booked",))
    clients = clients_by_id(org_id, (b.client_id for b in bookings))
    batch = []
    for booking in bookings:
        client = clients[booking.client_id]
        if not client.mobile:
            continue
        starts = to_local(booking.starts_at)
        with written_in(lang):
            body = _("%(sender)s: a reminder of your appointment tomorrow, %(day)s at %(time)s. "
                     "To change it, please call or text us.", sender=sender, day=format_date(starts.date(), "EEE d MMM"),
                     time=format_time(starts.time(), "h:mm a", rebase=False))
        batch.append(outbox.Message("sms", client.mobile, body, f"wellness-reminder-{booking.id}-{starts:%Y%m%d%H%M}"))
    return f"{outbox.enqueue_many(org_id, batch)} wellness reminders queued"
