"""The flow through the API and the pages: close, propose, review, approve, post, pay out, the slip."""
from coop.timeutil import today


def test_the_year_is_closed_allocated_and_paid_through_the_api(books, api, make_user):
    maker, checker = api(books.maker), api(books.checker)
    base = f"/api/v1/orgs/{books.org.slug}/yearend"
    law = {"reserve": 10, "education": 10, "federation_share": 50, "community": 3, "optional": 7,
           "interest_rate": 5}
    refused = maker.post(f"{base}/allocations", json={"year": books.year, **law})
    assert refused.status_code == 422 and refused.json["detail"].startswith("Close")
    asked = maker.post(f"{base}/years/close", json={"year": books.year})
    assert asked.status_code == 201
    assert maker.post(f"{base}/requests/{asked.json['id']}/approve").status_code == 403
    closed = checker.post(f"{base}/requests/{asked.json['id']}/approve")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
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
    assert asked.status_code == 201
    approved = checker.post(f"{base}/requests/{asked.json['id']}/approve")
    assert approved.json["status"] == "approved" and approved.json["resolution_number"] == "GA-7"
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
    yearend.decide(books.org.id, asked.id, approve=True, actor_id=books.checker.id)
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
