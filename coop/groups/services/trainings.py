"""Training programs (days, enrollment, attendance, completion), individual coaching and the partners' catalogue."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ...audit import services as audit
from ...auth import services as auth
from ...errors import Conflict, Invalid, Status
from ...extensions import db
from ...grants import services as grants
from ...kernel import get_in_org
from ...manifest import CatalogueEntry, ServiceCatalogue
from ...timeutil import today
from ..models import Coaching, Enrollment, Offering, TrainingAttendance, TrainingDay, TrainingProgram

COACH_ROLES = ("admin", "grant_staff")


def get_program(org_id: int, program_id: int, *, lock: bool = False) -> TrainingProgram:
    return get_in_org(TrainingProgram, org_id, program_id, "No such training program.", lock=lock)


def list_programs(org_id: int) -> list[TrainingProgram]:
    return list(db.session.scalars(select(TrainingProgram).where(TrainingProgram.org_id == org_id)
                                   .order_by(TrainingProgram.starts_on.desc(), TrainingProgram.id)))


def add_program(org_id: int, data: dict, actor_id: int | None) -> TrainingProgram:
    if data["ends_on"] < data["starts_on"]:
        raise Invalid("A program ends on or after its first day.", field="ends_on")
    days_to_complete = data.get("days_to_complete") or data["days"]
    if days_to_complete > data["days"]:
        raise Invalid("Completion asks for at most the program's number of days.", field="days_to_complete")
    program = TrainingProgram(org_id=org_id, title=data["title"], provider=data.get("provider"),
                              venues=data.get("venues"), starts_on=data["starts_on"], ends_on=data["ends_on"],
                              days=data["days"], days_to_complete=days_to_complete, created_by=actor_id)
    db.session.add(program)
    db.session.flush()
    audit.record("groups.training.add", org_id=org_id, user_id=actor_id, target_type="training",
                 target_id=program.id)
    return program


def days_of(program_id: int) -> list[TrainingDay]:
    return list(db.session.scalars(select(TrainingDay).where(TrainingDay.program_id == program_id)
                                   .order_by(TrainingDay.day_no)))


def add_day(org_id: int, program_id: int, data: dict, actor_id: int | None) -> TrainingDay:
    program = get_program(org_id, program_id, lock=True)
    if not program.starts_on <= data["held_on"] <= program.ends_on:
        raise Invalid("A day of this program falls between %(start)s and %(end)s.", field="held_on",
                      values={"start": program.starts_on, "end": program.ends_on})
    held = days_of(program.id)
    if len(held) >= program.days:
        raise Conflict("The program has its %(days)s days already.", values={"days": program.days})
    if held and data["held_on"] < held[-1].held_on:
        raise Invalid("Days are entered in order: this one is before the last day entered.", field="held_on")
    day = TrainingDay(program_id=program.id, day_no=len(held) + 1, held_on=data["held_on"], venue=data.get("venue"),
                      topic=data["topic"])
    db.session.add(day)
    db.session.flush()
    return day


def enrollments_of(program_id: int) -> list[Enrollment]:
    return list(db.session.scalars(select(Enrollment).where(Enrollment.program_id == program_id)
                                   .order_by(Enrollment.id)))


def enroll(org_id: int, program_id: int, data: dict, actor_id: int | None) -> Enrollment:
    program = get_program(org_id, program_id)
    woman = grants.get_beneficiary(org_id, data["beneficiary_id"])
    if data["enrolled_on"] > program.ends_on:
        raise Invalid("She enrolls before the program's last day.", field="enrolled_on")
    if db.session.scalar(select(Enrollment.id).where(Enrollment.program_id == program.id,
                                                     Enrollment.beneficiary_id == woman.id)):
        raise Conflict("%(woman)s is already enrolled.", values={"woman": woman.label})
    enrollment = Enrollment(org_id=org_id, program_id=program.id, beneficiary_id=woman.id,
                            enrolled_on=data["enrolled_on"])
    db.session.add(enrollment)
    db.session.flush()
    audit.record("groups.training.enroll", org_id=org_id, user_id=actor_id, target_type="training",
                 target_id=program.id)
    return enrollment


def record_attendance(org_id: int, program_id: int, day_id: int, enrollment_ids: list[int],
                      actor_id: int | None) -> TrainingDay:
    """Who came on one day of the training; ticking a woman twice for the same day counts her once."""
    program = get_program(org_id, program_id, lock=True)
    day = db.session.get(TrainingDay, day_id)
    if day is None or day.program_id != program.id:
        raise Invalid("Choose a day of this program.", field="day_id")
    if day.held_on > today():
        raise Invalid("Attendance is taken on or after the day.", field="day_id")
    enrolled = {e.id: e for e in enrollments_of(program.id)}
    already = set(db.session.scalars(select(TrainingAttendance.enrollment_id)
                                     .where(TrainingAttendance.day_id == day.id)))
    for enrollment_id in sorted(set(enrollment_ids)):
        enrollment = enrolled.get(enrollment_id)
        if enrollment is None or enrollment.status == "dropped" or enrollment.enrolled_on > day.held_on:
            raise Invalid("Attendance lists women enrolled in this program on that day.", field="present")
        if enrollment_id in already:
            continue
        db.session.add(TrainingAttendance(day_id=day.id, enrollment_id=enrollment_id))
        enrollment.days_attended += 1
    db.session.flush()
    audit.record("groups.training.attendance", org_id=org_id, user_id=actor_id, target_type="training",
                 target_id=program.id)
    return day


def attendance_by_day(program_id: int) -> dict[int, set[int]]:
    rows = db.session.execute(select(TrainingAttendance.day_id, TrainingAttendance.enrollment_id)
                              .join(TrainingDay, TrainingDay.id == TrainingAttendance.day_id)
                              .where(TrainingDay.program_id == program_id))
    found: dict[int, set[int]] = {}
    for day_id, enrollment_id in rows:
        found.setdefault(day_id, set()).add(enrollment_id)
    return found


def complete(org_id: int, enrollment_id: int, on: date, actor_id: int | None) -> Enrollment:
    enrollment = get_in_org(Enrollment, org_id, enrollment_id, "No such enrollment.", lock=True)
    program = get_program(org_id, enrollment.program_id)
    if enrollment.status != "enrolled":
        raise Conflict("This enrollment is %(status)s.", values={"status": Status(enrollment.status)})
    if enrollment.days_attended < program.days_to_complete:
        raise Invalid("She attended %(attended)s of the %(required)s days the program asks for; coach her "
                      "individually for the rest, or record her attendance.", field="enrollment_id",
                      values={"attended": enrollment.days_attended, "required": program.days_to_complete})
    if on > today() or on < enrollment.enrolled_on:
        raise Invalid("Completion is dated between her enrollment and today.", field="completed_on")
    enrollment.status, enrollment.completed_on = "completed", on
    db.session.flush()
    audit.record("groups.training.complete", org_id=org_id, user_id=actor_id, target_type="training",
                 target_id=program.id)
    return enrollment


def drop(org_id: int, enrollment_id: int, actor_id: int | None) -> Enrollment:
    enrollment = get_in_org(Enrollment, org_id, enrollment_id, "No such enrollment.", lock=True)
    if enrollment.status != "enrolled":
        raise Conflict("This enrollment is %(status)s.", values={"status": Status(enrollment.status)})
    enrollment.status = "dropped"
    db.session.flush()
    audit.record("groups.training.drop", org_id=org_id, user_id=actor_id, target_type="training",
                 target_id=enrollment.program_id)
    return enrollment


# ------------------------------------------------------------------ coaching


def add_coaching(org_id: int, data: dict, actor_id: int) -> Coaching:
    woman = grants.get_beneficiary(org_id, data["beneficiary_id"])
    coach_id = data.get("coach_id") or actor_id
    if auth.role_in(coach_id, org_id) not in COACH_ROLES:
        raise Invalid("The coach is a staff member of this organization.", field="coach_id")
    if data["held_on"] > today():
        raise Invalid("A coaching session cannot be dated after today.", field="held_on")
    coaching = Coaching(org_id=org_id, beneficiary_id=woman.id, held_on=data["held_on"], coach_id=coach_id,
                        topic=data["topic"], minutes=data["minutes"], note=data.get("note"))
    db.session.add(coaching)
    db.session.flush()
    audit.record("groups.coaching.add", org_id=org_id, user_id=actor_id, target_type="beneficiary",
                 target_id=woman.id)
    return coaching


def coaching_list(org_id: int, beneficiary_id: int | None = None, limit: int = 200) -> list[Coaching]:
    statement = select(Coaching).where(Coaching.org_id == org_id)
    if beneficiary_id is not None:
        statement = statement.where(Coaching.beneficiary_id == beneficiary_id)
    return list(db.session.scalars(statement.order_by(Coaching.held_on.desc(), Coaching.id.desc()).limit(limit)))


def trainings_of_woman(org_id: int, beneficiary_id: int) -> list[tuple[Enrollment, TrainingProgram]]:
    return list(db.session.execute(select(Enrollment, TrainingProgram)
                                   .join(TrainingProgram, TrainingProgram.id == Enrollment.program_id)
                                   .where(Enrollment.org_id == org_id, Enrollment.beneficiary_id == beneficiary_id)
                                   .order_by(TrainingProgram.starts_on)).all())


# ------------------------------------------------------------------ the partners' catalogue


def add_offering(org_id: int, data: dict, actor_id: int | None) -> Offering:
    offering = Offering(org_id=org_id, **{key: data.get(key) for key in (
        "kind", "title", "partner", "description", "place", "contact")})
    db.session.add(offering)
    db.session.flush()
    audit.record("groups.offering.add", org_id=org_id, user_id=actor_id, target_type="offering",
                 target_id=offering.id)
    return offering


def get_offering(org_id: int, offering_id: int, *, lock: bool = False) -> Offering:
    return get_in_org(Offering, org_id, offering_id, "No such offering.", lock=lock)


def set_offering_active(org_id: int, offering_id: int, active: bool, actor_id: int | None) -> Offering:
    offering = get_offering(org_id, offering_id, lock=True)
    offering.active = active
    db.session.flush()
    audit.record("groups.offering.active" if active else "groups.offering.inactive", org_id=org_id,
                 user_id=actor_id, target_type="offering", target_id=offering.id)
    return offering


def _entry(offering: Offering) -> CatalogueEntry:
    return CatalogueEntry(offering.id, offering.kind, offering.title, offering.partner, offering.place,
                          offering.contact, offering.active)


def catalogue_for_referrals() -> ServiceCatalogue:
    """`service_catalogues`: the catalogue as the cases domain's referral form searches it."""
    return ServiceCatalogue(search=lambda org_id, words: [_entry(o) for o in search_catalogue(org_id, words)[:20]],
                            get=lambda org_id, offering_id: _entry(get_offering(org_id, offering_id)))


def search_catalogue(org_id: int, q: str | None = None, kind: str | None = None,
                     include_inactive: bool = False) -> list[Offering]:
    statement = select(Offering).where(Offering.org_id == org_id)
    if not include_inactive:
        statement = statement.where(Offering.active.is_(True))
    if kind:
        statement = statement.where(Offering.kind == kind)
    for word in (q or "").split()[:5]:
        like = f"%{word}%"
        statement = statement.where(or_(Offering.title.ilike(like), Offering.partner.ilike(like),
                                        Offering.description.ilike(like), Offering.place.ilike(like)))
    return list(db.session.scalars(statement.order_by(Offering.kind, Offering.title).limit(200)))
