"""The NGO's year closing into net assets: asked by one staff member, approved by another (coop.approvals),
through the page and the API; a closed year refuses postings; reopening is approved and audited."""
from datetime import date

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.errors import CoopError
from coop.extensions import db
from coop.grants import services
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line

from .test_statements import two_years


def _last_year_books(program, ngo):
    program.fund(2_000_000, "ILO project", on=date(2025, 6, 1))
    ledger.post(Entry(ngo.id, date(2025, 8, 1), "Office", (Line("office_expense", debit=33_333),
                                                          Line("cash_in_bank", credit=33_333))))
    db.session.commit()


def test_the_year_is_closed_and_reopened_through_the_api_by_two_people(program, ngo, api, make_user):
    _last_year_books(program, ngo)
    maker, checker, auditor = api(program.maker), api(program.checker), api(make_user(ngo, "auditor"))
    base, inbox = f"/api/v1/orgs/{ngo.slug}/grants", f"/api/v1/orgs/{ngo.slug}/approvals"
    assert maker.post(f"{base}/years/close", json={"year": 2026}).status_code == 422  # not over yet
    assert maker.post(f"{base}/years/close", json={"year": "x"}).status_code == 422
    assert auditor.post(f"{base}/years/close", json={"year": 2025}).status_code == 403
    asked = maker.post(f"{base}/years/close", json={"year": 2025})
    assert asked.status_code == 202 and asked.json["kind"] == "grants.close_year"
    assert closing_stands(ngo, 2025) is False  # nothing posted before the approval
    assert maker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 403
    assert auditor.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 403
    assert checker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 200
    assert checker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 409  # once
    years = {row["year"]: row for row in auditor.get(f"{base}/years").json}
    assert years[2025]["closed"] and years[2025]["entry_id"]
    assert maker.post(f"{base}/years/close", json={"year": 2025}).status_code == 409  # already closed
    # a closed year refuses postings, even through the API's manual entry
    with pytest.raises(CoopError):
        ledger.post(Entry(ngo.id, date(2025, 10, 1), "Late bill", (Line("office_expense", debit=100),
                                                                  Line("cash_in_bank", credit=100))))
    db.session.rollback()
    assert maker.post(f"{base}/years/reopen", json={"year": 2025}).status_code == 422  # no reason
    asked = maker.post(f"{base}/years/reopen", json={"year": 2025, "reason": "Auditor's adjustment"})
    assert asked.status_code == 202
    assert checker.post(f"{inbox}/{asked.json['id']}/approval", json={}).status_code == 200
    assert closing_stands(ngo, 2025) is False and not ledger.is_closed(ngo.id, date(2025, 10, 1))
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.org_id == ngo.id)))
    assert {"grants.year.close", "grants.year.reopen"} <= actions
    assert maker.post(f"{base}/years/reopen", json={"year": 2025, "reason": "again"}).status_code == 409
    assert ledger.recompute_problems(ngo.id) == []


def closing_stands(ngo, year) -> bool:
    db.session.expire_all()
    return services.closing_of(ngo.id, year) is not None


def test_the_page_asks_and_the_inbox_approves(program, ngo, login, make_user, app):
    _last_year_books(program, ngo)
    page = f"/o/{ngo.slug}/grants/year-end"
    auditor = app.test_client()
    login_as = login  # one client per person
    client = login_as(program.maker)
    assert client.get(page).status_code == 200
    refused = client.post(f"{page}/close", data={"year": "2026"})
    assert refused.status_code == 303  # back to the form with the message next to the field
    assert "not ended" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.post(f"{page}/close", data={"year": "2025"}).status_code == 303
    [asked] = services.pending_requests(ngo.id)
    waiting = client.get(page).get_data(as_text=True)
    assert "Waiting for a second staff member" in waiting and "No year to close." in waiting  # not asked twice
    assert client.post(f"/o/{ngo.slug}/approvals/{asked.id}/approve", data={}).status_code in (303, 403)
    assert services.closing_of(ngo.id, 2025) is None  # the maker's own approval did nothing
    client.post("/logout")
    client = login_as(program.checker)
    assert client.post(f"/o/{ngo.slug}/approvals/{asked.id}/approve", data={}).status_code == 303
    db.session.expire_all()
    assert services.closing_of(ngo.id, 2025) is not None
    text = client.get(page).get_data(as_text=True)
    assert "Reopen a year" in text and "Closed" in text
    assert auditor.get(page).status_code in (302, 303, 401)  # not logged in


def test_a_cooperative_has_no_ngo_year_end(make_org, make_user, login):
    coop = make_org("cooperative")
    client = login(make_user(coop, "admin"))
    assert client.get(f"/o/{coop.slug}/grants/year-end").status_code == 404


def test_the_closing_is_one_act_of_two_people(program, ngo):
    two_years(program, ngo)  # closes 2025 (maker asks, checker approves)
    entry = services.closing_of(ngo.id, 2025)
    assert entry is not None and ledger.is_closed(ngo.id, date(2025, 12, 31))
    with pytest.raises(services.NotSecondPerson):
        services.reopen_year(ngo.id, 2025, reason="x", requested_by=program.maker.id, approved_by=program.maker.id)
