"""The NGO's statements by class of net assets: a gift is revenue with donor restrictions, a release is a
reclassification, the closing takes each class to its net assets; everything reconciles to the centavo."""
from datetime import date, timedelta

import pytest

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.grants import services
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.reports import activities, statements

from .conftest import START


def two_years(program, ngo):
    """2025: a gift to the ILO fund, an unrestricted donation, office costs; the year closed. 2026: a second
    donor's gift, two tranches released from the ILO fund."""
    ilo = program.fund(3_000_000, "ILO project", on=date(2025, 6, 1))
    ledger.post(Entry(ngo.id, date(2025, 7, 1), "Donation", (Line("cash_in_bank", debit=250_050),
                                                            Line("donor_contributions_unrestricted", credit=250_050))))
    ledger.post(Entry(ngo.id, date(2025, 8, 1), "Office", (Line("office_expense", debit=33_333),
                                                          Line("cash_in_bank", credit=33_333))))
    db.session.commit()
    position_before = services.fund_position(ilo)
    services.close_year(ngo.id, 2025, requested_by=program.maker.id, approved_by=program.checker.id)
    db.session.commit()
    assert services.fund_position(ilo) == position_before  # the closing moves the gift, not what the fund has
    gabriela = program.fund(1_234_567, "Gabriela", on=START)
    moa = program.moa(ilo)
    first, second, _third = services.tranches_of(moa.id)
    program.release(first, START + timedelta(days=10))
    services.add_purchase(ngo.id, first.id, {"bought_on": START + timedelta(days=11), "item": "Scale",
                                             "supplier": "Market", "amount": 500_000, "receipt_no": "OR-1"},
                          program.maker.id)
    program.release(second, START + timedelta(days=25))
    db.session.commit()
    return ilo, gabriela


def test_a_gift_is_revenue_with_donor_restrictions(program, ngo):
    fund = program.fund(1_000_000)
    assert ledger.party_balance(ngo.id, "donor_contributions_restricted", fund.party_id).credit_balance == 1_000_000
    assert ledger.balance(ngo.id, fund.account_id).credit_balance == 0
    report = activities.activities(ngo.id, START.year)
    gift = next(r for r in report.revenue if r.kind == "account" and r.code == "4010")
    assert gift.amounts == (0, 1_000_000, 1_000_000, 0)


def test_statement_of_activities_by_class(program, ngo):
    ilo, gabriela = two_years(program, ngo)
    report = activities.activities(ngo.id, 2026)
    position = activities.financial_position(ngo.id, 2026)
    # releases reclassify: without +, with -, no change in total
    assert report.releases == (1_000_000, -1_000_000, 0, 0)
    grants = next(r for r in report.expenses if r.kind == "account" and r.code == "5110")
    assert grants.amounts == (1_000_000, 0, 1_000_000, 0)
    assert report.line("change") == (0, 1_234_567 - 1_000_000, 234_567, 250_050 - 33_333 + 3_000_000)
    assert report.line("opening")[:2] == (250_050 - 33_333, 3_000_000)
    for n, class_end in enumerate(report.line("closing")[:2]):
        assert class_end == report.line("opening")[n] + report.line("change")[n]
    assert report.line("closing")[:2] == (position.without[0], position.with_restrictions[0])
    assert (position.without[1], position.with_restrictions[1]) == report.line("opening")[:2]
    assert position.total_assets == position.total_liabilities_and_net_assets
    assert position.restricted_unclosed == (1_234_567, 0)
    assert {r.name: r.amounts for r in position.funds}["Restricted fund: ILO project"] == (2_000_000, 3_000_000)
    # the restricted column is what the funds have left
    assert position.with_restrictions[0] == services.fund_position(ilo).left + services.fund_position(gabriela).left
    # the statement of activities and the trial balance agree: net assets + liabilities = assets
    tb = ledger.balances_as_of(ngo.id, date(2026, 12, 31))
    assets = sum(b.debit_balance for a, b in tb.items() if ledger.get_account(ngo.id, a).type == "asset")
    assert assets == position.total_assets[0]
    assert services.program_summary(ngo.id).reconciles
    assert ledger.recompute_problems(ngo.id) == []


def test_fund_report_and_program_expenses_reconcile(program, ngo):
    ilo, gabriela = two_years(program, ngo)
    years = {f.fund.id: f for f in services.fund_years(ngo.id, 2026)}
    assert all(f.reconciles for f in years.values())
    assert (years[ilo.id].opening, years[ilo.id].received, years[ilo.id].released, years[ilo.id].closing) == (
        3_000_000, 0, 1_000_000, 2_000_000)
    assert (years[gabriela.id].received, years[gabriela.id].closing) == (1_234_567, 1_234_567)
    last = {f.fund.id: f for f in services.fund_years(ngo.id, 2025)}
    assert last[ilo.id].received == 3_000_000 and last[ilo.id].reconciles
    expenses = services.program_expenses(ngo.id, (2026, 2025))
    assert sum(e.released[0] for e in expenses) == 1_000_000 == statements.year_operations(ngo.id, 2026).total_expenses[0]
    assert [e.fund.id for e in expenses] == [ilo.id]


def test_closing_refusals_and_reopening(program, ngo):
    ilo, _gabriela = two_years(program, ngo)
    with pytest.raises(Conflict):
        services.close_year(ngo.id, 2025, requested_by=program.maker.id, approved_by=program.checker.id)
    with pytest.raises(Invalid):
        services.close_year(ngo.id, 2026, requested_by=program.maker.id, approved_by=program.checker.id)
    before = services.fund_position(ilo)
    services.reopen_year(ngo.id, 2025, reason="Audit adjustment", requested_by=program.maker.id,
                         approved_by=program.checker.id)
    db.session.commit()
    assert services.fund_position(ilo) == before
    report = activities.activities(ngo.id, 2026)
    assert report.line("opening")[:2] == (250_050 - 33_333, 3_000_000)  # unclosed income counts in its class
    assert all(f.reconciles for f in services.fund_years(ngo.id, 2026))
    services.close_year(ngo.id, 2025, requested_by=program.maker.id, approved_by=program.checker.id)
    db.session.commit()
    assert ledger.recompute_problems(ngo.id) == []


@pytest.mark.parametrize("lang", ["en", "fil"])
def test_ngo_statement_pages(program, ngo, make_user, login, lang):
    two_years(program, ngo)
    for role in ("auditor", "grant_staff"):
        client = login(make_user(ngo, role))
        for path in ("reports/statements/activities", "reports/statements/financial-position",
                     "grants/reports/fund-report", "grants/reports/program-expenses"):
            base = f"/o/{ngo.slug}/{path}?year=2026&lang={lang}"
            assert client.get(base).status_code == 200, path
            assert client.get(base + "&format=csv").mimetype == "text/csv"
            assert client.get(base + "&format=pdf").data.startswith(b"%PDF")
        assert client.get(f"/o/{ngo.slug}/reports/statements/cash-flows").status_code in (403, 404)
    client = login(make_user(ngo, "auditor"))
    csv = client.get(f"/o/{ngo.slug}/reports/statements/activities?year=2026&format=csv&lang=en").data.decode()
    assert "Net assets released from restriction,10000.00,-10000.00,0.00,0.00" in csv
