"""The attendants, their weekly schedules and days off; the center's opening hours and holidays."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from ...audit import services as audit
from ...auth.services import role_in
from ...errors import Invalid, NotFound
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...members.services import get_member, member_for_user
from ..models import SCHEDULE_KINDS, SKILLS, Attendant, Booking, DayOff, Holiday, OpeningHours, ScheduleBlock
from .clock import utc_day

# Used until an administrator sets the center's hours: Monday to Saturday, 9:00 to 19:00.
DEFAULT_HOURS = {weekday: (time(9), time(19)) for weekday in range(6)}


def list_attendants(org_id: int, active_only: bool = False) -> list[Attendant]:
    query = select(Attendant).where(Attendant.org_id == org_id).order_by(Attendant.number)
    if active_only:
        query = query.where(Attendant.active.is_(True))
    return list(db.session.scalars(query))


def get_attendant(org_id: int, attendant_id: int) -> Attendant:
    return get_in_org(Attendant, org_id, attendant_id, "No such attendant.")


def attendant_for_user(org_id: int, user_id: int) -> Attendant | None:
    """The attendant this login belongs to: linked directly, or through her member record."""
    found = db.session.scalar(select(Attendant).where(Attendant.org_id == org_id, Attendant.user_id == user_id))
    if found is None:
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
    names = {}
    for attendant in list_attendants(org_id):
        names[attendant.id] = (get_member(org_id, attendant.member_id).name if attendant.member_id
                               else attendant.name or attendant.label)
    return names


def _clean_skills(skills) -> str:
    chosen = sorted(set(skills or ()))
    unknown = [s for s in chosen if s not in SKILLS]
    if unknown:
        raise Invalid("Unknown skill %(unknown)s; skills are %(choices)s.", field="skills",
                      values={"unknown": unknown[0], "choices": ', '.join(SKILLS)})
    return " ".join(chosen)


def _check_user(org_id: int, user_id: int | None, attendant_id: int | None = None) -> None:
    if user_id is None:
        return
    if role_in(user_id, org_id) is None:
        raise Invalid("That login has no role in this organization.", field="user_id")
    taken = attendant_for_user(org_id, user_id)
    if taken is not None and taken.id != attendant_id:
        raise Invalid("That login already belongs to attendant %(label)s.", field="user_id",
                      values={"label": taken.label})


def create_attendant(org_id: int, *, skills, member_id: int | None = None, name: str | None = None,
                     user_id: int | None = None, actor_id: int | None = None) -> Attendant:
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
            raise Invalid("A weekday is 0 (Monday) to 6 (Sunday).", field="blocks.%s.weekday" % n)
        if kind not in SCHEDULE_KINDS:
            raise Invalid("A block is work or a break.", field="blocks.%s.kind" % n)
        if not starts < ends:
            raise Invalid("A block ends after it starts.", field="blocks.%s.ends" % n)
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
        raise Invalid("%(label)s is already off on %(day)s.", field="day",
                      values={"label": attendant.label, "day": day})
    start, end = utc_day(day)
    if db.session.scalar(select(func.count(Booking.id)).where(
            Booking.attendant_id == attendant.id, Booking.status.in_(("booked", "checked_in")),
            Booking.block_start < end, Booking.block_end > start)):
        raise Invalid("%(label)s has bookings on %(day)s; move them to someone else first.", field="day",
                      values={"label": attendant.label, "day": day})
    off = DayOff(org_id=org_id, attendant_id=attendant.id, day=day, reason=(reason or "").strip()[:120] or None)
    db.session.add(off)
    db.session.flush()
    audit.record("wellness.day_off", org_id=org_id, user_id=actor_id, target_type="wellness_attendant",
                 target_id=attendant.id, details={"day": day.isoformat()})
    return off


def remove_day_off(org_id: int, day_off_id: int, actor_id: int | None = None) -> None:
    off = get_in_org(DayOff, org_id, day_off_id, "No such day off.")
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
            raise Invalid("The center closes after it opens.", field="closes_%s" % weekday)
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
        raise Invalid("%(day)s is already a holiday.", field="day", values={"day": day})
    holiday = Holiday(org_id=org_id, day=day, name=name.strip()[:120])
    db.session.add(holiday)
    db.session.flush()
    audit.record("wellness.holiday", org_id=org_id, user_id=actor_id, target_type="wellness_holiday",
                 target_id=holiday.id)
    return holiday


def remove_holiday(org_id: int, holiday_id: int, actor_id: int | None = None) -> None:
    holiday = get_in_org(Holiday, org_id, holiday_id, "No such holiday.")
    db.session.delete(holiday)
    db.session.flush()
