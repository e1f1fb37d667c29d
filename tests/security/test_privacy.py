"""Item 14 of issue 15: everything held about one member, as a file (audited); her correction requests."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line

# Her rows are made with a loan's entry posted directly (the export only has to find them), no loan behind it.
pytestmark = pytest.mark.controls_disagree


def _member(org, make_user, with_login=True, name="Ana Cruz"):
    from coop.members.services import create_member, member_party

    user = make_user(org, "member") if with_login else None
    member = create_member(org.id, name=name, actor_id=None, status="active", mobile="09171234567",
                           user_id=user.id if user else None)
    party = member_party(member)
    ledger.post(Entry(org_id=org.id, entry_date=date(2026, 5, 4), memo="Emergency loan", lines=(
        Line(account="loans_receivable_emergency", debit=150_000, party_id=party),
        Line(account="cash_on_hand", credit=150_000))))
    db.session.commit()
    return member


def test_api_export_holds_her_rows_and_no_secrets(make_org, make_user, api):
    org = make_org("cooperative")
    officer = make_user(org, "officer")
    ana = _member(org, make_user)
    other = _member(org, make_user, name="Bea Santos")
    response = api(officer).get(f"/api/v1/orgs/{org.slug}/members/{ana.id}/export")
    assert response.status_code == 200, response.json
    tables = response.json["tables"]
    assert [row["id"] for row in tables["member"]] == [ana.id]
    assert tables["member"][0]["name"] == "Ana Cruz"
    assert [row["id"] for row in tables["party"]] == [ana.party_id]
    assert [row["debit"] for row in tables["journal_line"]] == [150_000]
    assert tables["party_balance"][0]["debit_total"] == 150_000
    assert [row["id"] for row in tables["user"]] == [ana.user_id]
    assert "password_hash" not in tables["user"][0]
    text = json.dumps(response.json)
    assert "Bea Santos" not in text and str(other.party_id) not in {str(r["party_id"]) for r in tables["journal_line"]}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.export")).one()
    assert event.user_id == officer.id and event.target_id == str(ana.id)


def test_export_is_for_officers_of_her_organization(make_org, make_user, api):
    org, other_org = make_org("cooperative"), make_org("cooperative")
    ana = _member(org, make_user)
    assert api(make_user(org, "auditor")).get(f"/api/v1/orgs/{org.slug}/members/{ana.id}/export").status_code == 403
    assert api(make_user(other_org, "officer")).get(
        f"/api/v1/orgs/{org.slug}/members/{ana.id}/export").status_code == 404
    assert api(make_user(org, "officer")).get(
        f"/api/v1/orgs/{org.slug}/members/2147483647/export").status_code == 404


def test_page_export_and_correction_request(make_org, make_user, login):
    org = make_org("cooperative")
    ana = _member(org, make_user, with_login=False)
    client = login(make_user(org, "officer"))
    page = client.get(f"/o/{org.slug}/members/{ana.id}")
    assert f"/o/{org.slug}/members/{ana.id}/privacy" in page.get_data(as_text=True)
    assert client.get(f"/o/{org.slug}/members/{ana.id}/privacy").status_code == 200
    download = client.get(f"/o/{org.slug}/members/{ana.id}/export.json")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(download.data)["member_id"] == ana.id
    recorded = client.post(f"/o/{org.slug}/members/{ana.id}/corrections",
                           data={"request": "Her birth date is 1980-02-03, not 1980-03-02."})
    assert recorded.status_code == 303
    again = client.get(f"/o/{org.slug}/members/{ana.id}/export.json")
    request = json.loads(again.data)["tables"]["correction_request"][0]
    assert request["status"] == "open" and "birth date" in request["request"]
    closed = client.post(f"/o/{org.slug}/corrections/{request['id']}/close",
                         data={"status": "corrected", "outcome": "Fixed"})
    assert closed.status_code == 303
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(ana.id))))
    assert {"member.export", "member.correction_request", "member.correction_corrected"} <= actions


def test_correction_request_over_the_api(make_org, make_user, api):
    org = make_org("cooperative")
    ana = _member(org, make_user, with_login=False)
    client = api(make_user(org, "officer"))
    base = f"/api/v1/orgs/{org.slug}/members/{ana.id}/corrections"
    made = client.post(base, json={"request": "Wrong barangay"})
    assert made.status_code == 201 and made.json["status"] == "open"
    assert [c["id"] for c in client.get(base).json] == [made.json["id"]]
    closed = client.post(f"/api/v1/orgs/{org.slug}/corrections/{made.json['id']}/close",
                         json={"status": "refused", "outcome": "The record is right"})
    assert closed.status_code == 200 and closed.json["status"] == "refused"
    assert client.post(f"/api/v1/orgs/{org.slug}/corrections/{made.json['id']}/close",
                       json={"status": "corrected"}).status_code == 422
