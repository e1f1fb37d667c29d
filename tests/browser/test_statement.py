"""The demo member reads her statement on a 360 px phone: every amount visible, nothing to scroll sideways."""
from coop.extensions import db


def test_the_members_statement_fits_a_phone_and_a_desktop(app, phone_page, page, log_in, shot):
    from coop.demo import seed

    seed()
    db.session.commit()
    url = "/o/dawn-mpc/me/statement?start=2025-01-01"
    for viewer, width, lang in ((phone_page, 360, ""), (page, 1280, ""), (phone_page, 360, "fil")):
        if not lang:
            log_in(viewer, "member", "demo-member-pass")
        viewer.goto(url + (f"&lang={lang}" if lang else ""))
        text = viewer.inner_text("main")
        if lang:  # her words in Filipino: each subscription, each loan, her savings
            assert "Babayaran pa" in text and "Bayad sa aking shares" in text and "Deposito" in text
        else:
            assert "Still to pay" in text and "Still owed" in text and "SC-" in text and "Regular savings" in text
        assert "11211" not in text and "Debit" not in text  # no account codes, no ledger columns
        assert viewer.evaluate("document.documentElement.scrollWidth") <= width, "she would scroll sideways"
        for amount in viewer.locator(".stmt-amount, .stmt-after").all():
            box = amount.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        shot(viewer, f"member-statement-{width}{lang}")


def test_no_member_page_scrolls_sideways_on_a_phone(app, phone_page, log_in, shot):
    """Every page the member's own pages link to, in English and Filipino, fits 360 px without sideways scrolling."""
    from urllib.parse import urlsplit

    from coop.demo import seed

    seed()
    db.session.commit()
    log_in(phone_page, "member", "demo-member-pass")
    seen, queue, wide = set(), ["/o/dawn-mpc/"], []
    while queue and len(seen) < 40:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = phone_page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if phone_page.evaluate("document.documentElement.scrollWidth") > 360:
            wide.append(url)
            shot(phone_page, "too-wide-" + urlsplit(url).path.strip("/").replace("/", "-"))
        for href in phone_page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            if href.startswith("/o/dawn-mpc/") and not href.endswith(".pdf") and "format=" not in href:
                queue.append(href)
        if "lang=" not in url:
            queue.append(url + ("&" if "?" in url else "?") + "lang=fil")
    assert len(seen) > 5
    assert not wide, f"she scrolls sideways on: {wide}"


def test_her_savings_passbook_shows_every_amount_on_a_phone(app, phone_page, log_in, shot):
    """The passbook was the officers' six-column table: on a 360 px phone her withdrawals and balances were off the
    screen, inside a box she had to scroll sideways."""
    from coop.demo import seed

    seed()
    db.session.commit()
    log_in(phone_page, "member", "demo-member-pass")
    phone_page.goto("/o/dawn-mpc/me")
    with phone_page.expect_navigation():
        phone_page.get_by_role("link", name="Passbook").first.click()
    text = phone_page.inner_text("main")
    assert "Deposit" in text and "Balance" in text
    amounts = phone_page.locator(".stmt-amount, .stmt-after").all()
    assert amounts, "one line per movement"
    for amount in amounts:
        box = amount.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360.5
    shot(phone_page, "member-passbook-360")
    phone_page.goto(phone_page.url + ("&" if "?" in phone_page.url else "?") + "lang=fil")
    assert "Deposito" in phone_page.inner_text("main")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
