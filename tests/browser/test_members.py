"""A member on a phone opens her page and sees her balance and next due date."""
from pathlib import Path

import pytest

if not (Path(__file__).parent / "conftest.py").exists():  # the shared browser fixtures arrive from main
    pytest.skip("browser fixtures not merged yet", allow_module_level=True)

from coop.extensions import db  # noqa: E402
from coop.members import services, shares  # noqa: E402
from coop.timeutil import today  # noqa: E402


def test_member_on_a_phone_sees_her_balance_and_next_due_date(make_org, make_user, phone_page, log_in, shot):
    coop = make_org("cooperative")
    officer, user = make_user(coop, "officer"), make_user(coop, "member")
    rosario = services.create_member(coop.id, name="Rosario Manalo", actor_id=None, status="active", user_id=user.id)
    shares.subscribe(coop.id, rosario.id, shares=20, on=today(), installments=4, actor_id=officer.id)
    shares.record_payment(coop.id, rosario.id, amount=500_00, on=today(), actor_id=officer.id)
    next_due = shares.summary(coop.id, rosario, today()).next_due_on
    db.session.commit()
    slug = coop.slug
    log_in(phone_page, user)
    phone_page.goto(f"/o/{slug}/")
    assert phone_page.url.endswith(f"/o/{slug}/me")
    shares_block = phone_page.locator("section.portal-shares")
    assert "₱500.00" in shares_block.locator(".tile").nth(0).inner_text()
    assert "₱1,500.00" in shares_block.locator(".tile").nth(1).inner_text()
    assert str(next_due.year) in shares_block.locator(".tile").nth(2).inner_text()
    # nothing is wider than the phone
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "member-portal-phone")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Show").click()
    assert "Payment on my shares" in phone_page.content()  # in her words, not the journal's memo


def test_officer_records_a_payment_in_three_fields_and_gets_the_receipt(make_org, make_user, page, log_in, shot):
    coop = make_org("cooperative")
    officer = make_user(coop, "officer")
    ana = services.create_member(coop.id, name="Ana Reyes", actor_id=None, status="active", mobile="09171234567")
    shares.subscribe(coop.id, ana.id, shares=20, on=today(), installments=4, actor_id=officer.id)
    db.session.commit()
    log_in(page, officer)
    page.goto(f"/o/{coop.slug}/members/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a share payment").click()
    page.get_by_label("Member number").fill("1")
    page.get_by_label("Amount (₱)").fill("500")
    with page.expect_navigation():
        page.get_by_role("button", name="Record and issue receipt").click()
    assert "OR-000001" in page.content()
    page.goto(f"/o/{coop.slug}/members/{ana.id}")
    assert "₱1,500.00" in page.content()
    shot(page, "member-detail-officer")
