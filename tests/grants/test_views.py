from datetime import timedelta

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.grants import services
from coop.grants.models import Beneficiary, BusinessPlan, Moa, PlanLine

from .conftest import START


def test_staff_pages_render_and_views_of_her_record_are_audited(program, ngo, login, client):
    fund = program.fund()
    moa = program.moa(fund, woman=program.woman(name="Rosa Halimbawa"))
    program.release(services.tranches_of(moa.id)[0], START + timedelta(days=10))
    login(program.maker)
    base = f"/o/{ngo.slug}/grants"
    for url in ("/", "/beneficiaries", f"/beneficiaries/{moa.beneficiary_id}", f"/plans/{moa.plan_id}",
                f"/moas/{moa.id}", "/funds", f"/funds/{fund.id}", f"/beneficiaries/{moa.beneficiary_id}/file",
                f"/beneficiaries/{moa.beneficiary_id}/plans/new"):
        response = client.get(base + url)
        assert response.status_code == 200, url
        assert len(response.data) < 60_000, url
    page = client.get(f"{base}/moas/{moa.id}").get_data(as_text=True)
    assert "Rosa Halimbawa" in page and "Ask for the release" not in page  # tranche 2 waits for receipts
    views = db.session.query(AuditEvent).filter_by(action="grants.beneficiary.view",
                                                   target_id=str(moa.beneficiary_id)).count()
    assert views >= 4
    assert db.session.query(AuditEvent).filter_by(action="grants.beneficiary.list").count() == 1


def test_the_moa_pdf_is_built_from_the_data(program, ngo, login, client):
    moa = program.moa(program.fund(), sign=False)
    login(program.maker)
    response = client.get(f"/o/{ngo.slug}/grants/moas/{moa.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    # in her language: the agreement's clauses and each tranche's condition
    filipino = client.get(f"/o/{ngo.slug}/grants/moas/{moa.id}/pdf?lang=fil")
    assert filipino.data.startswith(b"%PDF") and filipino.data != response.data
    page = client.get(f"/o/{ngo.slug}/grants/moas/{moa.id}?lang=fil").get_data(as_text=True)
    assert "sa paglagda ng Kasunduang ito" in page and "upon the signing" not in page


def test_reports_as_page_csv_and_pdf_without_names(program, ngo, login, client, make_user):
    fund = program.fund()
    moa = program.moa(fund, woman=program.woman(name="Rosa Halimbawa"))
    program.release(services.tranches_of(moa.id)[0], START + timedelta(days=10))
    login(make_user(ngo, "auditor"))
    for name in ("summary", "funds", "status", "tranches-due", "monitoring-due", "register"):
        url = f"/o/{ngo.slug}/grants/reports/{name}"
        page = client.get(url)
        assert page.status_code == 200, name
        assert "Rosa" not in page.get_data(as_text=True)
        csv = client.get(url + "?format=csv")
        assert csv.mimetype == "text/csv" and b"Rosa" not in csv.data
        assert client.get(url + "?format=pdf").data.startswith(b"%PDF")
    summary = client.get(f"/o/{ngo.slug}/grants/reports/summary?format=csv").get_data(as_text=True)
    assert "Tranches released,1,5000.00" in summary
    assert "they agree" in client.get(f"/o/{ngo.slug}/grants/reports/summary").get_data(as_text=True)


def test_who_sees_what(program, ngo, login, client, make_user, make_org):
    woman = program.woman()
    base = f"/o/{ngo.slug}/grants"
    coop = make_org("cooperative")
    login(make_user(coop, "officer"))
    for url in ("/", "/beneficiaries", f"/beneficiaries/{woman.id}", "/funds", "/reports/summary"):
        assert client.get(base + url).status_code == 404, url
    client.post("/logout")
    login(make_user(ngo, "auditor"))
    assert client.get(base + "/beneficiaries").status_code == 403
    assert client.get(base + f"/beneficiaries/{woman.id}").status_code == 403
    assert client.get(base + "/funds").status_code == 200
    assert client.post(base + "/funds", data={"donor_name": "X"}).status_code == 403
    client.post("/logout")
    login(make_user(ngo, "member"))
    assert client.get(base + f"/beneficiaries/{woman.id}").status_code == 404
    client.post("/logout")
    admin = make_user(coop, "admin")
    login(admin)
    assert client.get(f"/o/{coop.slug}/grants/").status_code == 404  # grants live only in an NGO


def test_staff_take_a_plan_through_the_forms(program, ngo, login, client):
    fund = program.fund()
    woman = program.woman()
    login(program.maker)
    base = f"/o/{ngo.slug}/grants"
    form = {"business_type": "Sari-sari store", "location": "Home front", "amount_requested": "10,000",
            "projected_sales": "6000", "projected_costs": "4000",
            "item[]": ["Shelves", "", "Stock"], "amount[]": ["3000", "", "7000"]}
    response = client.post(f"{base}/beneficiaries/{woman.id}/plans", data=form)
    assert response.status_code == 303
    plan = db.session.query(BusinessPlan).one()
    assert [(l.item, l.amount) for l in db.session.query(PlanLine).order_by(PlanLine.id)] == [
        ("Shelves", 300_000), ("Stock", 700_000)]
    assert client.post(f"{base}/plans/{plan.id}/submit").status_code == 303
    review = {"interviewed_on": START.isoformat(), "interview_note": "Good.", "visited_on": START.isoformat(),
              "visit_note": "Seen.", "feasibility_note": "Fine.", "decision": "approved", "reason": "Sound.",
              "idempotency_key": "form-key"}
    assert client.post(f"{base}/plans/{plan.id}/review", data=review).status_code == 303
    schedule = {"fund_id": fund.id, "centre_signatory": "Director",
                "amount[]": ["6000", "4000", ""], "planned_on[]": [START.isoformat(), START.isoformat(), ""],
                "condition[]": ["on_signing", "receipts", "sales_report"]}
    assert client.post(f"{base}/plans/{plan.id}/moa", data=schedule).status_code == 303
    moa = db.session.query(Moa).one()
    assert [t.amount for t in services.tranches_of(moa.id)] == [600_000, 400_000]
    assert client.post(f"{base}/moas/{moa.id}/sign", data={"signed_on": START.isoformat()}).status_code == 303
    first = services.tranches_of(moa.id)[0]
    assert client.post(f"{base}/tranches/{first.id}/request", data={"release_on": START.isoformat()}).status_code == 303
    refused = client.post(f"{base}/tranches/{first.id}/approve", data={"idempotency_key": "a"})
    assert refused.status_code == 403 and "maker-checker" in refused.get_data(as_text=True)  # as in every domain
    db.session.expire_all()
    assert services.get_tranche(ngo.id, first.id).status == "pending"
    client.post("/logout")
    login(program.checker)
    assert client.post(f"{base}/tranches/{first.id}/approve", data={"idempotency_key": "b"}).status_code == 303
    db.session.expire_all()
    released = services.get_tranche(ngo.id, first.id)
    assert released.status == "released" and released.approved_by == program.checker.id
    assert services.fund_position(fund).released == 600_000


def test_bad_input_comes_back_with_a_message_and_writes_nothing(program, ngo, login, client):
    woman = program.woman()
    login(program.maker)
    base = f"/o/{ngo.slug}/grants"
    before = db.session.query(Beneficiary).count()
    response = client.post(f"{base}/beneficiaries", data={"name": "", "mobile": "call me"},
                           headers={"Referer": f"{base}/beneficiaries"})
    assert response.status_code == 303
    assert db.session.query(Beneficiary).count() == before
    page = client.get(f"{base}/beneficiaries").get_data(as_text=True)
    assert "phone number" in page or "required" in page.lower()
    response = client.post(f"{base}/beneficiaries/{woman.id}/plans", data={
        "business_type": "Eatery", "location": "Home", "amount_requested": "20000", "projected_sales": "1",
        "projected_costs": "1", "item[]": ["Stove"], "amount[]": ["20000"]},
        headers={"Referer": f"{base}/beneficiaries/{woman.id}/plans/new"})
    assert response.status_code == 303 and db.session.query(BusinessPlan).count() == 0
    assert "outside" in client.get(f"{base}/beneficiaries/{woman.id}/plans/new").get_data(as_text=True)


def test_dashboard_tiles_for_grant_staff(program, ngo, login, client):
    program.fund(1_000_000)
    login(program.maker)
    page = client.get(f"/o/{ngo.slug}/").get_data(as_text=True)
    assert "Donor funds left" in page and "Releases to approve" in page
