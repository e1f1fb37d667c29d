"""Loan pages: the officers' worklist, maker-checker in the browser-less client, the three-field payment,
products, reports in three formats, and the member's own loans (another's are 404)."""
from datetime import timedelta

from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.loans.models import Loan
from coop.timeutil import today


def _emergency(coop):
    return loans.product_by_code(coop.id, "emergency")


def _released(coop, member, officer, checker, amount=200_000, on=None):
    on = on or today() - timedelta(days=20)
    loan = loans.apply(coop.id, member.id, _emergency(coop).id, amount, on=on, actor_id=officer.id)
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=on)
    loans.release(coop.id, loan.id, on=on, actor_id=checker.id)
    db.session.commit()
    return loan


def test_application_approval_release_and_payment_through_the_pages(coop, member, officer, checker, login, client,
                                                                    counts):
    base = f"/o/{coop.slug}/loans"
    login(officer)
    assert client.get(f"{base}/new").status_code == 200
    response = client.post(f"{base}/", data={"member": member.label, "product_id": _emergency(coop).id,
                                             "amount": "2,000", "purpose": "Medicine", "idempotency_key": "k1"})
    assert response.status_code == 303
    loan = db.session.scalar(select(Loan).where(Loan.org_id == coop.id))
    # the maker cannot approve her own entry: back to the page with the message, nothing changed
    response = client.post(f"{base}/{loan.id}/approve", data={}, headers={"Referer": f"{base}/{loan.id}"})
    assert response.status_code == 403
    db.session.refresh(loan)
    assert loan.status == "applied"

    client.post("/logout")
    login(checker)
    page = client.get(f"{base}/")
    assert loan.number in page.get_data(as_text=True)
    assert client.post(f"{base}/{loan.id}/approve", data={}).status_code == 303
    assert client.post(f"{base}/{loan.id}/release", data={"idempotency_key": "rel"}).status_code == 303
    db.session.refresh(loan)
    assert loan.status == "active"
    detail = client.get(f"{base}/{loan.id}").get_data(as_text=True)
    assert "333.35" in detail and "Record a payment" in detail

    assert client.get(f"{base}/repay").status_code == 200
    response = client.post(f"{base}/repay", data={"loan": loan.number, "amount": "343.33",
                                                  "on": today().isoformat(), "idempotency_key": "pay-1"})
    assert response.status_code == 303 and "/receipts/" in response.headers["Location"]
    before = counts()
    again = client.post(f"{base}/repay", data={"loan": loan.number, "amount": "343.33",
                                               "on": today().isoformat(), "idempotency_key": "pay-1"})
    assert again.status_code == 303 and counts() == before  # a double-submitted form posts once
    refused = client.post(f"{base}/repay", data={"loan": loan.number, "amount": "999999", "idempotency_key": "pay-2"},
                          headers={"Referer": f"{base}/repay"})
    assert refused.status_code == 303 and counts() == before
    follow = client.get(f"{base}/repay").get_data(as_text=True)
    assert "more than the" in follow
    pdf = client.get(f"{base}/{loan.id}/schedule.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "loan.view"))


def test_worklist_shows_due_and_overdue_with_phone_numbers(coop, member, make_member, officer, checker, login, client):
    _released(coop, member, officer, checker, on=today() - timedelta(days=20))
    other = make_member(name="Bea Santos", mobile="09181112222")
    loans.open_commodity_loan(coop.id, other.id, 50_000, today() - timedelta(days=13),
                              goods_lines=(Line("sales", credit=50_000),), memo="Goods", source=None, source_id=None,
                              idempotency_key="s", actor_id=None)
    db.session.commit()
    login(officer)
    text = client.get(f"/o/{coop.slug}/loans/").get_data(as_text=True)
    assert "Bea Santos" in text and "09181112222" in text  # due in two days
    assert "09171234567" in text  # the emergency loan's first installment is 5 days late
    assert "5</span>" in text


def test_reports_as_page_csv_and_pdf(coop, member, officer, checker, login, client):
    _released(coop, member, officer, checker, on=today() - timedelta(days=60))
    login(officer)
    for name in ("portfolio", "aging", "collections"):
        url = f"/o/{coop.slug}/loans/reports/{name}"
        assert client.get(url).status_code == 200
        csv = client.get(url + "?format=csv")
        assert csv.status_code == 200 and csv.mimetype == "text/csv"
        assert client.get(url + "?format=pdf").data.startswith(b"%PDF")
    aging = client.get(f"/o/{coop.slug}/loans/reports/aging?format=csv").get_data(as_text=True)
    assert "31-60 days,1,2000.00" in aging
    portfolio = client.get(f"/o/{coop.slug}/loans/reports/portfolio?format=csv").get_data(as_text=True)
    assert "Emergency loan,1,2000.00,2000.00,2000.00,100.00%" in portfolio


def test_admin_edits_a_product_and_adds_one_by_configuration(coop, make_user, login, client):
    admin = make_user(coop, "admin")
    login(admin)
    product = _emergency(coop)
    db.session.commit()
    assert client.get(f"/o/{coop.slug}/loans/products/{product.id}").status_code == 200
    response = client.post(f"/o/{coop.slug}/loans/products/{product.id}", data={
        "name": "Emergency loan", "cap_method": "fixed", "cap_amount": "3,000", "cap_ceiling": "3000",
        "interest_rate_pct": "0", "active": ["true", "false"], "member_can_apply": "false"})
    assert response.status_code == 303
    db.session.refresh(product)
    assert (product.cap_amount, product.interest_rate_bp, product.active, product.member_can_apply) == (
        300_000, 0, True, False)
    response = client.post(f"/o/{coop.slug}/loans/products", data={
        "code": "livelihood", "name": "Livelihood loan", "cap_amount": "10000", "cap_ceiling": "10000",
        "frequency": "monthly", "term_count": "10", "max_term_count": "12", "interest_method": "diminishing",
        "interest_rate_pct": "1.5", "fee_method": "percent", "fee_rate_pct": "2"})
    assert response.status_code == 303
    added = loans.product_by_code(coop.id, "livelihood")
    assert (added.interest_rate_bp, added.fee_rate_bp, added.receivable_account) == (150, 200, "loans_receivable_other")


def test_an_officer_cannot_edit_products(coop, officer, login, client):
    login(officer)
    product = _emergency(coop)
    db.session.commit()
    assert client.get(f"/o/{coop.slug}/loans/products").status_code == 200
    assert client.post(f"/o/{coop.slug}/loans/products/{product.id}", data={"name": "X"}).status_code == 403


def test_member_sees_her_loans_applies_from_the_portal_and_gets_404_for_anothers(coop, make_member, make_user,
                                                                                officer, checker, login, client):
    user = make_user(coop, "member")
    mine = make_member(name="Ana Cruz", user_id=user.id)
    other = make_member(name="Lorna Reyes")
    my_loan = _released(coop, mine, officer, checker, amount=100_000, on=today() - timedelta(days=5))
    others = loans.open_commodity_loan(coop.id, other.id, 20_000, today(), goods_lines=(Line("sales", credit=20_000),),
                                       memo="Goods", source=None, source_id=None, idempotency_key="o", actor_id=None)
    db.session.commit()
    login(user)
    base = f"/o/{coop.slug}/loans"
    page = client.get(f"{base}/mine/{my_loan.id}")
    assert page.status_code == 200 and "1,000.00" in page.get_data(as_text=True)
    assert len(page.data) < 60_000
    assert client.get(f"{base}/mine/{my_loan.id}/schedule.pdf").data.startswith(b"%PDF")
    assert client.get(f"{base}/mine/{others.id}").status_code == 404
    assert client.get(f"{base}/mine/{others.id}/schedule.pdf").status_code == 404
    assert client.get(f"{base}/{others.id}").status_code == 404  # officer pages: 404 for a member
    assert client.get(f"{base}/mine/apply").status_code == 200
    # one open emergency loan at a time: refused with the reason, nothing written
    response = client.post(f"{base}/mine/apply", data={"product_id": _emergency(coop).id, "amount": "500",
                                                       "purpose": "Medicine"}, headers={"Referer": f"{base}/mine/apply"})
    assert response.status_code == 303
    assert "already has 1 open" in client.get(f"{base}/mine/apply").get_data(as_text=True)
    loans.repay(coop.id, my_loan.id, my_loan.outstanding, on=today(), actor_id=officer.id)
    db.session.commit()
    response = client.post(f"{base}/mine/apply", data={"product_id": _emergency(coop).id, "amount": "500",
                                                       "purpose": "Medicine"})
    assert response.status_code == 303
    applied = db.session.scalar(select(Loan).where(Loan.member_id == mine.id, Loan.status == "applied"))
    assert applied.applied_via == "portal" and applied.amount == 50_000


def test_portal_section_lists_her_loans_and_next_due(coop, make_member, make_user, officer, checker, app):
    from coop.loans.views import portal_section

    mine = make_member(name="Ana Cruz")
    loan = _released(coop, mine, officer, checker, amount=100_000)
    with app.test_request_context():
        context = portal_section(coop.id, mine.id)
    assert [l.id for l in context["loans_open"]] == [loan.id]
    assert context["next_rows"][loan.id].number == 1 and context["can_apply"]


def test_dashboard_tiles(coop, member, officer, checker, app):
    from coop.loans.views import dashboard_tiles

    _released(coop, member, officer, checker, amount=100_000)
    with app.test_request_context():
        tiles = dashboard_tiles(coop.id)
    assert tiles[0].value.replace("\xa0", "") == "₱1,000.00" and "1 late" in tiles[0].note


def test_over_the_cap_is_said_plainly_to_the_officer_and_to_her(coop, make_member, make_user, officer, login, client):
    """'A loan of Emergency loan is up to ₱2,000.00 for this member.' read awkwardly, worst on her own page."""
    import re

    user = make_user(coop, "member")
    mine = make_member(name="Ana Cruz", user_id=user.id)
    product = _emergency(coop)
    base = f"/o/{coop.slug}/loans"
    login(officer)
    client.post(f"{base}/", data={"member": mine.label, "product_id": product.id, "amount": "999,999",
                                  "purpose": "Medicine", "idempotency_key": "over"}, headers={"Referer": f"{base}/new"})
    html = client.get(f"{base}/new").get_data(as_text=True)
    assert re.search(re.escape(product.name) + r": at most ₱[\d,.]+ for this member\.", html), html[-3000:]
    assert "A loan of" not in html
    client.post("/logout")
    login(user)
    data = {"product_id": product.id, "amount": "999,999", "purpose": "Medicine"}
    client.post(f"{base}/mine/apply", data=data, headers={"Referer": f"{base}/mine/apply"})
    html = client.get(f"{base}/mine/apply").get_data(as_text=True)
    assert re.search(re.escape(product.name) + r": you can borrow up to ₱[\d,.]+\.", html)
    assert "for this member" not in html and "A loan of" not in html
    client.post(f"{base}/mine/apply?lang=fil", data=data, headers={"Referer": f"{base}/mine/apply"})
    html = client.get(f"{base}/mine/apply?lang=fil").get_data(as_text=True)
    assert re.search(re.escape(product.name) + r": makakahiram ka ng hanggang ₱[\d,.]+\.", html)


def test_an_admin_typing_nan_or_a_huge_rate_gets_a_message_not_a_500(coop, make_user, login, client, api):
    """'nan', 'inf' and '1e400' parse as floats; the rate field must refuse them beside the field."""
    admin = make_user(coop, "admin")
    login(admin)
    product = _emergency(coop)
    db.session.commit()
    before = product.interest_rate_bp
    for typed in ("nan", "NaN", "inf", "-inf", "1e400"):
        response = client.post(f"/o/{coop.slug}/loans/products/{product.id}", data={"interest_rate_pct": typed},
                               follow_redirects=True)
        assert response.status_code == 200, typed
        assert "Enter a percentage" in response.get_data(as_text=True), typed
        db.session.refresh(product)
        assert product.interest_rate_bp == before
    for typed in ("nan", "Infinity"):
        response = api(admin).patch(f"/api/v1/orgs/{coop.slug}/loans/products/{product.id}",
                                    json={"interest_rate_pct": typed})
        assert response.status_code == 422 and "Enter a percentage" in response.get_json()["detail"], typed


def test_all_loans_pages_back_through_every_loan(coop, make_member, officer, login, client, api):
    """A cooperative with more loans than one page holds reaches the oldest through "More", on the page and the API."""
    borrowers = [make_member(name=f"Borrower {n}", mobile=f"0917123450{n}") for n in range(3)]
    numbers = [loans.apply(coop.id, m.id, _emergency(coop).id, 100_000, on=today() - timedelta(days=3),
                           actor_id=officer.id).number for m in borrowers]
    db.session.commit()
    login(officer)
    first = client.get(f"/o/{coop.slug}/loans/all?limit=2").get_data(as_text=True)
    assert numbers[2] in first and numbers[1] in first and numbers[0] not in first
    more = f"/o/{coop.slug}/loans/all?member=&amp;status=&amp;offset=2&amp;limit=2"
    assert more in first
    second = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert numbers[0] in second and numbers[2] not in second and "offset=4" not in second
    page = api(officer).get(f"/api/v1/orgs/{coop.slug}/loans?limit=2&offset=2")
    assert page.status_code == 200 and [row["number"] for row in page.json] == [numbers[0]]
    # an offset past what the database's integers hold is a message, not a 500
    for url in (f"/api/v1/orgs/{coop.slug}/loans?offset=99999999999999999999",
                f"/api/v1/orgs/{coop.slug}/members?offset=99999999999999999999"):
        assert api(officer).get(url).status_code == 422
    assert client.get(f"/o/{coop.slug}/loans/all?offset=99999999999999999999").status_code == 422
