"""An emergency loan at the default policy from application to the last centavo; ledger and schedule agree."""
from datetime import timedelta

import pytest

from coop.errors import Forbidden, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.loans import services as loans
from coop.receipts import services as receipts

from .conftest import DAY


def emergency(org_id):
    return loans.product_by_code(org_id, "emergency")


def released_loan(coop, member, officer, checker, amount=200_000, on=DAY, **kw):
    loan = loans.apply(coop.id, member.id, emergency(coop.id).id, amount, on=on, actor_id=officer.id,
                       purpose="Hospital bill", **kw)
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=on)
    loan = loans.release(coop.id, loan.id, on=on, actor_id=checker.id, idempotency_key=f"rel-{loan.id}")
    db.session.commit()
    return loan


def receivable(coop, loan):
    return ledger.party_balance(coop.id, loan.receivable_account, loan.party_id).debit_balance


def assert_agree(coop, loan):
    """What the schedule says is owed in principal is what the ledger holds for her; books balance."""
    rows = loans.installments(loan.id)
    assert loan.principal_outstanding == sum(i.principal_due - i.principal_paid for i in rows)
    assert loan.outstanding == sum(i.balance for i in rows)
    assert receivable(coop, loan) == loan.principal_outstanding
    assert ledger.recompute_problems(coop.id) == []


def test_php_2000_at_the_default_policy_from_release_to_closing(coop, member, officer, checker):
    loan = released_loan(coop, member, officer, checker)
    rows = loans.installments(loan.id)
    # 6 semi-monthly installments, flat 1% a month over 3 months = PHP 60 interest
    assert [r.principal_due for r in rows] == [33_333] * 5 + [33_335]
    assert [r.interest_due for r in rows] == [1_000] * 6
    assert [r.due_on for r in rows][:3] == [DAY + timedelta(days=15), DAY.replace(month=4), DAY.replace(month=4) + timedelta(days=15)]
    assert sum(r.principal_due for r in rows) == 200_000
    assert ledger.balance(coop.id, "cash_on_hand").credit_balance == 200_000
    assert_agree(coop, loan)

    first = loans.repay(coop.id, loan.id, 34_333, on=rows[0].due_on, actor_id=officer.id, idempotency_key="p1")
    assert (first.interest, first.principal, first.penalty) == (1_000, 33_333, 0)
    assert receipts.get(coop.id, first.receipt_id).amount == 34_333
    assert loans.installments(loan.id)[0].settled
    assert_agree(coop, loan)

    # the second installment is missed: the end-of-day job charges its penalty after the grace days
    second_due = rows[1].due_on
    for n in range(1, 5):
        loans.end_of_day(coop.id, second_due + timedelta(days=n))
    db.session.commit()
    inst = loans.installments(loan.id)[1]
    assert inst.penalty_due == 343  # 1% of PHP 343.33 overdue, one 30-day period, after 3 days' grace
    assert loan.receivable_account == "loans_receivable_past_due" and loan.days_past_due == 4
    assert_agree(coop, loan)

    late = loans.repay(coop.id, loan.id, 34_676, on=second_due + timedelta(days=4), actor_id=officer.id,
                       idempotency_key="p2")
    assert (late.penalty, late.interest, late.principal) == (343, 1_000, 33_333)
    assert ledger.balance(coop.id, "fines_penalties").credit_balance == 343
    loans.end_of_day(coop.id, second_due + timedelta(days=5))
    assert loan.receivable_account == "loans_receivable_emergency"
    assert_agree(coop, loan)

    with pytest.raises(Invalid, match="more than"):
        loans.repay(coop.id, loan.id, loan.outstanding + 1, on=second_due + timedelta(days=5), actor_id=officer.id)
    last = loans.repay(coop.id, loan.id, loan.outstanding, on=second_due + timedelta(days=6), actor_id=officer.id,
                       idempotency_key="p3")
    assert last.amount == 4 * 34_333 + 2
    assert loan.status == "closed" and loan.outstanding == 0
    assert ledger.balance(coop.id, "interest_income_loans").credit_balance == 6_000
    assert_agree(coop, loan)


def test_php_2000_01_is_refused_and_writes_nothing(coop, member, officer, counts):
    before = counts()
    with pytest.raises(Invalid, match="up to ₱2,000.00"):
        loans.apply(coop.id, member.id, emergency(coop.id).id, 200_001, on=DAY, actor_id=officer.id)
    assert counts() == before


def test_maker_checker_the_entering_officer_cannot_approve(coop, member, officer, checker):
    loan = loans.apply(coop.id, member.id, emergency(coop.id).id, 100_000, on=DAY, actor_id=officer.id)
    with pytest.raises(Forbidden, match="maker-checker"):
        loans.approve(coop.id, loan.id, actor_id=officer.id, on=DAY)
    with pytest.raises(Invalid, match="reason"):
        loans.reject(coop.id, loan.id, actor_id=checker.id, on=DAY, reason=" ")
    assert loans.reject(coop.id, loan.id, actor_id=checker.id, on=DAY, reason="Incomplete papers").status == "rejected"


def test_one_open_emergency_loan_at_a_time(coop, member, officer, checker):
    released_loan(coop, member, officer, checker, amount=50_000)
    with pytest.raises(Invalid, match="already has 1 open"):
        loans.apply(coop.id, member.id, emergency(coop.id).id, 50_000, on=DAY, actor_id=officer.id)


def test_a_member_with_a_loan_in_arrears_or_an_overdue_share_installment_cannot_borrow(coop, member, make_member,
                                                                                       officer, checker):
    from coop.members import shares

    loan = released_loan(coop, member, officer, checker, amount=50_000)
    commodity_day = loans.installments(loan.id)[0].due_on + timedelta(days=1)
    with pytest.raises(Invalid, match="past due"):
        loans.open_commodity_loan(coop.id, member.id, 1_000, commodity_day, goods_lines=(), memo="x", source=None,
                                  source_id=None, idempotency_key=None, actor_id=None)

    other = make_member(name="Carmen")
    shares.subscribe(coop.id, other.id, shares=20, on=DAY - timedelta(days=90), installments=4, frequency="monthly",
                     actor_id=officer.id)
    with pytest.raises(Invalid, match="share installment overdue"):
        loans.apply(coop.id, other.id, emergency(coop.id).id, 50_000, on=DAY, actor_id=officer.id)


def test_service_fee_is_deducted_at_release_as_its_own_line(coop, member, officer, checker):
    product = emergency(coop.id)
    loans.update_product(coop.id, product.id, {"fee_method": "fixed", "fee_amount": 2_000}, officer.id)
    loan = released_loan(coop, member, officer, checker, amount=100_000)
    entry = ledger.get_entry(coop.id, loan.release_entry_id)
    assert sorted((l.debit, l.credit) for l in entry.lines) == [(0, 2_000), (0, 98_000), (100_000, 0)]
    assert ledger.balance(coop.id, "service_fees").credit_balance == 2_000
    assert receivable(coop, loan) == 100_000


@pytest.mark.controls_disagree  # paid-up capital posted directly, without subscriptions
def test_cap_as_a_multiple_of_paid_up_capital_under_the_ceiling(coop, member, officer):
    from coop.ledger.records import Entry, Line

    product = emergency(coop.id)
    loans.update_product(coop.id, product.id, {"cap_method": "share_multiple", "cap_share_multiple_pct": 200,
                                               "cap_ceiling": 500_000}, officer.id)
    ledger.post(Entry(coop.id, DAY, "Shares paid", (Line("cash_on_hand", debit=150_000),
                                                    Line("paid_up_share_capital_common", credit=150_000,
                                                         party_id=member.party_id))))
    assert loans.cap_for(coop.id, product, member.party_id) == 300_000
    with pytest.raises(Invalid, match="up to ₱3,000.00"):
        loans.apply(coop.id, member.id, product.id, 300_001, on=DAY, actor_id=officer.id)
    ledger.post(Entry(coop.id, DAY, "More shares", (Line("cash_on_hand", debit=500_000),
                                                    Line("paid_up_share_capital_common", credit=500_000,
                                                         party_id=member.party_id))))
    assert loans.cap_for(coop.id, product, member.party_id) == 500_000  # the absolute ceiling


def test_reversing_a_payment_restores_the_schedule_exactly(coop, member, officer, checker):
    loan = released_loan(coop, member, officer, checker)
    before = [(i.principal_paid, i.interest_paid, i.penalty_paid, i.settled) for i in loans.installments(loan.id)]
    payment = loans.repay(coop.id, loan.id, 80_000, on=DAY + timedelta(days=3), actor_id=officer.id,
                          idempotency_key="p")
    db.session.commit()
    mirror = loans.reverse_repayment(coop.id, payment.id, on=DAY + timedelta(days=4), reason="Wrong member",
                                     actor_id=checker.id)
    assert [(i.principal_paid, i.interest_paid, i.penalty_paid, i.settled) for i in loans.installments(loan.id)] == before
    assert loan.outstanding == 206_000 and mirror.reverses_id == payment.id
    assert receipts.get(coop.id, payment.receipt_id).cancelled_at is not None
    assert ledger.balance(coop.id, "interest_income_loans").credit_balance == 0
    assert_agree(coop, loan)
    with pytest.raises(Exception, match="already reversed"):
        loans.reverse_repayment(coop.id, payment.id, on=DAY, reason="again", actor_id=checker.id)


def test_write_off_needs_a_second_officer_and_uses_the_allowance(coop, member, officer, checker):
    loan = released_loan(coop, member, officer, checker, amount=100_000)
    request = loans.request_change(coop.id, loan.id, "write_off", reason="Member passed away", actor_id=officer.id,
                                   on=DAY)
    with pytest.raises(Forbidden):
        loans.decide_request(coop.id, request.id, approve=True, actor_id=officer.id, on=DAY)
    loans.decide_request(coop.id, request.id, approve=True, actor_id=checker.id, on=DAY + timedelta(days=1))
    assert loan.status == "written_off"
    # nothing was provided yet: the write-off provides it in its entry, and the allowance never goes negative
    assert ledger.balance(coop.id, "allowance_probable_losses").debit_total == 0
    assert ledger.balance(coop.id, "provision_probable_losses").debit_total == 100_000
    assert receivable(coop, loan) == 0


def test_restructuring_makes_a_new_linked_loan_with_a_new_schedule(coop, member, officer, checker):
    loan = released_loan(coop, member, officer, checker)
    loans.repay(coop.id, loan.id, 34_333, on=DAY + timedelta(days=15), actor_id=officer.id)
    request = loans.request_change(coop.id, loan.id, "restructure", reason="Lost her job", actor_id=officer.id,
                                   on=DAY + timedelta(days=20), terms={"frequency": "monthly", "term_count": 10,
                                                                       "interest_rate_bp": 0})
    done = loans.decide_request(coop.id, request.id, approve=True, actor_id=checker.id, on=DAY + timedelta(days=20))
    new = loans.get_loan(coop.id, done.result_loan_id)
    assert loan.status == "restructured" and new.restructured_from_id == loan.id
    assert new.amount == 200_000 - 33_333 and new.receivable_account == "loans_receivable_restructured"
    assert sum(i.principal_due for i in loans.installments(new.id)) == new.amount
    assert receivable(coop, loan) == 0 and receivable(coop, new) == new.amount
    assert ledger.recompute_problems(coop.id) == []
