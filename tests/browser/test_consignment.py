"""An officer on a phone hands Avon goods to a member, records her sales and remittance; she sees her commission."""
from datetime import timedelta

from coop.consignment import services
from coop.extensions import db
from coop.members.services import create_member
from coop.timeutil import today


def test_officer_records_the_avon_example_and_the_member_sees_her_commission(make_org, make_user, browser, live_server,
                                                                             phone_page, log_in, shot):
    from tests.browser.conftest import PHONE

    coop = make_org("cooperative")
    officer, user = make_user(coop, "officer"), make_user(coop, "member")
    ana = create_member(coop.id, name="Ana Cruz", actor_id=None, status="active", user_id=user.id)
    avon = services.create_principal(coop.id, name="Avon", actor_id=None)
    campaign = services.create_campaign(coop.id, avon.id, code="C11", name="November brochure",
                                        starts_on=today() - timedelta(days=10), ends_on=today() + timedelta(days=11),
                                        actor_id=None)
    lipstick = services.add_item(coop.id, code="AV-LIP", name="Lipstick", list_price=25_000, principal_id=avon.id,
                                 actor_id=None)
    cologne = services.add_item(coop.id, code="AV-COL", name="Cologne", list_price=50_000, principal_id=avon.id,
                                actor_id=None)
    services.receive_goods(coop.id, avon.id, [{"item_id": lipstick.id, "qty": 20}, {"item_id": cologne.id, "qty": 10}],
                           on=today(), actor_id=None, campaign_id=campaign.id)
    db.session.commit()
    slug, member_id = coop.slug, ana.id

    page = phone_page
    log_in(page, officer)
    page.goto(f"/o/{slug}/consignment/members/{member_id}")
    issue_form = page.locator("form", has=page.get_by_role("button", name="Hand over"))
    issue_form.locator("select[name=item_id]").nth(0).select_option(label="Avon · AV-LIP Lipstick (₱250.00, 20 in stock)")
    issue_form.locator("input[name=qty]").nth(0).fill("6")
    issue_form.locator("select[name=item_id]").nth(1).select_option(label="Avon · AV-COL Cologne (₱500.00, 10 in stock)")
    issue_form.locator("input[name=qty]").nth(1).fill("4")
    with page.expect_navigation():
        issue_form.get_by_role("button", name="Hand over").click()
    assert "Goods handed to the member." in page.content()
    assert "₱3,500.00" in page.locator(".tile").nth(0).inner_text()

    sold_form = page.locator("form", has=page.get_by_role("button", name="Record as sold"))
    sold_form.get_by_label("AV-LIP").fill("6")
    sold_form.get_by_label("AV-COL").fill("2")
    with page.expect_navigation():
        sold_form.get_by_role("button", name="Record as sold").click()
    assert "₱1,875.00" in page.locator(".tile").nth(1).inner_text()
    assert "₱625.00" in page.locator(".tile").nth(2).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "consignment-member-officer-phone")

    with page.expect_navigation():
        page.get_by_role("button", name="Record and print the receipt").click()
    assert "/receipts/" in page.url and "1,875.00" in page.content()

    context = browser.new_context(base_url=live_server.url, **PHONE)
    mine = context.new_page()
    log_in(mine, user)
    mine.goto(f"/o/{slug}/")
    block = mine.locator("section.portal-consignment")
    assert "₱625.00" in block.inner_text() and "₱1,000.00" in block.inner_text()
    shot(mine, "consignment-portal-phone")
    with mine.expect_navigation():
        block.get_by_role("link", name="Commission statement").click()
    assert "625.00" in mine.content() and "1,875.00" in mine.content()
    assert mine.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
