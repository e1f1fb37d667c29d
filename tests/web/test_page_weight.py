"""Slow 3G: a member's page is at most 60 KB gzipped, everything text is gzipped, nothing comes from elsewhere."""
import gzip
import re
from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.members.services import create_member, member_party

BUDGET = 60 * 1024
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.controls_disagree  # paid-up capital posted directly, without subscriptions
def test_a_members_landing_page_is_under_60_kb_gzipped(make_org, make_user, login):
    org = make_org()
    user = make_user(org, "member")
    party = member_party(create_member(org.id, name="Maria Santos", actor_id=None, status="active", user_id=user.id))
    for month in range(1, 13):
        ledger.post(Entry(org.id, date(2025, month, 5), "Share capital", (
            Line("cash_on_hand", debit=10_000), Line("paid_up_share_capital_common", credit=10_000, party_id=party))))
    db.session.commit()
    client = login(user)
    landing = client.get("/", headers=GZIP, follow_redirects=True)
    assert landing.status_code == 200 and landing.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(landing.data).decode()
    assert "<html" in html
    weight = len(landing.data)
    for url in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html):
        assert url.startswith("/"), f"{url}: everything comes from coop itself, no CDN"
        asset = client.get(url, headers=GZIP)
        assert asset.status_code == 200
        weight += len(asset.data)
    assert weight < BUDGET, f"the member's landing page weighs {weight} bytes gzipped with its assets"


def test_text_is_gzipped_only_for_clients_that_accept_it(make_org, make_user, login, api):
    org = make_org()
    officer = make_user(org, "officer")
    client = login(officer)
    page = client.get(f"/o/{org.slug}/ledger/accounts", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert int(page.headers["Content-Length"]) == len(page.data) < len(gzip.decompress(page.data)) / 3
    plain = client.get(f"/o/{org.slug}/ledger/accounts")
    assert "Content-Encoding" not in plain.headers and b"<html" in plain.data
    style = client.get("/static/coop.css", headers=GZIP)
    assert style.headers["Content-Encoding"] == "gzip" and b"{" in gzip.decompress(style.data)
    with client.get("/static/coop.css") as unzipped:
        assert unzipped.data == gzip.decompress(style.data)
    document = api(officer).get("/api/v1/openapi.json", headers=GZIP)
    assert document.headers["Content-Encoding"] == "gzip"
