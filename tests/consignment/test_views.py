from datetime import date

from sqlalchemy import func, select

from coop.consignment import reports, services
from coop.consignment.models import Doc
from coop.extensions import db
from coop.inventory import services as store
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.manifest import plugins
from coop.members.services import create_member

from .conftest import issue


def lines(*pairs):
    item_ids, qtys = zip(*pairs)
    return {"item_id": [str(i) for i in item_ids], "qty": [str(q) for q in qtys]}


def test_officer_issues_records_sales_and_a_remittance_through_the_pages(world, login):
    w = world
    client = login(w.officer)
    base = f"/o/{w.org.slug}/consignment"
    page = client.get(f"{base}/members/{w.ana.id}")
    assert page.status_code == 200 and b"Ana Cruz" in page.data
    response = client.post(f"{base}/members/{w.ana.id}/issues", data={
        "campaign_id": w.campaign.id, "on": "2026-03-02", "idempotency_key": "k1",
        **lines((w.lipstick.id, 6), (w.cologne.id, 4))})
    assert response.status_code == 303
    response = client.post(f"{base}/members/{w.ana.id}/sales", data={
        "campaign_id": w.campaign.id, "on": "2026-03-10", "idempotency_key": "k2",
        **lines((w.lipstick.id, 6), (w.cologne.id, 2))})
    assert response.status_code == 303
    response = client.post(f"{base}/members/{w.ana.id}/remittances", data={
        "amount": "1,875.00", "on": "2026-03-12", "paid_via": "cash_on_hand", "idempotency_key": "k3"})
    assert response.status_code == 303 and "/receipts/" in response.headers["Location"]
    summary = reports.member_summary(w.org.id, w.ana.id)
    assert (summary.owed, summary.commission_earned, summary.held_value) == (0, 62_500, 100_000)
    statement = client.get(f"{base}/members/{w.ana.id}/statement?start=2026-03-01&end=2026-03-31")
    assert statement.status_code == 200 and b"625.00" in statement.data and b"1,875.00" in statement.data
    pdf = client.get(f"{base}/members/{w.ana.id}/statement?start=2026-03-01&end=2026-03-31&format=pdf")
    assert pdf.data.startswith(b"%PDF")
    for path in ("/", f"/principals/{w.avon.id}", f"/campaigns/{w.campaign.id}"):
        assert client.get(base + path).status_code == 200, path
    assert client.get(f"{base}/campaigns/{w.campaign.id}/statement?format=pdf").data.startswith(b"%PDF")


def test_a_refused_return_comes_back_with_the_message_and_writes_nothing(world, login):
    w = world
    issue(w, lipsticks=2, colognes=1)
    db.session.commit()
    client = login(w.officer)
    before = (db.session.scalar(select(func.count()).select_from(Doc)),
              db.session.scalar(select(func.count()).select_from(JournalEntry)))
    url = f"/o/{w.org.slug}/consignment/members/{w.ana.id}"
    response = client.post(f"{url}/returns", data={"campaign_id": w.campaign.id, "on": "2026-03-03",
                                                  **lines((w.lipstick.id, 5))}, headers={"Referer": url})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert b"holds only 2" in page.data
    assert (db.session.scalar(select(func.count()).select_from(Doc)),
            db.session.scalar(select(func.count()).select_from(JournalEntry))) == before


def test_a_commission_over_100_percent_is_refused_on_the_form(world, login):
    w = world
    client = login(w.officer)
    url = f"/o/{w.org.slug}/consignment/"
    response = client.post(f"{url}principals", data={"name": "Natasha", "member_commission": "120"},
                           headers={"Referer": url})
    page = client.get(response.headers["Location"])
    assert b"cannot be more than 100%" in page.data
    assert [p.name for p in services.list_principals(w.org.id)] == ["Avon"]


def test_officer_reports_page_csv_pdf_and_dashboard_tile(world, login):
    w = world
    issue(w)
    db.session.commit()
    client = login(w.officer)
    base = f"/o/{w.org.slug}/consignment/reports"
    for name in ("goods-out", "remittances-due", "commissions", "due-to-principals"):
        assert client.get(f"{base}/{name}").status_code == 200, name
        assert client.get(f"{base}/{name}?format=csv").mimetype == "text/csv"
        assert client.get(f"{base}/{name}?format=pdf").data.startswith(b"%PDF")
    assert b"Ana Cruz" in client.get(f"{base}/goods-out").data
    dashboard = client.get(f"/o/{w.org.slug}/")
    assert b"Consigned goods out" in dashboard.data and b"3,500.00" in dashboard.data
    assert b"Amount due to principals" in client.get(f"/o/{w.org.slug}/reports/").data


def test_member_sees_her_own_statement_and_nothing_of_anothers(world, make_user, login, client):
    w = world
    user = make_user(w.org, "member")
    w.ana.user_id = user.id
    issue(w)
    services.report_sales(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 6},
                                                              {"item_id": w.cologne.id, "qty": 2}],
                          on=date(2026, 3, 10), actor_id=None)
    db.session.commit()
    login(user)
    mine = client.get(f"/o/{w.org.slug}/consignment/my/statement?start=2026-03-01&end=2026-03-31")
    assert mine.status_code == 200 and b"625.00" in mine.data
    assert client.get(f"/o/{w.org.slug}/consignment/my/statement?format=pdf").data.startswith(b"%PDF")
    for path in (f"/members/{w.bea.id}", f"/members/{w.bea.id}/statement", f"/members/{w.ana.id}", "/",
                 f"/principals/{w.avon.id}", "/reports/goods-out"):
        assert client.get(f"/o/{w.org.slug}/consignment{path}").status_code == 404, path


def test_the_portal_section_shows_what_she_holds_owes_and_earned(world, app):
    w = world
    issue(w)
    section = next(s for s in plugins(app).portal if s.template == "consignment/_portal.html")
    with app.test_request_context(f"/o/{w.org.slug}/"):
        from flask import g, render_template

        g.org = w.org
        html = render_template(section.template, **section.build(w.org.id, w.ana.id))
    assert "3,500.00" in html and "Commission statement" in html


def test_staff_of_another_cooperative_gets_404(world, make_org, make_user, login):
    other = make_org()
    client = login(make_user(other, "officer"))
    assert client.get(f"/o/{world.org.slug}/consignment/members/{world.ana.id}").status_code == 404


def test_producer_pages_and_a_sale_at_the_till(make_org, make_user, login):
    org = make_org()
    officer = make_user(org, "officer")
    lorna = create_member(org.id, name="Lorna", actor_id=None, status="active")
    db.session.commit()
    client = login(officer)
    base = f"/o/{org.slug}/consignment"
    response = client.post(f"{base}/producers", data={"member_id": lorna.id, "fee": "15"})
    producer = services.producer_of_member(org.id, lorna.id)
    assert response.status_code == 303 and producer.fee_bp == 1500
    client.post(f"{base}/items", data={"code": "FAN", "name": "Buri fan", "list_price": "120",
                                       "producer_id": producer.id})
    fan = services.list_items(org.id, producer_id=producer.id)[0]
    client.post(f"{base}/producers/{producer.id}/intakes", data={"on": "2026-03-02", **lines((fan.id, 10))})
    for _ in range(2):  # a double submit at the till records one sale
        store.record_sale(org.id, items=[store.SaleItem(f"c:{fan.id}", 4_000)], on=date(2026, 3, 3), payment="cash",
                          actor_id=officer.id, idempotency_key="s1")
    assert services.get_item(org.id, fan.id).qty_at_coop == 6
    assert services.producer_due(org.id, producer.id) == 40_800
    assert client.get(f"{base}/producers/{producer.id}").status_code == 200
    assert client.get(f"{base}/producers/{producer.id}/statement?format=pdf").data.startswith(b"%PDF")
    client.post(f"{base}/producers/{producer.id}/payouts", data={"amount": "408", "on": "2026-03-04"})
    assert services.producer_due(org.id, producer.id) == 0
    assert ledger.recompute_problems(org.id) == []


def test_the_portal_leaves_the_block_out_for_a_member_with_no_consignment(world):
    from coop.consignment.portal import portal_context

    assert portal_context(world.org.id, world.bea.id) is None


def test_officer_voids_a_mistaken_issue_from_her_page(world, login):
    w = world
    doc = issue(w, member=w.bea, lipsticks=2, colognes=0 + 1)
    db.session.commit()
    client = login(w.officer)
    url = f"/o/{w.org.slug}/consignment/members/{w.bea.id}"
    assert b"Void this record" in client.get(url).data
    refused = client.post(f"/o/{w.org.slug}/consignment/records/{doc.id}/void", data={"on": "2026-03-03"},
                          headers={"Referer": url})
    assert b"reason" in client.get(refused.headers["Location"]).data
    done = client.post(f"/o/{w.org.slug}/consignment/records/{doc.id}/void",
                       data={"on": "2026-03-03", "reason": "Given to the wrong member"}, headers={"Referer": url})
    assert done.status_code == 303
    assert reports.member_summary(w.org.id, w.bea.id).held_value == 0
    assert b"void" in client.get(url).data
