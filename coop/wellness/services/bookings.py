"""Availability, booking, and a booking's status changes (check-in, cancel, no-show, reschedule)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...audit import services as audit
from ...errors import Conflict, Invalid, Status
from ...extensions import db
from ...kernel import get_in_org
from ...orgs.services import get_setting
from ..availability import STEP_MINUTES, AttendantDay, Availability, DayPlan, Need, Slot, StationDay
from ..models import (
    BOOKING_KINDS,
    HOLDING_STATUSES,
    Attendant,
    Booking,
    DayOff,
    Holiday,
    ScheduleBlock,
    Station,
    WellnessService,
)
from . import clock
from .attendants import get_attendant, opening_hours
from .catalogue import get_service
from .clients import client_for_booking
from .clock import minute_of, minutes_of, to_local, to_utc, utc_day


class SlotTaken(Conflict):
    title = "Slot taken"


def day_plan(org_id: int, day: date, ignore_booking_id: int | None = None) -> DayPlan:
    """Everything availability needs for one local day, read as plain columns in a few queries (hot path)."""
    hours = opening_hours(org_id).get(day.weekday())
    opening = ((minutes_of(hours[0]), minutes_of(hours[1])),) if hours else ()
    is_holiday = db.session.scalar(select(Holiday.id).where(Holiday.org_id == org_id, Holiday.day == day)) is not None
    start_utc, end_utc = utc_day(day)
    busy_by_attendant: dict[int, list] = {}
    busy_by_station: dict[int, list] = {}
    held = db.session.execute(select(Booking.id, Booking.attendant_id, Booking.station_id, Booking.block_start,
                                     Booking.block_end).where(
        Booking.org_id == org_id, Booking.status.in_(HOLDING_STATUSES),
        Booking.block_start < end_utc, Booking.block_end > start_utc))
    for booking_id, attendant_id, station_id, block_start, block_end in held:
        if booking_id == ignore_booking_id:
            continue
        # minutes from local midnight, counted in UTC: Manila keeps one offset all year, but this holds for any zone
        span = (max(0, int((block_start - start_utc).total_seconds() // 60)),
                min(24 * 60, -int(-(block_end - start_utc).total_seconds() // 60)))
        busy_by_attendant.setdefault(attendant_id, []).append(span)
        if station_id:
            busy_by_station.setdefault(station_id, []).append(span)
    blocks: dict[int, dict[str, list]] = {}
    for attendant_id, kind, starts, ends in db.session.execute(
            select(ScheduleBlock.attendant_id, ScheduleBlock.kind, ScheduleBlock.starts, ScheduleBlock.ends)
            .where(ScheduleBlock.org_id == org_id, ScheduleBlock.weekday == day.weekday())):
        blocks.setdefault(attendant_id, {"work": [], "break": []})[kind].append((minutes_of(starts), minutes_of(ends)))
    off = set(db.session.scalars(select(DayOff.attendant_id).where(DayOff.org_id == org_id, DayOff.day == day)))
    attendants = tuple(
        AttendantDay(aid, frozenset(skills.split()), tuple(blocks.get(aid, {}).get("work", ())),
                     tuple(blocks.get(aid, {}).get("break", ())), tuple(busy_by_attendant.get(aid, ())),
                     day_off=aid in off)
        for aid, skills in db.session.execute(select(Attendant.id, Attendant.skills).where(
            Attendant.org_id == org_id, Attendant.active.is_(True)).order_by(Attendant.number)))
    stations = tuple(StationDay(sid, kind, tuple(busy_by_station.get(sid, ())))
                     for sid, kind in db.session.execute(select(Station.id, Station.kind).where(
                         Station.org_id == org_id, Station.active.is_(True)).order_by(Station.kind, Station.label)))
    return DayPlan(opening=opening, attendants=attendants, stations=stations, holiday=is_holiday)


def _need(org_id: int, service: WellnessService, home: bool) -> Need:
    if home:
        travel = int(get_setting(org_id, "wellness.travel_minutes"))
        return Need(service.duration_minutes, service.skill, None, travel, travel)
    return Need(service.duration_minutes, service.skill, service.station_kind)


@dataclass(frozen=True)
class OpenSlot:
    starts: datetime  # local
    attendant_ids: tuple[int, ...]
    station_id: int | None


def availability(org_id: int, service_id: int, day: date, *, home: bool = False,
                 now: datetime | None = None) -> list[OpenSlot]:
    """The free start times of a service on a local day, with who could take each."""
    service = get_service(org_id, service_id)
    if home and not service.home_service:
        raise Invalid("%(name)s is not offered as a home service.", field="kind", values={"name": service.name})
    now = now or clock.local_now()
    if day < now.date():
        return []
    not_before = minute_of(now, day) if day == now.date() else 0
    slots = Availability(day_plan(org_id, day), _need(org_id, service, home)).starts(not_before)
    midnight = datetime.combine(day, time())
    return [OpenSlot(midnight + timedelta(minutes=s.start), s.attendant_ids, s.station_id) for s in slots]



def get_booking(org_id: int, booking_id: int) -> Booking:
    return get_in_org(Booking, org_id, booking_id, "No such booking.")


def _least_busy(plan: DayPlan, candidates: tuple[int, ...]) -> int:
    """Share the work: the free attendant with the fewest bookings that day (then the lowest number)."""
    load = {a.id: len(a.busy) for a in plan.attendants}
    return min(candidates, key=lambda aid: (load.get(aid, 0), aid))


def _place(org_id: int, service: WellnessService, start: datetime, home: bool, attendant_id: int | None,
           ignore_booking_id: int | None = None) -> tuple[int, int | None, Need]:
    """Who (and which station) takes a booking at this local start; refused with a clear reason."""
    day = start.date()
    plan = day_plan(org_id, day, ignore_booking_id)
    need = _need(org_id, service, home)
    slot: Slot | None = Availability(plan, need).at(minute_of(start, day))
    if slot is None:
        raise SlotTaken("%(start)s is not free for %(name)s: choose another time.", field="starts_at",
                        values={"start": start, "name": service.name})
    if attendant_id is not None:
        attendant = get_attendant(org_id, attendant_id)
        if attendant.id not in slot.attendant_ids:
            raise SlotTaken("%(label)s is not free for %(name)s at %(start)s: choose another time or any available "
                            "attendant.", field="attendant_id",
                            values={"label": attendant.label, "name": service.name, "start": start})
        return attendant.id, slot.station_id, need
    return _least_busy(plan, slot.attendant_ids), slot.station_id, need


@contextmanager
def _refused_if_taken(start: datetime):
    """Write under a savepoint: the database's no-overlap rule turns a lost race into a clear 409."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as exc:
        raise SlotTaken("%(start)s was just taken by another booking: choose another time.",
                        field="starts_at", values={"start": start}) from exc


def _save_or_refuse(start: datetime) -> None:
    with _refused_if_taken(start):
        db.session.flush()


def _check_quarter_hour(starts: datetime) -> None:
    if (starts.hour * 60 + starts.minute) % STEP_MINUTES:
        raise Invalid("Appointments start on the quarter hour (%(minutes)s minutes).", field="starts_at",
                      values={"minutes": STEP_MINUTES})


def book(org_id: int, *, service_id: int, starts: datetime | None, client_name: str | None = None,
         client_mobile: str | None = None, attendant_id: int | None = None, kind: str = "appointment",
         address: str | None = None, notes: str | None = None, actor_id: int | None = None,
         now: datetime | None = None, idempotency_key: str | None = None) -> Booking:
    """Book a client; a walk-in starts now. No attendant given: any available one.

    A retried request with the same idempotency key returns the first booking.
    """
    if idempotency_key:
        first = db.session.scalar(select(Booking).where(Booking.org_id == org_id,
                                                        Booking.idempotency_key == idempotency_key))
        if first is not None:
            return first
    if kind not in BOOKING_KINDS:
        raise Invalid("A booking is one of %(choices)s.", field="kind", values={"choices": ', '.join(BOOKING_KINDS)})
    service = get_service(org_id, service_id)
    if not service.active:
        raise Invalid("%(name)s is no longer offered.", field="service_id", values={"name": service.name})
    now = now or clock.local_now()
    home = kind == "home"
    if home:
        if not service.home_service:
            raise Invalid("%(name)s is not offered as a home service.", field="kind", values={"name": service.name})
        if not address or not address.strip():
            raise Invalid("Give the address of the home-service visit.", field="address")
    if kind == "walk_in":
        starts = now
    elif starts is None:
        raise Invalid("Choose a start time.", field="starts_at")
    else:
        starts = starts.replace(second=0, microsecond=0)
        if starts < now:
            raise Invalid("That time has passed; choose a later one (or book a walk-in).", field="starts_at")
        _check_quarter_hour(starts)
    chosen, station_id, need = _place(org_id, service, starts, home, attendant_id)
    client = client_for_booking(org_id, client_name, client_mobile)
    ends = starts + timedelta(minutes=service.duration_minutes)
    booking = Booking(
        org_id=org_id, client_id=client.id, service_id=service.id, attendant_id=chosen, station_id=station_id,
        kind=kind, status="booked", starts_at=to_utc(starts), ends_at=to_utc(ends),
        block_start=to_utc(starts - timedelta(minutes=need.before)), block_end=to_utc(ends + timedelta(minutes=need.after)),
        address=address.strip()[:300] if home and address else None, notes=(notes or "").strip()[:300] or None,
        price=service.price, created_by=actor_id, idempotency_key=idempotency_key)
    db.session.add(booking)
    _save_or_refuse(starts)
    audit.record("wellness.book", org_id=org_id, user_id=actor_id, target_type="wellness_booking",
                 target_id=booking.id, details={"kind": kind, "attendant_id": chosen})
    return booking


def _transition(org_id: int, booking_id: int, allowed: tuple[str, ...], to: str, actor_id: int | None,
                **values) -> Booking:
    """Compare-and-swap: the change happens only if the booking is still in an allowed status."""
    booking = get_booking(org_id, booking_id)
    table = Booking.__table__
    result = db.session.execute(
        update(table).where(table.c.id == booking.id, table.c.org_id == org_id, table.c.status.in_(allowed))
        .values(status=to, status_changed_at=datetime.now(timezone.utc).replace(tzinfo=None), **values))
    if result.rowcount != 1:
        db.session.refresh(booking)
        raise Conflict("This booking is %(status)s; it cannot become %(to)s.",
                       values={"status": Status(booking.status), "to": Status(to)})
    db.session.refresh(booking)
    audit.record(f"wellness.{to}", org_id=org_id, user_id=actor_id, target_type="wellness_booking", target_id=booking.id)
    return booking


def check_in(org_id: int, booking_id: int, actor_id: int | None = None) -> Booking:
    return _transition(org_id, booking_id, ("booked",), "checked_in", actor_id)


def cancel(org_id: int, booking_id: int, reason: str, actor_id: int | None = None) -> Booking:
    if not reason or len(reason.strip()) < 3:
        raise Invalid("Give the reason for cancelling.", field="reason")
    return _transition(org_id, booking_id, ("booked", "checked_in"), "cancelled", actor_id,
                       cancel_reason=reason.strip()[:300])


def no_show(org_id: int, booking_id: int, actor_id: int | None = None, now: datetime | None = None) -> Booking:
    booking = get_booking(org_id, booking_id)
    if to_local(booking.starts_at) > (now or clock.local_now()):
        raise Invalid("A client is a no-show only once her time has come.")
    return _transition(org_id, booking_id, ("booked",), "no_show", actor_id)


def reschedule(org_id: int, booking_id: int, starts: datetime, attendant_id: int | None = None,
               actor_id: int | None = None, now: datetime | None = None) -> Booking:
    """Move a booked (not yet arrived) client to another time or attendant."""
    booking = get_booking(org_id, booking_id)
    if booking.status != "booked":
        raise Conflict("This booking is %(status)s; only a booked one can be moved.",
                       values={"status": Status(booking.status)})
    starts = starts.replace(second=0, microsecond=0)
    if starts < (now or clock.local_now()):
        raise Invalid("That time has passed; choose a later one.", field="starts_at")
    _check_quarter_hour(starts)
    service = get_service(org_id, booking.service_id)
    chosen, station_id, need = _place(org_id, service, starts, booking.kind == "home", attendant_id,
                                      ignore_booking_id=booking.id)
    ends = starts + timedelta(minutes=service.duration_minutes)
    table = Booking.__table__
    with _refused_if_taken(starts):
        result = db.session.execute(update(table).where(table.c.id == booking.id, table.c.status == "booked").values(
            attendant_id=chosen, station_id=station_id, starts_at=to_utc(starts), ends_at=to_utc(ends),
            block_start=to_utc(starts - timedelta(minutes=need.before)),
            block_end=to_utc(ends + timedelta(minutes=need.after))))
    if result.rowcount != 1:
        raise Conflict("This booking changed meanwhile; reload it.")
    db.session.refresh(booking)
    audit.record("wellness.reschedule", org_id=org_id, user_id=actor_id, target_type="wellness_booking",
                 target_id=booking.id, details={"attendant_id": chosen})
    return booking



def bookings_between(org_id: int, first: date, last: date, attendant_id: int | None = None,
                     statuses: tuple[str, ...] | None = None) -> list[Booking]:
    start_utc, _ = utc_day(first)
    _, end_utc = utc_day(last)
    query = select(Booking).where(Booking.org_id == org_id, Booking.starts_at >= start_utc,
                                  Booking.starts_at < end_utc).order_by(Booking.starts_at, Booking.id)
    if attendant_id is not None:
        query = query.where(Booking.attendant_id == attendant_id)
    if statuses:
        query = query.where(Booking.status.in_(statuses))
    return list(db.session.scalars(query))



def attendants_in_conflict(org_id: int) -> list[int]:
    """Attendants with overlapping holding bookings (should be none; the daily check and tests use it)."""
    rows = db.session.execute(select(Booking.id, Booking.attendant_id, Booking.block_start, Booking.block_end)
                              .where(Booking.org_id == org_id, Booking.status.in_(HOLDING_STATUSES))
                              .order_by(Booking.attendant_id, Booking.block_start)).all()
    found = set()
    for previous, current in zip(rows, rows[1:]):
        if previous.attendant_id == current.attendant_id and current.block_start < previous.block_end:
            found.add(current.attendant_id)
    return sorted(found)
