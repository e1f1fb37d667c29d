"""What the walk of issue 14 found, pinned down one by one on the demo."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.timeutil import today


@pytest.fixture
def demo(app):
    from coop.demo import seed

    seed()
    db.session.commit()

    def login(username):
        password = {u: p for u, p, *_rest in __import__("coop.demo", fromlist=["DEMO_USERS"]).DEMO_USERS}[username]
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": password}).status_code == 303
        return client

    return login


def test_empty_filters_and_the_language_mean_not_given(demo):
    officer = demo("officer")
    listed = officer.get("/o/dawn-mpc/members/?q=&status=&overdue=&offset=50&lang=fil")
    assert listed.status_code == 200
    page = officer.get("/o/dawn-mpc/reports/trial-balance?as_of=2026-01-31&lang=fil").get_data(as_text=True)
    assert "as_of=2026-01-31&amp;lang=en" in page  # the language link keeps the date she chose


def test_the_maker_is_not_offered_approve_and_tiles_link_only_where_the_role_may_go(demo):
    from coop.loans.models import Loan
    from coop.auth.models import User

    officer = db.session.scalar(select(User).where(User.username == "officer"))
    applied = db.session.scalars(select(Loan).where(Loan.status == "applied")).all()
    mine = [loan for loan in applied if loan.applied_by == officer.id]
    theirs = [loan for loan in applied if loan.applied_by != officer.id]
    client = demo("officer")
    for loan in mine:
        page = client.get(f"/o/dawn-mpc/loans/{loan.id}").get_data(as_text=True)
        assert "/approve" not in page and "another officer approves" in page
    for loan in theirs:
        assert "/approve" in client.get(f"/o/dawn-mpc/loans/{loan.id}").get_data(as_text=True)
    auditor = demo("auditor").get("/o/dawn-mpc/").get_data(as_text=True)
    assert 'href="/o/dawn-mpc/members/"' not in auditor


def test_an_attendant_books_for_herself_and_sees_only_her_free_times(demo):
    from coop.wellness import services as wellness
    from coop.wellness.models import Booking
    from coop.orgs.services import get_by_slug

    org = get_by_slug("dawn-mpc")
    client = demo("attendant")
    from coop.auth.models import User

    her = wellness.attendant_for_user(org.id, db.session.scalar(select(User.id).where(User.username == "attendant")))
    others = [a for a in wellness.attendant_names(org.id) if a != her.id]
    # the first of the next two weeks' days on which she is free for a service she gives (which day that is
    # depends on the weekday the test runs and on her days off)
    found = next(((service, day, slots) for day in (today() + timedelta(days=n) for n in range(1, 15))
                  for service in wellness.list_services(org.id, True)
                  for slots in [[s for s in wellness.availability(org.id, service.id, day)
                                 if her.id in s.attendant_ids]] if slots), None)
    assert found, "the demo gives her free time in the next two weeks"
    service, day, slots = found
    form = client.get(f"/o/dawn-mpc/wellness/book?service_id={service.id}&day={day}&kind=appointment")
    assert form.status_code == 200
    starts = slots[0].starts.isoformat(timespec="minutes")
    booked = client.post("/o/dawn-mpc/wellness/bookings", data={
        "service_id": service.id, "starts_at": starts, "attendant_id": others[0] if others else "",
        "client_name": "Nena Cruz", "client_mobile": "09181234567", "kind": "appointment"})
    assert booked.status_code == 303, booked.data
    booking = db.session.scalars(select(Booking).order_by(Booking.id.desc())).first()
    assert booking.attendant_id == her.id  # whatever was posted, an attendant books for herself


def test_check_shows_the_members_name_and_standing_before_she_confirms(demo):
    from coop.members.models import Member

    member = db.session.scalars(select(Member).where(Member.status == "active").order_by(Member.number)).first()
    client = demo("officer")
    page = client.get(f"/o/dawn-mpc/members/payments/new?member={member.number}").get_data(as_text=True)
    assert member.name in page and ("in good standing" in page or "not in good standing" in page)
    assert f'value="{member.label}"' in page
    several = client.get("/o/dawn-mpc/members/payments/new?member=a").get_data(as_text=True)
    assert "Several members match" in several
