"""The checker's inbox page and API: list, detail in plain words, buttons only for those who may decide."""
from coop.approvals import services as approvals
from coop.extensions import db


def test_the_inbox_shows_buttons_only_to_a_checker(make_org, make_user, login, client, box):
    org = make_org()
    maker, checker, auditor = make_user(org, "officer"), make_user(org, "officer"), make_user(org, "auditor")
    row = approvals.hold(org.id, "test.always", {"what": "a thing"}, maker_id=maker.id, amount=123_456)
    db.session.commit()
    for who, buttons in ((maker, False), (auditor, False), (checker, True)):
        login(who)
        listing = client.get(f"/o/{org.slug}/approvals/").get_data(as_text=True)
        assert "1,234.56" in listing
        page = client.get(f"/o/{org.slug}/approvals/{row.id}").get_data(as_text=True)
        assert "a thing" in page and ("Approve and carry out" in page) is buttons
        client.post("/logout")
    login(maker)
    refused = client.post(f"/o/{org.slug}/approvals/{row.id}/approve", data={})
    assert refused.status_code == 403 and approvals.NotTheChecker.MESSAGE in refused.get_data(as_text=True)
    client.post("/logout")
    login(checker)
    done = client.post(f"/o/{org.slug}/approvals/{row.id}/approve", data={"note": "fine"})
    assert done.status_code == 303 and len(box.runs) == 1
    assert "approved" in client.get(done.location).get_data(as_text=True)


def test_reject_needs_a_reason_on_the_page(make_org, make_user, login, client, box):
    org = make_org()
    row = approvals.hold(org.id, "test.always", {}, maker_id=make_user(org, "officer").id)
    db.session.commit()
    login(make_user(org, "admin"))
    url = f"/o/{org.slug}/approvals/{row.id}"
    assert client.post(f"{url}/reject", data={"reason": ""}, headers={"Referer": url}).status_code == 303
    assert approvals.get_approval(org.id, row.id).status == "pending"
    client.post(f"{url}/reject", data={"reason": "not now"})
    db.session.expire_all()
    assert approvals.get_approval(org.id, row.id).status == "rejected" and len(box.rejections) == 1


def test_the_dashboard_counts_what_waits(make_org, make_user, login, client, box):
    org = make_org()
    maker = make_user(org, "officer")
    for n in range(3):
        approvals.hold(org.id, "test.always", {"n": n}, maker_id=maker.id)
    db.session.commit()
    login(maker)
    page = client.get(f"/o/{org.slug}/").get_data(as_text=True)
    assert "Waiting for approval" in page


def test_the_api_lists_and_refuses_like_the_page(make_org, make_user, api, box):
    org = make_org()
    maker, member = make_user(org, "officer"), make_user(org, "member")
    row = approvals.hold(org.id, "test.always", {"n": 1}, maker_id=maker.id)
    db.session.commit()
    listed = api(maker).get(f"/api/v1/orgs/{org.slug}/approvals")
    assert listed.status_code == 200 and [r["id"] for r in listed.json] == [row.id]
    refused = api(maker).post(f"/api/v1/orgs/{org.slug}/approvals/{row.id}/approval", json={})
    assert refused.status_code == 403 and refused.json["detail"] == approvals.NotTheChecker.MESSAGE
    assert api(member).get(f"/api/v1/orgs/{org.slug}/approvals").status_code == 404
    bad = api(make_user(org, "officer")).post(f"/api/v1/orgs/{org.slug}/approvals/{row.id}/rejection",
                                              json={"reason": ""})
    assert bad.status_code == 422


def test_a_held_entry_says_its_date_in_the_readers_language(make_org, make_user, login, client):
    """The inbox showed a held journal entry's date as '2026-12-05' beside 'Dis 5, 2026' for when it was asked."""
    from coop.approvals import services as approvals
    from coop.extensions import db
    from coop.ledger import services as ledger

    org = make_org()
    maker = make_user(org, "officer")
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    payload = {"entry_date": "2026-03-04", "memo": "Gift", "lines": [
        {"account_id": cash, "debit": 100_000_000, "credit": 0, "party_id": None, "memo": None},
        {"account_id": gift, "debit": 0, "credit": 100_000_000, "party_id": None, "memo": None}]}
    held = approvals.run_or_hold(org.id, ledger.MANUAL_ENTRY_KIND, payload, maker_id=maker.id).held
    db.session.commit()
    login(make_user(org, "officer"))
    page = client.get(f"/o/{org.slug}/approvals/{held.id}?lang=fil").get_data(as_text=True)
    assert "2026-03-04" not in page and "Mar 4, 2026" in page


def test_why_a_command_failed_is_said_in_the_readers_language(make_org, make_user, login, client, api, box):
    """The failure was stored as English text with its values filled in: a Filipino page could not say it."""
    from coop.approvals.models import Approval

    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    row = approvals.hold(org.id, "test.always", {"reversed": 41}, maker_id=maker.id)
    db.session.commit()
    login(checker)
    url = f"/o/{org.slug}/approvals/{row.id}"
    failed = client.post(f"{url}/approve", data={}, headers={"Referer": url})
    assert failed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Approval, row.id).status == "failed"
    filipino = client.get(f"{url}?lang=fil").get_data(as_text=True)
    assert "Nabaligtad na ang entry 41." in filipino and "already reversed" not in filipino
    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "Entry 41 is already reversed." in english and "Why it failed" in english
    assert api(checker).get(f"/api/v1/orgs/{org.slug}/approvals/{row.id}").json["reason"] == \
        "Entry 41 is already reversed."
    assert api(checker).get(f"/api/v1/orgs/{org.slug}/approvals/{row.id}",
                            headers={"Accept-Language": "fil"}).json["reason"] == "Nabaligtad na ang entry 41."
