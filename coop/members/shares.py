"""Share capital: the policy, subscriptions with their installments, payments, withdrawals and transfers.

Every peso goes through the ledger with the member's party on each line, so her paid-up capital
and what she still owes are single balance rows. The subscription and installment rows carry
running `paid` totals kept in the same transaction, for the schedule and the overdue checks.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from ..approvals import services as approvals
from ..audit import services as audit
from ..errors import Conflict, Invalid, Pesos, Sentence, Status, Words
from ..extensions import db
from ..kernel import get_in_org, run_core
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..manifest import Execution, StandingCheck
from ..orgs.services import get_setting, setting_or_default, setting_query
from ..receipts import services as receipts
from ..timeutil import utcnow
from . import fees
from .base import get_member, member_party, set_status
from .models import (
    FREQUENCIES,
    Member,
    ShareInstallment,
    SharePayment,
    ShareSubscription,
    ShareTransfer,
    ShareWithdrawal,
)

SUBSCRIBED, RECEIVABLE, PAID_UP = ("subscribed_share_capital_common", "subscription_receivable_common",
                                   "paid_up_share_capital_common")
REFUNDS_PAYABLE = "withdrawable_share_capital_payable"
CASH = "cash_on_hand"
COOP = ("cooperative",)


@dataclass(frozen=True)
class Plan:
    installments: int
    frequency: str

    @property
    def key(self) -> str:
        return f"{self.installments}-{self.frequency}"

    @property
    def label(self) -> str:
        if self.installments == 1:
            return str(_l("Outright (one payment)"))
        return str(_l("%(n)s %(frequency)s installments", n=self.installments, frequency=self.frequency))


def plans(org_id: int) -> list[Plan]:
    """The plans the cooperative offers; outright payment is always one of them."""
    found = [Plan(1, "monthly")]
    for item in str(get_setting(org_id, "shares.installment_plans")).split(","):
        parts = item.split()
        if len(parts) == 2 and parts[0].isascii() and parts[0].isdigit() and len(parts[0]) <= 3 and parts[1] in FREQUENCIES and 1 < int(parts[0]) <= 60:
            plan = Plan(int(parts[0]), parts[1])
            if plan not in found:
                found.append(plan)
    return found


def find_plan(org_id: int, installments: int, frequency: str) -> Plan:
    wanted = Plan(installments, "monthly" if installments == 1 else frequency)
    if wanted not in plans(org_id):
        raise Invalid("This installment plan is not offered; choose one of the cooperative's plans.", field="plan")
    return wanted


def add_period(start: date, frequency: str, n: int) -> date:
    """The n-th due date after `start`; a month-end start stays at month end (Jan 31 -> Feb 28)."""
    if frequency in ("weekly", "semi-monthly"):
        return start + timedelta(days=FREQUENCIES[frequency] * n)
    months = n * (3 if frequency == "quarterly" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def schedule(amount: int, plan: Plan, first_due: date) -> list[tuple[date, int]]:
    """Equal installments in centavos; the last takes the remainder so the schedule sums exactly."""
    base = amount // plan.installments
    rows = [(add_period(first_due, plan.frequency, n), base) for n in range(plan.installments)]
    last_due, _ = rows[-1]
    rows[-1] = (last_due, amount - base * (plan.installments - 1))
    return rows


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class ShareSummary:
    subscribed: int  # everything she subscribed and has not withdrawn
    paid_up: int
    due: int  # still to pay on her subscriptions
    overdue: int
    next_due_on: date | None
    next_due_amount: int


def summary(org_id: int, member: Member, on: date, open_installments: list | None = None) -> ShareSummary:
    """Her position, read from balance rows and her open installments (a handful), never the journal.
    A caller that already holds her open installments (the member's summary: `open_schedule`) passes them."""
    balances = ledger.party_balances(org_id, member.party_id) if member.party_id else {}
    paid_up = balances[PAID_UP].credit_balance if PAID_UP in balances else 0
    due = balances[RECEIVABLE].debit_balance if RECEIVABLE in balances else 0
    if open_installments is None:
        open_rows = db.session.execute(
            select(ShareInstallment.due_on, ShareInstallment.amount - ShareInstallment.paid)
            .where(ShareInstallment.member_id == member.id, ShareInstallment.open.is_(True))
            .order_by(ShareInstallment.due_on, ShareInstallment.id)).all()
    else:
        open_rows = [(row.due_on, row.amount - row.paid) for row in open_installments]
    overdue = sum(balance for due_on, balance in open_rows if due_on < on)
    next_due_on = open_rows[0][0] if open_rows else None
    next_amount = sum(balance for due_on, balance in open_rows if due_on == next_due_on) if open_rows else 0
    return ShareSummary(paid_up + due, paid_up, due, overdue, next_due_on, next_amount)


def subscriptions_of(org_id: int, member_id: int) -> list[ShareSubscription]:
    return list(db.session.scalars(select(ShareSubscription).where(
        ShareSubscription.org_id == org_id, ShareSubscription.member_id == member_id)
        .order_by(ShareSubscription.subscribed_on, ShareSubscription.id)))


_INSTALLMENTS = (select(ShareInstallment).where(ShareInstallment.org_id == bindparam("org_id"),
                                                ShareInstallment.member_id == bindparam("member_id"))
                 .order_by(ShareInstallment.due_on, ShareInstallment.id))
# her summary's schedule, as values: no ORM row is built (it runs on every member's summary)
_OPEN_SCHEDULE = (select(ShareInstallment.seq, ShareInstallment.due_on, ShareInstallment.amount, ShareInstallment.paid,
                         ShareInstallment.open, (ShareInstallment.amount - ShareInstallment.paid).label("balance"))
                  .where(ShareInstallment.org_id == bindparam("org_id"), ShareInstallment.member_id == bindparam("member_id"),
                         ShareInstallment.open.is_(True))
                  .order_by(ShareInstallment.due_on, ShareInstallment.id))


def installments_of(org_id: int, member_id: int) -> list[ShareInstallment]:
    return list(db.session.scalars(_INSTALLMENTS, {"org_id": org_id, "member_id": member_id}))


def open_schedule(org_id: int, member_id: int) -> list:
    """Her open installments as rows of values (seq, due_on, amount, paid, open, balance), in due order."""
    return run_core(_OPEN_SCHEDULE, {"org_id": org_id, "member_id": member_id}).all()


def payments_of(org_id: int, member_id: int, limit: int = 50) -> list[SharePayment]:
    return list(db.session.scalars(select(SharePayment).where(
        SharePayment.org_id == org_id, SharePayment.member_id == member_id)
        .order_by(SharePayment.paid_on.desc(), SharePayment.id.desc()).limit(limit)))


def get_subscription(org_id: int, subscription_id: int) -> ShareSubscription:
    return get_in_org(ShareSubscription, org_id, subscription_id, "No such subscription.")


def get_payment(org_id: int, payment_id: int) -> SharePayment:
    return get_in_org(SharePayment, org_id, payment_id, "No such payment.")


def _oldest_open_and_grace() -> tuple:
    """Her oldest open installment's due date and the organization's grace days, if it set them (read with
    the other standing checks in `members.standing`'s one statement)."""
    return (select(func.min(ShareInstallment.due_on)).where(
        ShareInstallment.member_id == bindparam("member_id"), ShareInstallment.open.is_(True)).scalar_subquery(),
        setting_query(bindparam("org_id"), "shares.grace_days"))


def _overdue_reasons(values: tuple, on: date) -> list[Sentence]:
    oldest, grace = values
    grace = int(setting_or_default("shares.grace_days", grace))
    late = oldest and oldest < on - timedelta(days=grace)
    return [Sentence("share installment overdue since %(day)s", day=oldest)] if late else []


# Good standing: no share installment overdue more than the policy's grace days.
overdue_check = StandingCheck(columns=_oldest_open_and_grace, reasons=_overdue_reasons)


def totals(org_id: int, on: date) -> dict[str, int]:
    """The cooperative's figures for the dashboard tile."""
    def balance(key):
        found = ledger.balance(org_id, key)
        return found.credit_balance if key != RECEIVABLE else found.debit_balance

    overdue = db.session.execute(select(func.count(), func.coalesce(func.sum(ShareInstallment.amount - ShareInstallment.paid), 0))
                                 .where(ShareInstallment.org_id == org_id, ShareInstallment.open.is_(True),
                                        ShareInstallment.due_on < on)).one()
    return {"paid_up": balance(PAID_UP), "receivable": balance(RECEIVABLE), "overdue_count": overdue[0],
            "overdue_amount": int(overdue[1])}


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """`coop ledger check`: subscription receivable against the installments still open, subscribed capital
    against what the subscriptions not closed still ask, paid-up capital against what was paid on them, and
    the refunds payable against the approved withdrawals not yet paid out."""
    keys = ledger.balances_by_key(org_id)
    if RECEIVABLE not in keys:
        return []
    open_due = db.session.scalar(select(func.coalesce(func.sum(ShareInstallment.amount - ShareInstallment.paid), 0))
                                 .where(ShareInstallment.org_id == org_id, ShareInstallment.open.is_(True)))
    paid, unpaid = db.session.execute(select(
        func.coalesce(func.sum(ShareSubscription.paid), 0),
        func.coalesce(func.sum(ShareSubscription.amount - ShareSubscription.paid), 0)).where(
        ShareSubscription.org_id == org_id, ShareSubscription.status != "closed")).one()
    refunds_due = db.session.scalar(select(func.coalesce(func.sum(ShareWithdrawal.refund), 0)).where(
        ShareWithdrawal.org_id == org_id, ShareWithdrawal.status == "approved",
        ShareWithdrawal.refund_entry_id.is_(None)))
    return [(RECEIVABLE, keys[RECEIVABLE].debit_balance, int(open_due)),
            (SUBSCRIBED, keys[SUBSCRIBED].credit_balance, int(unpaid)),
            (PAID_UP, keys[PAID_UP].credit_balance, int(paid)),
            (REFUNDS_PAYABLE, keys[REFUNDS_PAYABLE].credit_balance, int(refunds_due))]


# ---------------------------------------------------------------- subscribing


def _lock_member(org_id: int, member_id: int) -> Member:
    """Every share verb on one member runs under her row lock: two officers at once cannot overpay."""
    return get_member(org_id, member_id, lock=True)


def _replay(model, org_id: int, key: str | None, **same):
    """A retried request with the same key returns what the first one made; other content is refused."""
    if not key:
        return None
    found = db.session.scalar(select(model).where(model.org_id == org_id, model.idempotency_key == key))
    if found is not None and any(getattr(found, k) != v for k, v in same.items()):
        raise Conflict("This form was already used for something else. Reload the page and try again.",
                       field="idempotency_key")
    return found


def check_not_before_membership(member: Member, on: date, field: str = "on") -> None:
    """Her shares start with her membership: nothing of them is dated before she applied (or, for a member
    whose application date the books never had, before she was admitted)."""
    start = member.applied_on or member.admitted_on
    if start is not None and on < start:
        raise Invalid("A share subscription cannot be dated before her membership began: %(name)s applied on "
                      "%(start)s.", field=field, values={"name": member.label, "start": start})


def subscribe(org_id: int, member_id: int, *, shares: int, on: date, installments: int = 1,
              frequency: str = "monthly", first_due: date | None = None, actor_id: int | None,
              idempotency_key: str | None = None, kind: str | None = None) -> ShareSubscription:
    """Subscribe to shares, outright or on one of the cooperative's installment plans.

    Posts subscription receivable (her party) against subscribed share capital (her party).
    """
    replay = _replay(ShareSubscription, org_id, idempotency_key, member_id=member_id, shares=shares)
    if replay is not None:
        return replay
    member = _lock_member(org_id, member_id)
    if member.status not in ("applicant", "active", "inactive"):
        raise Invalid("A member who is %(status)s cannot subscribe to shares.", field="member_id",
                      values={"status": Status(member.status)})
    if not isinstance(shares, int) or shares < 1:
        raise Invalid("Subscribe to at least one share.", field="shares")
    ledger.check_date(org_id, on, field="on", what=Words("A subscription"))
    check_not_before_membership(member, on)
    plan = find_plan(org_id, installments, frequency)
    par = int(get_setting(org_id, "shares.par_value"))
    amount = shares * par
    earlier = db.session.scalar(select(func.coalesce(func.sum(ShareSubscription.amount), 0)).where(
        ShareSubscription.member_id == member.id, ShareSubscription.status != "closed"))
    minimum = int(get_setting(org_id, "shares.minimum_subscription"))
    if earlier + amount < minimum:
        need = -(-(minimum - earlier) // par)
        raise Invalid("The minimum subscription is %(minimum)s: subscribe to at least %(need)s shares of %(par)s.", field="shares",
                      values={"minimum": Pesos(minimum), "need": need, "par": Pesos(par)})
    if plan.installments > 1 and amount // plan.installments < 1_00:
        raise Invalid("Each installment would be less than one peso; choose fewer installments.", field="plan")
    first_due = first_due or on
    if first_due < on:
        raise Invalid("The first due date is on or after the subscription date.", field="first_due")
    subscription = ShareSubscription(
        org_id=org_id, member_id=member.id, kind=kind or ("additional" if earlier else "initial"), shares=shares,
        par_value=par, amount=amount, paid=0, subscribed_on=on, installments=plan.installments,
        frequency=plan.frequency, status="open", idempotency_key=idempotency_key, created_by=actor_id)
    db.session.add(subscription)
    db.session.flush()
    for seq, (due_on, part) in enumerate(schedule(amount, plan, first_due), start=1):
        db.session.add(ShareInstallment(org_id=org_id, subscription_id=subscription.id, member_id=member.id,
                                        seq=seq, due_on=due_on, amount=part, paid=0, open=True))
    party = member_party(member)
    posted = ledger.post(Entry(org_id, on, f"Share subscription {member.label}: {shares} shares", (
        Line(RECEIVABLE, debit=amount, party_id=party), Line(SUBSCRIBED, credit=amount, party_id=party)),
        source="shares.subscription", source_id=str(subscription.id)), actor_id)
    subscription.entry_id = posted.id
    db.session.flush()
    return subscription


# ---------------------------------------------------------------- paying


def record_payment(org_id: int, member_id: int, *, amount: int, on: date, actor_id: int | None,
                   idempotency_key: str | None = None, paid_from: Line | None = None) -> SharePayment:
    """A payment on her subscriptions: any amount up to what she still owes, oldest installment first.

    Cash against subscription receivable, and subscribed to paid-up share capital; an official receipt.
    `paid_from` is the debit line that funds it when the money is not cash at the desk (a transfer from her
    savings, coop.savings): the payment is still one entry.
    """
    replay = _replay(SharePayment, org_id, idempotency_key, member_id=member_id, amount=amount)
    if replay is not None:
        return replay
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")
    ledger.check_date(org_id, on, field="on", what=Words("A payment"))
    member = _lock_member(org_id, member_id)
    open_rows = _open_installments(member.id)
    owed = sum(row.balance for row in open_rows)
    if owed == 0:
        if not db.session.scalar(select(ShareSubscription.id).where(ShareSubscription.member_id == member.id).limit(1)):
            raise Invalid("She has no share subscription yet: record her subscription first.", field="amount")
        raise Invalid("Her share subscription is fully paid: nothing is due. Record a new subscription first.",
                      field="amount")
    if amount > owed:
        raise Invalid("That is more than she owes: at most %(owed)s is due on her shares.",
                      field="amount", values={"owed": Pesos(owed)})
    _pay_installments(open_rows, amount, on)
    payment = SharePayment(org_id=org_id, member_id=member.id, amount=amount, paid_on=on,
                           idempotency_key=idempotency_key, recorded_by=actor_id)
    db.session.add(payment)
    db.session.flush()
    party = member_party(member)
    posted = ledger.post(Entry(org_id, on, f"Share capital payment {member.label}", (
        paid_from or Line(CASH, debit=amount),
        Line(RECEIVABLE, credit=amount, party_id=party),
        Line(SUBSCRIBED, debit=amount, party_id=party),
        Line(PAID_UP, credit=amount, party_id=party)),
        source="shares.payment", source_id=str(payment.id)), actor_id)
    receipt = receipts.issue(org_id, kind="share_payment", party_id=party, amount=amount, on=on,
                             source="shares.payment", source_id=payment.id, actor_id=actor_id,
                             description="Share capital payment", received_from=member.name)
    payment.entry_id, payment.receipt_id = posted.id, receipt.id
    db.session.flush()
    return payment


def _open_installments(member_id: int) -> list[ShareInstallment]:
    return list(db.session.scalars(select(ShareInstallment).where(
        ShareInstallment.member_id == member_id, ShareInstallment.open.is_(True))
        .order_by(ShareInstallment.due_on, ShareInstallment.seq, ShareInstallment.id)))


def _pay_installments(open_rows: list[ShareInstallment], amount: int, on: date) -> None:
    """Apply `amount` (at most what the rows still owe) oldest installment first, keeping the running totals."""
    subscribed = {row.id: row.subscribed_on for row in db.session.scalars(select(ShareSubscription).where(
        ShareSubscription.id.in_({row.subscription_id for row in open_rows})))}
    left = amount
    touched: dict[int, int] = {}
    for row in open_rows:
        if left == 0:
            break
        if on < subscribed[row.subscription_id]:
            raise Invalid("A payment cannot be dated before the subscription it pays: that subscription is dated "
                          "%(subscribed)s.", field="on", values={"subscribed": subscribed[row.subscription_id]})
        part = min(left, row.balance)
        row.paid += part
        row.open = row.paid < row.amount
        touched[row.subscription_id] = touched.get(row.subscription_id, 0) + part
        left -= part
    for subscription_id, part in touched.items():
        subscription = db.session.get(ShareSubscription, subscription_id)
        subscription.paid += part
        if subscription.paid == subscription.amount:
            subscription.status = "paid"


@dataclass(frozen=True)
class CapitalRetention:
    """Capital build-up retained from money the cooperative hands her, as her share capital sees it."""

    payment: SharePayment
    to_subscription: int  # paid on her open subscription (oldest installment first)
    to_paid_up: int  # beyond it, straight to paid-up capital
    lines: tuple[Line, ...]  # the credit side for the caller's entry; the debit is the caller's


def retain_capital(org_id: int, member_id: int, amount: int, *, on: date, actor_id: int | None, source: str,
                   source_id) -> CapitalRetention:
    """Capital build-up (a loan's CBU retention): her unpaid subscription first, then paid-up capital.

    The caller posts `lines` inside its own balanced entry (the loan's release) and then calls
    `link_retention` with that entry. The part beyond her subscription is kept as a fully paid
    subscription of kind "retention" (whole shares where it reaches the par value), so paid-up capital
    still equals what her subscriptions record as paid.
    """
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("The capital build-up must be more than zero.", field="amount")
    member = _lock_member(org_id, member_id)
    open_rows = _open_installments(member.id)
    to_subscription = min(amount, sum(row.balance for row in open_rows))
    if to_subscription:
        _pay_installments(open_rows, to_subscription, on)
    to_paid_up = amount - to_subscription
    party = member_party(member)
    lines = []
    if to_subscription:
        lines += [Line(RECEIVABLE, credit=to_subscription, party_id=party, memo="Capital build-up"),
                  Line(SUBSCRIBED, debit=to_subscription, party_id=party, memo="Capital build-up")]
    lines.append(Line(PAID_UP, credit=amount, party_id=party, memo="Capital build-up"))
    if to_paid_up:
        par = int(get_setting(org_id, "shares.par_value"))
        db.session.add(ShareSubscription(
            org_id=org_id, member_id=member.id, kind="retention", shares=to_paid_up // par, par_value=par,
            amount=to_paid_up, paid=to_paid_up, subscribed_on=on, installments=1, status="paid",
            created_by=actor_id))
    payment = SharePayment(org_id=org_id, member_id=member.id, amount=amount, paid_on=on, recorded_by=actor_id,
                           source=source, source_id=str(source_id))
    db.session.add(payment)
    db.session.flush()
    return CapitalRetention(payment, to_subscription, to_paid_up, tuple(lines))


def link_retention(org_id: int, payment_id: int, *, entry_id: int, receipt_id: int | None) -> None:
    """The entry (and receipt) that carried a capital build-up, recorded on its share payment."""
    payment = get_payment(org_id, payment_id)
    payment.entry_id, payment.receipt_id = entry_id, receipt_id
    db.session.flush()


# ---------------------------------------------------------------- leaving


def obligations(org_id: int, member: Member) -> dict[str, int]:
    """What she owes the cooperative on other accounts (loans, store credit...), by account key, from her
    party's balance rows: asset accounts with a debit balance, less contra assets (unearned interest)."""
    if member.party_id is None:
        return {}
    balances = ledger.party_balances_by_account(org_id, member.party_id, account_type="asset")
    return {account_id: found.debit_total - found.credit_total for account_id, found in balances.items()
            if found.debit_total != found.credit_total}


def request_withdrawal(org_id: int, member_id: int, *, on: date, reason: str, actor_id: int | None) -> ShareWithdrawal:
    """An officer records that a member leaves; the refund waits for a second officer's approval."""
    member = _lock_member(org_id, member_id)
    if member.status not in ("active", "inactive", "deceased"):
        raise Invalid("A member who is %(status)s has no share capital to withdraw.", field="member_id",
                      values={"status": Status(member.status)})
    if not reason or not reason.strip():
        raise Invalid("Give the reason she leaves.", field="reason")
    if db.session.scalar(select(ShareWithdrawal.id).where(ShareWithdrawal.member_id == member.id,
                                                          ShareWithdrawal.status == "pending")):
        raise Invalid("A withdrawal for her is already waiting for approval.")
    withdrawal = ShareWithdrawal(org_id=org_id, member_id=member.id, requested_on=on, reason=reason.strip(),
                                 status="pending", requested_by=actor_id)
    _compute_refund(org_id, member, withdrawal, on)
    db.session.add(withdrawal)
    db.session.flush()
    audit.record("shares.withdrawal.request", org_id=org_id, user_id=actor_id, target_type="share_withdrawal",
                 target_id=withdrawal.id)
    approvals.hold(org_id, WITHDRAWAL_KIND, {"withdrawal_id": withdrawal.id}, maker_id=actor_id,
                   subject=f"share_withdrawal:{withdrawal.id}", amount=withdrawal.refund)
    return withdrawal


WITHDRAWAL_KIND = "members.share_withdrawal"


def _compute_refund(org_id: int, member: Member, withdrawal: ShareWithdrawal, on: date) -> dict[int, int]:
    """Fill in paid-up, owed and refund as of now (a loan may have moved since the request)."""
    owed_by_account = obligations(org_id, member)
    owed = sum(owed_by_account.values())
    paid_up = summary(org_id, member, on).paid_up
    held_fee = fees.refundable_held(org_id, member)  # a refundable membership fee goes back with her capital
    if owed > paid_up + held_fee:
        raise Invalid("She owes %(owed)s, more than her paid-up capital of %(paid_up)s: collect the difference first.",
                      values={"owed": Pesos(owed), "paid_up": Pesos(paid_up)})
    withdrawal.paid_up, withdrawal.owed, withdrawal.refund = paid_up, owed, paid_up + held_fee - owed
    return owed_by_account


def pending_withdrawals(org_id: int) -> list[ShareWithdrawal]:
    return list(db.session.scalars(select(ShareWithdrawal).where(
        ShareWithdrawal.org_id == org_id, ShareWithdrawal.status == "pending").order_by(ShareWithdrawal.id)))


def withdrawals_of(org_id: int, member_id: int) -> list[ShareWithdrawal]:
    return list(db.session.scalars(select(ShareWithdrawal).where(
        ShareWithdrawal.org_id == org_id, ShareWithdrawal.member_id == member_id).order_by(ShareWithdrawal.id)))


def _get_withdrawal(org_id: int, withdrawal_id: int) -> ShareWithdrawal:
    return get_in_org(ShareWithdrawal, org_id, withdrawal_id, "No such withdrawal.")


def decide_withdrawal(org_id: int, withdrawal_id: int, *, approve: bool, on: date, actor_id: int,
                      note: str | None = None) -> ShareWithdrawal:
    """The checker (an officer other than the one who recorded it) approves or rejects, once (coop.approvals)."""
    withdrawal = _get_withdrawal(org_id, withdrawal_id)
    if withdrawal.status != "pending":
        raise Conflict("This withdrawal was already %(status)s.", values={"status": Status(withdrawal.status)})
    _check_decided_after_request(withdrawal, on)
    approval_id = approvals.ensure_pending(org_id, WITHDRAWAL_KIND, f"share_withdrawal:{withdrawal.id}",
                                           {"withdrawal_id": withdrawal.id}, maker_id=withdrawal.requested_by,
                                           amount=withdrawal.refund)
    if approve:
        return approvals.approve(org_id, approval_id, actor_id, on=on, note=note or "").outcome
    return approvals.reject(org_id, approval_id, actor_id, note or "", on=on).outcome


def _check_decided_after_request(withdrawal: ShareWithdrawal, on: date) -> None:
    if isinstance(on, date) and on < withdrawal.requested_on:
        raise Invalid("A withdrawal cannot be decided before it was asked for (%(requested_on)s).", field="on",
                      values={"requested_on": withdrawal.requested_on})


def execute_withdrawal(run: Execution) -> ShareWithdrawal:
    return _decide_withdrawal(run.org_id, run.payload["withdrawal_id"], True, run.on, run.actor_id, run.note)


def execute_withdrawal_rejection(run: Execution) -> ShareWithdrawal:
    return _decide_withdrawal(run.org_id, run.payload["withdrawal_id"], False, run.on, run.actor_id, run.note)


def _decide_withdrawal(org_id: int, withdrawal_id: int, approve: bool, on: date, actor_id: int | None,
                       note: str | None) -> ShareWithdrawal:
    """Approval closes her open subscriptions (the unpaid part leaves subscribed capital and the
    receivable), offsets what she owes against her paid-up capital and owes her the rest."""
    withdrawal = _get_withdrawal(org_id, withdrawal_id)
    member = _lock_member(org_id, withdrawal.member_id)
    db.session.refresh(withdrawal)
    if withdrawal.status != "pending":
        raise Conflict("This withdrawal was already %(status)s.", values={"status": Status(withdrawal.status)})
    _check_decided_after_request(withdrawal, on)
    withdrawal.decided_by, withdrawal.decided_at, withdrawal.decision_note = actor_id, utcnow(), note or None
    if not approve:
        withdrawal.status = "rejected"
        db.session.flush()
        audit.record("shares.withdrawal.reject", org_id=org_id, user_id=actor_id, target_type="share_withdrawal",
                     target_id=withdrawal.id)
        return withdrawal
    owed_by_account = _compute_refund(org_id, member, withdrawal, on)
    party = member_party(member)
    unpaid = summary(org_id, member, on).due
    lines = []
    if unpaid:
        lines += [Line(SUBSCRIBED, debit=unpaid, party_id=party), Line(RECEIVABLE, credit=unpaid, party_id=party)]
    if withdrawal.paid_up:
        lines.append(Line(PAID_UP, debit=withdrawal.paid_up, party_id=party))
    held_fee = fees.refundable_held(org_id, member)
    if held_fee:
        lines.append(Line(fees.REFUNDABLE, debit=held_fee, party_id=party, memo="Refundable membership fee"))
    for account_id, balance in sorted(owed_by_account.items()):
        lines.append(Line(account_id, credit=balance, party_id=party) if balance > 0
                     else Line(account_id, debit=-balance, party_id=party))
    if withdrawal.refund:
        lines.append(Line(REFUNDS_PAYABLE, credit=withdrawal.refund, party_id=party))
    if lines:
        posted = ledger.post(Entry(org_id, on, f"Share capital withdrawal {member.label}", tuple(lines),
                                   source="shares.withdrawal", source_id=str(withdrawal.id)), actor_id)
        withdrawal.entry_id = posted.id
    db.session.execute(update(ShareInstallment).where(ShareInstallment.member_id == member.id,
                                                      ShareInstallment.open.is_(True)).values(open=False))
    db.session.execute(update(ShareSubscription).where(ShareSubscription.member_id == member.id)
                       .values(status="closed"))
    withdrawal.status = "approved"
    if member.status != "deceased":
        set_status(member, "withdrawn", on, f"share capital withdrawn: {withdrawal.reason}", actor_id)
    db.session.flush()
    audit.record("shares.withdrawal.approve", org_id=org_id, user_id=actor_id, target_type="share_withdrawal",
                 target_id=withdrawal.id)
    return withdrawal


def pay_refund(org_id: int, withdrawal_id: int, *, on: date, actor_id: int | None) -> ShareWithdrawal:
    """Hand her (or her beneficiary) the approved refund in cash."""
    withdrawal = _get_withdrawal(org_id, withdrawal_id)
    member = _lock_member(org_id, withdrawal.member_id)
    db.session.refresh(withdrawal)
    if withdrawal.status != "approved" or withdrawal.refund_entry_id is not None:
        raise Invalid("Only an approved, unpaid refund is paid out.")
    approved_on = ledger.get_entry(org_id, withdrawal.entry_id).entry_date if withdrawal.entry_id else \
        withdrawal.requested_on
    if on < approved_on:
        raise Invalid("A refund cannot be paid before the withdrawal was approved (%(approved_on)s).", field="on",
                      values={"approved_on": approved_on})
    if withdrawal.refund:
        party = member_party(member)
        posted = ledger.post(Entry(org_id, on, f"Share capital refund paid {member.label}", (
            Line(REFUNDS_PAYABLE, debit=withdrawal.refund, party_id=party), Line(CASH, credit=withdrawal.refund)),
            source="shares.refund", source_id=str(withdrawal.id)), actor_id)
        withdrawal.refund_entry_id = posted.id
    withdrawal.status = "paid"
    db.session.flush()
    return withdrawal


# ---------------------------------------------------------------- transfers


def transfer(org_id: int, from_member_id: int, to_member_id: int, *, shares: int, on: date,
             actor_id: int | None) -> ShareTransfer:
    """Move fully paid shares from one member to another (paid-up capital changes party)."""
    if from_member_id == to_member_id:
        raise Invalid("Choose two different members.", field="to_member_id")
    if not isinstance(shares, int) or shares < 1:
        raise Invalid("Transfer at least one share.", field="shares")
    first, second = sorted((from_member_id, to_member_id))  # lock in one order: no deadlock between two transfers
    locked = {first: _lock_member(org_id, first), second: _lock_member(org_id, second)}
    giver, taker = locked[from_member_id], locked[to_member_id]
    if taker.status not in ("applicant", "active", "inactive"):
        raise Invalid("A member who is %(status)s cannot receive shares.", field="to_member_id",
                      values={"status": Status(taker.status)})
    ledger.check_date(org_id, on, field="on", what=Words("A transfer"))
    check_not_before_membership(giver, on)
    check_not_before_membership(taker, on)
    par = int(get_setting(org_id, "shares.par_value"))
    amount = shares * par
    fully_paid = [s for s in subscriptions_of(org_id, giver.id) if s.status == "paid"]
    available = sum(s.paid for s in fully_paid)
    if amount > available:
        raise Invalid("Only fully paid shares are transferred: she has %(amount)s of them.", field="shares",
                      values={"amount": available // par})
    record = ShareTransfer(org_id=org_id, from_member_id=giver.id, to_member_id=taker.id, shares=shares,
                           amount=amount, transferred_on=on, recorded_by=actor_id)
    db.session.add(record)
    db.session.flush()
    posted = ledger.post(Entry(org_id, on, f"Transfer of {shares} shares {giver.label} to {taker.label}", (
        Line(PAID_UP, debit=amount, party_id=member_party(giver)),
        Line(PAID_UP, credit=amount, party_id=member_party(taker))),
        source="shares.transfer", source_id=str(record.id)), actor_id)
    record.entry_id = posted.id
    # her fully paid subscriptions give up the shares, newest first; the taker holds them as a paid subscription
    left = amount
    for subscription in reversed(fully_paid):
        if left == 0:
            break
        part = min(left, subscription.paid)
        subscription.paid -= part
        subscription.amount -= part
        subscription.shares = subscription.amount // subscription.par_value
        left -= part
        if subscription.amount == 0:
            subscription.status = "closed"
    db.session.add(ShareSubscription(org_id=org_id, member_id=taker.id, kind="transfer", shares=shares, par_value=par,
                                     amount=amount, paid=amount, subscribed_on=on, installments=1,
                                     frequency="monthly", status="paid", entry_id=posted.id, created_by=actor_id))
    db.session.flush()
    audit.record("shares.transfer", org_id=org_id, user_id=actor_id, target_type="share_transfer", target_id=record.id)
    return record


# ---------------------------------------------------------------- her subscriptions, one by one, for her statement


@dataclass(frozen=True)
class SubscriptionMove:
    """What one ledger entry did to one of her subscriptions: paid-up and still-to-pay changes, in centavos."""

    entry_id: int
    subscription_id: int
    paid: int
    due: int
    kind: str  # subscribed | paid | build-up | transferred-in | transferred-out | withdrawn


def subscription_moves(org_id: int, member_id: int) -> tuple[dict[int, ShareSubscription], list[SubscriptionMove]]:
    """Her share capital subscription by subscription, read back from this package's own records.

    The ledger keeps her share capital as one balance under her party; the payments were applied oldest
    installment first across her subscriptions, fully paid shares left by transfer newest first, and a
    withdrawal closed them all. Replaying those records in the order their entries were posted tells which
    subscription each entry moved (a payment may cover two). Entries are ordered by id (posting order)."""
    subs = {s.id: s for s in subscriptions_of(org_id, member_id)}
    installments = list(db.session.scalars(select(ShareInstallment).where(
        ShareInstallment.org_id == org_id, ShareInstallment.member_id == member_id)))
    original = {sub_id: 0 for sub_id in subs}
    for row in installments:
        original[row.subscription_id] = original.get(row.subscription_id, 0) + row.amount
    payments = list(db.session.scalars(select(SharePayment).where(
        SharePayment.org_id == org_id, SharePayment.member_id == member_id, SharePayment.entry_id.is_not(None))))
    transfers = list(db.session.scalars(select(ShareTransfer).where(
        ShareTransfer.org_id == org_id, ShareTransfer.entry_id.is_not(None),
        (ShareTransfer.from_member_id == member_id) | (ShareTransfer.to_member_id == member_id))))
    withdrawals = list(db.session.scalars(select(ShareWithdrawal).where(
        ShareWithdrawal.org_id == org_id, ShareWithdrawal.member_id == member_id, ShareWithdrawal.entry_id.is_not(None))))
    events = []
    for sub in subs.values():
        if sub.kind in ("initial", "additional") and sub.entry_id:
            events.append((sub.entry_id, 0, "subscribe", sub))
    for transfer in transfers:
        events.append((transfer.entry_id, 1, "in" if transfer.to_member_id == member_id else "out", transfer))
    for payment in payments:
        events.append((payment.entry_id, 2, "pay", payment))
    for withdrawal in withdrawals:
        events.append((withdrawal.entry_id, 3, "withdraw", withdrawal))
    events.sort(key=lambda e: (e[0], e[1], getattr(e[3], "id", 0)))
    retention_subs = sorted((s for s in subs.values() if s.kind == "retention"), key=lambda s: s.id)
    transfer_subs = {s.entry_id: s for s in subs.values() if s.kind == "transfer"}
    def replay(opening_paid: dict[int, int]) -> list[SubscriptionMove]:
        left = {row.id: row.amount for row in installments}
        order = sorted(installments, key=lambda r: (r.due_on, r.seq, r.id))
        live: set[int] = set()
        paid = {sub_id: 0 for sub_id in subs}
        due = {sub_id: 0 for sub_id in subs}
        for sub in subs.values():  # an imported opening balance has no entry of its own: it stands from the start
            if sub.kind == "opening":
                live.add(sub.id)
                start = opening_paid[sub.id]
                paid[sub.id], due[sub.id] = start, original.get(sub.id, sub.amount) - start
                for row in installments:  # one installment: what the import brought in was paid on it
                    if row.subscription_id == sub.id:
                        left[row.id] = row.amount - start
        moves: list[SubscriptionMove] = []
        waiting = list(retention_subs)

        def apply(entry_id: int, amount: int, kind: str) -> int:
            for row in order:
                if amount == 0:
                    break
                if row.subscription_id not in live or left[row.id] == 0:
                    continue
                part = min(amount, left[row.id])
                left[row.id] -= part
                amount -= part
                paid[row.subscription_id] += part
                due[row.subscription_id] -= part
                moves.append(SubscriptionMove(entry_id, row.subscription_id, part, -part, kind))
            return amount

        for entry_id, _rank, what, record in events:
            if what == "subscribe":
                live.add(record.id)
                due[record.id] += original.get(record.id, record.amount)
                moves.append(SubscriptionMove(entry_id, record.id, 0, original.get(record.id, record.amount), "subscribed"))
            elif what == "in":
                sub = transfer_subs.get(entry_id)
                if sub is not None:
                    live.add(sub.id)
                    paid[sub.id] += record.amount
                    moves.append(SubscriptionMove(entry_id, sub.id, record.amount, 0, "transferred-in"))
            elif what == "out":
                amount = record.amount
                for sub_id in sorted(live, key=lambda i: (subs[i].subscribed_on, i), reverse=True):
                    if amount == 0:
                        break
                    if due[sub_id] or not paid[sub_id]:
                        continue  # only fully paid shares are transferred
                    part = min(amount, paid[sub_id])
                    paid[sub_id] -= part
                    amount -= part
                    moves.append(SubscriptionMove(entry_id, sub_id, -part, 0, "transferred-out"))
            elif what == "pay":
                kind = "build-up" if record.source else "paid"
                rest = apply(entry_id, record.amount, kind)
                if rest and waiting:
                    sub = waiting.pop(0)
                    live.add(sub.id)
                    paid[sub.id] += rest
                    moves.append(SubscriptionMove(entry_id, sub.id, rest, 0, kind))
            elif what == "withdraw":
                for sub_id in sorted(live):
                    if paid[sub_id] or due[sub_id]:
                        moves.append(SubscriptionMove(entry_id, sub_id, -paid[sub_id], -due[sub_id], "withdrawn"))
                        paid[sub_id] = due[sub_id] = 0
                live.clear()
        return moves

    # an imported subscription's paid-up at the import is what it holds now less what was paid on it since
    opening_paid = {sub.id: sub.paid for sub in subs.values() if sub.kind == "opening"}
    moves = replay(opening_paid)
    for _round in range(3):
        later = {sub_id: sum(m.paid for m in moves if m.subscription_id == sub_id) for sub_id in opening_paid}
        settled = {sub_id: max(0, subs[sub_id].paid - later[sub_id]) for sub_id in opening_paid}
        if settled == opening_paid:
            break
        opening_paid = settled
        moves = replay(opening_paid)
    return subs, moves
