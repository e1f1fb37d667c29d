"""`coop ledger check` proves each donor fund's account against the fund's gifts and released tranches."""
from datetime import timedelta

from coop.cli.ledger import control_problems
from coop.extensions import db
from coop.grants import services
from coop.grants.models import FundReceipt

from .conftest import START


def test_each_fund_balance_agrees_with_gifts_less_releases(program, ngo):
    fund = program.fund()
    moa = program.moa(fund)
    first = services.tranches_of(moa.id)[0]
    services.request_release(ngo.id, first.id, on=START + timedelta(days=10), actor_id=program.maker.id)
    services.approve_release(ngo.id, first.id, actor_id=program.checker.id)
    db.session.commit()
    [(key, held, own)] = services.control_balances(ngo.id)
    assert key == f"donor fund {fund.label}" and held == own == services.fund_position(fund).left
    assert control_problems(ngo.id) == []
    db.session.query(FundReceipt).update({"amount": 1})
    assert any(fund.label in p for p in control_problems(ngo.id))
    db.session.rollback()
