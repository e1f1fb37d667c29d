"""Savings: opening, deposits with receipts, a month's interest to the centavo, the minimum balance, paying
share capital from savings in one entry, time deposits, dormancy and the control check."""
from datetime import timedelta

import pytest

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import ControlAccount
from coop.ledger.records import Entry, Line
from coop.members import shares
from coop.receipts import services as receipts
from coop.savings import services as savings
from coop.timeutil import today

MONTH = (today().replace(day=1) - timedelta(days=1)).replace(day=1)  # the first day of last month
NEXT = (MONTH + timedelta(days=32)).replace(day=1)  # the first day of this month


def opened(coop, member, product, officer, amount=10_000_00, on=MONTH):
    account = savings.open_account(coop.id, member.id, product.id, on=on, amount=amount, actor_id=officer.id)
    db.session.commit()
    return account


def test_open_and_deposit_with_receipts_and_balances_in_one_row(coop, member, product, officer):
    account = opened(coop, member, product, officer)
    txn = savings.deposit(coop.id, account.id, 5_000_00, on=MONTH + timedelta(days=15), actor_id=officer.id,
                          idempotency_key="dep-1")
    again = savings.deposit(coop.id, account.id, 5_000_00, on=MONTH + timedelta(days=15), actor_id=officer.id,
                            idempotency_key="dep-1")
    db.session.commit()
    assert again.id == txn.id and account.balance == 15_000_00
    assert ledger.party_balance(coop.id, "savings_deposits", account.party_id).credit_balance == 15_000_00
    assert [r.amount for r in receipts.for_source(coop.id, savings.SOURCE, account.id)] == [10_000_00, 5_000_00]
    with pytest.raises(Conflict):
        savings.deposit(coop.id, account.id, 1_00, on=MONTH + timedelta(days=15), actor_id=officer.id,
                        idempotency_key="dep-1")
    with pytest.raises(Invalid, match="last movement"):
        savings.deposit(coop.id, account.id, 1_00, on=MONTH + timedelta(days=3), actor_id=officer.id)
    with pytest.raises(Invalid, match="before the account was opened"):
        savings.withdraw(coop.id, account.id, 1_00, on=MONTH - timedelta(days=1), actor_id=officer.id)


def test_a_months_interest_on_the_average_daily_balance_to_the_centavo(coop, member, product, officer):
    """PHP 10,000 for 15 days and PHP 15,000 for the rest of a 30- or 31-day month, at 2% a year."""
    account = opened(coop, member, product, officer)
    savings.deposit(coop.id, account.id, 5_000_00, on=MONTH + timedelta(days=15), actor_id=officer.id)
    days = (NEXT - MONTH).days
    balance_days = 10_000_00 * 15 + 15_000_00 * (days - 15)
    expected = (balance_days * 200 + 1_825_000) // 3_650_000
    assert expected == {30: 2055, 31: 2137}.get(days, expected)
    with pytest.raises(Conflict, match="not posted yet"):
        savings.deposit(coop.id, account.id, 1_00, on=NEXT, actor_id=officer.id)
    assert savings.end_of_day(coop.id, NEXT).startswith("1 interest")
    db.session.commit()
    account = savings.get_account(coop.id, account.id)
    assert account.balance == 15_000_00 + expected and account.interest_total == expected
    assert ledger.balance(coop.id, "interest_expense_deposits").debit_balance == expected
    assert savings.transactions(coop.id, account.id)[-1].amount == expected
    assert ledger.recompute_problems(coop.id) == []  # the set-based posting kept every balance row right
    assert savings.end_of_day(coop.id, NEXT).startswith("0 interest")  # the period is posted once
    assert account.period_start == NEXT and account.balance_days == 0


def test_the_interest_of_many_accounts_in_entries_of_a_few_lines_each(coop, product, officer, monkeypatch):
    """Five accounts, two lines an entry: three interest entries, each passbook line linked to the entry that holds
    its account's line; an account with nothing in it starts its next period too, credited nothing."""
    from coop.members.services import create_member
    from coop.savings.services import daily

    monkeypatch.setattr(daily, "ENTRY_CHUNK", 2)
    accounts = []
    for n in range(6):
        holder = create_member(coop.id, name=f"Saver {n}", actor_id=None, status="active")
        accounts.append(savings.open_account(coop.id, holder.id, product.id, on=MONTH, amount=(n and n * 1_000_00),
                                             actor_id=officer.id))
    db.session.commit()
    assert savings.end_of_day(coop.id, NEXT).startswith("5 interest")
    db.session.commit()
    entries = {}
    for account in accounts:
        account = savings.get_account(coop.id, account.id)
        assert account.period_start == NEXT and account.balance_days == 0
        lines = [t for t in savings.transactions(coop.id, account.id) if t.kind == "interest"]
        if account.balance == 0:
            assert lines == []
            continue
        (line,) = lines
        assert line.amount == account.interest_total > 0 and line.balance_after == account.balance
        entry = ledger.get_entry(coop.id, line.entry_id)
        assert [(l.party_id, l.credit) for l in entry.lines if l.party_id] .count((account.party_id, line.amount)) == 1
        entries.setdefault(entry.id, []).append(account.id)
    assert sorted(len(ids) for ids in entries.values()) == [1, 2, 2]
    assert ledger.recompute_problems(coop.id) == []
    assert all(book == kept for _key, book, kept in savings.control_balances(coop.id))
    assert savings.end_of_day(coop.id, NEXT).startswith("0 interest")


def test_a_late_run_credits_the_month_its_own_days_and_the_next_the_rest(coop, member, product, officer):
    """The job first runs on the 4th: the month's entry holds the month's days only; the 1st to the 3rd belong to
    the next period, and a deposit dated the 2nd is still taken (it is in the period not yet posted)."""
    before = (MONTH - timedelta(days=1)).replace(day=1)
    account = opened(coop, member, product, officer, on=before)
    assert savings.end_of_day(coop.id, MONTH + timedelta(days=3)).startswith("1 interest")
    db.session.commit()
    account = savings.get_account(coop.id, account.id)
    assert account.interest_total == (10_000_00 * (MONTH - before).days * 200 + 1_825_000) // 3_650_000
    assert account.period_start == MONTH and account.since_day == MONTH.toordinal() and account.balance_days == 0
    savings.deposit(coop.id, account.id, 1_000_00, on=MONTH + timedelta(days=1), actor_id=officer.id)
    db.session.commit()
    assert account.balance_days == 10_000_00 + account.interest_total  # the 1st, at the balance after interest


def test_withdrawal_keeps_the_minimum_balance_and_the_cash(coop, member, product, officer):
    account = opened(coop, member, product, officer, amount=1_000_00)
    with pytest.raises(Invalid, match="minimum balance"):
        savings.withdraw(coop.id, account.id, 950_00, on=MONTH + timedelta(days=1), actor_id=officer.id)
    savings.withdraw(coop.id, account.id, 900_00, on=MONTH + timedelta(days=1), actor_id=officer.id)
    db.session.commit()
    assert account.balance == 100_00
    assert ledger.party_balance(coop.id, "savings_deposits", account.party_id).credit_balance == 100_00


def test_no_overdraft_refuses_a_withdrawal_the_cash_box_cannot_pay(make_org, officer, make_user):
    org = make_org("cooperative", no_overdraft=True)
    teller = make_user(org, "officer")
    from coop.members.services import create_member

    member = create_member(org.id, name="Lita", actor_id=None, status="active")
    account = savings.open_account(org.id, member.id, savings.product_by_code(org.id, "regular").id, on=MONTH,
                                   amount=1_000_00, actor_id=teller.id)
    ledger.post(Entry(org.id, MONTH, "Cash to the bank", (Line("cash_in_bank", debit=1_000_00),
                                                         Line("cash_on_hand", credit=1_000_00))))
    db.session.commit()
    with pytest.raises(Exception, match="below zero"):
        savings.withdraw(org.id, account.id, 500_00, on=MONTH, actor_id=teller.id)


def test_pay_a_share_installment_from_savings_in_one_entry_with_a_receipt(coop, member, product, officer):
    shares.subscribe(coop.id, member.id, shares=20, on=MONTH, installments=4, actor_id=officer.id)
    account = opened(coop, member, product, officer, amount=2_000_00)
    txn = savings.pay_shares(coop.id, account.id, 500_00, on=MONTH + timedelta(days=1), actor_id=officer.id,
                             idempotency_key="shares-1")
    db.session.commit()
    entry = ledger.get_entry(coop.id, txn.entry_id)
    sides = {(line.account_name, line.debit, line.credit) for line in entry.lines}
    assert ("Savings Deposits", 500_00, 0) in sides and len(entry.lines) == 4
    assert receipts.get(coop.id, txn.receipt_id).kind == "share_payment"
    assert shares.summary(coop.id, member, MONTH + timedelta(days=1)).paid_up == 500_00
    assert account.balance == 1_500_00
    with pytest.raises(Invalid, match="minimum balance"):
        savings.pay_shares(coop.id, account.id, 1_450_00, on=MONTH + timedelta(days=1), actor_id=officer.id)


def test_time_deposit_matures_and_rolls_over_or_pays_out(coop, member, officer):
    td = savings.product_by_code(coop.id, "td180")
    savings.update_product(coop.id, td.id, {"term_days": 10}, officer.id)
    regular = savings.open_account(coop.id, member.id, savings.product_by_code(coop.id, "regular").id, on=MONTH,
                                   amount=500_00, actor_id=officer.id)
    roll = savings.open_account(coop.id, member.id, td.id, on=MONTH, amount=100_000_00, actor_id=officer.id)
    pay = savings.open_account(coop.id, member.id, td.id, on=MONTH, amount=50_000_00, on_maturity="payout",
                               actor_id=officer.id)
    with pytest.raises(Conflict):
        savings.withdraw(coop.id, roll.id, 1_00, on=MONTH, actor_id=officer.id)
    savings.end_of_day(coop.id, MONTH + timedelta(days=10))
    db.session.commit()
    roll, pay, regular = (savings.get_account(coop.id, a.id) for a in (roll, pay, regular))
    interest = (100_000_00 * 10 * 400 + 1_825_000) // 3_650_000  # 4% a year for 10 days: PHP 109.59
    assert interest == 10959 and roll.balance == 100_000_00 + interest and roll.status == "active"
    assert roll.maturity_on == MONTH + timedelta(days=20) and roll.principal == roll.balance
    assert pay.status == "closed" and pay.balance == 0
    assert regular.balance == 500_00 + 50_000_00 + (50_000_00 * 10 * 400 + 1_825_000) // 3_650_000
    assert ledger.balance(coop.id, "time_deposits").credit_balance == roll.balance


def test_a_late_run_pays_matured_deposits_into_the_period_they_belong_to(coop, member, officer):
    """The job first runs on the 5th: a time deposit that matured on the 28th of the month before is paid into her
    savings before that month's interest (the payout earns its 3 or 4 days), one maturing on the 2nd after it; her
    passbook stays in date order."""
    td = savings.product_by_code(coop.id, "td180")
    savings.update_product(coop.id, td.id, {"term_days": 10}, officer.id)
    before = (MONTH - timedelta(days=1)).replace(day=1)
    regular = savings.open_account(coop.id, member.id, savings.product_by_code(coop.id, "regular").id, on=before,
                                   amount=1_000_00, actor_id=officer.id)
    early, late = (savings.open_account(coop.id, member.id, td.id, on=matures - timedelta(days=10), amount=10_000_00,
                                        on_maturity="payout", actor_id=officer.id)
                   for matures in (before.replace(day=28), MONTH + timedelta(days=1)))
    db.session.commit()
    assert savings.end_of_day(coop.id, MONTH + timedelta(days=4)).startswith("1 interest")
    db.session.commit()
    regular = savings.get_account(coop.id, regular.id)
    term_interest = (10_000_00 * 10 * 400 + 1_825_000) // 3_650_000
    payout = 10_000_00 + term_interest
    days_after = (MONTH - before.replace(day=28)).days
    held = 1_000_00 * (MONTH - before).days + payout * days_after
    interest = (held * 200 + 1_825_000) // 3_650_000
    assert regular.interest_total == interest and regular.balance == 1_000_00 + 2 * payout + interest
    lines = savings.transactions(coop.id, regular.id)
    assert [(t.kind, t.on_date) for t in lines] == [
        ("deposit", before), ("maturity", before.replace(day=28)), ("interest", MONTH - timedelta(days=1)),
        ("maturity", MONTH + timedelta(days=1))]
    assert regular.period_start == MONTH and regular.balance_days == (1_000_00 + payout + interest) * 1
    assert all(savings.get_account(coop.id, a.id).status == "closed" for a in (early, late))
    assert ledger.recompute_problems(coop.id) == []


def test_pre_termination_pays_the_interest_so_far_less_the_penalty(coop, member, officer):
    td = savings.product_by_code(coop.id, "td180")  # 4% a year, 50% of the interest forfeited
    account = savings.open_account(coop.id, member.id, td.id, on=MONTH, amount=100_000_00, actor_id=officer.id)
    txn = savings.preterminate(coop.id, account.id, on=MONTH + timedelta(days=20), actor_id=officer.id)
    db.session.commit()
    earned = (100_000_00 * 20 * 400 + 1_825_000) // 3_650_000  # PHP 219.18
    net = earned - earned * 5000 // 10_000
    entry = ledger.get_entry(coop.id, txn.entry_id)
    assert {(line.account_name, line.debit, line.credit) for line in entry.lines} == {
        ("Time Deposits", 100_000_00, 0), ("Interest Expense on Deposits", net, 0),
        ("Cash on Hand", 0, 100_000_00 + net)}
    assert account.status == "closed" and account.balance == 0 and account.interest_total == net


def test_dormancy_needs_reactivation_before_a_withdrawal(coop, member, product, officer):
    savings.update_product(coop.id, product.id, {"dormant_days": 10}, officer.id)
    account = opened(coop, member, product, officer, amount=1_000_00)
    savings.end_of_day(coop.id, MONTH + timedelta(days=11))
    db.session.commit()
    account = savings.get_account(coop.id, account.id)
    assert account.status == "dormant"
    with pytest.raises(Conflict, match="dormant"):
        savings.withdraw(coop.id, account.id, 100_00, on=MONTH + timedelta(days=12), actor_id=officer.id)
    savings.reactivate(coop.id, account.id, on=MONTH + timedelta(days=12), actor_id=officer.id)
    savings.withdraw(coop.id, account.id, 100_00, on=MONTH + timedelta(days=12), actor_id=officer.id)
    db.session.commit()
    assert account.status == "active" and account.balance == 900_00


def test_control_check_and_manual_entries_kept_off_the_control_account(coop, member, product, officer):
    account = opened(coop, member, product, officer)
    savings.end_of_day(coop.id, NEXT)
    db.session.commit()
    checks = {key: (book, kept) for key, book, kept in savings.control_balances(coop.id)}
    assert checks["savings_deposits"][0] == checks["savings_deposits"][1] == account.balance
    assert checks["time_deposits"] == (0, 0)
    deposits = ledger.get_account(coop.id, "savings_deposits")
    with pytest.raises(ControlAccount):
        ledger.post_manual(coop.id, {"entry_date": MONTH, "memo": "By hand", "lines": [
            {"account_id": ledger.get_account(coop.id, "cash_on_hand").id, "debit": 1_00, "credit": 0},
            {"account_id": deposits.id, "debit": 0, "credit": 1_00}]}, officer.id)


def test_bal_by_text_includes_her_savings(coop, member, product, officer):
    from sqlalchemy import select

    from coop.messaging import sms
    from coop.messaging.models import OutboxMessage

    opened(coop, member, product, officer, amount=1_234_50)
    sms.set_pin(coop.id, member.id, "4821", None)
    db.session.commit()
    assert sms.handle_incoming(coop.id, "+639171234567", "BAL 4821").outcome == "answered"
    db.session.commit()
    [reply] = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.org_id == coop.id,
                                                                  OutboxMessage.purpose == "reply"))
    assert "savings PHP 1,234.50" in reply


def test_pay_a_loan_amortization_from_savings_in_one_entry(coop, member, product, officer, make_user):
    from coop.loans import services as loans

    checker = make_user(coop, "officer")
    loan = loans.apply(coop.id, member.id, loans.product_by_code(coop.id, "emergency").id, 200_000, on=MONTH,
                       actor_id=officer.id, purpose="Seeds")
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=MONTH)
    loans.release(coop.id, loan.id, on=MONTH, actor_id=checker.id)
    account = opened(coop, member, product, officer, amount=1_000_00)
    owed = loans.get_loan(coop.id, loan.id).outstanding
    txn = savings.pay_loan(coop.id, account.id, loan.id, 300_00, on=MONTH + timedelta(days=5), actor_id=officer.id)
    db.session.commit()
    entry = ledger.get_entry(coop.id, txn.entry_id)
    assert [(line.account_name, line.debit) for line in entry.lines if line.debit] == [("Savings Deposits", 300_00)]
    assert receipts.get(coop.id, txn.receipt_id).kind == "loan_repayment"
    assert account.balance == 700_00 and loans.get_loan(coop.id, loan.id).outstanding == owed - 300_00
    with pytest.raises(Conflict):  # the loan alone would put the money back on the ledger, not in her account
        loans.reverse_repayment(coop.id, txn.id, on=MONTH + timedelta(days=6), reason="Wrong loan", actor_id=checker.id)
    db.session.rollback()
    assert ledger.recompute_problems(coop.id) == [] and savings.get_account(coop.id, account.id).balance == 700_00


def test_desk_cash_is_tagged_to_the_tellers_open_session(coop, member, product, officer):
    from coop.cash import services as cash
    from coop.ledger.models import JournalEntry

    session = cash.open_session(coop.id, officer.id, opening_count=0)
    account = opened(coop, member, product, officer, amount=500_00, on=today())
    txn = savings.withdraw(coop.id, account.id, 100_00, on=today(), actor_id=officer.id)
    db.session.commit()
    first = savings.transactions(coop.id, account.id)[0]
    assert db.session.get(JournalEntry, first.entry_id).teller_session_id == session.id
    assert db.session.get(JournalEntry, txn.entry_id).teller_session_id == session.id
    assert cash.expected_count(session) == 400_00


def test_no_account_is_opened_in_a_period_whose_interest_is_posted(coop, member, product, officer):
    from coop.jobs.models import JobRun

    db.session.add(JobRun(org_id=coop.id, job=savings.JOB, day=NEXT, summary=""))
    db.session.commit()
    with pytest.raises(Invalid, match="already posted"):
        savings.open_account(coop.id, member.id, product.id, on=MONTH + timedelta(days=20), actor_id=officer.id)
    assert savings.open_account(coop.id, member.id, product.id, on=NEXT, actor_id=officer.id).period_start == NEXT
