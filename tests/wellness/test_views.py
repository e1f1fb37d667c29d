"""The pages: the desk books, the attendant works her day sheet, reports download; refusals write nothing."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.wellness import services as wellness
from coop.wellness.models import Booking, Client

from .conftest import MONDAY

NOW = MONDAY.replace(hour=9, minute=30)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(wellness.clock, "local_now", lambda: NOW)
    monkeypatch.setattr("coop.wellness.views.today", lambda: NOW.date())
    monkeypatch.setattr("coop.wellness.portal.today", lambda: NOW.date())


@pytest.fixture
def desk(center, make_user, login):
    return login(make_user(center.org, "officer"))


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _url(center, path=""):
    return f"/o/{center.org.slug}/wellness{path or '/'}"


def test_the_desk_finds_free_times_and_books_a_client(center, desk):
    page = desk.get(_url(center, f"/book?service_id={center.foot_spa.id}&day={MONDAY.date()}"))
    assert page.status_code == 200 and b'value="2030-01-07T10:00"' in page.data
    assert b'value="2030-01-07T09:00"' not in page.data  # already past at 9:30
    response = desk.post(_url(center, "/bookings"), data={
        "service_id": center.foot_spa.id, "starts_at": "2030-01-07T10:00", "client_name": "Lina",
        "client_mobile": "0918 111 2222", "kind": "appointment"})
    assert response.status_code == 303
    booking = db.session.scalar(select(Booking))
    assert wellness.to_local(booking.starts_at) == MONDAY.replace(hour=10)
    page = desk.get(response.headers["Location"])
    assert b"Foot spa" in page.data and b"Lina" in page.data


def test_a_taken_slot_is_refused_with_a_clear_message_and_nothing_written(center, desk, book):
    book(attendant_id=center.ana.id)
    response = desk.post(_url(center, "/bookings"), data={
        "service_id": center.foot_spa.id, "starts_at": "2030-01-07T10:00", "client_name": "Second",
        "kind": "appointment"}, headers={"Referer": _url(center, "/book")}, follow_redirects=True)
    assert b"not free" in response.data
    assert _count(Booking) == 1 and _count(Client) == 1


def test_bad_input_is_explained_and_changes_nothing(center, desk):
    response = desk.post(_url(center, "/bookings"), data={"service_id": center.foot_spa.id, "kind": "appointment",
                                                          "client_name": "X"},
                         headers={"Referer": _url(center, "/book")}, follow_redirects=True)
    assert b"Choose a start time" in response.data and _count(Booking) == 0


def test_walk_in_then_the_attendant_completes_it_and_sees_her_earnings(center, desk, make_user, client, login):
    response = desk.post(_url(center, "/bookings"), data={
        "service_id": center.manicure.id, "kind": "walk_in", "attendant_id": center.bea.id, "client_name": "Rosa"})
    assert response.status_code == 303
    walk_in = db.session.scalar(select(Booking))
    assert wellness.to_local(walk_in.starts_at) == NOW and walk_in.kind == "walk_in"
    user = make_user(center.org, "attendant")
    wellness.update_attendant(center.org_id, center.bea.id, user_id=user.id)
    db.session.commit()
    client.post("/logout")
    login(user)
    sheet = client.get(_url(center))
    assert b"Rosa" in sheet.data and b"Done, paid cash" in sheet.data
    done = client.post(_url(center, f"/bookings/{walk_in.id}/complete"), data={"payment_method": "cash",
                                                                            "next": _url(center)})
    assert done.status_code == 303
    assert db.session.get(Booking, walk_in.id).status == "completed"
    mine = client.get(_url(center, "/my"))
    assert mine.status_code == 200 and b"60.00" in mine.data  # the default 40% of PHP 150


def test_an_attendant_sees_only_her_own_bookings(center, book, make_user, login):
    other = book(attendant_id=center.ana.id, client_name="Someone")
    user = make_user(center.org, "attendant")
    wellness.update_attendant(center.org_id, center.bea.id, user_id=user.id)
    db.session.commit()
    client = login(user)
    assert b"Someone" not in client.get(_url(center)).data
    assert client.get(_url(center, f"/bookings/{other.id}")).status_code == 404
    assert client.post(_url(center, f"/bookings/{other.id}/complete"), data={}).status_code == 404
    assert client.post(_url(center, f"/bookings/{other.id}/cancel"), data={"reason": "no"}).status_code == 403
    assert db.session.get(Booking, other.id).status == "booked"


def test_members_learn_nothing_of_the_wellness_pages(center, make_user, login):
    client = login(make_user(center.org, "member"))
    for path in ("", "/week", "/book", "/clients", "/earnings", "/setup"):
        assert client.get(_url(center, path)).status_code == 404, path


def test_client_history_is_audited(center, desk, book):
    booking = book(client_name="Lina", client_mobile="09181112222")
    found = desk.get(_url(center, "/clients?mobile=0918-111-2222"))
    assert found.status_code == 302
    page = desk.get(found.headers["Location"])
    assert b"Lina" in page.data and b"Foot spa" in page.data
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "wellness_client")))
    assert {"wellness.client.lookup", "wellness.client.view"} <= actions
    assert booking.client_id


def test_day_sheet_week_setup_attendant_and_earnings_pages_render(center, desk, book):
    book(attendant_id=center.ana.id, client_name="Lina")
    for path in ("", f"/?day={MONDAY.date() + timedelta(days=1)}", "/week", "/setup", "/attendants",
                 f"/attendants/{center.ana.id}", "/earnings", "/clients"):
        response = desk.get(_url(center, path))
        assert response.status_code == 200, path
    sheet = desk.get(_url(center)).data
    assert b"Lina" in sheet and b"foot-spa-1" in sheet and len(sheet) < 60_000


def test_admin_sets_services_stations_hours_and_a_schedule(center, make_user, login):
    admin = login(make_user(center.org, "admin"))
    assert admin.get(_url(center, "/setup")).status_code == 200
    assert admin.post(_url(center, "/services"), data={"name": "Haircut", "duration_minutes": "30", "price": "150",
                                                       "skill": "haircut", "station_kind": "shampoo_chair"}).status_code == 303
    haircut = [s for s in wellness.list_services(center.org_id) if s.name == "Haircut"][0]
    assert haircut.share_bp == 4000  # the policy default
    assert admin.post(_url(center, "/stations"), data={"kind": "shampoo_chair", "count": "1"}).status_code == 303
    hours = {f"opens_{d}": "08:00" for d in range(6)} | {f"closes_{d}": "20:00" for d in range(6)}
    assert admin.post(_url(center, "/hours"), data=hours).status_code == 303
    assert wellness.opening_hours(center.org_id)[0][0].hour == 8 and 6 not in wellness.opening_hours(center.org_id)
    grid = {"work_start_0": "08:00", "work_end_0": "12:00", "break_start_0": "10:00", "break_end_0": "10:15"}
    assert admin.post(_url(center, f"/attendants/{center.ana.id}/schedule"), data=grid).status_code == 303
    assert len(wellness.schedule_of(center.org_id, center.ana.id)) == 2
    refused = admin.post(_url(center, f"/attendants/{center.ana.id}/schedule"), data={"work_start_0": "08:00"},
                         headers={"Referer": _url(center, f"/attendants/{center.ana.id}")}, follow_redirects=True)
    assert b"Give both times" in refused.data and len(wellness.schedule_of(center.org_id, center.ana.id)) == 2


def test_paying_earnings_from_the_page(center, desk, book):
    booking = book(attendant_id=center.ana.id)
    wellness.complete(center.org_id, booking.id, now=MONDAY.replace(hour=11))
    db.session.commit()
    response = desk.post(_url(center, "/earnings/pay"), data={
        "attendant_id": center.ana.id, "start": str(MONDAY.date()), "end": str(MONDAY.date()),
        "paid_on": str(MONDAY.date()), "idempotency_key": "k1"}, headers={"Referer": _url(center, "/earnings")},
        follow_redirects=True)
    assert b"Paid \xe2\x82\xb1140.00 for 1 services" in response.data, response.data.decode()[-3000:]
    assert wellness.earnings_due(center.org_id, center.ana) == 0


@pytest.mark.parametrize("name", ["revenue-by-service", "revenue-by-attendant", "utilization", "no-shows", "clients",
                                  "earnings"])
def test_reports_as_page_csv_and_pdf(center, desk, book, name):
    done = book(attendant_id=center.ana.id)
    wellness.complete(center.org_id, done.id, now=MONDAY.replace(hour=11))
    missed = book(center.manicure, at=MONDAY.replace(hour=13))
    wellness.no_show(center.org_id, missed.id, now=MONDAY.replace(hour=14))
    db.session.commit()
    base = _url(center, f"/reports/{name}?start=2030-01-01&end=2030-01-31")
    page = desk.get(base)
    assert page.status_code == 200
    csv = desk.get(base + "&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert desk.get(base + "&format=pdf").data.startswith(b"%PDF")
    if name == "revenue-by-service":
        assert "Foot spa,1,350.00,140.00,210.00" in csv.get_data(as_text=True)
    if name == "no-shows":
        assert "50.0%" in csv.get_data(as_text=True)


def test_the_dashboard_shows_the_wellness_tile(center, desk, book):
    book(attendant_id=center.ana.id)
    db.session.commit()
    page = desk.get(f"/o/{center.org.slug}/")
    assert b"Wellness today" in page.data and b"Attendants&#39; earnings due" in page.data


def test_a_member_who_is_an_attendant_sees_her_earnings_in_her_portal_and_works_her_day(center, make_user, login,
                                                                                        book):
    from coop.members.services import create_member

    user = make_user(center.org, "member")
    member = create_member(center.org_id, name="Gina Bautista", actor_id=None, status="active", user_id=user.id)
    gina = wellness.create_attendant(center.org_id, member_id=member.id, skills=["foot_spa"])
    wellness.set_schedule(center.org_id, gina.id, [(0, "work", time(9), time(17))])
    db.session.commit()
    done = book(attendant_id=gina.id)
    wellness.complete(center.org_id, done.id, now=MONDAY.replace(hour=11))
    waiting = book(center.foot_spa, at=MONDAY.replace(hour=14), attendant_id=gina.id)
    db.session.commit()
    client = login(user)
    portal = client.get(f"/o/{center.org.slug}/me")
    assert portal.status_code == 200 and b"Wellness Center: your services and earnings" in portal.data
    assert "₱140.00" in portal.get_data(as_text=True)
    assert client.get(_url(center, "/my")).status_code == 200
    assert client.post(_url(center, f"/bookings/{waiting.id}/check-in"), data={}).status_code == 303
    assert db.session.get(Booking, waiting.id).status == "checked_in"
    assert wellness.parties_of_user(center.org_id, user.id) == {gina.party_id}


def test_other_members_see_no_wellness_block(center, make_user, login):
    from coop.members.services import create_member

    user = make_user(center.org, "member")
    create_member(center.org_id, name="Rosa", actor_id=None, status="active", user_id=user.id)
    db.session.commit()
    client = login(user)
    assert b"Wellness Center" not in client.get(f"/o/{center.org.slug}/me").data
    assert client.get(_url(center, "/my")).status_code == 404
