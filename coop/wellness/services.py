"""The Wellness Center's verbs: setup, availability, booking and its status changes, payment, earnings.

Times at this edge are local Manila wall-clock times (naive); bookings are stored in UTC (naive).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..orgs.services import get_setting
from ..timeutil import MANILA
from .availability import STEP_MINUTES, AttendantDay, Availability, DayPlan, Need, Slot, StationDay
from .models import (
    BOOKING_KINDS,
    HOLDING_STATUSES,
    PAYMENT_METHODS,
    SCHEDULE_KINDS,
    SKILLS,
    STATION_KINDS,
    Attendant,
    Booking,
    Client,
    DayOff,
    Holiday,
    OpeningHours,
    Payout,
    ScheduleBlock,
    Station,
    WellnessService,
)

# Used until an administrator sets the center's hours: Monday to Saturday, 9:00 to 19:00.
DEFAULT_HOURS = {weekday: (time(9), time(19)) for weekday in range(6)}


class SlotTaken(Conflict):
    title = "Slot taken"


# ---------------------------------------------------------------- time


def local_now() -> datetime:
    return datetime.now(MANILA).replace(tzinfo=None, second=0, microsecond=0)


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=MANILA).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=timezone.utc).astimezone(MANILA).replace(tzinfo=None)


def _minute_of(local: datetime, day: date) -> int:
    return int((local - datetime.combine(day, time())).total_seconds() // 60)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def parse_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except (ValueError, AttributeError) as exc:
        raise Invalid("Give a time like 09:00 or 13:30.", field=field) from exc


# ---------------------------------------------------------------- services offered and stations


def list_services(org_id: int, active_only: bool = False) -> list[WellnessService]:
    query = select(WellnessService).where(WellnessService.org_id == org_id).order_by(WellnessService.name)
    if active_only:
        query = query.where(WellnessService.active.is_(True))
    return list(db.session.scalars(query))


def get_service(org_id: int, service_id: int) -> WellnessService:
    service = db.session.get(WellnessService, service_id)
    if service is None or service.org_id != org_id:
        raise NotFound("No such service.")
    return service


def _check_service_fields(fields: dict) -> None:
    if "skill" in fields and fields["skill"] not in SKILLS:
        raise Invalid(f"A skill is one of {', '.join(SKILLS)}.", field="skill")
    if fields.get("station_kind") and fields["station_kind"] not in STATION_KINDS:
        raise Invalid(f"A station is one of {', '.join(STATION_KINDS)}.", field="station_kind")
    duration = fields.get("duration_minutes")
    if duration is not None and (duration <= 0 or duration % STEP_MINUTES):
        raise Invalid(f"A duration is a positive multiple of {STEP_MINUTES} minutes.", field="duration_minutes")
    if fields.get("price") is not None and fields["price"] < 0:
        raise Invalid("A price cannot be negative.", field="price")
    share = fields.get("share_percent")
    if share is not None and not 0 <= share <= 100:
        raise Invalid("The attendant's share is 0 to 100 percent.", field="share_percent")


def create_service(org_id: int, *, name: str, duration_minutes: int, price: int, skill: str,
                   station_kind: str | None = None, share_percent: float | None = None, home_service: bool = False,
                   actor_id: int | None = None) -> WellnessService:
    if not name or not name.strip():
        raise Invalid("Give the service a name.", field="name")
    _check_service_fields(dict(skill=skill, station_kind=station_kind, duration_minutes=duration_minutes, price=price,
                               share_percent=share_percent))
    if db.session.scalar(select(WellnessService.id).where(WellnessService.org_id == org_id,
                                                          WellnessService.name == name.strip())):
        raise Invalid(f"There is already a service called {name.strip()}.", field="name")
    if share_percent is None:
        share_percent = get_setting(org_id, "wellness.default_share_percent")
    service = WellnessService(org_id=org_id, name=name.strip(), duration_minutes=duration_minutes, price=price,
                              skill=skill, station_kind=station_kind or None, share_bp=round(share_percent * 100),
                              home_service=home_service, active=True)
    db.session.add(service)
    db.session.flush()
    audit.record("wellness.service.create", org_id=org_id, user_id=actor_id, target_type="wellness_service",
                 target_id=service.id, details={"price": price, "share_bp": service.share_bp})
    return service


def update_service(org_id: int, service_id: int, actor_id: int | None = None, **fields) -> WellnessService:
    """Change a service. A new share rate applies to bookings completed from now on."""
    service = get_service(org_id, service_id)
    fields = {k: v for k, v in fields.items() if v is not None or k == "station_kind"}
    _check_service_fields(fields)
    if "share_percent" in fields:
        service.share_bp = round(fields.pop("share_percent") * 100)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    for key, value in fields.items():
        setattr(service, key, value or None if key == "station_kind" else value)
    db.session.flush()
    audit.record("wellness.service.update", org_id=org_id, user_id=actor_id, target_type="wellness_service",
                 target_id=service.id, details={"price": service.price, "share_bp": service.share_bp,
                                                "active": service.active})
    return service


def list_stations(org_id: int, active_only: bool = True) -> list[Station]:
    query = select(Station).where(Station.org_id == org_id).order_by(Station.kind, Station.label)
    if active_only:
        query = query.where(Station.active.is_(True))
    return list(db.session.scalars(query))


def station_counts(org_id: int) -> dict[str, int]:
    return dict(Counter(s.kind for s in list_stations(org_id)))


def set_station_count(org_id: int, kind: str, count: int, actor_id: int | None = None) -> list[Station]:
    """Have `count` active units of a kind, labelled foot-spa-1, foot-spa-2...; extra units are retired, not deleted."""
    if kind not in STATION_KINDS:
        raise Invalid(f"A station is one of {', '.join(STATION_KINDS)}.", field="kind")
    if not 0 <= count <= 50:
        raise Invalid("Give a number of units from 0 to 50.", field="count")
    units = list(db.session.scalars(select(Station).where(Station.org_id == org_id, Station.kind == kind)))
    by_label = {u.label: u for u in units}
    prefix = kind.replace("_", "-")
    for n in range(1, max(count, len(units)) + 1):
        label = f"{prefix}-{n}"
        unit = by_label.get(label)
        if n <= count:
            if unit is None:
                db.session.add(Station(org_id=org_id, kind=kind, label=label, active=True))
            else:
                unit.active = True
        elif unit is not None:
            unit.active = False
    db.session.flush()
    audit.record("wellness.stations", org_id=org_id, user_id=actor_id, target_type="wellness_station",
                 target_id=kind, details={"count": count})
    return [s for s in list_stations(org_id) if s.kind == kind]


# ---------------------------------------------------------------- attendants


def list_attendants(org_id: int, active_only: bool = False) -> list[Attendant]:
    query = select(Attendant).where(Attendant.org_id == org_id).order_by(Attendant.number)
    if active_only:
        query = query.where(Attendant.active.is_(True))
    return list(db.session.scalars(query))


def get_attendant(org_id: int, attendant_id: int) -> Attendant:
    attendant = db.session.get(Attendant, attendant_id)
    if attendant is None or attendant.org_id != org_id:
        raise NotFound("No such attendant.")
    return attendant


def attendant_for_user(org_id: int, user_id: int) -> Attendant | None:
    """The attendant this login belongs to: linked directly, or through her member record."""
    found = db.session.scalar(select(Attendant).where(Attendant.org_id == org_id, Attendant.user_id == user_id))
    if found is None:
        from ..members.services import member_for_user

        try:
            member = member_for_user(org_id, user_id)
        except NotFound:
            return None
        found = attendant_for_member(org_id, member.id)
    return found


def attendant_for_member(org_id: int, member_id: int) -> Attendant | None:
    return db.session.scalar(select(Attendant).where(Attendant.org_id == org_id, Attendant.member_id == member_id))


def parties_of_user(org_id: int, user_id: int) -> set[int]:
    """The attendant's ledger party, when this login is an attendant's (her receipts and statements are hers)."""
    attendant = attendant_for_user(org_id, user_id)
    return {attendant.party_id} if attendant is not None and attendant.party_id else set()


def attendant_names(org_id: int) -> dict[int, str]:
    """Attendant id -> the name the desk knows her by (a member's name comes from her member record)."""
    from ..members.services import get_member

    names = {}
    for attendant in list_attendants(org_id):
        names[attendant.id] = (get_member(org_id, attendant.member_id).name if attendant.member_id
                               else attendant.name or attendant.label)
    return names


def _clean_skills(skills) -> str:
    chosen = sorted(set(skills or ()))
    unknown = [s for s in chosen if s not in SKILLS]
    if unknown:
        raise Invalid(f"Unknown skill {unknown[0]}; skills are {', '.join(SKILLS)}.", field="skills")
    return " ".join(chosen)


def _check_user(org_id: int, user_id: int | None, attendant_id: int | None = None) -> None:
    if user_id is None:
        return
    from ..auth.services import role_in

    if role_in(user_id, org_id) is None:
        raise Invalid("That login has no role in this organization.", field="user_id")
    taken = attendant_for_user(org_id, user_id)
    if taken is not None and taken.id != attendant_id:
        raise Invalid(f"That login already belongs to attendant {taken.label}.", field="user_id")


def create_attendant(org_id: int, *, skills, member_id: int | None = None, name: str | None = None,
                     user_id: int | None = None, actor_id: int | None = None) -> Attendant:
    from ..members.services import get_member

    if member_id is not None:
        get_member(org_id, member_id)
        if attendant_for_member(org_id, member_id):
            raise Invalid("This member is already an attendant.", field="member_id")
        name = None  # her name stays in her member record
    elif not name or not name.strip():
        raise Invalid("Choose the member, or give the name of an attendant who is not a member.", field="name")
    _check_user(org_id, user_id)
    number = (db.session.scalar(select(func.max(Attendant.number)).where(Attendant.org_id == org_id)) or 0) + 1
    attendant = Attendant(org_id=org_id, number=number, member_id=member_id, name=name.strip() if name else None,
                          user_id=user_id, skills=_clean_skills(skills), active=True)
    db.session.add(attendant)
    db.session.flush()
    attendant.party_id = ledger.ensure_party(org_id, "attendant", attendant.id, attendant.label)
    db.session.flush()
    audit.record("wellness.attendant.create", org_id=org_id, user_id=actor_id, target_type="wellness_attendant",
                 target_id=attendant.id)
    return attendant


def update_attendant(org_id: int, attendant_id: int, *, skills=None, user_id: int | None = None,
                     active: bool | None = None, actor_id: int | None = None, unlink_user: bool = False) -> Attendant:
    attendant = get_attendant(org_id, attendant_id)
    if skills is not None:
        attendant.skills = _clean_skills(skills)
    if unlink_user:
        attendant.user_id = None
    elif user_id is not None:
        _check_user(org_id, user_id, attendant.id)
        attendant.user_id = user_id
    if active is not None:
        attendant.active = active
    db.session.flush()
    audit.record("wellness.attendant.update", org_id=org_id, user_id=actor_id, target_type="wellness_attendant",
                 target_id=attendant.id)
    return attendant


# ---------------------------------------------------------------- schedules, days off, hours, holidays


def schedule_of(org_id: int, attendant_id: int) -> list[ScheduleBlock]:
    return list(db.session.scalars(select(ScheduleBlock).where(
        ScheduleBlock.org_id == org_id, ScheduleBlock.attendant_id == attendant_id)
        .order_by(ScheduleBlock.weekday, ScheduleBlock.kind.desc(), ScheduleBlock.starts)))


def set_schedule(org_id: int, attendant_id: int, blocks, actor_id: int | None = None) -> list[ScheduleBlock]:
    """Replace her weekly schedule: blocks of (weekday 0-6, "work" | "break", starts, ends)."""
    attendant = get_attendant(org_id, attendant_id)
    clean = []
    for n, (weekday, kind, starts, ends) in enumerate(blocks):
        if not 0 <= weekday <= 6:
            raise Invalid("A weekday is 0 (Monday) to 6 (Sunday).", field=f"blocks.{n}.weekday")
        if kind not in SCHEDULE_KINDS:
            raise Invalid("A block is work or a break.", field=f"blocks.{n}.kind")
        if not starts < ends:
            raise Invalid("A block ends after it starts.", field=f"blocks.{n}.ends")
        clean.append((weekday, kind, starts, ends))
    for weekday, kind, starts, ends in clean:
        if kind == "break" and not any(w == weekday and k == "work" and s <= starts and ends <= e
                                       for w, k, s, e in clean):
            raise Invalid("A break lies inside a working block of the same day.", field="blocks")
    db.session.execute(ScheduleBlock.__table__.delete().where(ScheduleBlock.attendant_id == attendant.id))
    for weekday, kind, starts, ends in clean:
        db.session.add(ScheduleBlock(org_id=org_id, attendant_id=attendant.id, weekday=weekday, kind=kind,
                                     starts=starts, ends=ends))
    db.session.flush()
    audit.record("wellness.schedule", org_id=org_id, user_id=actor_id, target_type="wellness_attendant",
                 target_id=attendant.id, details={"blocks": len(clean)})
    return schedule_of(org_id, attendant.id)


def days_off(org_id: int, attendant_id: int | None = None, since: date | None = None) -> list[DayOff]:
    query = select(DayOff).where(DayOff.org_id == org_id).order_by(DayOff.day)
    if attendant_id is not None:
        query = query.where(DayOff.attendant_id == attendant_id)
    if since is not None:
        query = query.where(DayOff.day >= since)
    return list(db.session.scalars(query))


def add_day_off(org_id: int, attendant_id: int, day: date, reason: str | None = None,
                actor_id: int | None = None) -> DayOff:
    attendant = get_attendant(org_id, attendant_id)
    if db.session.scalar(select(DayOff.id).where(DayOff.attendant_id == attendant.id, DayOff.day == day)):
        raise Invalid(f"{attendant.label} is already off on {day}.", field="day")
    start, end = _utc_day(day)
    if db.session.scalar(select(func.count(Booking.id)).where(
            Booking.attendant_id == attendant.id, Booking.status.in_(("booked", "checked_in")),
            Booking.block_start < end, Booking.block_end > start)):
        raise Invalid(f"{attendant.label} has bookings on {day}; move them to someone else first.", field="day")
    off = DayOff(org_id=org_id, attendant_id=attendant.id, day=day, reason=(reason or "").strip()[:120] or None)
    db.session.add(off)
    db.session.flush()
    audit.record("wellness.day_off", org_id=org_id, user_id=actor_id, target_type="wellness_attendant",
                 target_id=attendant.id, details={"day": day.isoformat()})
    return off


def remove_day_off(org_id: int, day_off_id: int, actor_id: int | None = None) -> None:
    off = db.session.get(DayOff, day_off_id)
    if off is None or off.org_id != org_id:
        raise NotFound("No such day off.")
    db.session.delete(off)
    db.session.flush()


def opening_hours(org_id: int) -> dict[int, tuple[time, time]]:
    rows = db.session.execute(select(OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes)
                              .where(OpeningHours.org_id == org_id)).all()
    return {weekday: (opens, closes) for weekday, opens, closes in rows} if rows else dict(DEFAULT_HOURS)


def set_opening_hours(org_id: int, hours: dict[int, tuple[time, time] | None], actor_id: int | None = None) -> None:
    """Hours per weekday (None: closed that day)."""
    if not any(hours.values()):
        raise Invalid("The center is open on at least one day.", field="hours")
    for weekday, span in hours.items():
        if span and not span[0] < span[1]:
            raise Invalid("The center closes after it opens.", field=f"closes_{weekday}")
    db.session.execute(OpeningHours.__table__.delete().where(OpeningHours.org_id == org_id))
    for weekday, span in sorted(hours.items()):
        if span:
            db.session.add(OpeningHours(org_id=org_id, weekday=weekday, opens=span[0], closes=span[1]))
    db.session.flush()
    audit.record("wellness.hours", org_id=org_id, user_id=actor_id, target_type="wellness_hours", target_id=org_id)


def holidays(org_id: int, since: date | None = None) -> list[Holiday]:
    query = select(Holiday).where(Holiday.org_id == org_id).order_by(Holiday.day)
    if since is not None:
        query = query.where(Holiday.day >= since)
    return list(db.session.scalars(query))


def add_holiday(org_id: int, day: date, name: str, actor_id: int | None = None) -> Holiday:
    if not name or not name.strip():
        raise Invalid("Name the holiday.", field="name")
    if db.session.scalar(select(Holiday.id).where(Holiday.org_id == org_id, Holiday.day == day)):
        raise Invalid(f"{day} is already a holiday.", field="day")
    holiday = Holiday(org_id=org_id, day=day, name=name.strip()[:120])
    db.session.add(holiday)
    db.session.flush()
    audit.record("wellness.holiday", org_id=org_id, user_id=actor_id, target_type="wellness_holiday",
                 target_id=holiday.id)
    return holiday


def remove_holiday(org_id: int, holiday_id: int, actor_id: int | None = None) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None or holiday.org_id != org_id:
        raise NotFound("No such holiday.")
    db.session.delete(holiday)
    db.session.flush()


# ---------------------------------------------------------------- clients (personal data: minimal, audited)


def normalise_mobile(text: str | None) -> str | None:
    """A Philippine mobile number as 09XXXXXXXXX; None when not given."""
    if text is None or not text.strip():
        return None
    digits = re.sub(r"[^\d]", "", text)
    if digits.startswith("63") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not re.fullmatch(r"09\d{9}", digits):
        raise Invalid("Give a mobile number like 0917 123 4567.", field="mobile")
    return digits


def get_client(org_id: int, client_id: int) -> Client:
    client = db.session.get(Client, client_id)
    if client is None or client.org_id != org_id:
        raise NotFound("No such client.")
    return client


def find_client(org_id: int, mobile: str, actor_id: int | None) -> Client | None:
    """A returning client, found by her mobile number (the lookup is audited)."""
    number = normalise_mobile(mobile)
    if number is None:
        raise Invalid("Give the client's mobile number.", field="mobile")
    client = db.session.scalar(select(Client).where(Client.org_id == org_id, Client.mobile == number))
    audit.record("wellness.client.lookup", org_id=org_id, user_id=actor_id, target_type="wellness_client",
                 target_id=client.id if client else None)
    return client


def client_for_booking(org_id: int, name: str | None, mobile: str | None) -> Client:
    """The returning client with this mobile number, or a new client."""
    number = normalise_mobile(mobile)
    if number:
        found = db.session.scalar(select(Client).where(Client.org_id == org_id, Client.mobile == number))
        if found is not None:
            return found
    if not name or not name.strip():
        raise Invalid("Give the client's name.", field="client_name")
    client = Client(org_id=org_id, name=name.strip()[:120], mobile=number)
    db.session.add(client)
    db.session.flush()
    return client


def client_history(org_id: int, client_id: int, actor_id: int | None) -> tuple[Client, list[Booking]]:
    client = get_client(org_id, client_id)
    audit.record("wellness.client.view", org_id=org_id, user_id=actor_id, target_type="wellness_client",
                 target_id=client.id)
    bookings = list(db.session.scalars(select(Booking).where(Booking.org_id == org_id, Booking.client_id == client.id)
                                       .order_by(Booking.starts_at.desc())))
    return client, bookings


# ---------------------------------------------------------------- availability


def _utc_day(day: date) -> tuple[datetime, datetime]:
    return to_utc(datetime.combine(day, time())), to_utc(datetime.combine(day + timedelta(days=1), time()))


def day_plan(org_id: int, day: date, ignore_booking_id: int | None = None) -> DayPlan:
    """Everything availability needs for one local day, read as plain columns in a few queries (hot path)."""
    hours = opening_hours(org_id).get(day.weekday())
    opening = ((_minutes(hours[0]), _minutes(hours[1])),) if hours else ()
    is_holiday = db.session.scalar(select(Holiday.id).where(Holiday.org_id == org_id, Holiday.day == day)) is not None
    start_utc, end_utc = _utc_day(day)
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
        blocks.setdefault(attendant_id, {"work": [], "break": []})[kind].append((_minutes(starts), _minutes(ends)))
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
        raise Invalid(f"{service.name} is not offered as a home service.", field="kind")
    now = now or local_now()
    if day < now.date():
        return []
    not_before = _minute_of(now, day) if day == now.date() else 0
    slots = Availability(day_plan(org_id, day), _need(org_id, service, home)).starts(not_before)
    midnight = datetime.combine(day, time())
    return [OpenSlot(midnight + timedelta(minutes=s.start), s.attendant_ids, s.station_id) for s in slots]


# ---------------------------------------------------------------- booking


def get_booking(org_id: int, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.org_id != org_id:
        raise NotFound("No such booking.")
    return booking


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
    slot: Slot | None = Availability(plan, need).at(_minute_of(start, day))
    if slot is None:
        raise SlotTaken(f"{start:%d %b %H:%M} is not free for {service.name}: choose another time.", field="starts_at")
    if attendant_id is not None:
        attendant = get_attendant(org_id, attendant_id)
        if attendant.id not in slot.attendant_ids:
            raise SlotTaken(f"{attendant.label} is not free for {service.name} at {start:%H:%M}: "
                            "choose another time or any available attendant.", field="attendant_id")
        return attendant.id, slot.station_id, need
    return _least_busy(plan, slot.attendant_ids), slot.station_id, need


def _save_or_refuse(start: datetime) -> None:
    """Flush under a savepoint: the database's no-overlap rule turns a lost race into a clear 409."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise SlotTaken(f"{start:%d %b %H:%M} was just taken by another booking: choose another time.",
                        field="starts_at") from exc


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
        raise Invalid(f"A booking is one of {', '.join(BOOKING_KINDS)}.", field="kind")
    service = get_service(org_id, service_id)
    if not service.active:
        raise Invalid(f"{service.name} is no longer offered.", field="service_id")
    now = now or local_now()
    home = kind == "home"
    if home:
        if not service.home_service:
            raise Invalid(f"{service.name} is not offered as a home service.", field="kind")
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
        if (starts.hour * 60 + starts.minute) % STEP_MINUTES:
            raise Invalid(f"Appointments start on the quarter hour ({STEP_MINUTES} minutes).", field="starts_at")
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
        raise Conflict(f"This booking is {booking.status.replace('_', ' ')}; it cannot become {to.replace('_', ' ')}.")
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
    if to_local(booking.starts_at) > (now or local_now()):
        raise Invalid("A client is a no-show only once her time has come.")
    return _transition(org_id, booking_id, ("booked",), "no_show", actor_id)


def reschedule(org_id: int, booking_id: int, starts: datetime, attendant_id: int | None = None,
               actor_id: int | None = None, now: datetime | None = None) -> Booking:
    """Move a booked (not yet arrived) client to another time or attendant."""
    booking = get_booking(org_id, booking_id)
    if booking.status != "booked":
        raise Conflict(f"This booking is {booking.status.replace('_', ' ')}; only a booked one can be moved.")
    starts = starts.replace(second=0, microsecond=0)
    if starts < (now or local_now()):
        raise Invalid("That time has passed; choose a later one.", field="starts_at")
    if (starts.hour * 60 + starts.minute) % STEP_MINUTES:
        raise Invalid(f"Appointments start on the quarter hour ({STEP_MINUTES} minutes).", field="starts_at")
    service = get_service(org_id, booking.service_id)
    chosen, station_id, need = _place(org_id, service, starts, booking.kind == "home", attendant_id,
                                      ignore_booking_id=booking.id)
    ends = starts + timedelta(minutes=service.duration_minutes)
    table = Booking.__table__
    try:
        with db.session.begin_nested():
            result = db.session.execute(update(table).where(table.c.id == booking.id, table.c.status == "booked").values(
                attendant_id=chosen, station_id=station_id, starts_at=to_utc(starts), ends_at=to_utc(ends),
                block_start=to_utc(starts - timedelta(minutes=need.before)),
                block_end=to_utc(ends + timedelta(minutes=need.after))))
    except IntegrityError as exc:
        raise SlotTaken(f"{starts:%d %b %H:%M} was just taken by another booking: choose another time.",
                        field="starts_at") from exc
    if result.rowcount != 1:
        raise Conflict("This booking changed meanwhile; reload it.")
    db.session.refresh(booking)
    audit.record("wellness.reschedule", org_id=org_id, user_id=actor_id, target_type="wellness_booking",
                 target_id=booking.id, details={"attendant_id": chosen})
    return booking


def share_of(price: int, share_bp: int) -> int:
    """The attendant's share in centavos, rounded half up."""
    return (price * share_bp + 5000) // 10000


def complete(org_id: int, booking_id: int, *, payment_method: str = "cash", reference: str | None = None,
             actor_id: int | None = None, now: datetime | None = None) -> Booking:
    """Record the payment and post it: gross income, and the attendant's share as payable to her."""
    if payment_method not in PAYMENT_METHODS:
        raise Invalid(f"Payment is {' or '.join(PAYMENT_METHODS)}.", field="payment_method")
    reference = (reference or "").strip() or None
    if payment_method == "e_wallet" and not reference:
        raise Invalid("Give the e-wallet reference number.", field="reference")
    booking = get_booking(org_id, booking_id)
    service = get_service(org_id, booking.service_id)
    attendant = get_attendant(org_id, booking.attendant_id)
    now = now or local_now()
    share = share_of(booking.price, service.share_bp)
    booking = _transition(org_id, booking.id, ("booked", "checked_in"), "completed", actor_id,
                          share_bp=service.share_bp, share_amount=share, payment_method=payment_method,
                          payment_reference=reference, completed_at=to_utc(now), completed_on=now.date())
    if booking.price:
        lines = [Line("e_wallet_fund" if payment_method == "e_wallet" else "cash_on_hand", debit=booking.price,
                      memo=reference),
                 Line("income_from_services", credit=booking.price)]
        if share:
            lines += [Line("cost_of_services", debit=share, party_id=attendant.party_id),
                      Line("attendants_earnings_payable", credit=share, party_id=attendant.party_id)]
        posted = ledger.post(Entry(org_id, now.date(), f"Wellness: {service.name} (booking {booking.id})",
                                   tuple(lines), source="wellness", source_id=str(booking.id),
                                   idempotency_key=f"wellness-booking-{booking.id}"), actor_id)
        client = get_client(org_id, booking.client_id)
        from ..receipts import services as receipts

        receipt = receipts.issue(org_id, kind="wellness", party_id=None, amount=booking.price, on=now.date(),
                                 source="wellness", source_id=booking.id, description=service.name,
                                 actor_id=actor_id, received_from=client.name)
        booking.entry_id, booking.receipt_id = posted.id, receipt.id
        db.session.flush()
    return booking


# ---------------------------------------------------------------- earnings


def earnings_due(org_id: int, attendant: Attendant) -> int:
    """What the center owes her now: her running balance on the payable account (one row)."""
    if attendant.party_id is None:
        return 0
    return ledger.party_balance(org_id, "attendants_earnings_payable", attendant.party_id).credit_balance


def unpaid_bookings(org_id: int, attendant_id: int, start: date, end: date) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(
        Booking.org_id == org_id, Booking.attendant_id == attendant_id, Booking.status == "completed",
        Booking.payout_id.is_(None), Booking.share_amount > 0,
        Booking.completed_on >= start, Booking.completed_on <= end).order_by(Booking.completed_on, Booking.id)))


def pay_earnings(org_id: int, attendant_id: int, start: date, end: date, *, on: date,
                 actor_id: int | None = None, idempotency_key: str | None = None) -> Payout:
    """Pay her share of the services she completed from start to end that are not paid yet."""
    if start > end:
        raise Invalid("The period ends on or after it starts.", field="end")
    if end > on:
        raise Invalid("Pay only for days that are over.", field="end")
    attendant = get_attendant(org_id, attendant_id)
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None:
            payout = db.session.scalar(select(Payout).where(Payout.entry_id == replay.id))
            if payout is not None:
                return payout
    rows = list(db.session.scalars(select(Booking).where(
        Booking.org_id == org_id, Booking.attendant_id == attendant.id, Booking.status == "completed",
        Booking.payout_id.is_(None), Booking.share_amount > 0,
        Booking.completed_on >= start, Booking.completed_on <= end).with_for_update()))
    amount = sum(b.share_amount for b in rows)
    if not rows:
        raise Invalid(f"Nothing is due to {attendant.label} for {start} to {end}.", field="start")
    posted = ledger.post(Entry(org_id, on, f"Wellness earnings {attendant.label}, {start} to {end}", (
        Line("attendants_earnings_payable", debit=amount, party_id=attendant.party_id),
        Line("cash_on_hand", credit=amount)), source="wellness-payout", source_id=str(attendant.id),
        idempotency_key=idempotency_key), actor_id)
    payout = Payout(org_id=org_id, attendant_id=attendant.id, period_start=start, period_end=end, paid_on=on,
                    amount=amount, bookings=len(rows), entry_id=posted.id, paid_by=actor_id)
    db.session.add(payout)
    db.session.flush()
    table = Booking.__table__
    marked = db.session.execute(update(table).where(table.c.id.in_([b.id for b in rows]), table.c.payout_id.is_(None))
                                .values(payout_id=payout.id)).rowcount
    if marked != len(rows):
        raise Conflict("Some of these earnings were paid at the same moment by someone else; reload.")
    audit.record("wellness.payout", org_id=org_id, user_id=actor_id, target_type="wellness_payout",
                 target_id=payout.id, details={"attendant_id": attendant.id, "amount": amount})
    return payout


def payouts(org_id: int, attendant_id: int | None = None, limit: int = 100) -> list[Payout]:
    query = select(Payout).where(Payout.org_id == org_id).order_by(Payout.paid_on.desc(), Payout.id.desc())
    if attendant_id is not None:
        query = query.where(Payout.attendant_id == attendant_id)
    return list(db.session.scalars(query.limit(limit)))


# ---------------------------------------------------------------- reading the day and the week


def bookings_between(org_id: int, first: date, last: date, attendant_id: int | None = None,
                     statuses: tuple[str, ...] | None = None) -> list[Booking]:
    start_utc, _ = _utc_day(first)
    _, end_utc = _utc_day(last)
    query = select(Booking).where(Booking.org_id == org_id, Booking.starts_at >= start_utc,
                                  Booking.starts_at < end_utc).order_by(Booking.starts_at, Booking.id)
    if attendant_id is not None:
        query = query.where(Booking.attendant_id == attendant_id)
    if statuses:
        query = query.where(Booking.status.in_(statuses))
    return list(db.session.scalars(query))


def clients_by_id(org_id: int, ids) -> dict[int, Client]:
    ids = set(ids)
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Client).where(Client.org_id == org_id, Client.id.in_(ids)))}


# ---------------------------------------------------------------- reminders (daily job)


def send_reminders(org_id: int, day: date) -> str:
    """Text tomorrow's booked clients once each. The text says when, nothing about who or what."""
    from ..messaging import services as outbox

    if not get_setting(org_id, "wellness.reminders"):
        return "reminders are off"
    sender = get_setting(org_id, "wellness.sender_name")
    tomorrow = day + timedelta(days=1)
    bookings = bookings_between(org_id, tomorrow, tomorrow, statuses=("booked",))
    clients = clients_by_id(org_id, (b.client_id for b in bookings))
    queued = 0
    for booking in bookings:
        client = clients[booking.client_id]
        if not client.mobile:
            continue
        starts = to_local(booking.starts_at)
        body = (f"{sender}: a reminder of your appointment tomorrow, {starts:%a %d %b} at {starts:%I:%M %p}. "
                "To change it, please call or text us.")
        if outbox.enqueue(org_id, channel="sms", recipient=client.mobile, body=body,
                          dedupe_key=f"wellness-reminder-{booking.id}-{starts:%Y%m%d%H%M}"):
            queued += 1
    return f"{queued} wellness reminders queued"


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



# ---------------------------------------------------------------- pages' read models


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
