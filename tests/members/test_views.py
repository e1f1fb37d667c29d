import re
from datetime import date

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.members import services, shares
from coop.members.models import Member, SharePayment
from coop.receipts.models import Receipt
from coop.timeutil import today
from coop.manifest import PortalSection, plugins

from .conftest import DAY


def paying_member(coop, officer, make_member, name="Ana Reyes", login=True):
    member = make_member(name, login=login)
    shares.subscribe(coop.id, member.id, shares=20, on=today(), installments=4, actor_id=officer.id)
    db.session.commit()
    return member


def test_member_page_shows_her_balance_and_next_due_date(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    shares.record_payment(coop.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
    db.session.commit()
    login(ana.user)
    assert client.get(f"/o/{coop.slug}/").headers["Location"].endswith(f"/o/{coop.slug}/me")
    page = client.get(f"/o/{coop.slug}/me")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(page.data) < 60_000
    assert "₱500.00" in html and "₱1,500.00" in html
    next_due = shares.summary(coop.id, services.get_member(coop.id, ana.id), today()).next_due_on
    assert next_due.year == today().year or next_due.year == today().year + 1
    assert "Paid" in html and "Ana Reyes" in html


def test_each_payment_shows_on_her_page(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    login(ana.user)
    for n in range(1, 5):
        shares.record_payment(coop.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
        db.session.commit()
        html = client.get(f"/o/{coop.slug}/me").get_data(as_text=True)
        paid_up = re.search(r"Paid-up</span><strong>([^<]+)<", html).group(1)
        still = re.search(r"Still to pay</span><strong>([^<]+)<", html).group(1)
        assert (paid_up, still) == (f"₱{500 * n:,}.00", f"₱{2000 - 500 * n:,}.00")


def test_portal_renders_every_registered_section_after_shares(coop, officer, make_member, login, client, app):
    ana = paying_member(coop, officer, make_member)
    seen = []
    section = PortalSection("members/_test_section.html", lambda org_id, member_id: seen.append(member_id) or {"n": 7},
                            order=60)
    from jinja2 import ChoiceLoader, DictLoader

    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"members/_test_section.html": "<p>loans block {{ n }}</p>"}),
                                         loader])
    plugins(app).portal.append(section)
    try:
        login(ana.user)
        html = client.get(f"/o/{coop.slug}/me").get_data(as_text=True)
    finally:
        plugins(app).portal.remove(section)
        app.jinja_env.loader = loader
    assert seen == [ana.id]
    assert "loans block 7" in html and html.index("Share capital") < html.index("loans block 7")


def test_a_member_cannot_see_another_members_pages(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member, "Ana")
    bea = paying_member(coop, officer, make_member, "Bea")
    shares.record_payment(coop.id, bea.id, amount=2_000_00, on=today(), actor_id=officer.id)
    db.session.commit()
    payment = shares.payments_of(coop.id, bea.id)[0]
    subscription = shares.subscriptions_of(coop.id, bea.id)[0]
    login(ana.user)
    slug = coop.slug
    for url in (f"/o/{slug}/members/{bea.id}", f"/o/{slug}/members/{bea.id}/statement", f"/o/{slug}/members/",
                f"/o/{slug}/receipts/{payment.receipt_id}", f"/o/{slug}/receipts/{payment.receipt_id}.pdf",
                f"/o/{slug}/members/subscriptions/{subscription.id}/certificate.pdf"):
        assert client.get(url).status_code == 404, url
    mine = client.get(f"/o/{slug}/me/statement").get_data(as_text=True)
    assert "Ana" in mine and "Bea" not in mine and bea.label not in mine


def test_statement_page_and_pdf(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    shares.record_payment(coop.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
    db.session.commit()
    login(ana.user)
    page = client.get(f"/o/{coop.slug}/me/statement?start={today().replace(month=1, day=1)}&end={today()}")
    assert page.status_code == 200 and "Payment on my shares" in page.get_data(as_text=True)
    pdf = client.get(f"/o/{coop.slug}/me/statement?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = client.get(f"/o/{coop.slug}/me/statement?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 422


def test_officer_records_a_payment_in_three_fields(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    login(officer)
    assert client.get(f"/o/{coop.slug}/members/payments/new").status_code == 200
    response = client.post(f"/o/{coop.slug}/members/payments",
                           data={"member": ana.label, "amount": "500", "on": today().isoformat(), "idempotency_key": "a1"})
    assert response.status_code == 303 and "/receipts/" in response.headers["Location"]
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "OR-000001" in receipt
    # the same form posted twice records one payment
    client.post(f"/o/{coop.slug}/members/payments",
                data={"member": ana.label, "amount": "500", "on": today().isoformat(), "idempotency_key": "a1"})
    assert db.session.query(SharePayment).count() == 1


def test_overpayment_on_the_form_gets_a_clear_message_and_writes_nothing(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    login(officer)
    url = f"/o/{coop.slug}/members/{ana.id}"
    response = client.post(f"{url}/payments", data={"amount": "2000.01", "on": today().isoformat()},
                           headers={"Referer": url})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "at most ₱2,000.00" in page
    assert db.session.query(SharePayment).count() == 0 and db.session.query(Receipt).count() == 0


def test_officer_pages_list_filter_and_audit(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member, "Ana Reyes", login=False)
    make_member("Bea Santos", status="applicant")
    login(officer)
    html = client.get(f"/o/{coop.slug}/members/?q=reyes").get_data(as_text=True)
    assert "Ana Reyes" in html and "Bea Santos" not in html
    html = client.get(f"/o/{coop.slug}/members/?status=applicant").get_data(as_text=True)
    assert "Bea Santos" in html and "Ana Reyes" not in html
    assert client.get(f"/o/{coop.slug}/members/{ana.id}").status_code == 200
    assert db.session.query(AuditEvent).filter_by(action="member.view", target_id=str(ana.id)).count() == 1
    html = client.get(f"/o/{coop.slug}/").get_data(as_text=True)
    assert "Share capital paid-up" in html and "Installments overdue" in html


def test_overdue_filter(coop, officer, make_member):
    ana = make_member("Ana")
    make_member("Bea")
    shares.subscribe(coop.id, ana.id, shares=20, on=DAY, installments=4, actor_id=officer.id)
    assert [m.id for m in services.search_members(coop.id, overdue_on=date(2026, 3, 2))] == [ana.id]
    assert services.search_members(coop.id, overdue_on=date(2026, 3, 1)) == []
    assert [m.name for m in services.search_members(coop.id, "m-0002")] == ["Bea"]


def test_application_admission_and_her_login(coop, officer, login, client, app):
    login(officer)
    response = client.post(f"/o/{coop.slug}/members/", data={"name": "Carmen Lopez", "mobile": "0917 123 4567"})
    assert response.status_code == 303
    carmen = db.session.query(Member).filter_by(name="Carmen Lopez").one()
    assert (carmen.status, carmen.mobile) == ("applicant", "09171234567")
    url = f"/o/{coop.slug}/members/{carmen.id}"
    on = today().isoformat()  # she applied today: she is admitted, subscribes and pays today, not before
    client.post(f"{url}/admission", data={"on": on}, headers={"Referer": url})
    assert db.session.get(Member, carmen.id).status == "applicant"  # no board resolution: refused
    client.post(f"{url}/admission", data={"on": on, "board_resolution": "BR 2026-014"},
                headers={"Referer": url})
    assert "has paid at least ₱500.00" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/subscriptions", data={"shares": "20", "plan": "4-monthly", "on": on})
    client.post(f"{url}/payments", data={"amount": "500", "on": on})
    client.post(f"{url}/admission", data={"on": on, "board_resolution": "BR 2026-014"})
    page = client.get(url).get_data(as_text=True)
    password = re.search(r"initial password \(shown once\): ([\w-]+)", page).group(1)
    db.session.expire_all()
    carmen = db.session.get(Member, carmen.id)
    assert carmen.status == "active" and carmen.board_resolution == "BR 2026-014"
    other = app.test_client()
    assert other.post("/login", data={"username": f"{coop.slug}-0001", "password": password}).status_code == 303
    assert other.get(f"/o/{coop.slug}/me").status_code == 200


def test_status_change_needs_a_reason_and_a_valid_move(coop, officer, make_member):
    import pytest

    from coop.errors import Invalid

    ana = make_member()
    with pytest.raises(Invalid, match="reason"):
        services.change_status(coop.id, ana.id, "inactive", on=DAY, reason=" ", actor_id=officer.id)
    with pytest.raises(Invalid, match="cannot be made"):
        services.change_status(coop.id, ana.id, "applicant", on=DAY, reason="oops", actor_id=officer.id)
    services.change_status(coop.id, ana.id, "inactive", on=DAY, reason="moved away", actor_id=officer.id)
    assert [h.to_status for h in services.status_history(coop.id, ana.id)] == ["active", "inactive"]


def test_public_application(coop, client):
    page = client.get(f"/o/{coop.slug}/apply")
    assert page.status_code == 200
    response = client.post(f"/o/{coop.slug}/apply", data={"name": "Dolores Cruz", "barangay": "Tumana"})
    assert response.status_code == 200 and "M-0001" in response.get_data(as_text=True)
    assert db.session.query(Member).filter_by(application_source="self").count() == 1
    assert client.post(f"/o/{coop.slug}/apply", data={"name": "Bot", "website": "http://spam"}).status_code == 400


def test_certificate_only_when_fully_paid(coop, officer, make_member, login, client):
    ana = paying_member(coop, officer, make_member)
    subscription = shares.subscriptions_of(coop.id, ana.id)[0]
    login(ana.user)
    url = f"/o/{coop.slug}/members/subscriptions/{subscription.id}/certificate.pdf"
    assert client.get(url).status_code == 404
    shares.record_payment(coop.id, ana.id, amount=2_000_00, on=today(), actor_id=officer.id)
    db.session.commit()
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_withdrawal_pages_maker_checker(coop, officer, officer2, make_member, login, client, app):
    ana = paying_member(coop, officer, make_member, login=False)
    shares.record_payment(coop.id, ana.id, amount=2_000_00, on=today(), actor_id=officer.id)
    db.session.commit()
    login(officer)
    url = f"/o/{coop.slug}/members/{ana.id}"
    client.post(f"{url}/withdrawals", data={"on": today().isoformat(), "reason": "leaving"})
    withdrawal = shares.pending_withdrawals(coop.id)[0]
    decide = f"/o/{coop.slug}/members/withdrawals/{withdrawal.id}/decision"
    refused = client.post(decide, data={"approve": "1", "on": today().isoformat()})
    assert refused.status_code == 403
    assert shares.pending_withdrawals(coop.id)[0].id == withdrawal.id
    second = app.test_client()
    second.post("/login", data={"username": officer2.username, "password": "correct horse battery"})
    assert second.get(f"/o/{coop.slug}/members/withdrawals").status_code == 200
    assert second.post(decide, data={"approve": "1", "on": today().isoformat()}).status_code == 303
    db.session.expire_all()
    assert services.get_member(coop.id, ana.id).status == "withdrawn"
