"""The foundation in a real browser: an officer's manual entry reaches the trial balance; members see only their own."""
from coop.extensions import db
from coop.ledger import services as ledger
from coop.members.services import create_member, member_party


def test_officer_posts_a_manual_entry_and_sees_it_in_the_trial_balance(make_org, make_user, page, log_in, shot):
    org = make_org()
    officer = make_user(org, "officer")
    cash = ledger.get_account(org.id, "cash_on_hand")
    fees = ledger.get_account(org.id, "service_fees")
    db.session.rollback()

    log_in(page, officer)
    page.goto(f"/o/{org.slug}/ledger/entries/new")
    page.fill("input[name=entry_date]", "2026-03-02")
    page.fill("input[name=memo]", "Membership fees collected at the assembly")
    page.select_option("select[aria-label='Account 1']", str(cash.id))
    page.fill("input[aria-label='Debit 1']", "1,250.50")
    page.select_option("select[aria-label='Account 2']", str(fees.id))
    page.fill("input[aria-label='Credit 2']", "1250.50")
    shot(page, "foundation-new-entry")
    with page.expect_navigation():
        page.click("form button:has-text('Post')")
    assert "/ledger/entries/" in page.url
    assert "Membership fees collected at the assembly" in page.inner_text("main")
    shot(page, "foundation-entry")

    page.goto(f"/o/{org.slug}/reports/trial-balance?as_of=2026-03-31")
    cash_row = page.locator("tr", has_text=cash.code)
    fees_row = page.locator("tr", has_text=fees.code)
    assert "1,250.50" in cash_row.inner_text()
    assert "1,250.50" in fees_row.inner_text()
    assert page.locator("tr.total").inner_text().count("1,250.50") == 2
    shot(page, "foundation-trial-balance")


def test_a_member_cannot_open_another_members_statement(make_org, make_user, phone_page, log_in, shot):
    org = make_org()
    user = make_user(org, "member")
    mine = create_member(org.id, name="Maria Santos", actor_id=None, status="active", user_id=user.id)
    other = create_member(org.id, name="Lorna Reyes", actor_id=None, status="active")
    other_party = member_party(other)
    member_party(mine)
    db.session.commit()

    log_in(phone_page, user)
    shot(phone_page, "foundation-member-landing")
    response = phone_page.goto(f"/o/{org.slug}/reports/parties/{other_party}")
    assert response.status == 404
    assert "Lorna" not in phone_page.content()
    shot(phone_page, "foundation-member-404")


def test_a_member_switches_to_filipino_and_it_sticks(make_org, make_user, phone_page, log_in, shot):
    org = make_org()
    user = make_user(org, "member")
    create_member(org.id, name="Maria Santos", actor_id=None, status="active", user_id=user.id)
    db.session.commit()

    log_in(phone_page, user)
    with phone_page.expect_navigation():
        phone_page.click("footer >> text=Filipino")
    assert phone_page.locator("html").get_attribute("lang") == "fil"
    assert "Mag-log out" in phone_page.inner_text("header")
    phone_page.goto("/")  # the choice is remembered on the next page
    assert "Mag-log out" in phone_page.inner_text("header")
    shot(phone_page, "foundation-member-filipino")
