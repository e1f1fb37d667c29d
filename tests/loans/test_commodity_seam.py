"""The seam the store calls: a credit sale opens a commodity loan, a return reduces it."""
from datetime import timedelta

import pytest

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.orgs.services import set_setting

from .conftest import DAY


def sale(org_id, member_id, amount, key, on=DAY, lines=None):
    return loans.open_commodity_loan(
        org_id, member_id, amount, on, goods_lines=lines or (Line("sales", credit=amount),), memo="Rice and soap on credit",
        source="inventory", source_id=key, idempotency_key=key, actor_id=None)


def give_back(org_id, loan_id, amount, key, on=DAY):
    return loans.return_commodity_goods(
        org_id, loan_id, amount, on, goods_lines=(Line("sales_returns", debit=amount),), memo="Soap returned",
        source="inventory", source_id=key, idempotency_key=key, actor_id=None)


@pytest.mark.controls_disagree  # the store's side of the sale is faked: inventory credited with no stock
def test_a_credit_sale_opens_a_15_day_loan_in_one_entry(coop, member):
    party = member.party_id
    loan = sale(coop.id, member.id, 150_000, "sale-1", lines=(
        Line("sales", credit=150_000), Line("cost_of_sales", debit=110_000), Line("merchandise_inventory", credit=110_000)))
    db.session.commit()
    assert loan.status == "active" and loan.amount == 150_000 and loan.receivable_account == "loans_receivable_commodity"
    [only] = loans.installments(loan.id)
    assert (only.due_on, only.principal_due, only.interest_due) == (DAY + timedelta(days=15), 150_000, 0)
    entry = ledger.get_entry(coop.id, loan.release_entry_id)
    assert entry.source == "inventory" and entry.source_id == "sale-1"
    assert ledger.party_balance(coop.id, "loans_receivable_commodity", party).debit_balance == 150_000
    assert ledger.balance(coop.id, "sales").credit_balance == 150_000
    assert ledger.balance(coop.id, "merchandise_inventory").credit_total == 110_000
    assert loan.outstanding == 150_000 and loan.next_due_on == DAY + timedelta(days=15)


def test_a_retried_sale_returns_the_first_loan(coop, member, counts):
    first = sale(coop.id, member.id, 50_000, "sale-2")
    db.session.commit()
    before = counts()
    again = sale(coop.id, member.id, 50_000, "sale-2")
    assert again.id == first.id and counts() == before
    with pytest.raises(Conflict):
        sale(coop.id, member.id, 60_000, "sale-2")


def test_over_the_credit_limit_is_refused_and_writes_nothing(coop, member, counts):
    set_setting(coop.id, "loans.commodity_credit_limit", 100_000)
    sale(coop.id, member.id, 70_000, "a")
    db.session.commit()
    before = counts()
    with pytest.raises(Invalid, match="commodity credit limit"):
        sale(coop.id, member.id, 30_001, "b")
    assert counts() == before
    assert sale(coop.id, member.id, 30_000, "c").amount == 30_000


def test_a_member_not_in_good_standing_is_refused(coop, make_member, counts):
    inactive = make_member(name="Bea", status="inactive")
    before = counts()
    with pytest.raises(Invalid, match="good standing"):
        sale(coop.id, inactive.id, 10_000, "x")
    assert counts() == before


def test_a_member_with_an_overdue_commodity_loan_cannot_take_more_on_credit(coop, member):
    sale(coop.id, member.id, 10_000, "old")
    db.session.commit()
    with pytest.raises(Invalid, match="past due"):
        sale(coop.id, member.id, 10_000, "new", on=DAY + timedelta(days=16))
    assert sale(coop.id, member.id, 10_000, "new", on=DAY + timedelta(days=15)).amount == 10_000


def test_returned_goods_reduce_what_is_owed_and_never_below_zero(coop, member, counts):
    loan = sale(coop.id, member.id, 100_000, "s")
    db.session.commit()
    loan = give_back(coop.id, loan.id, 40_000, "r1")
    assert loan.outstanding == 60_000 and loan.status == "active"
    assert ledger.party_balance(coop.id, "loans_receivable_commodity", member.party_id).debit_balance == 60_000
    assert ledger.balance(coop.id, "sales_returns").debit_balance == 40_000
    db.session.commit()
    before = counts()
    with pytest.raises(Invalid, match="more than"):
        give_back(coop.id, loan.id, 60_001, "r2")
    assert counts() == before
    assert give_back(coop.id, loan.id, 40_000, "r1").outstanding == 60_000  # a retry changes nothing
    assert counts() == before
    loan = give_back(coop.id, loan.id, 60_000, "r3")
    assert loan.status == "closed" and loan.outstanding == 0
    assert ledger.recompute_problems(coop.id) == []
