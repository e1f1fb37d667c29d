"""Loans in a real browser: one officer enters, another approves and releases, a payment in three fields;
the member follows her loan on a phone."""
from datetime import timedelta

from coop.extensions import db
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.members.services import create_member
from coop.timeutil import today


def test_two_officers_take_an_emergency_loan_from_application_to_a_receipt(make_org, make_user, browser,
                                                                             live_server, log_in, shot):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    member = create_member(org.id, name="Rosario Dela Cruz", actor_id=None, status="active", mobile="09170001111")
    other = create_member(org.id, name="Joy Villanueva", actor_id=None, status="active", mobile="09170002222")
    loans.open_commodity_loan(org.id, other.id, 45_000, today() - timedelta(days=20),
                              goods_lines=(Line("sales", credit=45_000),), memo="Goods", source=None, source_id=None,
                              idempotency_key="s1", actor_id=None)
    db.session.commit()
    slug, label = org.slug, member.label

    first = browser.new_context(base_url=live_server.url)
    page = first.new_page()
    log_in(page, maker)
    page.goto(f"/o/{slug}/loans/new")
    page.fill("form[method=post] input[name=member]", label)  # the box above is the name search
    page.fill("input[name=amount]", "2,000")
    page.fill("input[name=purpose]", "Hospital bill")
    with page.expect_navigation():
        page.click("form button:has-text('Enter application')")
    assert "another officer approves it" in page.inner_text("main")
    assert page.locator("form[action$='/approve']").count() == 0  # the maker is not offered Approve
    shot(page, "loans-application")
    first.close()

    second = browser.new_context(base_url=live_server.url)
    page = second.new_page()
    log_in(page, checker)
    page.goto(f"/o/{slug}/loans/")
    assert "Joy Villanueva" in page.inner_text("main") and "09170002222" in page.inner_text("main")
    shot(page, "loans-worklist")
    with page.expect_navigation():
        page.locator("tr", has_text="Rosario").locator("a").first.click()
    with page.expect_navigation():
        page.click("form[action$='/approve'] button")
    with page.expect_navigation():
        page.click("form[action$='/release'] button")
    text = page.inner_text("main")
    assert "333.35" in text and "active" in text
    shot(page, "loans-detail")
    number = page.locator("h1").inner_text().split()[1]

    page.goto(f"/o/{slug}/loans/repay")
    page.fill("form[method=post] input[name=loan]", number)
    page.fill("input[name=amount]", "343.33")
    with page.expect_navigation():
        page.click("form button:has-text('Record and issue receipt')")
    assert "/receipts/" in page.url and "343.33" in page.inner_text("main")
    page.goto(f"/o/{slug}/loans/repay")
    page.fill("form[method=post] input[name=loan]", number)
    page.fill("input[name=amount]", "99999")
    with page.expect_navigation():
        page.click("form button:has-text('Record and issue receipt')")
    assert "more than the" in page.inner_text("main")
    shot(page, "loans-overpayment-refused")
    second.close()


def test_the_member_sees_her_loan_and_schedule_on_a_phone(make_org, make_user, phone_page, log_in, shot):
    org = make_org()
    maker, checker, user = make_user(org, "officer"), make_user(org, "officer"), make_user(org, "member")
    member = create_member(org.id, name="Analyn Ramos", actor_id=None, status="active", user_id=user.id)
    on = today() - timedelta(days=10)
    loan = loans.apply(org.id, member.id, loans.product_by_code(org.id, "emergency").id, 150_000, on=on,
                       actor_id=maker.id)
    loans.approve(org.id, loan.id, actor_id=checker.id, on=on)
    loans.release(org.id, loan.id, on=on, actor_id=checker.id)
    db.session.commit()
    log_in(phone_page, user)
    phone_page.goto(f"/o/{org.slug}/loans/mine/{loan.id}")
    text = phone_page.inner_text("main")
    assert "1,545.00" in text and "Schedule" in text
    shot(phone_page, "loans-member-phone")
