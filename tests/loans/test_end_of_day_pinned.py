"""The end of day's penalties and past-due moves over a varied portfolio, pinned to the centavo.

Several products (a rate per period with no grace, a rate with grace days, a fixed amount per week with
grace, no penalty at all), flat and diminishing schedules, partial payments, a loan already past due that
catches up and moves back, a restructured loan, a closed month, both penalty policies: ninety days of the
job, and everything it wrote (loans, installments, loan transactions, journal entries and their lines, the
totals) must be what `end_of_day_pinned.json` says, on SQLite and PostgreSQL alike. The file was written by
the job as it was when every late installment's penalty was computed in Python; set COOP_PIN_WRITE=1 to write
it again (only after a change of behaviour that is meant).
"""
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import ClosedPeriodError
from coop.ledger.models import Account, JournalEntry, JournalLine
from coop.ledger.records import Line
from coop.loans import services as loans
from coop.loans.models import Installment, Loan, LoanTransaction
from coop.members.services import create_member
from coop.orgs.services import set_setting

from .conftest import DAY

PINNED = Path(__file__).with_name("end_of_day_pinned.json")
DAYS = 90


def _portfolio(org, officer, checker):
    """Loans of every kind the job meets, and the payments made on given days (day offset -> callables)."""
    weekly = loans.create_product(org.id, "weekly", {
        "name": "Weekly fixed", "frequency": "weekly", "term_count": 4, "max_term_count": 8,
        "interest_method": "diminishing", "interest_rate_bp": 250, "penalty_method": "fixed",
        "penalty_amount": 5_000, "penalty_grace_days": 2, "penalty_period_days": 7,
        "cap_method": "fixed", "cap_amount": 500_000, "cap_ceiling": 500_000, "max_open_loans": 3}, officer.id)
    monthly = loans.create_product(org.id, "monthly", {
        "name": "Monthly daily rate", "frequency": "monthly", "term_count": 3, "max_term_count": 6,
        "interest_rate_bp": 300, "penalty_method": "rate", "penalty_rate_bp": 37, "penalty_grace_days": 5,
        "penalty_period_days": 1, "cap_method": "fixed", "cap_amount": 500_000, "cap_ceiling": 500_000,
        "max_open_loans": 3, "receivable_account": "loans_receivable_emergency"}, officer.id)
    free = loans.create_product(org.id, "free", {
        "name": "No penalty", "penalty_method": "none", "cap_method": "fixed", "cap_amount": 500_000,
        "cap_ceiling": 500_000, "max_open_loans": 3}, officer.id)
    db.session.commit()
    members = [create_member(org.id, name=f"M{n}", actor_id=None, status="active", mobile=f"09170000{n:03d}")
               for n in range(10)]
    db.session.commit()

    def commodity(member, amount, on, key):
        return loans.open_commodity_loan(org.id, member.id, amount, on, goods_lines=(Line("sales", credit=amount),),
                                         memo="Goods", source=None, source_id=None, idempotency_key=key, actor_id=None)

    def cash(member, product, amount, on, term=None):
        loan = loans.apply(org.id, member.id, product.id, amount, on=on, actor_id=officer.id, term_count=term)
        loans.approve(org.id, loan.id, actor_id=checker.id, on=on)
        return loans.release(org.id, loan.id, on=on, actor_id=checker.id, idempotency_key=f"rel-{loan.id}")

    emergency = loans.product_by_code(org.id, "emergency")
    made = [
        commodity(members[0], 100_000, DAY, "c0"),
        commodity(members[1], 55_555, DAY + timedelta(days=1), "c1"),
        commodity(members[2], 33_333, DAY + timedelta(days=3), "c2"),
        cash(members[3], emergency, 200_000, DAY),
        cash(members[4], emergency, 150_001, DAY + timedelta(days=2), term=4),
        cash(members[5], weekly, 120_000, DAY),
        cash(members[6], weekly, 99_999, DAY + timedelta(days=1)),
        cash(members[7], monthly, 300_000, DAY),
        cash(members[8], free, 80_000, DAY),
        cash(members[9], emergency, 180_000, DAY),
    ]
    db.session.commit()
    c0, c1, c2, e3, e4, w5, w6, m7, f8, r9 = made

    def repay(loan, amount, offset):
        """A payment of `amount` on the day (None: all that is owed then)."""
        def run():
            owed = loans.get_loan(org.id, loan.id).outstanding
            loans.repay(org.id, loan.id, owed if amount is None else amount, on=DAY + timedelta(days=offset),
                        actor_id=officer.id, idempotency_key=f"pay-{loan.id}-{offset}")
        return run

    def restructure(loan, offset):
        def run():
            request = loans.request_change(org.id, loan.id, "restructure", reason="Lost her job", actor_id=officer.id,
                                           on=DAY + timedelta(days=offset),
                                           terms={"frequency": "monthly", "term_count": 2, "interest_rate_bp": 0})
            loans.decide_request(org.id, request.id, approve=True, actor_id=checker.id, on=DAY + timedelta(days=offset))
        return run

    payments = {
        10: [repay(c1, 20_000, 10)],                  # a partial payment before the due date
        17: [repay(e3, 20_000, 17)],                  # part of the first installment, two days late (in grace)
        20: [repay(w5, 10_000, 20)],                  # partial, after the fixed penalty began
        24: [repay(c0, 30_000, 24)],                  # partial, already past due: the penalty base shrinks
        25: [restructure(r9, 25)],                    # restructured while late: a new loan on the restructured account
        30: [repay(e4, 50_000, 30)],
        35: [repay(c2, None, 35)],                  # catches up in full: closed
        41: [repay(e3, 60_000, 41)],                  # past due, pays arrears and penalty: moves back
        45: [repay(m7, 40_000, 45)],
        50: [repay(w6, None, 50)],                 # pays all: closed
        62: [repay(c1, 10_000, 62)],
    }
    return payments


def _run(org, officer, checker, policy):
    set_setting(org.id, "loans.penalty_recognition", policy)
    payments = _portfolio(org, officer, checker)
    for offset in range(1, DAYS + 1):
        if offset == 40:  # March is closed: the job goes on in April, payments too
            ledger.close_period(org.id, DAY.year, DAY.month, officer.id)
        for pay in payments.get(offset, ()):
            pay()
        loans.end_of_day(org.id, DAY + timedelta(days=offset))
        if offset % 7 == 0:
            loans.end_of_day(org.id, DAY + timedelta(days=offset))  # the same day again adds nothing
        db.session.commit()


def _state(org_id):
    """Everything the job wrote, ids made relative (so engines and runs compare)."""
    all_loans = list(db.session.scalars(select(Loan).where(Loan.org_id == org_id).order_by(Loan.id)))
    loan_no = {loan.id: n for n, loan in enumerate(all_loans)}
    insts = list(db.session.scalars(select(Installment).where(Installment.org_id == org_id).order_by(Installment.id)))
    inst_no = {inst.id: n for n, inst in enumerate(insts)}
    entries = list(db.session.scalars(select(JournalEntry).where(JournalEntry.org_id == org_id)
                                      .order_by(JournalEntry.id)))
    entry_no = {entry.id: n for n, entry in enumerate(entries)}
    parties = {loan.party_id: f"p{n}" for n, loan in enumerate(all_loans)}
    numbers = {loan.number: f"L{n}" for loan, n in ((loan, loan_no[loan.id]) for loan in all_loans)}
    accounts = {account_id: key or code for account_id, key, code in db.session.execute(
        select(Account.id, Account.key, Account.code).where(Account.org_id == org_id))}

    def words(text):
        if text is None:
            return None
        for number, stable in numbers.items():
            text = text.replace(number, stable)
        text = re.sub(r"(loans:penalty:|penalty:)(\d+)", lambda m: f"{m.group(1)}i{inst_no[int(m.group(2))]}", text)
        return re.sub(r"(loans:moves:[0-9-]+:)(\d+)", lambda m: f"{m.group(1)}l{loan_no[int(m.group(2))]}", text)

    lines = {}
    for line in db.session.scalars(select(JournalLine).where(JournalLine.org_id == org_id).order_by(JournalLine.id)):
        lines.setdefault(line.entry_id, []).append(
            [accounts[line.account_id], parties.get(line.party_id, line.party_id and "other"), line.debit, line.credit,
             words(line.memo)])
    return {
        "loans": [[loan.status, loan.days_past_due, loan.penalty_due, loan.penalty_paid, loan.principal_paid,
                   loan.receivable_account, loan.next_due_on and loan.next_due_on.isoformat()] for loan in all_loans],
        "installments": [[loan_no[i.loan_id], i.number, i.due_on.isoformat(), i.penalty_due, i.penalty_accrued,
                          i.penalty_paid, i.penalty_accrued_paid, i.penalty_periods, i.settled] for i in insts],
        "transactions": [[loan_no[t.loan_id], t.kind, t.on_date.isoformat(), t.amount, t.principal, t.interest,
                          t.penalty, [[inst_no.get(a[0], a[0]), *a[1:]] for a in (t.allocation or [])],
                          None if t.entry_id is None else entry_no[t.entry_id], t.reason, words(t.idempotency_key)]
                         for t in db.session.scalars(select(LoanTransaction).where(
                             LoanTransaction.org_id == org_id).order_by(LoanTransaction.id))],
        "entries": [[e.entry_date.isoformat(), words(e.memo), e.source, e.source_id and words(
            "L-%06d" % int(e.source_id) if e.source_id.isdigit() and int(e.source_id) in loan_no else e.source_id),
                     words(e.idempotency_key), lines.get(e.id, [])] for e in entries if e.source == "loans"],
        "balances": {accounts[a]: [b.debit_total, b.credit_total]
                     for a, b in sorted(ledger.balances_as_of(org_id).items()) if b.debit_total or b.credit_total},
    }


@pytest.mark.parametrize("policy", ["collected", "accrued"])
def test_penalties_and_moves_of_a_varied_portfolio_are_pinned(make_org, make_user, policy):
    org = make_org()
    officer, checker = make_user(org, "officer"), make_user(org, "officer")
    _run(org, officer, checker, policy)
    state = json.loads(json.dumps(_state(org.id)))
    assert ledger.recompute_problems(org.id) == []
    pinned = json.loads(PINNED.read_text()) if PINNED.exists() else {}
    if os.environ.get("COOP_PIN_WRITE"):
        pinned[policy] = state
        PINNED.write_text(json.dumps(pinned, indent=0, sort_keys=True) + "\n")
    assert any(row[3] for row in state["installments"])  # penalties were charged...
    assert any(row[0] == "loans_receivable_past_due" for row in
               (line for entry in state["entries"] for line in entry[5]))  # ...and loans moved
    for key in state:
        assert state[key] == pinned[policy][key], key


def test_a_day_in_a_closed_month_is_refused_whole(make_org, make_user):
    """The job's entries are dated the day: in a closed month it refuses, writing nothing (as every post does)."""
    org = make_org()
    officer = make_user(org, "officer")
    set_setting(org.id, "loans.penalty_recognition", "accrued")
    member = create_member(org.id, name="Ana", actor_id=None, status="active", mobile="09170000001")
    loans.open_commodity_loan(org.id, member.id, 100_000, DAY, goods_lines=(Line("sales", credit=100_000),),
                              memo="Goods", source=None, source_id=None, idempotency_key="k", actor_id=None)
    ledger.close_period(org.id, DAY.year, DAY.month, officer.id)
    db.session.commit()
    before = _state(org.id)
    with pytest.raises(ClosedPeriodError):
        loans.end_of_day(org.id, DAY + timedelta(days=20))
    db.session.rollback()
    assert _state(org.id) == before
