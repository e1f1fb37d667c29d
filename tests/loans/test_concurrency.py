"""Two officers at once on PostgreSQL: the loan row lock applies both payments exactly once, in turn."""
from datetime import timedelta

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.orgs.services import set_setting

from .conftest import DAY

pytestmark = pytest.mark.postgres


def test_two_repayments_on_the_same_loan_at_the_same_time_are_both_applied_once(coop, member, officer, checker,
                                                                                 concurrently):
    product = loans.product_by_code(coop.id, "emergency")
    loan = loans.apply(coop.id, member.id, product.id, 200_000, on=DAY, actor_id=officer.id)
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=DAY)
    loans.release(coop.id, loan.id, on=DAY, actor_id=checker.id)
    db.session.commit()
    org_id, loan_id, users = coop.id, loan.id, (officer.id, checker.id)

    def pay(n):
        return loans.repay(org_id, loan_id, 30_000 + n, on=DAY + timedelta(days=1), actor_id=users[n],
                           idempotency_key=f"officer-{n}").id

    results, errors = concurrently(pay, threads=2)
    assert errors == [] and len(results) == 2
    db.session.expire_all()
    loan = loans.get_loan(org_id, loan_id)
    assert loan.principal_paid + loan.interest_paid == 60_001
    rows = loans.installments(loan_id)
    assert sum(i.principal_paid + i.interest_paid for i in rows) == 60_001
    assert ledger.party_balance(org_id, loan.receivable_account, loan.party_id).debit_balance == loan.principal_outstanding
    assert ledger.balance(org_id, "cash_on_hand").debit_total == 60_001
    assert ledger.recompute_problems(org_id) == []


def test_two_credit_sales_at_once_cannot_both_pass_the_credit_limit(coop, member, concurrently):
    set_setting(coop.id, "loans.commodity_credit_limit", 100_000)
    db.session.commit()
    org_id, member_id = coop.id, member.id

    def sell(n):
        return loans.open_commodity_loan(org_id, member_id, 60_000, DAY, goods_lines=(Line("sales", credit=60_000),),
                                         memo="Goods", source=None, source_id=None, idempotency_key=f"sale-{n}",
                                         actor_id=None).id

    results, errors = concurrently(sell, threads=2)
    assert len(results) == 1 and len(errors) == 1 and "credit limit" in str(errors[0])
    assert loans.commodity_outstanding(org_id, member_id) == 60_000
