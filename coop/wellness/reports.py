"""The Wellness Center's reports, each one tabular.Table (page, CSV, PDF, JSON)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..reports.tabular import Column, Table
from . import services
from .availability import AttendantDay, DayPlan, free_time
from .models import Booking, Payout, ScheduleBlock

REPORTS = ("revenue-by-service", "revenue-by-attendant", "utilization", "no-shows", "clients", "earnings")


def _completed(org_id: int, start: date, end: date):
    return select(Booking).where(Booking.org_id == org_id, Booking.status == "completed",
                                 Booking.completed_on >= start, Booking.completed_on <= end)


def _period(start: date, end: date) -> str:
    return _("From %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else ""


def revenue_by_service(org_id: int, start: date, end: date) -> Table:
    rows = db.session.execute(
        select(Booking.service_id, func.count(Booking.id), func.sum(Booking.price), func.sum(Booking.share_amount))
        .where(Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on >= start,
               Booking.completed_on <= end).group_by(Booking.service_id)).all()
    names = {s.id: s.name for s in services.list_services(org_id)}
    body = sorted(((names[sid], n, int(revenue), int(share), int(revenue) - int(share))
                   for sid, n, revenue, share in rows), key=lambda r: -r[2])
    totals = (_("Total"), sum(r[1] for r in body), sum(r[2] for r in body), sum(r[3] for r in body),
              sum(r[4] for r in body))
    return Table(_("Wellness revenue by service"), _period(start, end), (
        Column("service", _("Service")), Column("services", _("Services given"), "number"),
        Column("revenue", _("Revenue"), "money"), Column("attendants_share", _("Attendants' share"), "money"),
        Column("center_share", _("Center's part"), "money")), tuple(body), totals)


def revenue_by_attendant(org_id: int, start: date, end: date) -> Table:
    rows = db.session.execute(
        select(Booking.attendant_id, func.count(Booking.id), func.sum(Booking.price), func.sum(Booking.share_amount))
        .where(Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on >= start,
               Booking.completed_on <= end).group_by(Booking.attendant_id)).all()
    names = services.attendant_names(org_id)
    labels = {a.id: a.label for a in services.list_attendants(org_id)}
    body = sorted(((labels[aid], names[aid], n, int(revenue), int(share)) for aid, n, revenue, share in rows),
                  key=lambda r: r[0])
    totals = (_("Total"), "", sum(r[2] for r in body), sum(r[3] for r in body), sum(r[4] for r in body))
    return Table(_("Wellness revenue by attendant"), _period(start, end), (
        Column("attendant", _("Attendant")), Column("name", _("Name")),
        Column("services", _("Services given"), "number"), Column("revenue", _("Revenue"), "money"),
        Column("share", _("Her share"), "money")), tuple(body), totals)


def utilization(org_id: int, start: date, end: date) -> Table:
    """Booked time against the time each attendant was scheduled, and each station was open."""
    if (end - start).days > 366:
        start = end - timedelta(days=366)
    names = services.attendant_names(org_id)
    attendants = services.list_attendants(org_id)
    stations = services.list_stations(org_id)
    scheduled: dict[int, int] = defaultdict(int)
    open_minutes = 0
    blocks = list(db.session.scalars(select(ScheduleBlock).where(ScheduleBlock.org_id == org_id)))
    hours = services.opening_hours(org_id)
    holidays = {h.day for h in services.holidays(org_id)}
    off = {(d.attendant_id, d.day) for d in services.days_off(org_id, since=start)}
    day = start
    while day <= end:
        span = hours.get(day.weekday())
        opening = ((span[0].hour * 60 + span[0].minute, span[1].hour * 60 + span[1].minute),) if span else ()
        if day not in holidays:
            open_minutes += sum(e - s for s, e in opening)
        for a in attendants:
            mine = [b for b in blocks if b.attendant_id == a.id and b.weekday == day.weekday()]
            plan_day = AttendantDay(
                a.id, a.skill_set, tuple((services.minutes_of(b.starts), services.minutes_of(b.ends)) for b in mine if b.kind == "work"),
                tuple((services.minutes_of(b.starts), services.minutes_of(b.ends)) for b in mine if b.kind == "break"),
                day_off=(a.id, day) in off)
            scheduled[a.id] += sum(e - s for s, e in free_time(DayPlan(opening, holiday=day in holidays), plan_day))
        day += timedelta(days=1)
    start_utc, _end = services.utc_day(start)
    _start, end_utc = services.utc_day(end)
    held = db.session.execute(select(Booking.attendant_id, Booking.station_id, Booking.block_start, Booking.block_end,
                                     Booking.starts_at, Booking.ends_at)
                              .where(Booking.org_id == org_id, Booking.status.in_(("completed", "checked_in", "booked")),
                                     Booking.starts_at >= start_utc, Booking.starts_at < end_utc)).all()
    busy_attendant: dict[int, int] = defaultdict(int)
    busy_station: dict[int, int] = defaultdict(int)
    for row in held:
        busy_attendant[row.attendant_id] += int((row.block_end - row.block_start).total_seconds() // 60)
        if row.station_id:
            busy_station[row.station_id] += int((row.ends_at - row.starts_at).total_seconds() // 60)
    body = [(a.label, names[a.id], round(scheduled[a.id] / 60, 1), round(busy_attendant[a.id] / 60, 1),
             _pct(busy_attendant[a.id], scheduled[a.id])) for a in attendants if scheduled[a.id] or busy_attendant[a.id]]
    body += [(s.label, _("station: %(kind)s", kind=s.kind), round(open_minutes / 60, 1),
              round(busy_station[s.id] / 60, 1), _pct(busy_station[s.id], open_minutes)) for s in stations]
    return Table(_("Wellness utilization of attendants and stations"), _period(start, end), (
        Column("unit", _("Attendant or station")), Column("name", _("Name")),
        Column("available_hours", _("Hours available"), "number"), Column("booked_hours", _("Hours booked"), "number"),
        Column("utilization", _("Utilization"))), tuple(body),
        notes=(_("Attendants: scheduled hours within opening hours, less breaks, days off and holidays; "
                 "home-service visits count their travel time."),))


def no_shows(org_id: int, start: date, end: date) -> Table:
    start_utc, _end = services.utc_day(start)
    _start, end_utc = services.utc_day(end)
    rows = db.session.execute(select(Booking.service_id, Booking.status, func.count(Booking.id))
                              .where(Booking.org_id == org_id, Booking.starts_at >= start_utc,
                                     Booking.starts_at < end_utc).group_by(Booking.service_id, Booking.status)).all()
    names = {s.id: s.name for s in services.list_services(org_id)}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sid, status, n in rows:
        counts[sid][status] += n
    body, total = [], defaultdict(int)
    for sid in sorted(counts, key=lambda s: names[s]):
        c = counts[sid]
        for key, value in c.items():
            total[key] += value
        body.append((names[sid], sum(c.values()), c["completed"], c["no_show"], c["cancelled"],
                     _pct(c["no_show"], c["completed"] + c["no_show"])))
    totals = (_("Total"), sum(total.values()), total["completed"], total["no_show"], total["cancelled"],
              _pct(total["no_show"], total["completed"] + total["no_show"]))
    return Table(_("Wellness no-show rate"), _period(start, end), (
        Column("service", _("Service")), Column("bookings", _("Bookings"), "number"),
        Column("completed", _("Completed"), "number"), Column("no_shows", _("No-shows"), "number"),
        Column("cancelled", _("Cancelled"), "number"), Column("no_show_rate", _("No-show rate"))),
        tuple(body), totals, notes=(_("No-show rate: no-shows out of the clients who were due to come "
                                      "(completed plus no-shows)."),))


def clients(org_id: int, start: date, end: date) -> Table:
    """Clients served per month: new (first service ever that month) and returning. Counts only, no names."""
    first_visit = dict(db.session.execute(
        select(Booking.client_id, func.min(Booking.completed_on)).where(Booking.org_id == org_id,
                                                                        Booking.status == "completed")
        .group_by(Booking.client_id)).all())
    visits = db.session.execute(select(Booking.client_id, Booking.completed_on).where(
        Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on >= start,
        Booking.completed_on <= end)).all()
    by_month: dict[str, set[int]] = defaultdict(set)
    new_by_month: dict[str, set[int]] = defaultdict(set)
    for client_id, on in visits:
        month = on.strftime("%Y-%m")
        by_month[month].add(client_id)
        if first_visit[client_id].strftime("%Y-%m") == month:
            new_by_month[month].add(client_id)
    body = tuple((m, len(by_month[m]), len(new_by_month[m]), len(by_month[m]) - len(new_by_month[m]))
                 for m in sorted(by_month))
    everyone = {c for c, _on in visits}
    new_ever = {c for c in everyone if start <= first_visit[c] <= end}
    return Table(_("Wellness clients: new and returning"), _period(start, end), (
        Column("month", _("Month")), Column("clients", _("Clients served"), "number"),
        Column("new", _("New"), "number"), Column("returning", _("Returning"), "number")), body,
        (_("Whole period"), len(everyone), len(new_ever), len(everyone) - len(new_ever)))


def earnings(org_id: int, start: date, end: date) -> Table:
    earned = dict(db.session.execute(
        select(Booking.attendant_id, func.sum(Booking.share_amount)).where(
            Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on >= start,
            Booking.completed_on <= end).group_by(Booking.attendant_id)).all())
    paid = dict(db.session.execute(
        select(Payout.attendant_id, func.sum(Payout.amount)).where(
            Payout.org_id == org_id, Payout.paid_on >= start, Payout.paid_on <= end).group_by(Payout.attendant_id)).all())
    names = services.attendant_names(org_id)
    body = tuple((a.label, names[a.id], int(earned.get(a.id) or 0), int(paid.get(a.id) or 0),
                  services.earnings_due(org_id, a)) for a in services.list_attendants(org_id))
    totals = (_("Total"), "", sum(r[2] for r in body), sum(r[3] for r in body), sum(r[4] for r in body))
    return Table(_("Wellness attendants' earnings: paid and due"), _period(start, end), (
        Column("attendant", _("Attendant")), Column("name", _("Name")),
        Column("earned", _("Earned in the period"), "money"), Column("paid", _("Paid in the period"), "money"),
        Column("due", _("Due now"), "money")), body, totals)


BUILDERS = {"revenue-by-service": revenue_by_service, "revenue-by-attendant": revenue_by_attendant,
            "utilization": utilization, "no-shows": no_shows, "clients": clients, "earnings": earnings}


def today_figures(org_id: int, on: date) -> tuple[int, int, int]:
    """(bookings still to come today, revenue completed today, earnings due to all attendants)."""
    waiting = len(services.bookings_between(org_id, on, on, statuses=("booked", "checked_in")))
    revenue = db.session.scalar(select(func.coalesce(func.sum(Booking.price), 0)).where(
        Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on == on))
    due = sum(services.earnings_due(org_id, a) for a in services.list_attendants(org_id))
    return waiting, int(revenue), due

