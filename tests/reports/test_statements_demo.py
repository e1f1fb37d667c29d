"""The statements on the seeded demo: both organizations' books reconcile to the centavo."""
from datetime import date

from coop import demo
from coop.extensions import db
from coop.grants import services as grants
from coop.ledger import services as ledger
from coop.orgs.services import get_by_slug
from coop.reports import activities, schedules, statements
from coop.reports import services as reports
from coop.timeutil import today


def test_the_demo_statements_reconcile(app):
    demo.seed()
    db.session.commit()
    year = today().year
    coop = get_by_slug(demo.COOP_SLUG)
    condition = statements.financial_condition(coop.id, year)
    for n, y in enumerate(condition.years):
        tb = reports.trial_balance(coop.id, date(y, 12, 31))
        assert tb.total_debit == tb.total_credit
        assets = sum(r.debit - r.credit for r in tb.rows if ledger.get_account_by_code(coop.id, r.code).type == "asset")
        assert condition.total_assets[n] == assets == condition.total_liabilities_and_equity[n]
    flows = statements.cash_flows(coop.id, year)
    cash = [a.id for a in ledger.list_accounts(coop.id) if a.is_cash]
    end = ledger.balances_as_of(coop.id, date(year, 12, 31))
    start = ledger.balances_as_of(coop.id, date(year - 1, 12, 31))
    assert flows.net_change[0] == sum(end[a].debit_balance for a in cash if a in end) - sum(
        start[a].debit_balance for a in cash if a in start)
    equity = statements.changes_in_equity(coop.id, year)
    assert [block.total("closing") for block in equity] == list(condition.total_equity)
    assert equity[0].total("net_surplus") == statements.year_operations(coop.id, year).net_surplus[0]
    _years, classes = schedules.share_capital_by_class(coop.id, year)
    paid_up = ledger.balance(coop.id, "paid_up_share_capital_common").credit_balance
    assert sum(c.paid_up[0] for c in classes) == paid_up > 0

    ngo = get_by_slug(demo.NGO_SLUG)
    report = activities.activities(ngo.id, year)
    position = activities.financial_position(ngo.id, year)
    assert report.line("closing")[:2] == (position.without[0], position.with_restrictions[0])
    assert position.total_assets == position.total_liabilities_and_net_assets
    assert report.releases[0] > 0
    assert all(f.reconciles for f in grants.fund_years(ngo.id, year))
    assert position.with_restrictions[0] == sum(grants.fund_position(f).left for f in grants.list_funds(ngo.id))
