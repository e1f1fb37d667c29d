"""The CDA statements with comparative columns: each reconciles with the trial balance to the centavo,
last year's column is last year's figures, and the indirect cash flow equals the change in cash."""
from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.members import services as members
from coop.reports import schedules, statements
from coop.reports import services as reports

# The statements are read from two years of books posted directly (loans, shares, allowance) without
# the domains' records behind them.
pytestmark = pytest.mark.controls_disagree


def post(org, on, memo, *lines, source="test"):
    return ledger.post(Entry(org.id, on, memo, tuple(lines), source=source))


def member_party(org, name, kind="regular"):
    member = members.create_member(org.id, name=name, actor_id=None)
    member.membership_type = kind
    db.session.flush()
    return members.member_party(member)


def two_years(org):
    """2025 and 2026 books: shares by two classes of member, a loan with its allowance, equipment and its
    depreciation, store sales and costs, a year-end closing of 2025 and its allocation in 2026."""
    ana, bea = member_party(org, "Ana"), member_party(org, "Bea", "associate")
    for party, amount in ((ana, 500_000), (bea, 200_037)):
        post(org, date(2025, 2, 1), "Subscription", Line("subscription_receivable_common", debit=amount, party_id=party),
             Line("subscribed_share_capital_common", credit=amount, party_id=party))
        paid = amount // 2 + 1
        post(org, date(2025, 3, 1), "Payment", Line("cash_on_hand", debit=paid),
             Line("subscription_receivable_common", credit=paid, party_id=party),
             Line("subscribed_share_capital_common", debit=paid, party_id=party),
             Line("paid_up_share_capital_common", credit=paid, party_id=party))
    post(org, date(2025, 4, 1), "Loan", Line("loans_receivable_emergency", debit=150_000, party_id=ana),
         Line("cash_on_hand", credit=140_000), Line("service_fees", credit=10_000))
    post(org, date(2025, 5, 1), "Equipment", Line("property_equipment", debit=120_000), Line("cash_on_hand", credit=120_000))
    post(org, date(2025, 6, 1), "Sale", Line("cash_on_hand", debit=33_333), Line("sales", credit=33_333), source=None)
    post(org, date(2025, 12, 31), "Depreciation", Line("depreciation_expense", debit=24_000),
         Line("accumulated_depreciation", credit=24_000), source=None)
    post(org, date(2025, 12, 31), "Provision", Line("provision_probable_losses", debit=1_500),
         Line("allowance_probable_losses", credit=1_500), source=None)
    # 2025 net surplus: 10,000 + 33,333 - 24,000 - 1,500 = 17,833 centavos, closed into Undivided Net Surplus
    post(org, date(2025, 12, 31), "Closing 2025", Line("service_fees", debit=10_000), Line("sales", debit=33_333),
         Line("depreciation_expense", credit=24_000), Line("provision_probable_losses", credit=1_500),
         Line("undivided_net_surplus", credit=17_833), source="yearend.close")
    post(org, date(2026, 3, 15), "Allocation of 2025", Line("undivided_net_surplus", debit=17_833),
         Line("reserve_fund", credit=1_784), Line("education_training_fund", credit=892),
         Line("due_to_union_federation", credit=891), Line("community_development_fund", credit=535),
         Line("patronage_refund_payable", credit=13_731))
    post(org, date(2026, 4, 1), "Refund paid", Line("patronage_refund_payable", debit=13_731),
         Line("cash_on_hand", credit=13_731))
    post(org, date(2026, 5, 1), "Repayment", Line("cash_on_hand", debit=61_000),
         Line("loans_receivable_emergency", credit=50_000, party_id=ana), Line("interest_income_loans", credit=11_000))
    post(org, date(2026, 6, 1), "Rent", Line("rent", debit=7_777), Line("cash_in_bank", credit=7_777), source=None)
    post(org, date(2026, 6, 2), "Deposit", Line("cash_in_bank", debit=50_000), Line("cash_on_hand", credit=50_000),
         source=None)
    post(org, date(2026, 7, 1), "Payment", Line("cash_on_hand", debit=1_000),
         Line("subscription_receivable_common", credit=1_000, party_id=bea),
         Line("subscribed_share_capital_common", debit=1_000, party_id=bea),
         Line("paid_up_share_capital_common", credit=1_000, party_id=bea))
    post(org, date(2026, 8, 1), "CETF used", Line("education_training_fund", debit=400), Line("cash_on_hand", credit=400),
         source=None)
    db.session.commit()
    return ana, bea


def _row(rows, name):
    return next(r for r in rows if r.name == name)


def test_financial_condition_reconciles_with_the_trial_balance(make_org):
    org = make_org()
    two_years(org)
    report = statements.financial_condition(org.id, 2026)
    assert report.years == (2026, 2025)
    for n, year in enumerate(report.years):
        tb = reports.trial_balance(org.id, date(year, 12, 31))
        by_code = {r.code: r.debit - r.credit for r in tb.rows}
        debits = sum(r.amounts[n] for r in report.assets if r.kind == "account")
        assert debits == report.total_assets[n] == sum(v for c, v in by_code.items()
                                                       if ledger.get_account_by_code(org.id, c).type == "asset")
        assert report.total_assets[n] == report.total_liabilities_and_equity[n]
        for row in report.assets + report.liabilities + report.equity:  # each account line is its trial balance line
            if row.kind == "account":
                sign = 1 if ledger.get_account_by_code(org.id, row.code).type == "asset" else -1
                assert row.amounts[n] == sign * by_code.get(row.code, 0)
    # last year's column is last year's statement, closed: no unclosed surplus, the closing in Undivided Net Surplus
    assert report.net_surplus_unclosed[1] == 0
    assert _row(report.equity, "Undivided Net Surplus (Net Loss)").amounts == (0, 17_833)
    assert report.net_surplus_unclosed[0] == 11_000 - 7_777
    assert report.total_assets == (report.total_liabilities[0] + report.total_equity[0],
                                   report.total_liabilities[1] + report.total_equity[1])


def test_operations_leave_the_closing_out_and_compare_years(make_org):
    org = make_org()
    two_years(org)
    ops = statements.year_operations(org.id, 2026)
    assert ops.net_surplus == (11_000 - 7_777, 17_833)
    assert _row(ops.income, "Sales").amounts == (0, 33_333)
    assert _row(ops.expenses, "Depreciation").amounts == (0, 24_000)
    # the year's income and expenses are the trial balance's, summed over the months of the year
    assert ops.total_income[0] == reports.statement_of_operations(org.id, date(2026, 1, 1), date(2026, 12, 31)).income.total


def test_changes_in_equity_end_at_total_equity(make_org):
    org = make_org()
    two_years(org)
    blocks = statements.changes_in_equity(org.id, 2026)
    condition = statements.financial_condition(org.id, 2026)
    ops = statements.year_operations(org.id, 2026)
    for n, block in enumerate(blocks):
        assert block.total("closing") == condition.total_equity[n]
        assert block.total("opening") + block.total("net_surplus") + block.total("increases") \
            - block.total("decreases") == block.total("closing")
        assert block.total("net_surplus") == ops.net_surplus[n]
    assert blocks[0].total("opening") == blocks[1].total("closing")
    last = {line.name: line for line in blocks[1].lines}
    assert last["Undivided Net Surplus (Net Loss)"].net_surplus == 17_833


def test_cash_flows_indirect_equal_the_change_in_cash(make_org):
    org = make_org()
    two_years(org)
    flows = statements.cash_flows(org.id, 2026)
    for n, year in enumerate(flows.years):
        cash = [a for a in ledger.list_accounts(org.id) if a.is_cash]
        start = ledger.balances_as_of(org.id, date(year - 1, 12, 31))
        end = ledger.balances_as_of(org.id, date(year, 12, 31))

        def total(balances):
            return sum(balances[a.id].debit_balance for a in cash if a.id in balances)

        assert flows.net_change[n] == total(end) - total(start) == flows.cash_closing[n] - flows.cash_opening[n]
    adjustments = {row.name: row.amounts for row in flows.sections["adjustment"]}
    assert adjustments["Accumulated Depreciation - Furniture, Fixtures and Equipment"] == (0, 24_000)
    investing = {row.name: row.amounts for row in flows.sections["investing"]}
    assert investing["Furniture, Fixtures and Equipment"] == (0, -120_000)
    financing = {row.name: row.amounts for row in flows.sections["financing"]}
    assert "Patronage Refund Payable" not in financing  # allocated and paid in the same year: no change
    assert financing["Undivided Net Surplus (Net Loss)"] == (-17_833, 0)
    assert flows.net_surplus == (3_223, 17_833)


def test_schedules_reconcile(make_org):
    org = make_org()
    two_years(org)
    years, classes = schedules.share_capital_by_class(org.id, 2026)
    by_kind = {c.membership_type: c for c in classes}
    assert by_kind["regular"].paid_up == (250_001, 250_001)
    assert by_kind["associate"].paid_up == (100_019 + 1_000, 100_019)
    assert by_kind["regular"].subscribed == (500_000, 500_000) and by_kind["associate"].members == (1, 1)
    for n, year in enumerate(years):
        paid = ledger.balances_as_of(org.id, date(year, 12, 31))[ledger.get_account(org.id, "paid_up_share_capital_common").id]
        assert sum(c.paid_up[n] for c in classes) == paid.credit_balance
    portfolio = schedules.loan_portfolio(org.id, 2026)
    assert portfolio.gross == (100_000, 150_000) and portfolio.net == (98_500, 148_500)
    # no loan records here (posted by hand): the aging requires nothing; the allowance held is the books'
    assert portfolio.days == (date(2026, 12, 31), date(2025, 12, 31))
    assert portfolio.required == (0, 0) and portfolio.held == (1_500, 1_500) and portfolio.shortfall == (-1_500, -1_500)
    assert [line.bucket for line in portfolio.aging][0] == "current" and len(portfolio.aging) == 7
    funds = dict(schedules.statutory_funds(org.id, 2026))
    cetf = next(line for line in funds[2026] if line.name == "Cooperative Education and Training Fund")
    assert (cetf.opening, cetf.additions, cetf.uses, cetf.closing) == (0, 892, 400, 492)


@pytest.mark.parametrize("lang", ["en", "fil"])
def test_statement_pages_csv_pdf(make_org, make_user, login, lang):
    org = make_org()
    two_years(org)
    client = login(make_user(org, "auditor"))
    for path in ("statements/financial-condition", "statements/operations", "statements/changes-in-equity",
                 "statements/cash-flows", "schedules/share-capital", "schedules/loan-portfolio",
                 "schedules/statutory-funds"):
        base = f"/o/{org.slug}/reports/{path}?year=2026&lang={lang}"
        page = client.get(base)
        assert page.status_code == 200 and "2025" in page.data.decode()
        csv = client.get(base + "&format=csv")
        assert csv.mimetype == "text/csv" and "2026" in csv.data.decode()
        pdf = client.get(base + "&format=pdf")
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/o/{org.slug}/reports/statements/cash-flows?year=abc").status_code in (400, 422)
    csv = client.get(f"/o/{org.slug}/reports/statements/operations?year=2026&format=csv&lang=en").data.decode()
    assert "NET SURPLUS (NET LOSS),32.23,178.33" in csv


def test_statements_are_the_readers_and_the_cooperatives(make_org, make_user, login, api):
    org, ngo = make_org(), make_org("ngo")
    two_years(org)
    assert login(make_user(org, "attendant")).get(f"/o/{org.slug}/reports/statements/cash-flows").status_code == 403
    body = api(make_user(org, "officer")).get(f"/api/v1/orgs/{org.slug}/reports/statements/financial-condition?year=2026").json
    assert body["totals"]["year_2026_centavos"] == sum(
        r.amounts[0] for r in statements.financial_condition(org.id, 2026).assets if r.kind == "account")
    assert api(make_user(ngo, "auditor")).get(
        f"/api/v1/orgs/{ngo.slug}/reports/statements/cash-flows").status_code == 404
    auditor = api(make_user(org, "auditor"))
    for path in ("share-capital", "loan-portfolio", "statutory-funds"):
        found = auditor.get(f"/api/v1/orgs/{org.slug}/reports/schedules/{path}?year=2026")
        assert found.status_code == 200 and found.json["rows"], path
    rows = auditor.get(f"/api/v1/orgs/{org.slug}/reports/schedules/loan-portfolio?year=2026").json["rows"]
    held = next(row for row in rows if row["name"] == "Allowance held")
    assert held["year_2026_centavos"] == held["year_2025_centavos"] == 1_500
