"""The end-of-day job: overdue, penalties per policy, past-due moves, reminders; idempotent and catching up."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.jobs import services as jobs
from coop.ledger import services as ledger
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.loans.models import Installment, Loan, LoanTransaction
from coop.messaging.models import OutboxMessage
from coop.orgs.services import set_setting

from .conftest import DAY

DUE = DAY + timedelta(days=15)


def credit_sale(coop, member, amount=100_000, key="sale"):
    loan = loans.open_commodity_loan(coop.id, member.id, amount, DAY, goods_lines=(Line("sales", credit=amount),),
                                     memo="Goods on credit", source="inventory", source_id=key, idempotency_key=key,
                                     actor_id=None)
    db.session.commit()
    return loan


def test_a_commodity_loan_paid_on_day_15_is_not_overdue(coop, member, officer):
    loan = credit_sale(coop, member)
    loans.repay(coop.id, loan.id, 100_000, on=DUE, actor_id=officer.id)
    for n in range(0, 20):
        loans.end_of_day(coop.id, DUE + timedelta(days=n))
    assert loan.status == "closed" and loan.days_past_due == 0 and loan.penalty_due == 0
    assert loans.arrears_reasons(coop.id, member.id, DUE + timedelta(days=1)) == []


def test_a_commodity_loan_unpaid_on_day_16_is_overdue_with_the_policy_penalty(coop, member):
    loan = credit_sale(coop, member)
    loans.end_of_day(coop.id, DUE)
    assert loan.days_past_due == 0 and loan.penalty_due == 0 and loan.receivable_account == "loans_receivable_commodity"
    loans.end_of_day(coop.id, DUE + timedelta(days=1))
    assert loan.days_past_due == 1
    assert loan.penalty_due == 2_000  # default: 2% of the overdue amount per 30 days, no grace
    assert loan.receivable_account == "loans_receivable_past_due"
    assert ledger.party_balance(coop.id, "loans_receivable_past_due", member.party_id).debit_balance == 100_000
    assert ledger.balance(coop.id, "fines_penalties").credit_total == 0  # recognised when collected (default)
    loans.end_of_day(coop.id, DUE + timedelta(days=30))
    assert loan.penalty_due == 2_000
    loans.end_of_day(coop.id, DUE + timedelta(days=31))
    assert loan.penalty_due == 4_000 and loan.days_past_due == 31
    assert [str(reason) for reason in loans.arrears_reasons(coop.id, member.id, DUE + timedelta(days=1))] == [
        "a loan installment is past due"]


def test_a_fixed_penalty_with_grace_days(coop, member, officer):
    product = loans.product_by_code(coop.id, "commodity")
    loans.update_product(coop.id, product.id, {"penalty_method": "fixed", "penalty_amount": 5_000,
                                               "penalty_grace_days": 3, "penalty_period_days": 7}, officer.id)
    loan = credit_sale(coop, member)
    for n in range(1, 4):
        loans.end_of_day(coop.id, DUE + timedelta(days=n))
    assert loan.penalty_due == 0 and loan.days_past_due == 3
    loans.end_of_day(coop.id, DUE + timedelta(days=4))
    assert loan.penalty_due == 5_000
    loans.end_of_day(coop.id, DUE + timedelta(days=11))
    assert loan.penalty_due == 10_000


def test_accrued_penalties_are_posted_when_assessed_and_settled_from_the_receivable(coop, member, officer):
    set_setting(coop.id, "loans.penalty_recognition", "accrued")
    loan = credit_sale(coop, member)
    loans.end_of_day(coop.id, DUE + timedelta(days=1))
    assert ledger.balance(coop.id, "fines_penalties").credit_balance == 2_000
    assert ledger.party_balance(coop.id, "accounts_receivable_members", member.party_id).debit_balance == 2_000
    payment = loans.repay(coop.id, loan.id, 102_000, on=DUE + timedelta(days=2), actor_id=officer.id)
    assert payment.penalty == 2_000 and loan.status == "closed"
    assert ledger.party_balance(coop.id, "accounts_receivable_members", member.party_id).debit_balance == 0
    assert ledger.balance(coop.id, "fines_penalties").credit_balance == 2_000
    assert ledger.recompute_problems(coop.id) == []


def _state(org_id):
    """Everything the job touches, with ids made relative so two organizations can be compared."""
    all_loans = list(db.session.scalars(select(Loan).where(Loan.org_id == org_id).order_by(Loan.id)))
    first = all_loans[0].id
    loans_rows = [(l.status, l.days_past_due, l.penalty_due, l.receivable_account) for l in all_loans]
    inst_rows = [(i.loan_id - first, i.penalty_due, i.penalty_periods, i.reminded_before, i.reminded_missed)
                 for i in db.session.scalars(select(Installment).where(Installment.org_id == org_id).order_by(Installment.id))]
    txns = [(t.loan_id - first, t.kind, t.on_date, t.amount) for t in
            db.session.scalars(select(LoanTransaction).where(LoanTransaction.org_id == org_id).order_by(LoanTransaction.id))]
    numbers = {l.number: f"loan{l.id - first}" for l in all_loans}
    bodies = []
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.org_id == org_id)):
        body = message.body
        for number, stable in numbers.items():
            body = body.replace(number, stable)
        bodies.append(body)
    balances = sorted((b.debit_total, b.credit_total) for b in ledger.balances_as_of(org_id).values())
    return loans_rows, inst_rows, txns, sorted(bodies), balances


@pytest.mark.parametrize("policy", ["collected", "accrued"])
def test_run_twice_or_after_missed_days_gives_the_same_result_as_each_day(make_org, make_member, policy):
    from coop.members.services import create_member

    results = []
    for mode in ("each day", "twice", "catch up"):
        org = make_org()
        set_setting(org.id, "loans.penalty_recognition", policy)
        for n, amount in enumerate((100_000, 55_555, 20_000)):
            member = create_member(org.id, name=f"M{n}", actor_id=None, status="active", mobile=f"0917000000{n}")
            loans.open_commodity_loan(org.id, member.id, amount, DAY + timedelta(days=n),
                                      goods_lines=(Line("sales", credit=amount),), memo="Goods", source=None,
                                      source_id=None, idempotency_key=f"k{n}", actor_id=None)
        jobs.run_daily(DAY)  # the job's first day for this organization
        db.session.commit()
        end = DUE + timedelta(days=40)
        if mode == "each day":
            day = DAY + timedelta(days=1)
            while day <= end:
                jobs.run_daily(day)
                day += timedelta(days=1)
        elif mode == "twice":
            day = DAY + timedelta(days=1)
            while day <= end:
                jobs.run_daily(day)
                loans.end_of_day(org.id, day)  # the job body again, for the same day, outside the runner
                db.session.commit()
                day += timedelta(days=1)
        else:
            jobs.run_daily(DUE - timedelta(days=5))
            jobs.run_daily(end)  # three weeks and more missed: caught up day by day
        state = _state(org.id)
        results.append(state)
    assert results[0] == results[1] == results[2]
    loans_rows, _, _, messages, _ = results[0]
    assert all(row[2] > 0 for row in loans_rows)
    assert len(messages) == 6  # each loan: 3 days before and the day after the due date
    assert not any("M0" in body or "M1" in body or "Goods" in body for body in messages)


def test_a_reminder_is_written_in_the_language_of_her_login(coop, make_member, make_user):
    reader = make_user(coop, "member")
    reader.locale = "fil"  # what she chose with the page's language link
    her = make_member(name="Rosa Dela Cruz", mobile="09170000001", user_id=reader.id)
    other = make_member(name="Ana Cruz", mobile="09170000002")
    credit_sale(coop, her, key="hers")
    credit_sale(coop, other, key="other")
    loans.end_of_day(coop.id, DUE - timedelta(days=3))
    bodies = {m.recipient: m.body for m in db.session.scalars(select(OutboxMessage))}
    assert bodies["09170000001"].startswith("Paalala: ang PHP 1,000.00 sa L-")
    assert bodies["09170000002"].startswith("Reminder: PHP 1,000.00 on L-")
    assert "Rosa" not in bodies["09170000001"]
