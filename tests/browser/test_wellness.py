"""The desk books a walk-in; the attendant completes it on her phone and sees the payment in her earnings."""
from datetime import datetime, time, timedelta

from coop.extensions import db
from coop.wellness import services as wellness

from coop.timeutil import today

# A Monday morning two to three weeks ago, so the test never depends on the clock, and what is completed that
# day is posted on or before today
_BACK = today() - timedelta(days=14)
NOW = datetime.combine(_BACK - timedelta(days=_BACK.weekday()), time(10))
MONDAY_ISO = NOW.date().isoformat()


def test_desk_books_a_walk_in_and_the_attendant_completes_it(make_org, make_user, page, phone_page, log_in, shot,
                                                              monkeypatch):
    monkeypatch.setattr(wellness.clock, "local_now", lambda: NOW)
    monkeypatch.setattr("coop.wellness.views.today", lambda: NOW.date())
    coop = make_org("cooperative")
    officer, user = make_user(coop, "officer"), make_user(coop, "attendant")
    wellness.set_station_count(coop.id, "foot_spa", 1)
    foot_spa = wellness.create_service(coop.id, name="Foot spa", duration_minutes=60, price=35_000,
                                       skill="foot_spa", station_kind="foot_spa", share_percent=40)
    gina = wellness.create_attendant(coop.id, name="Gina", skills=["foot_spa"], user_id=user.id)
    other = wellness.create_attendant(coop.id, name="Rowena", skills=["foot_spa"])
    for person in (gina, other):
        wellness.set_schedule(coop.id, person.id, [(0, "work", time(9), time(17))])
    db.session.commit()
    slug, gina_id, service_id = coop.slug, gina.id, foot_spa.id

    log_in(page, officer)
    page.goto(f"/o/{slug}/wellness/")
    page.get_by_text("Walk-in", exact=True).click()
    page.select_option("select[name=service_id]", str(service_id))
    page.select_option("details select[name=attendant_id]", str(gina_id))
    page.fill("input[name=client_name]", "Ms. Lim")
    page.fill("input[name=client_mobile]", "0917 123 0001")
    with page.expect_navigation():
        page.get_by_role("button", name="Start walk-in now").click()
    assert "Booked for" in page.inner_text("main")
    assert "Ms. Lim" in page.inner_text(".sheet")
    shot(page, "wellness-day-sheet-desk")
    page.goto(f"/o/{slug}/wellness/book?service_id={service_id}&day={MONDAY_ISO}")
    assert page.locator("label.slot").count() > 0 and "10:00" not in page.inner_text("fieldset.slots")
    shot(page, "wellness-book")
    page.goto(f"/o/{slug}/wellness/week?day={MONDAY_ISO}")
    assert "10:00 Foot spa" in page.inner_text("table.week")
    shot(page, "wellness-week")

    log_in(phone_page, user)
    phone_page.goto(f"/o/{slug}/wellness/")
    assert "Ms. Lim" in phone_page.inner_text("main") and "Rowena" not in phone_page.inner_text("main")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "wellness-day-sheet-phone")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Done, paid cash").click()
    assert "Completed and paid" in phone_page.inner_text("main")
    phone_page.goto(f"/o/{slug}/wellness/my")
    assert "₱140.00" in phone_page.locator(".tile").nth(0).inner_text()
    shot(phone_page, "wellness-my-earnings-phone")
