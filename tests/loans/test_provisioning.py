"""Issue 16 item 4: the allowance for probable losses set from the aging at each month end (the CDA's rates by
default), consumed by write-offs without ever going negative; recoveries of written-off loans are income."""
from datetime import date, timedelta

import pytest

from coop.approvals import services as approvals
from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.loans import services
from coop.loans.models import Loan
from coop.orgs.services import set_setting

from .test_lifecycle import released_loan

ALLOWANCE, EXPENSE = "allowance_probable_losses", "provision_probable_losses"


def _allowance(org_id):
    return ledger.balance(org_id, ALLOWANCE).credit_total - ledger.balance(org_id, ALLOWANCE).debit_total


def _late(loan_id, due):
    """Make the loan's oldest unpaid installment fall due on `due` (the aging reads Loan.next_due_on)."""
    db.session.get(Loan, loan_id).next_due_on = due
    db.session.flush()


@pytest.fixture
def officers(officer, checker):
    return officer, checker


@pytest.fixture
def book(coop, member, officer, checker):
    """An active emergency loan of PhP2,000 released on 2 March 2026."""
    return released_loan(coop, member, officer, checker, amount=200_000)


def test_the_cda_rates_are_the_default_and_each_bucket_is_computed(coop, book):
    end = date(2026, 10, 31)
    _late(book.id, end - timedelta(days=40))
    found = services.provisioning(coop.id, end)
    by_bucket = {line.bucket: line for line in found.lines}
    assert by_bucket["31-60"].outstanding == book.principal_outstanding and by_bucket["31-60"].rate == 35
    assert by_bucket["31-60"].required == round(book.principal_outstanding * 0.35)
    assert by_bucket["over 365"].rate == 100 and by_bucket["current"].rate == 0
    _late(book.id, end - timedelta(days=400))
    assert services.provisioning(coop.id, end).required == book.principal_outstanding


def test_month_end_sets_the_allowance_then_reverses_the_excess(coop, book):
    end = date(2026, 10, 31)
    _late(book.id, end - timedelta(days=40))
    row = services.provide(coop.id, end)
    assert row.adjustment == row.required > 0 and _allowance(coop.id) == row.required
    assert ledger.balance(coop.id, EXPENSE).debit_total == row.required
    _late(book.id, None)  # paid up to date again
    later = services.provide(coop.id, date(2026, 11, 30))
    assert later.required == 0 and later.adjustment == -row.required and _allowance(coop.id) == 0
    with pytest.raises(Exception):
        services.provide(coop.id, date(2026, 11, 30))  # once per month end
    with pytest.raises(Invalid):
        services.provide(coop.id, date(2026, 11, 29))  # a month end only
    assert ledger.recompute_problems(coop.id) == []


def test_the_daily_job_acts_on_month_ends_and_catches_up_missed_months(coop, book):
    _late(book.id, date(2026, 8, 1))
    first = services.month_end_provisioning(coop.id, date(2026, 9, 15))  # first run: only the last month end
    assert "2026-08" in first and [p.month_end for p in services.provisions(coop.id)] == [date(2026, 8, 31)]
    assert services.month_end_provisioning(coop.id, date(2026, 9, 16)) == "nothing to set"
    services.month_end_provisioning(coop.id, date(2026, 11, 30))  # September, October, November
    assert [p.month_end for p in services.provisions(coop.id)] == [
        date(2026, 11, 30), date(2026, 10, 31), date(2026, 9, 30), date(2026, 8, 31)]
    assert _allowance(coop.id) == services.provisions(coop.id)[0].required
    assert ledger.recompute_problems(coop.id) == []


def test_a_write_off_larger_than_the_allowance_provides_the_difference(coop, book, officers):
    maker, checker = officers
    set_setting(coop.id, services.rate_setting("1-30"), 10, None)
    end = date(2026, 10, 31)
    _late(book.id, end - timedelta(days=5))
    provided = services.provide(coop.id, end).required
    owed = book.principal_outstanding
    assert 0 < provided < owed
    request = services.request_change(coop.id, book.id, "write_off", reason="moved away", actor_id=maker.id,
                                      on=date(2026, 11, 2))
    services.decide_request(coop.id, request.id, approve=True, actor_id=checker.id, on=date(2026, 11, 2))
    assert _allowance(coop.id) == 0  # consumed, never negative
    assert ledger.balance(coop.id, EXPENSE).debit_total == owed  # what was provided, and the rest now
    assert ledger.recompute_problems(coop.id) == []


def test_a_write_off_within_the_allowance_only_consumes_it(coop, book, officers):
    maker, checker = officers
    set_setting(coop.id, services.rate_setting("over 365"), 100, None)
    end = date(2026, 10, 31)
    _late(book.id, end - timedelta(days=500))
    services.provide(coop.id, end)
    expense = ledger.balance(coop.id, EXPENSE).debit_total
    request = services.request_change(coop.id, book.id, "write_off", reason="died", actor_id=maker.id,
                                      on=date(2026, 11, 2))
    with pytest.raises(approvals.NotTheChecker):
        services.decide_request(coop.id, request.id, approve=True, actor_id=maker.id, on=date(2026, 11, 2))
    services.decide_request(coop.id, request.id, approve=True, actor_id=checker.id, on=date(2026, 11, 2))
    assert _allowance(coop.id) == 0 and ledger.balance(coop.id, EXPENSE).debit_total == expense


def test_a_recovery_of_a_written_off_loan_is_income(coop, book, officers):
    maker, checker = officers
    owed = book.principal_outstanding
    request = services.request_change(coop.id, book.id, "write_off", reason="gone", actor_id=maker.id,
                                      on=date(2026, 11, 2))
    services.decide_request(coop.id, request.id, approve=True, actor_id=checker.id, on=date(2026, 11, 2))
    income = ledger.balance(coop.id, "other_income").credit_total
    txn = services.recover(coop.id, book.id, 50_000, on=date(2026, 11, 20), actor_id=maker.id,
                           idempotency_key="rec-1")
    assert txn.receipt_id and ledger.balance(coop.id, "other_income").credit_total == income + 50_000
    assert services.recover(coop.id, book.id, 50_000, on=date(2026, 11, 20), actor_id=maker.id,
                            idempotency_key="rec-1").id == txn.id  # a retry
    with pytest.raises(Invalid):
        services.recover(coop.id, book.id, owed, on=date(2026, 11, 20), actor_id=maker.id)
    assert services.get_loan(coop.id, book.id).status == "written_off" and _allowance(coop.id) == 0
    assert ledger.recompute_problems(coop.id) == []


def test_the_aging_as_of_a_past_day_is_rebuilt_from_the_transactions_not_today(coop, book, officer):
    """The CDA schedule ages the portfolio on the statement's date: a loan late then and paid since is late in
    that day's aging; a payment made after the day does not count."""
    rows = services.installments(book.id)
    first_due = rows[0].due_on
    late_day = first_due + timedelta(days=45)
    owed = book.principal_outstanding
    assert services.provisioning_as_of(coop.id, book.released_on - timedelta(days=1)).required == 0
    before = {line.bucket: line for line in services.provisioning_as_of(coop.id, first_due).lines}
    assert before["current"].loans == 1 and before["current"].outstanding == owed
    # pay everything due up to late_day, the day after it
    due_by_then = sum(i.principal_due + i.interest_due for i in rows if i.due_on <= late_day)
    services.repay(coop.id, book.id, due_by_then, on=late_day + timedelta(days=1), actor_id=officer.id,
                   idempotency_key="aging-pay")
    db.session.commit()
    then = services.provisioning_as_of(coop.id, late_day)
    by_bucket = {line.bucket: line for line in then.lines}
    assert by_bucket["31-60"].loans == 1 and by_bucket["31-60"].outstanding == owed
    assert then.required == round(owed * 0.35)
    after = services.provisioning_as_of(coop.id, late_day + timedelta(days=1))
    paid_principal = sum(i.principal_due for i in rows if i.due_on <= late_day)
    assert after.required == 0
    assert {line.bucket: line for line in after.lines}["current"].outstanding == owed - paid_principal
