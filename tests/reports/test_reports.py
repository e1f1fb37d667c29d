import json
from datetime import date

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
    assert set(data[0]["rows"][0]) == {"code", "name", "debit_centavos", "credit_centavos"}
    assert runner.invoke(args=["ledger", "check"]).exit_code == 0
    cash = ledger.get_account(org.id, "cash_on_hand").id
    db.session.query(AccountBalance).filter_by(account_id=cash).update({"debit_total": AccountBalance.debit_total + 1})
    db.session.commit()
    drift = runner.invoke(args=["ledger", "check"])
    assert drift.exit_code == 1 and "DRIFT" in drift.output
