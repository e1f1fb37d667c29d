"""The flow through the API and the pages: close, propose, review, approve, post, pay out, the slip."""
from coop.approvals import services as approvals
from coop.timeutil import today


def test_the_year_is_closed_allocated_and_paid_through_the_api(books, api, make_user):
    maker, checker = api(books.maker), api(books.checker)
    base = f"/api/v1/orgs/{books.org.slug}/yearend"
    law = {"reserve": 10, "education": 10, "federation_share": 50, "community": 3, "optional": 7,
           "interest_rate": 5}
    refused = maker.post(f"{base}/allocations", json={"year": books.year, **law})
    assert refused.status_code == 422 and refused.json["detail"].startswith("Close")
    inbox = f"/api/v1/orgs/{books.org.slug}/approvals"
    asked = maker.post(f"{base}/years/close", json={"year": books.year})
    assert asked.status_code == 202 and asked.json["kind"] == "yearend.close_year"
    assert maker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 403
    closed = checker.post(f"{inbox}/{asked.json['id']}/approval", json={})
    assert closed.status_code == 200 and closed.json["status"] == "approved"
    assert maker.get(f"{base}/years").json[0]["status"] == "closed"
    proposal = maker.post(f"{base}/allocations", json={"year": books.year, **law})
    assert proposal.status_code == 201 and all(check["passed"] for check in proposal.json["checks"])
    number = proposal.json["id"]
    assert sum(line["interest"] for line in proposal.json["schedule"]) == proposal.json["amounts"]["interest"]
    assert maker.post(f"{base}/allocations/{number}/post", json={"on": today().isoformat()}).status_code == 422
    assert maker.post(f"{base}/allocations/{number}/review", json={}).status_code == 200
    bad = maker.post(f"{base}/allocations/{number}/approval", json={"resolution_number": ""})
    assert bad.status_code == 422
    asked = maker.post(f"{base}/allocations/{number}/approval",
                       json={"resolution_number": "GA-7", "assembly_date": today().isoformat()})
    assert asked.status_code == 202
    assert checker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 200
    approved = maker.get(f"{base}/allocations/{number}").json
    assert approved["status"] == "approved" and approved["resolution_number"] == "GA-7"
    posted = maker.post(f"{base}/allocations/{number}/post", json={"on": today().isoformat()},
                        headers={"Idempotency-Key": "ye-post"})
    assert posted.status_code == 200 and posted.json["entry_id"]
    paid = maker.post(f"{base}/allocations/{number}/members/{books.cora.id}/payout",
                      json={"choice": "cash", "on": today().isoformat()})
    assert paid.status_code == 200 and paid.json["to_cash"] == paid.json["interest"] + paid.json["refund"]


def test_the_pages_walk_the_same_flow(books, login, make_user):
    from coop.yearend import services as yearend

    client = login(books.maker)
    home = f"/o/{books.org.slug}/yearend/"
    assert client.get(home).status_code == 200
    response = client.post(f"{home}close", data={"year": books.year})
    assert response.status_code == 303
    [asked] = yearend.pending_requests(books.org.id)
    assert client.get(home).status_code == 200
    approvals.approve(books.org.id, asked.id, books.checker.id)
    from coop.extensions import db
    db.session.commit()
    response = client.post(f"{home}allocations", data={"year": books.year, "reserve": "10", "education": "10",
                                                        "federation_share": "50", "community": "3", "optional": "7",
                                                        "interest_rate": "5", "capital_method": "daily"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and b"Checks" in page.data
    bad = client.post(f"{home}allocations", data={"year": books.year, "reserve": "abc"})
    assert bad.status_code in (303, 422)


def test_the_slip_the_payout_form_and_her_portal(books, login, make_user, client):
    from coop.extensions import db
    from coop.yearend import services as yearend

    org = books.org
    approvals.approve(org.id, yearend.ask_to_close(org.id, books.year, actor_id=books.maker.id).id, books.checker.id)
    allocation = yearend.propose(org.id, books.year, actor_id=books.maker.id, reserve_bp=1_000, education_bp=1_000,
                                 federation_bp=5_000, community_bp=300, optional_bp=700, interest_rate_bp=500)
    yearend.review(org.id, allocation.id, board_resolution=None, actor_id=books.maker.id)
    asked = yearend.ask_to_approve(org.id, allocation.id, resolution_number="GA-9", assembly_date=today(),
                                   actor_id=books.maker.id)
    approvals.approve(org.id, asked.id, books.checker.id)
    yearend.post_allocation(org.id, allocation.id, on=today(), actor_id=books.maker.id)
    her = make_user(org, "member")
    books.bea.user_id = her.id
    db.session.commit()

    officer = login(books.maker)
    slip = f"/o/{org.slug}/yearend/allocations/{allocation.id}/members/{books.bea.id}"
    page = officer.get(slip)
    assert page.status_code == 200 and b"YE-" in page.data
    assert officer.get(f"{slip}.pdf").data.startswith(b"%PDF")
    response = officer.post(f"{slip}/payout", data={"choice": "share_capital", "on": today().isoformat(),
                                                     "cash_account": "cash_on_hand"})
    assert response.status_code == 303
    line = yearend.get_line(org.id, allocation.id, books.bea.id)
    # Bea owed PhP800 on her subscription: her interest and refund went there first
    assert line.paid_on == today() and line.to_subscription == min(800_00, line.total)
    assert line.to_subscription + line.to_share_capital + line.to_cash == line.total
    officer.get("/logout")

    mine = login(her)
    portal = mine.get(f"/o/{org.slug}/me")
    assert portal.status_code == 200 and b"patronage refund" in portal.data.lower()
    assert mine.get(f"/o/{org.slug}/yearend/me/{allocation.id}").status_code == 200
    assert mine.get(f"/o/{org.slug}/yearend/me/{allocation.id}.pdf").data.startswith(b"%PDF")
    assert mine.get(slip).status_code in (403, 404)


def test_every_form_posted_empty_or_bad_is_refused_next_to_its_fields(books, login):
    from coop.extensions import db
    from coop.yearend import services as yearend

    org = books.org
    approvals.approve(org.id, yearend.ask_to_close(org.id, books.year, actor_id=books.maker.id).id, books.checker.id)
    allocation = yearend.propose(org.id, books.year, actor_id=books.maker.id, reserve_bp=1_000, education_bp=1_000,
                                 federation_bp=5_000, community_bp=300, optional_bp=700, interest_rate_bp=500)
    db.session.commit()
    client = login(books.maker)
    home = f"/o/{org.slug}/yearend"
    posts = ["close", "reopen", "allocations", f"allocations/{allocation.id}/review",
             f"allocations/{allocation.id}/approval", f"allocations/{allocation.id}/post",
             f"allocations/{allocation.id}/members/{books.ana.id}/payout",
             f"allocations/{allocation.id}/cancel"]
    for bad in ({}, {"year": "x", "reason": "\u00a0", "on": "31/12", "choice": "gold", "assembly_date": "soon",
                     "resolution_number": "x" * 80, "reserve": "101", "board_resolution": "y" * 90}):
        for path in posts:
            response = client.post(f"{home}/{path}", data=bad)
            assert response.status_code in (303, 404, 409, 422), (path, bad, response.status_code)
