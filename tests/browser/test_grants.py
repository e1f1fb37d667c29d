"""Grant staff in a real browser: a business plan from submission to its first tranche, with two staff members."""
from datetime import date
from pathlib import Path

import pytest

if not (Path(__file__).parent / "conftest.py").exists():
    pytest.skip("the shared browser fixtures (tests/browser/conftest.py) are not merged yet", allow_module_level=True)

from coop.extensions import db  # noqa: E402
from coop.grants import services  # noqa: E402

PLAN = {"business_type": "Mini eatery", "location": "Home front, Quezon City", "amount_requested": 1_200_000,
        "projected_sales": 2_400_000, "projected_costs": 2_000_000,
        "lines": [{"item": "Stove and LPG tank", "amount": 450_000}, {"item": "Pots and table", "amount": 350_000},
                  {"item": "First week's ingredients", "amount": 400_000}]}


def test_grant_staff_take_a_plan_from_submission_to_the_first_release(make_org, make_user, page, browser,
                                                                      live_server, log_in, shot):
    ngo = make_org("ngo")
    maker, checker = make_user(ngo, "grant_staff"), make_user(ngo, "grant_staff")
    fund = services.add_fund(ngo.id, "ILO project", None, maker.id)
    services.receive(ngo.id, fund.id, on=date(2026, 3, 1), amount=5_000_000, reference="bank",
                     actor_id=maker.id)
    woman = services.add_beneficiary(ngo.id, {"name": "Browser Halimbawa", "town": "Quezon City"}, maker.id)
    services.certify_ready(ngo.id, woman.id, on=date(2026, 3, 1), note="Ready.", actor_id=checker.id)
    plan_id = services.create_plan(ngo.id, woman.id, PLAN, maker.id).id
    slug, fund_id = ngo.slug, fund.id
    db.session.commit()
    base = f"/o/{slug}/grants"

    log_in(page, maker)
    page.goto(f"{base}/plans/{plan_id}")
    shot(page, "grants-plan-draft")
    with page.expect_navigation():
        page.click("button:has-text('Submit for review')")
    assert "can no longer be changed" in page.inner_text("main")

    second = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    log_in(second, checker)
    second.goto(f"{base}/plans/{plan_id}")
    second.fill("input[name=interviewed_on]", "2026-03-03")
    second.fill("input[name=interview_note]", "Cooked for a canteen for years.")
    second.fill("input[name=visited_on]", "2026-03-04")
    second.fill("input[name=visit_note]", "Front of the house faces a school.")
    second.fill("input[name=feasibility_note]", "Margins realistic for the area.")
    second.select_option("select[name=decision]", "approved")
    second.fill("input[name=reason]", "Sound plan and experience.")
    with second.expect_navigation():
        second.click("button:has-text('Save the review')")
    assert "Review saved: approved" in second.inner_text("main")

    page.goto(f"{base}/plans/{plan_id}")
    page.select_option("select[name=fund_id]", str(fund_id))
    page.fill("input[name=centre_signatory]", "Centre director")
    amounts, dates = page.locator("input[name='amount[]']"), page.locator("input[name='planned_on[]']")
    for n, (amount, day) in enumerate((("6,000", "2026-03-10"), ("3,000", "2026-03-25"), ("3000", "2026-04-15"))):
        amounts.nth(n).fill(amount)
        dates.nth(n).fill(day)
    shot(page, "grants-moa-schedule")
    with page.expect_navigation():
        page.click("button:has-text('Draft the MOA')")
    assert "/moas/" in page.url
    pdf = page.request.get(page.url + "/pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    page.fill("input[name=signed_on]", "2026-03-06")
    with page.expect_navigation():
        page.click("button:has-text('Record signing')")
    page.locator("input[name=release_on]").first.fill("2026-03-10")
    with page.expect_navigation():
        page.click("button:has-text('Ask for the release')")
    assert "You asked for this release" in page.inner_text("main")
    moa_url = page.url

    second.goto(moa_url)
    with second.expect_navigation():
        second.click("button:has-text('Approve and release')")
    text = second.inner_text("main")
    assert "Tranche 1 released" in text and "Released on" in text
    assert "waits for purchase receipts for tranche 1" in text
    shot(second, "grants-moa-released")

    page.goto(f"{base}/funds/{fund_id}")
    assert "₱6,000.00" in page.inner_text("main")  # released
    shot(page, "grants-fund")
    second.context.close()
