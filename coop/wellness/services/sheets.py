"""What the pages read: bookings with their names, the day sheet, the week grid, earnings overviews."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ..models import Attendant, Booking, Holiday, Payout, ScheduleBlock
from .attendants import attendant_names, get_attendant, list_attendants
from .bookings import bookings_between
from .catalogue import list_services, list_stations
from .clients import clients_by_id
from .clock import to_local
from .payments import earnings_due, payouts


@dataclass(frozen=True)
class BookingLine:
    booking: Booking
    starts: datetime  # local
    ends: datetime
    service: str
    client: str
    attendant: str
    station: str | None


def describe(org_id: int, bookings: list[Booking]) -> list[BookingLine]:
    """Bookings with the names a page shows, read in three queries."""
    services = {s.id: s.name for s in list_services(org_id)}
    stations = {s.id: s.label for s in list_stations(org_id, active_only=False)}
    names = attendant_names(org_id)
    clients = clients_by_id(org_id, (b.client_id for b in bookings))
    return [BookingLine(b, to_local(b.starts_at), to_local(b.ends_at), services[b.service_id],
                        clients[b.client_id].name, names.get(b.attendant_id, ""), stations.get(b.station_id))
            for b in bookings]


@dataclass(frozen=True)
class DaySheet:
    day: date
    by_attendant: tuple[tuple[Attendant, str, tuple[BookingLine, ...]], ...]
    by_station: tuple[tuple[str, tuple[BookingLine, ...]], ...]
    holiday: str | None


def day_sheet(org_id: int, day: date, attendant_id: int | None = None) -> DaySheet:
    """The day's bookings by attendant (everyone scheduled or booked) and by station."""
    lines = describe(org_id, bookings_between(org_id, day, day, attendant_id=attendant_id))
    names = attendant_names(org_id)
    working = set(db.session.scalars(select(ScheduleBlock.attendant_id).where(
        ScheduleBlock.org_id == org_id, ScheduleBlock.weekday == day.weekday(), ScheduleBlock.kind == "work")))
    columns = []
    for attendant in list_attendants(org_id):
        if attendant_id is not None and attendant.id != attendant_id:
            continue
        mine = tuple(line for line in lines if line.booking.attendant_id == attendant.id)
        if mine or (attendant.active and attendant.id in working):
            columns.append((attendant, names[attendant.id], mine))
    stations = tuple((s.label, tuple(line for line in lines if line.booking.station_id == s.id))
                     for s in list_stations(org_id))
    holiday = db.session.scalar(select(Holiday.name).where(Holiday.org_id == org_id, Holiday.day == day))
    return DaySheet(day, tuple(columns), stations, holiday)


def week_grid(org_id: int, monday: date) -> tuple[list[date], list[tuple[Attendant, str, list[list[BookingLine]]]]]:
    """Seven days from monday; per attendant, the day's bookings (cancellations left out)."""
    days = [monday + timedelta(days=n) for n in range(7)]
    lines = describe(org_id, bookings_between(org_id, days[0], days[-1],
                                              statuses=("booked", "checked_in", "completed", "no_show")))
    names = attendant_names(org_id)
    rows = []
    for attendant in list_attendants(org_id):
        cells = [[line for line in lines if line.booking.attendant_id == attendant.id and line.starts.date() == d]
                 for d in days]
        if attendant.active or any(cells):
            rows.append((attendant, names[attendant.id], cells))
    return days, rows


@dataclass(frozen=True)
class Earnings:
    attendant: Attendant
    name: str
    due: int
    unpaid_services: int
    paid: tuple[Payout, ...]


def earnings_overview(org_id: int, attendant_id: int | None = None) -> list[Earnings]:
    names = attendant_names(org_id)
    out = []
    for attendant in list_attendants(org_id):
        if attendant_id is not None and attendant.id != attendant_id:
            continue
        unpaid = db.session.scalar(select(func.count(Booking.id)).where(
            Booking.attendant_id == attendant.id, Booking.status == "completed", Booking.payout_id.is_(None),
            Booking.share_amount > 0)) or 0
        out.append(Earnings(attendant, names[attendant.id], earnings_due(org_id, attendant), unpaid,
                            tuple(payouts(org_id, attendant.id, limit=12))))
    return out


def attendant_summary(org_id: int, attendant_id: int, on: date) -> dict:
    """What she sees of her own work: services of the last 30 days, her earnings due and paid."""
    attendant = get_attendant(org_id, attendant_id)
    since = on - timedelta(days=30)
    done = list(db.session.scalars(select(Booking).where(
        Booking.org_id == org_id, Booking.attendant_id == attendant.id, Booking.status == "completed",
        Booking.completed_on >= since).order_by(Booking.completed_on.desc(), Booking.id.desc())))
    month_start = on.replace(day=1)
    earned_this_month = db.session.scalar(select(func.coalesce(func.sum(Booking.share_amount), 0)).where(
        Booking.attendant_id == attendant.id, Booking.status == "completed", Booking.completed_on >= month_start,
        Booking.completed_on <= on))
    return {"services_done": describe(org_id, done), "due": earnings_due(org_id, attendant),
            "earned_this_month": int(earned_this_month), "paid": payouts(org_id, attendant.id, limit=12)}
