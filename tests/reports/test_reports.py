import json
from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import AccountBalance
from coop.ledger.records import Entry, Line
from coop.reports import services as reports


def books(org):
    ledger.post(Entry(org.id, date(2026, 1, 10), "Donation", (Line("cash_on_hand", debit=1_000_000),
                                                            Line("donations_grants", credit=1_000_000))))
    ledger.post(Entry(org.id, date(2026, 2, 10), "Rent", (Line("rent", debit=300_000), Line("cash_on_hand", credit=300_000))))
    ledger.post(Entry(org.id, date(2026, 2, 11), "Fees", (Line("cash_on_hand", debit=50_000),
                                                        Line("service_fees", credit=50_000))))
    db.session.commit()


def test_statements_balance(make_org):
    org = make_org()
    books(org)
    tb = reports.trial_balance(org.id, date(2026, 1, 31))
    assert tb.total_debit == tb.total_credit == 1_000_000
    sheet = reports.balance_sheet(org.id, date(2026, 12, 31))
    assert sheet.assets.total == 750_000 == sheet.liabilities_and_equity
    ops = reports.statement_of_operations(org.id, date(2026, 2, 1), date(2026, 2, 28))
    assert (ops.income.total, ops.expenses.total, ops.net_surplus) == (50_000, 300_000, -250_000)
    gl = reports.general_ledger(org.id, ledger.get_account(org.id, "cash_on_hand").id, date(2026, 2, 1), date(2026, 2, 28))
    assert gl.opening == 1_000_000 and [line.balance for line in gl.lines] == [700_000, 750_000] and gl.closing == 750_000


def test_report_formats(make_org, make_user, login):
    org = make_org()
    books(org)
    client = login(make_user(org, "auditor"))
    base = f"/o/{org.slug}/reports/trial-balance?as_of=2026-12-31"
    assert b"1,050,000.00" not in client.get(base).data
    page = client.get(base).data.decode()
    assert "Trial balance" in page and "10,500.00" in page
    csv = client.get(base + "&format=csv")
    assert csv.mimetype == "text/csv" and "Total,10500.00,10500.00" in csv.data.decode().replace('"', "")
    pdf = client.get(base + "&format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    for path in ("balance-sheet", "operations", f"general-ledger/{ledger.get_account(org.id, 'cash_on_hand').id}"):
        assert client.get(f"/o/{org.slug}/reports/{path}").status_code == 200
        assert client.get(f"/o/{org.slug}/reports/{path}?format=pdf").data.startswith(b"%PDF")


def test_report_api(make_org, make_user, api):
    org = make_org()
    books(org)
    body = api(make_user(org, "auditor")).get(f"/api/v1/orgs/{org.slug}/reports/trial-balance?as_of=2026-12-31").json
    assert body["totals"]["debit_centavos"] == body["totals"]["credit_centavos"] == 1_050_000


def test_cli_trial_balance_json_and_ledger_check(app, make_org):
    org = make_org()
    books(org)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["trial-balance", "--org", org.slug, "--as-of", "2026-01-31", "--json"])
    data = json.loads(result.output)
    assert data[0]["org"] == org.slug and data[0]["as_of"] == "2026-01-31"
    assert data[0]["total_debit_centavos"] == data[0]["total_credit_centavos"] == 1_000_000
    assert set(data[0]) == {"org", "as_of", "rows", "total_debit_centavos", "total_credit_centavos"}
    assert data[0]["rows"] == [
        {"code": ledger.get_account(org.id, "cash_on_hand").code, "name": "Cash on Hand", "debit_centavos": 1_000_000,
         "credit_centavos": 0},
        {"code": ledger.get_account(org.id, "donations_grants").code, "name": "Donations and Grants",
         "debit_centavos": 0, "credit_centavos": 1_000_000}]
    everyone = json.loads(runner.invoke(args=["trial-balance", "--json"]).output)
    assert isinstance(everyone, list) and [block["org"] for block in everyone] == [org.slug]
    assert runner.invoke(args=["ledger", "check"]).exit_code == 0
    cash = ledger.get_account(org.id, "cash_on_hand").id
    db.session.query(AccountBalance).filter_by(account_id=cash).update({"debit_total": AccountBalance.debit_total + 1})
    db.session.commit()
    drift = runner.invoke(args=["ledger", "check"])
    assert drift.exit_code == 1 and "DRIFT" in drift.output


def report_paths(org):
    cash = ledger.get_account(org.id, "cash_on_hand").id
    party = ledger.ensure_party(org.id, "member", 1, "M-0001")
    ledger.post(Entry(org.id, date(2026, 2, 12), "Dues", (Line("cash_on_hand", debit=10_000),
                                                        Line("accounts_receivable_members", credit=10_000, party_id=party))))
    db.session.commit()
    return {"trial-balance?as_of=2026-12-31": "Trial balance",
            f"general-ledger/{cash}?start=2026-01-01&end=2026-12-31": "General ledger",
            f"parties/{party}?start=2026-01-01&end=2026-12-31": "Statement of account",
            "balance-sheet?as_of=2026-12-31": "Statement of financial condition",
            "operations?start=2026-01-01&end=2026-12-31": "Statement of operations"}


@pytest.mark.controls_disagree  # a receivable posted directly, with no loan behind it (report_paths)
def test_every_report_as_page_csv_pdf_and_json(make_org, make_user, login, api):
    org = make_org()
    books(org)
    auditor = make_user(org, "auditor")
    client, json_client = login(auditor), api(auditor)
    for path, title in report_paths(org).items():
        page = client.get(f"/o/{org.slug}/reports/{path}")
        assert page.status_code == 200 and title in page.data.decode(), path
        csv = client.get(f"/o/{org.slug}/reports/{path}&format=csv")
        assert csv.mimetype == "text/csv" and csv.headers["Content-Disposition"].startswith("attachment"), path
        assert len(csv.data.decode().splitlines()) >= 2, path
        pdf = client.get(f"/o/{org.slug}/reports/{path}&format=pdf")
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF"), path
        body = json_client.get(f"/api/v1/orgs/{org.slug}/reports/{path}")
        assert body.status_code == 200 and title in body.json["title"] and body.json["rows"], path


def test_general_ledger_runs_the_balance_across_months(make_org):
    org = make_org()
    books(org)
    cash = ledger.get_account(org.id, "cash_on_hand").id
    report = reports.general_ledger(org.id, cash, date(2026, 2, 11), date(2026, 3, 31))
    assert report.opening == 700_000 and [line.balance for line in report.lines] == [750_000]


@pytest.mark.controls_disagree  # paid-up capital posted directly, without subscriptions
def test_a_member_opens_her_own_statement_only(make_org, make_user, login, api):
    from coop.audit.models import AuditEvent
    from coop.members.services import create_member, member_party

    org = make_org()
    user = make_user(org, "member")
    mine = member_party(create_member(org.id, name="Maria Santos", actor_id=None, status="active", user_id=user.id))
    other = member_party(create_member(org.id, name="Lorna Reyes", actor_id=None, status="active"))
    for party in (mine, other):
        ledger.post(Entry(org.id, date(2026, 2, 12), "Share capital", (
            Line("cash_on_hand", debit=5_000), Line("paid_up_share_capital_common", credit=5_000, party_id=party))))
    db.session.commit()
    client, json_client = login(user), api(user)
    own = client.get(f"/o/{org.slug}/reports/parties/{mine}?start=2026-01-01&end=2026-12-31")
    assert own.status_code == 200 and "Share capital" in own.data.decode()
    assert json_client.get(f"/api/v1/orgs/{org.slug}/reports/parties/{mine}?start=2026-01-01").status_code == 200
    for url in (f"/o/{org.slug}/reports/parties/{other}", f"/o/{org.slug}/reports/parties/{other}?format=pdf",
                f"/api/v1/orgs/{org.slug}/reports/parties/{other}"):
        refused = (json_client if url.startswith("/api") else client).get(url)
        assert refused.status_code == 404 and b"Lorna" not in refused.data and b"Share capital" not in refused.data
    assert client.get(f"/o/{org.slug}/reports/trial-balance").status_code == 404
    assert db.session.query(AuditEvent).filter_by(action="party.statement.view").count() == 0
    officer = login(make_user(org, "officer"))
    assert officer.get(f"/o/{org.slug}/reports/parties/{other}").status_code == 200
    viewed = db.session.query(AuditEvent).filter_by(action="party.statement.view").one()
    assert viewed.target_id == str(other)
