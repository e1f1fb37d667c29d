"""The demo member reads her statement on a 360 px phone: every amount visible, nothing to scroll sideways."""
from coop.extensions import db


def test_the_members_statement_fits_a_phone_and_a_desktop(app, phone_page, page, log_in, shot):
    from coop.demo import seed

    seed()
    db.session.commit()
    url = "/o/dawn-mpc/me/statement?start=2025-01-01"
    for viewer, width in ((phone_page, 360), (page, 1280)):
        log_in(viewer, "member", "demo-member-pass")
        viewer.goto(url)
        text = viewer.inner_text("main")
        assert "My share capital" in text and "Still owed" in text
        assert "11211" not in text and "Debit" not in text  # no account codes, no ledger columns
        assert viewer.evaluate("document.documentElement.scrollWidth") <= width, "she would scroll sideways"
        for amount in viewer.locator(".stmt-amount, .stmt-after").all():
            box = amount.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        shot(viewer, f"member-statement-{width}")
