"""The Wellness Center's verbs, one module per verb group; this package re-exports them, so callers write
`from coop.wellness import services` and `services.book(...)` whatever module holds it.

- `clock`: local Manila wall-clock times at the edge, UTC stored (`clock.local_now` is the one "now")
- `catalogue`: the services offered and the stations
- `attendants`: attendants, their schedules and days off; the center's opening hours and holidays
- `clients`: clients (personal data: minimal, audited)
- `bookings`: availability, booking, and its status changes (check-in, cancel, no-show, reschedule)
- `payments`: completing a booking (payment posted, receipt issued) and paying attendants' earnings
- `reminders`: the daily reminder texts
- `sheets`: what the pages read (day sheet, week grid, earnings overviews)
"""
from __future__ import annotations

from . import clock
from .attendants import (
    DEFAULT_HOURS,
    add_day_off,
    add_holiday,
    attendant_for_member,
    attendant_for_user,
    attendant_names,
    create_attendant,
    days_off,
    get_attendant,
    holidays,
    list_attendants,
    opening_hours,
    parties_of_user,
    remove_day_off,
    remove_holiday,
    schedule_of,
    set_opening_hours,
    set_schedule,
    update_attendant,
)
from .bookings import (
    OpenSlot,
    SlotTaken,
    _save_or_refuse,
    attendants_in_conflict,
    availability,
    book,
    bookings_between,
    cancel,
    check_in,
    day_plan,
    get_booking,
    no_show,
    reschedule,
)
from .catalogue import (
    create_service,
    get_service,
    list_services,
    list_stations,
    set_station_count,
    station_counts,
    update_service,
)
from .clients import client_for_booking, client_history, clients_by_id, find_client, get_client, normalise_mobile
from .clock import local_now, minute_of, minutes_of, parse_time, to_local, to_utc, utc_day
from .payments import complete, earnings_due, pay_earnings, payouts, share_of, unpaid_bookings
from .reminders import send_reminders
from .sheets import (
    BookingLine,
    DaySheet,
    Earnings,
    attendant_summary,
    day_sheet,
    describe,
    earnings_overview,
    week_grid,
)

__all__ = [
    "DEFAULT_HOURS", "BookingLine", "DaySheet", "Earnings", "OpenSlot", "SlotTaken",
    "add_day_off", "add_holiday", "attendant_for_member", "attendant_for_user", "attendant_names",
    "attendant_summary", "attendants_in_conflict", "availability", "book", "bookings_between", "cancel",
    "check_in", "client_for_booking", "client_history", "clients_by_id", "clock", "complete",
    "create_attendant", "create_service", "day_plan", "day_sheet", "days_off", "describe", "earnings_due",
    "earnings_overview", "find_client", "get_attendant", "get_booking", "get_client", "get_service",
    "holidays", "list_attendants", "list_services", "list_stations", "local_now", "minute_of", "minutes_of",
    "no_show", "normalise_mobile", "opening_hours", "parse_time", "parties_of_user", "pay_earnings",
    "payouts", "remove_day_off", "remove_holiday", "reschedule", "schedule_of", "send_reminders",
    "set_opening_hours", "set_schedule", "set_station_count", "share_of", "station_counts", "to_local",
    "to_utc", "unpaid_bookings", "update_attendant", "update_service", "utc_day", "week_grid",
]
