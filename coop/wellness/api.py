"""/api/v1 for the Wellness Center: services, stations, attendants, schedules, availability, bookings, payments."""
from flask import g, jsonify, request
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from . import services
from .schemas import (
    AttendantInSchema,
    AttendantOutSchema,
    AttendantUpdateSchema,
    AvailabilityQuerySchema,
    BlockSchema,
    BookingInSchema,
    BookingOutSchema,
    CancelSchema,
    CompleteSchema,
    DayOffInSchema,
    DayQuerySchema,
    HoursInSchema,
    PayInSchema,
    PayoutOutSchema,
    RescheduleSchema,
    ScheduleInSchema,
    ServiceInSchema,
    ServiceOutSchema,
    ServiceUpdateSchema,
    SlotOutSchema,
    StationOutSchema,
    StationsInSchema,
)

bp = blueprint("wellness", __name__, "/orgs/<org>/wellness")


@bp.get("/services")
@roles_required(*READERS)
@documented("The services the center offers", returns=ServiceOutSchema, many=True)
def list_services():
    return respond(ServiceOutSchema(), services.list_services(g.org.id), many=True)


@bp.post("/services")
@roles_required("admin")
@documented("Add a service (duration, price, skill, station, the attendant's share)", body=ServiceInSchema,
            returns=ServiceOutSchema, status=201)
def create_service():
    return respond(ServiceOutSchema(), services.create_service(g.org.id, **load_json(ServiceInSchema()),
                                                               actor_id=current_user.id), 201)


@bp.patch("/services/<int:service_id>")
@roles_required("admin")
@documented("Change a service; a new share rate applies to services completed from then on",
            body=ServiceUpdateSchema, returns=ServiceOutSchema)
def update_service(service_id: int):
    return respond(ServiceOutSchema(), services.update_service(g.org.id, service_id, actor_id=current_user.id,
                                                               **load_json(ServiceUpdateSchema())))


@bp.get("/stations")
@roles_required(*READERS)
@documented("The station units (foot-spa-1, shampoo-chair-1...)", returns=StationOutSchema, many=True)
def list_stations():
    return respond(StationOutSchema(), services.list_stations(g.org.id), many=True)


@bp.put("/stations")
@roles_required("admin")
@documented("Set how many units of a station kind there are", body=StationsInSchema, returns=StationOutSchema,
            many=True)
def set_stations():
    data = load_json(StationsInSchema())
    return respond(StationOutSchema(), services.set_station_count(g.org.id, data["kind"], data["count"],
                                                                  current_user.id), many=True)


def _hours_json():
    return jsonify({"hours": {str(day): {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
                              for day, (opens, closes) in sorted(services.opening_hours(g.org.id).items())}})


@bp.get("/hours")
@roles_required(*READERS)
@documented("The opening hours per weekday (0 = Monday; a missing day is closed), Asia/Manila")
def hours():
    return _hours_json()


@bp.put("/hours")
@roles_required("admin")
@documented("Set the opening hours per weekday (0 = Monday; null = closed)", body=HoursInSchema)
def set_hours():
    services.set_opening_hours(g.org.id, load_json(HoursInSchema())["hours"], current_user.id)
    return _hours_json()


@bp.get("/attendants")
@roles_required(*READERS)
@documented("The attendants", returns=AttendantOutSchema, many=True)
def list_attendants():
    return respond(AttendantOutSchema(), services.list_attendants(g.org.id), many=True)


@bp.post("/attendants")
@roles_required(*STAFF)
@documented("Add an attendant (a member, or a name) with her skills", body=AttendantInSchema,
            returns=AttendantOutSchema, status=201)
def create_attendant():
    return respond(AttendantOutSchema(), services.create_attendant(g.org.id, **load_json(AttendantInSchema()),
                                                                   actor_id=current_user.id), 201)


@bp.patch("/attendants/<int:attendant_id>")
@roles_required(*STAFF)
@documented("Change an attendant's skills, login or activity", body=AttendantUpdateSchema,
            returns=AttendantOutSchema)
def update_attendant(attendant_id: int):
    return respond(AttendantOutSchema(), services.update_attendant(g.org.id, attendant_id, actor_id=current_user.id,
                                                                   **load_json(AttendantUpdateSchema())))


@bp.get("/attendants/<int:attendant_id>/schedule")
@roles_required(*READERS)
@documented("An attendant's weekly schedule: working blocks and breaks", returns=BlockSchema, many=True)
def schedule(attendant_id: int):
    return respond(BlockSchema(), services.schedule_of(g.org.id, services.get_attendant(g.org.id, attendant_id).id),
                   many=True)


@bp.put("/attendants/<int:attendant_id>/schedule")
@roles_required(*STAFF)
@documented("Replace an attendant's weekly schedule", body=ScheduleInSchema, returns=BlockSchema, many=True)
def set_schedule(attendant_id: int):
    blocks = services.set_schedule(g.org.id, attendant_id, load_json(ScheduleInSchema())["blocks"], current_user.id)
    return respond(BlockSchema(), blocks, many=True)


@bp.post("/attendants/<int:attendant_id>/days-off")
@roles_required(*STAFF)
@documented("Give an attendant a day off", body=DayOffInSchema, returns=DayOffInSchema, status=201)
def add_day_off(attendant_id: int):
    data = load_json(DayOffInSchema())
    return respond(DayOffInSchema(), services.add_day_off(g.org.id, attendant_id, data["day"], data["reason"],
                                                          current_user.id), 201)


@bp.get("/availability")
@roles_required(*STAFF)
@documented("Free start times of a service on a day, with the attendants free at each",
            query=AvailabilityQuerySchema, returns=SlotOutSchema, many=True)
def availability():
    query = load_query(AvailabilityQuerySchema())
    slots = services.availability(g.org.id, query["service_id"], query["day"], home=query["kind"] == "home")
    return respond(SlotOutSchema(), slots, many=True)


@bp.get("/bookings")
@roles_required(*READERS)
@documented("The bookings of a day (default today)", query=DayQuerySchema, returns=BookingOutSchema, many=True)
def list_bookings():
    query = load_query(DayQuerySchema())
    on = query["day"] or today()
    return respond(BookingOutSchema(), services.bookings_between(g.org.id, on, on, query["attendant_id"]), many=True)


@bp.post("/bookings")
@roles_required(*STAFF)
@documented("Book a client (kind walk_in starts now; no attendant_id: any available). A taken slot is 409.",
            body=BookingInSchema, returns=BookingOutSchema, status=201)
def create_booking():
    data = load_json(BookingInSchema())
    booking = services.book(g.org.id, service_id=data["service_id"], starts=data["starts_at"],
                            client_name=data["client_name"], client_mobile=data["client_mobile"],
                            attendant_id=data["attendant_id"], kind=data["kind"], address=data["address"],
                            notes=data["notes"], actor_id=current_user.id, idempotency_key=idempotency_key())
    return respond(BookingOutSchema(), booking, 201)


@bp.get("/bookings/<int:booking_id>")
@roles_required(*READERS)
@documented("One booking", returns=BookingOutSchema)
def booking(booking_id: int):
    return respond(BookingOutSchema(), services.get_booking(g.org.id, booking_id))


@bp.post("/bookings/<int:booking_id>/check-in")
@roles_required(*STAFF)
@documented("The client has arrived", returns=BookingOutSchema)
def check_in(booking_id: int):
    return respond(BookingOutSchema(), services.check_in(g.org.id, booking_id, current_user.id))


@bp.post("/bookings/<int:booking_id>/complete")
@roles_required(*STAFF)
@documented("Done and paid (cash, or e_wallet with its reference): posts income and the attendant's share",
            body=CompleteSchema, returns=BookingOutSchema)
def complete(booking_id: int):
    data = load_json(CompleteSchema())
    return respond(BookingOutSchema(), services.complete(g.org.id, booking_id, payment_method=data["payment_method"],
                                                         reference=data["reference"], actor_id=current_user.id))


@bp.post("/bookings/<int:booking_id>/no-show")
@roles_required(*STAFF)
@documented("The client did not come", returns=BookingOutSchema)
def no_show(booking_id: int):
    return respond(BookingOutSchema(), services.no_show(g.org.id, booking_id, current_user.id))


@bp.post("/bookings/<int:booking_id>/cancel")
@roles_required(*STAFF)
@documented("Cancel a booking, with the reason", body=CancelSchema, returns=BookingOutSchema)
def cancel(booking_id: int):
    return respond(BookingOutSchema(), services.cancel(g.org.id, booking_id, load_json(CancelSchema())["reason"],
                                                       current_user.id))


@bp.post("/bookings/<int:booking_id>/reschedule")
@roles_required(*STAFF)
@documented("Move a booked client to another time (and attendant)", body=RescheduleSchema, returns=BookingOutSchema)
def reschedule(booking_id: int):
    data = load_json(RescheduleSchema())
    return respond(BookingOutSchema(), services.reschedule(g.org.id, booking_id, data["starts_at"],
                                                           data["attendant_id"], current_user.id))


@bp.get("/payouts")
@roles_required(*READERS)
@documented("Earnings paid to attendants, newest first", returns=PayoutOutSchema, many=True)
def list_payouts():
    return respond(PayoutOutSchema(), services.payouts(g.org.id, request.args.get("attendant_id", type=int)),
                   many=True)


@bp.post("/payouts")
@roles_required(*STAFF)
@documented("Pay an attendant's earnings for a period (send an Idempotency-Key header)", body=PayInSchema,
            returns=PayoutOutSchema, status=201)
def pay():
    data = load_json(PayInSchema())
    payout = services.pay_earnings(g.org.id, data["attendant_id"], data["start"], data["end"],
                                   on=data["paid_on"] or today(), actor_id=current_user.id,
                                   idempotency_key=idempotency_key())
    return respond(PayoutOutSchema(), payout, 201)
