"""The Wellness Center's pages: the day sheet, the week, booking, clients, setup, earnings, her own page."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import READERS, STAFF, current_role, roles_required
from ..auth.services import users_of
from ..members.services import pick as pick_member
from ..money import format_money
from ..reports.schemas import RangeSchema
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from . import services
from .models import BOOKING_KINDS, PAYMENT_METHODS, SKILLS, STATION_KINDS
from .reports import BUILDERS, REPORTS
from .schemas import (
    AttendantInSchema,
    AttendantUpdateSchema,
    AvailabilityQuerySchema,
    BookingInSchema,
    CancelSchema,
    CompleteSchema,
    DayOffInSchema,
    DayQuerySchema,
    HolidayInSchema,
    HoursFormSchema,
    PayInSchema,
    RescheduleSchema,
    ScheduleFormSchema,
    ServiceInSchema,
    ServiceUpdateSchema,
    StationsInSchema,
)

bp = Blueprint("wellness", __name__, url_prefix="/o/<org>/wellness")
DESK = STAFF
SHEET_READERS = READERS + ("attendant",)
HER_ROLES = ("attendant", "member")  # an attendant's login, or a member's who is also an attendant
BOOKERS = DESK + ("attendant",)  # the desk books for anyone, an attendant for herself


def my_attendant():
    """The attendant record of the logged-in user, if she is one."""
    if "wellness_attendant" not in g:
        g.wellness_attendant = services.attendant_for_user(g.org.id, current_user.id)
    return g.wellness_attendant


def handled_booking(booking_id: int):
    """The desk may act on any booking; an attendant only on her own (others are 404 to her)."""
    booking = services.get_booking(g.org.id, booking_id)
    if current_role() in DESK:
        return booking
    mine = my_attendant()
    if current_role() in HER_ROLES and mine is not None and booking.attendant_id == mine.id:
        return booking
    abort(404)


def booked_for(attendant_id: int | None) -> int | None:
    """The attendant a booking is for: anyone the desk chose; always herself for an attendant."""
    if current_role() in DESK:
        return attendant_id
    mine = my_attendant()
    if mine is None:
        abort(404)
    return mine.id


def _back(booking_id: int):
    target = request.form.get("next")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target, code=303)
    return redirect(url_for("wellness.booking", booking_id=booking_id), code=303)


# ---------------------------------------------------------------- the day sheet and the week


@bp.get("/")
@roles_required(*SHEET_READERS)
def day():
    args = load_query(DayQuerySchema())
    on = args["day"] or today()
    only = None
    if current_role() == "attendant":
        mine = my_attendant()
        if mine is None:
            abort(404)
        only = mine.id
    return render_template("wellness/day.html", sheet=services.day_sheet(g.org.id, on, only), on=on,
                           today=today(), timedelta=timedelta, services_offered=services.list_services(g.org.id, True),
                           attendants=services.attendant_names(g.org.id), desk=current_role() in DESK,
                           can_book=current_role() in BOOKERS and (current_role() in DESK or only is not None),
                           only=only)


@bp.get("/week")
@roles_required(*READERS)
def week():
    args = load_query(DayQuerySchema())
    on = args["day"] or today()
    monday = on - timedelta(days=on.weekday())
    days, rows = services.week_grid(g.org.id, monday)
    return render_template("wellness/week.html", days=days, rows=rows, monday=monday, timedelta=timedelta)


# ---------------------------------------------------------------- booking


@bp.get("/book")
@roles_required(*BOOKERS)
def new_booking():
    offered = services.list_services(g.org.id, active_only=True)
    slots, chosen = None, None
    query = load_query(AvailabilityQuerySchema(partial=("service_id", "day")))
    attendant_id = booked_for(query.get("attendant_id"))
    if query.get("service_id") and query.get("day"):
        chosen = services.get_service(g.org.id, query["service_id"])
        slots = services.availability(g.org.id, chosen.id, query["day"], home=query["kind"] == "home")
        if attendant_id is not None:  # the free times of the attendant she chose are hers alone
            slots = [slot for slot in slots if attendant_id in slot.attendant_ids]
        query_day, kind = query["day"], query["kind"]
    else:
        query_day, kind = query.get("day") or today(), query["kind"]
    names = services.attendant_names(g.org.id)
    if current_role() not in DESK:
        names = {attendant_id: names.get(attendant_id, "")}
    return render_template("wellness/book.html", offered=offered, slots=slots, chosen=chosen, day=query_day,
                           kind=kind, names=names, kinds=BOOKING_KINDS, attendant_id=attendant_id,
                           desk=current_role() in DESK)


@bp.post("/bookings")
@roles_required(*BOOKERS)
def create_booking():
    data = load_form(BookingInSchema())
    booking = services.book(g.org.id, service_id=data["service_id"], starts=data["starts_at"],
                            client_name=data["client_name"], client_mobile=data["client_mobile"],
                            attendant_id=booked_for(data["attendant_id"]), kind=data["kind"], address=data["address"],
                            notes=data["notes"], actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Booked for %(time)s.", time=format_datetime(services.to_local(booking.starts_at), "EEE d MMM HH:mm", rebase=False)))
    if data["kind"] == "walk_in":
        return redirect(url_for("wellness.day"), code=303)
    return redirect(url_for("wellness.booking", booking_id=booking.id), code=303)


@bp.get("/bookings/<int:booking_id>")
@roles_required(*DESK, *HER_ROLES)
def booking(booking_id: int):
    found = handled_booking(booking_id)
    line = services.describe(g.org.id, [found])[0]
    return render_template("wellness/booking.html", line=line, b=found, methods=PAYMENT_METHODS,
                           names=services.attendant_names(g.org.id), desk=current_role() in DESK,
                           can_book=current_role() in BOOKERS, station_kinds=STATION_KINDS)


@bp.post("/bookings/<int:booking_id>/check-in")
@roles_required(*DESK, *HER_ROLES)
def check_in(booking_id: int):
    services.check_in(g.org.id, handled_booking(booking_id).id, current_user.id)
    flash(_l("Checked in."))
    return _back(booking_id)


@bp.post("/bookings/<int:booking_id>/complete")
@roles_required(*DESK, *HER_ROLES)
def complete(booking_id: int):
    data = load_form(CompleteSchema())
    done = services.complete(g.org.id, handled_booking(booking_id).id, payment_method=data["payment_method"],
                             reference=data["reference"], actor_id=current_user.id)
    flash(_l("Completed and paid: %(amount)s.", amount=format_money(done.price)))
    return _back(booking_id)


@bp.post("/bookings/<int:booking_id>/no-show")
@roles_required(*DESK, *HER_ROLES)
def no_show(booking_id: int):
    services.no_show(g.org.id, handled_booking(booking_id).id, current_user.id)
    flash(_l("Marked as no-show."))
    return _back(booking_id)


@bp.post("/bookings/<int:booking_id>/cancel")
@roles_required(*DESK)
def cancel(booking_id: int):
    data = load_form(CancelSchema())
    services.cancel(g.org.id, booking_id, data["reason"], current_user.id)
    flash(_l("Booking cancelled."))
    return _back(booking_id)


@bp.post("/bookings/<int:booking_id>/reschedule")
@roles_required(*BOOKERS)
def reschedule(booking_id: int):
    data = load_form(RescheduleSchema())
    moved = services.reschedule(g.org.id, handled_booking(booking_id).id, data["starts_at"],
                                booked_for(data["attendant_id"]), current_user.id)
    flash(_l("Moved to %(time)s.", time=format_datetime(services.to_local(moved.starts_at), "EEE d MMM HH:mm", rebase=False)))
    return _back(booking_id)


# ---------------------------------------------------------------- clients (personal data, audited)


@bp.get("/clients")
@roles_required(*DESK)
def clients():
    mobile = request.args.get("mobile", "").strip()
    if mobile:
        found = services.find_client(g.org.id, mobile, current_user.id)
        if found is not None:
            return redirect(url_for("wellness.client", client_id=found.id))
        flash(_l("No client has that mobile number yet."), "warning")
    return render_template("wellness/clients.html", mobile=mobile)


@bp.get("/clients/<int:client_id>")
@roles_required(*DESK)
def client(client_id: int):
    person, history = services.client_history(g.org.id, client_id, current_user.id)
    return render_template("wellness/client.html", person=person, lines=services.describe(g.org.id, history))


# ---------------------------------------------------------------- setup


@bp.get("/setup")
@roles_required(*DESK)
def setup():
    return render_template("wellness/setup.html", offered=services.list_services(g.org.id),
                           counts=services.station_counts(g.org.id), hours=services.opening_hours(g.org.id),
                           holidays=services.holidays(g.org.id, since=today()), skills=SKILLS,
                           station_kinds=STATION_KINDS)


@bp.post("/services")
@roles_required("admin")
def create_service():
    service = services.create_service(g.org.id, **load_form(ServiceInSchema()), actor_id=current_user.id)
    flash(_l("%(name)s added.", name=service.name))
    return redirect(url_for("wellness.setup"), code=303)


@bp.post("/services/<int:service_id>")
@roles_required("admin")
def update_service(service_id: int):
    data = load_form(ServiceUpdateSchema())
    data.setdefault("home_service", False)  # an unticked box is not sent
    data.setdefault("active", False)
    data.setdefault("station_kind", None)  # "—" chosen: the service needs no station
    service = services.update_service(g.org.id, service_id, actor_id=current_user.id, **data)
    flash(_l("%(name)s saved.", name=service.name))
    return redirect(url_for("wellness.setup"), code=303)


@bp.post("/stations")
@roles_required("admin")
def stations():
    data = load_form(StationsInSchema())
    services.set_station_count(g.org.id, data["kind"], data["count"], current_user.id)
    flash(_l("Stations saved."))
    return redirect(url_for("wellness.setup"), code=303)


@bp.post("/hours")
@roles_required("admin")
def hours():
    services.set_opening_hours(g.org.id, load_form(HoursFormSchema())["hours"], current_user.id)
    flash(_l("Opening hours saved."))
    return redirect(url_for("wellness.setup"), code=303)


@bp.post("/holidays")
@roles_required(*DESK)
def add_holiday():
    data = load_form(HolidayInSchema())
    services.add_holiday(g.org.id, data["day"], data["name"], current_user.id)
    flash(_l("Holiday added."))
    return redirect(url_for("wellness.setup"), code=303)


@bp.post("/holidays/<int:holiday_id>/delete")
@roles_required(*DESK)
def remove_holiday(holiday_id: int):
    services.remove_holiday(g.org.id, holiday_id, current_user.id)
    flash(_l("Holiday removed."))
    return redirect(url_for("wellness.setup"), code=303)


# ---------------------------------------------------------------- attendants


@bp.get("/attendants")
@roles_required(*DESK)
def attendants():
    return render_template("wellness/attendants.html", people=services.attendant_names(g.org.id),
                           rows=services.list_attendants(g.org.id), skills=SKILLS,
                           pick=_member_pick(), logins=_login_choices())


def _member_pick():
    return pick_member(g.org.id, request.args.get("member"), today(), status="active")


def _login_choices():
    return [(u.id, f"{u.username} ({role})") for u, role in users_of(g.org.id) if role in ("attendant", "member")]


@bp.post("/attendants")
@roles_required(*DESK)
def create_attendant():
    data = load_form(AttendantInSchema())
    attendant = services.create_attendant(g.org.id, actor_id=current_user.id, **data)
    flash(_l("Attendant %(label)s added; now set her schedule.", label=attendant.label))
    return redirect(url_for("wellness.attendant", attendant_id=attendant.id), code=303)


@bp.get("/attendants/<int:attendant_id>")
@roles_required(*DESK)
def attendant(attendant_id: int):
    person = services.get_attendant(g.org.id, attendant_id)
    blocks = services.schedule_of(g.org.id, person.id)
    grid = {(b.weekday, b.kind): b for b in blocks}
    return render_template("wellness/attendant.html", person=person, name=services.attendant_names(g.org.id)[person.id],
                           grid=grid, days_off=services.days_off(g.org.id, person.id, since=today()),
                           skills=SKILLS, logins=_login_choices(),
                           earnings=services.earnings_overview(g.org.id, person.id)[0])


@bp.post("/attendants/<int:attendant_id>")
@roles_required(*DESK)
def update_attendant(attendant_id: int):
    data = load_form(AttendantUpdateSchema())
    data.setdefault("skills", [])
    data.setdefault("active", False)
    services.update_attendant(g.org.id, attendant_id, actor_id=current_user.id, **data)
    flash(_l("Saved."))
    return redirect(url_for("wellness.attendant", attendant_id=attendant_id), code=303)


@bp.post("/attendants/<int:attendant_id>/schedule")
@roles_required(*DESK)
def schedule(attendant_id: int):
    services.set_schedule(g.org.id, attendant_id, load_form(ScheduleFormSchema())["blocks"], current_user.id)
    flash(_l("Schedule saved."))
    return redirect(url_for("wellness.attendant", attendant_id=attendant_id), code=303)


@bp.post("/attendants/<int:attendant_id>/days-off")
@roles_required(*DESK)
def add_day_off(attendant_id: int):
    data = load_form(DayOffInSchema())
    services.add_day_off(g.org.id, attendant_id, data["day"], data["reason"], current_user.id)
    flash(_l("Day off added."))
    return redirect(url_for("wellness.attendant", attendant_id=attendant_id), code=303)


@bp.post("/days-off/<int:day_off_id>/delete")
@roles_required(*DESK)
def remove_day_off(day_off_id: int):
    services.remove_day_off(g.org.id, day_off_id, current_user.id)
    flash(_l("Day off removed."))
    return redirect(request.referrer or url_for("wellness.attendants"), code=303)


# ---------------------------------------------------------------- earnings


@bp.get("/earnings")
@roles_required(*READERS)
def earnings():
    last_monday = today() - timedelta(days=today().weekday() + 7)
    return render_template("wellness/earnings.html", rows=services.earnings_overview(g.org.id),
                           start=last_monday, end=last_monday + timedelta(days=6), today=today())


@bp.post("/earnings/pay")
@roles_required(*DESK)
def pay():
    data = load_form(PayInSchema())
    payout = services.pay_earnings(g.org.id, data["attendant_id"], data["start"], data["end"],
                                   on=data["paid_on"] or today(), actor_id=current_user.id,
                                   idempotency_key=idempotency_key())
    flash(_l("Paid %(amount)s for %(n)s services.", amount=format_money(payout.amount), n=payout.bookings))
    return redirect(url_for("wellness.earnings"), code=303)


# ---------------------------------------------------------------- her own page


@bp.get("/my")
@roles_required(*HER_ROLES, *STAFF)
def mine():
    person = my_attendant()
    if person is None:
        abort(404)
    on = today()
    return render_template("wellness/my.html", person=person, sheet=services.day_sheet(g.org.id, on, person.id),
                           **services.attendant_summary(g.org.id, person.id, on))


# ---------------------------------------------------------------- reports


def _report_view(name: str):
    def view():
        args = load_query(RangeSchema())
        end = args["end"] or today()
        start = args["start"] or end.replace(day=1)
        table = BUILDERS[name](g.org.id, start, end)
        return deliver(table, args["format"], f"wellness-{name}-{start}-{end}", start=start, end=end,
                       date_filter="range")

    view.__name__ = "report_" + name.replace("-", "_")
    return view


def _add_report_routes() -> None:
    for name in REPORTS:
        view = _report_view(name)
        bp.add_url_rule(f"/reports/{name}", view.__name__, roles_required(*READERS)(view))


_add_report_routes()
REPORT_LABELS = {
    "revenue-by-service": _l("Wellness: revenue by service"),
    "revenue-by-attendant": _l("Wellness: revenue by attendant"),
    "utilization": _l("Wellness: utilization of attendants and stations"),
    "no-shows": _l("Wellness: no-show rate"),
    "clients": _l("Wellness: new and returning clients"),
    "earnings": _l("Wellness: attendants' earnings paid and due"),
}
