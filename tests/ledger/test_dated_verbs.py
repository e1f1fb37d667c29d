"""Issue 16, the class of defect: every dated verb of every domain is refused when dated before the record it
acts on (a payment before the loan's release, a remittance before the sale it pays, a tranche before the MOA's
signing, a reversal before what it reverses...). One table over the demo's books, on both engines: each row
finds its record, asks the verb one day too early, and expects a domain refusal naming the date field, with
nothing written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable

import pytest
from sqlalchemy import func, select

from coop import demo
from coop.auth.services import find_user
from coop.consignment import services as consignment
from coop.consignment.models import Doc, MemberAccount
from coop.errors import CoopError
from coop.extensions import db
from coop.grants import services as grants
from coop.grants.models import Moa, Tranche
from coop.groups import services as groups
from coop.groups.models import CapitalLoan, Repayment
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.loans import services as loans
from coop.loans.models import Loan, LoanTransaction
from coop.members import services as members
from coop.members import shares
from coop.members.models import Member, ShareSubscription, ShareWithdrawal
from coop.orgs.services import get_by_slug
from coop.savings import services as savings
from coop.savings.models import SavingsAccount
from coop.wellness import services as wellness
from coop.timeutil import today
from coop.wellness.models import Booking

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Books:
    coop: int
    ngo: int
    officer: int
    officer2: int
    grants: int


def _first(query):
    found = db.session.scalars(query.limit(1)).first()
    assert found is not None, f"the demo has no record for {query}"
    return found


def _setup(step):
    """A step that brings the record to the state the verb needs: a refusal here is the test's fault, not a pass."""
    try:
        return step()
    except CoopError as refused:
        raise AssertionError(f"setting up the row failed: {refused}") from refused


# ------------------------------------------------------------------ the verbs, each dated a day too early


def share_subscription_before_application(b: Books):
    member = _first(select(Member).where(Member.org_id == b.coop, Member.status == "active"))
    return lambda: shares.subscribe(b.coop, member.id, shares=10, on=member.applied_on - DAY, actor_id=b.officer)


def share_payment_before_subscription(b: Books):
    subscription = _first(select(ShareSubscription).where(ShareSubscription.org_id == b.coop,
                                                          ShareSubscription.status == "open"))
    return lambda: shares.record_payment(b.coop, subscription.member_id, amount=100_00,
                                         on=subscription.subscribed_on - DAY, actor_id=b.officer)


def share_withdrawal_decided_before_asked(b: Books):
    withdrawal = _first(select(ShareWithdrawal).where(ShareWithdrawal.org_id == b.coop,
                                                      ShareWithdrawal.status == "pending"))
    return lambda: shares.decide_withdrawal(b.coop, withdrawal.id, approve=True, on=withdrawal.requested_on - DAY,
                                            actor_id=b.officer2)


def share_refund_paid_before_approval(b: Books):
    """The demo's withdrawal waits for a second officer: approved today, its refund then paid yesterday."""
    withdrawal = _first(select(ShareWithdrawal).where(ShareWithdrawal.org_id == b.coop,
                                                      ShareWithdrawal.status == "pending"))

    def act():
        _setup(lambda: shares.decide_withdrawal(b.coop, withdrawal.id, approve=True, on=today(), actor_id=b.officer2))
        return shares.pay_refund(b.coop, withdrawal.id, on=today() - DAY, actor_id=b.officer)

    return act


def admission_before_application(b: Books):
    member = _first(select(Member).where(Member.org_id == b.coop, Member.status == "applicant"))
    return lambda: members.admit(b.coop, member.id, on=member.applied_on - DAY, board_resolution="BR 9",
                                 actor_id=b.officer)


def loan_repayment_before_release(b: Books):
    loan = _first(select(Loan).where(Loan.org_id == b.coop, Loan.status == "active", Loan.released_on.is_not(None)))
    return lambda: loans.repay(b.coop, loan.id, 100_00, on=loan.released_on - DAY, actor_id=b.officer)


def loan_repayment_reversed_before_it_was_paid(b: Books):
    txn = _first(select(LoanTransaction).join(Loan, Loan.id == LoanTransaction.loan_id).where(
        LoanTransaction.org_id == b.coop, LoanTransaction.kind == "repayment", LoanTransaction.reversed.is_(False),
        Loan.status == "active").order_by(LoanTransaction.on_date.desc()))
    return lambda: loans.reverse_repayment(b.coop, txn.id, on=txn.on_date - DAY, reason="typed twice",
                                           actor_id=b.officer)


def savings_deposit_before_opening(b: Books):
    account = _first(select(SavingsAccount).where(SavingsAccount.org_id == b.coop, SavingsAccount.status == "active"))
    return lambda: savings.deposit(b.coop, account.id, 100_00, on=account.opened_on - DAY, actor_id=b.officer)


def savings_withdrawal_before_the_deposit_it_draws_on(b: Books):
    account = _first(select(SavingsAccount).where(SavingsAccount.org_id == b.coop, SavingsAccount.status == "active",
                                                  SavingsAccount.balance > 100_00)
                     .order_by(SavingsAccount.last_activity_on.desc()))
    return lambda: savings.withdraw(b.coop, account.id, 1_00, on=account.last_activity_on - DAY, actor_id=b.officer)


def consignment_remittance_before_the_sale(b: Books):
    account = _first(select(MemberAccount).where(MemberAccount.org_id == b.coop,
                                                 MemberAccount.oldest_unremitted_on.is_not(None)))
    return lambda: consignment.record_remittance(b.coop, account.member_id, 1_00,
                                                 on=account.oldest_unremitted_on - DAY, actor_id=b.officer,
                                                 campaign_id=account.campaign_id)


def consignment_sale_before_the_issue(b: Books):
    issue = _first(select(Doc).where(Doc.org_id == b.coop, Doc.kind == "issue", Doc.voided_at.is_(None))
                   .order_by(Doc.on.desc()))
    first_issue = db.session.scalar(select(func.min(Doc.on)).where(
        Doc.org_id == b.coop, Doc.kind == "issue", Doc.member_id == issue.member_id,
        Doc.campaign_id == issue.campaign_id, Doc.voided_at.is_(None)))
    item = consignment.doc_lines(issue)[0].item_id
    return lambda: consignment.report_sales(b.coop, issue.member_id, issue.campaign_id, [{"item_id": item, "qty": 1}],
                                            on=first_issue - DAY, actor_id=b.officer)


def principal_paid_before_the_sales(b: Books):
    campaign = _first(select(Doc).where(Doc.org_id == b.coop, Doc.kind == "sale_report", Doc.voided_at.is_(None)))
    first_sale = db.session.scalar(select(func.min(Doc.on)).where(
        Doc.org_id == b.coop, Doc.campaign_id == campaign.campaign_id, Doc.voided_at.is_(None),
        Doc.kind.in_(("sale_report", "counter_sale"))))
    return lambda: consignment.settle_campaign(b.coop, campaign.campaign_id, 1_00, on=first_sale - DAY,
                                               actor_id=b.officer)


def consignment_void_before_the_record(b: Books):
    doc = _first(select(Doc).where(Doc.org_id == b.coop, Doc.kind == "remittance", Doc.voided_at.is_(None)))
    return lambda: consignment.void(b.coop, doc.id, reason="typed twice", on=doc.on - DAY, actor_id=b.officer)


def tranche_before_the_moa_signing(b: Books):
    """The demo's signed MOAs have released every tranche: a draft one is signed, then its tranche asked for the
    day before the signing."""
    tranche = _first(select(Tranche).join(Moa, Moa.id == Tranche.moa_id).where(
        Tranche.org_id == b.ngo, Tranche.status == "planned", Moa.status == "draft"))
    signed_on = today() - timedelta(days=5)

    def act():
        _setup(lambda: grants.sign_moa(b.ngo, tranche.moa_id, on=signed_on, actor_id=b.grants))
        return grants.request_release(b.ngo, tranche.id, on=signed_on - DAY, actor_id=b.grants)

    return act


def capital_loan_repayment_before_release(b: Books):
    loan = _first(select(CapitalLoan).where(CapitalLoan.org_id == b.ngo, CapitalLoan.status == "active"))
    return lambda: groups.repay(b.ngo, loan.id, amount=100_00, on=loan.released_on - DAY,
                                cash_account="cash_on_hand", actor_id=b.grants)


def capital_loan_repayment_voided_before_it_was_paid(b: Books):
    repayment = _first(select(Repayment).where(Repayment.org_id == b.ngo, Repayment.voided_on.is_(None))
                       .order_by(Repayment.paid_on.desc(), Repayment.id.desc()))
    return lambda: groups.void_repayment(b.ngo, repayment.id, on=repayment.paid_on - DAY, reason="typed twice",
                                         actor_id=b.grants)


def booking_paid_before_it_starts(b: Books):
    booking = _first(select(Booking).where(Booking.org_id == b.coop, Booking.status.in_(("booked", "checked_in")))
                     .order_by(Booking.starts_at.desc()))
    return lambda: wellness.complete(b.coop, booking.id, actor_id=b.officer,
                                     now=datetime.combine(booking.starts_at.date() - DAY, time(9)))


def reversal_before_the_entry(b: Books):
    entry = _first(select(JournalEntry).where(JournalEntry.org_id == b.coop, JournalEntry.source == "demo")
                   .order_by(JournalEntry.entry_date.desc()))
    return lambda: ledger.reverse(b.coop, entry.id, on=entry.entry_date - DAY, reason="typed twice",
                                  actor_id=b.officer)


VERBS: tuple[Callable[[Books], Callable[[], object]], ...] = (
    share_subscription_before_application, share_payment_before_subscription, share_withdrawal_decided_before_asked,
    share_refund_paid_before_approval,
    admission_before_application, loan_repayment_before_release, loan_repayment_reversed_before_it_was_paid,
    savings_deposit_before_opening, savings_withdrawal_before_the_deposit_it_draws_on,
    consignment_remittance_before_the_sale, consignment_sale_before_the_issue, principal_paid_before_the_sales,
    consignment_void_before_the_record,
    tranche_before_the_moa_signing, capital_loan_repayment_before_release,
    capital_loan_repayment_voided_before_it_was_paid, booking_paid_before_it_starts, reversal_before_the_entry,
)


def _written() -> int:
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_every_dated_verb_is_refused_a_day_before_what_it_acts_on(app):
    demo.seed()
    db.session.commit()
    coop, ngo = get_by_slug(demo.COOP_SLUG).id, get_by_slug(demo.NGO_SLUG).id
    books = Books(coop, ngo, find_user("officer").id, find_user("officer2").id, find_user("grants").id)
    accepted = []
    for verb in VERBS:
        act = verb(books)
        before = _written()
        savepoint = db.session.begin_nested()
        try:
            act()
        except CoopError as refused:
            assert refused.field, f"{verb.__name__}: {refused} names no field"
            assert any(words in refused.message for words in ("before", "on or after", "once it has started")), \
                f"{verb.__name__} was refused for another reason: {refused}"
        else:
            accepted.append(verb.__name__)
        savepoint.rollback()
        db.session.expire_all()
        assert _written() == before, f"{verb.__name__} wrote an entry"
    assert accepted == [], f"accepted a day too early: {accepted}"
