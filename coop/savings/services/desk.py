"""At the desk: products' policy, opening an account, deposits with official receipts, withdrawals, reactivation,
transfers that pay a share installment or a loan amortization, and a time deposit's pre-termination.

Every verb locks the account row first, so two tellers on one account are applied one after the other; every
peso moves through `ledger.post`, whose cash checks refuse a payout below zero (no_overdraft) and tag the entry
to the teller's open session (coop.cash).
"""
from __future__ import annotations

from datetime import date, timedelta

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Words
from ...extensions import db
from ...jobs import services as jobs
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...loans import services as loans
from ...members import services as members
from ...members import shares
from ...money import php_text
from ...receipts import services as receipts
from ...timeutil import today, utcnow
from ..models import (
    ACTIVE,
    CLOSED,
    DORMANT,
    MATURED,
    MATURITY_CHOICES,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)
from .base import (
    INTEREST_EXPENSE,
    JOB,
    PRODUCT_FIELDS,
    SOURCE,
    check_chronology,
    check_policy,
    get_account,
    get_product,
    interest_on,
    ledger_key,
    move,
    period_end,
    period_start,
    record,
    replayed,
    txn_by_key,
)

# ---------------------------------------------------------------- products


def create_product(org_id: int, code: str, kind: str, values: dict, actor_id: int | None) -> SavingsProduct:
    check_policy(kind, values)
    code = (code or "").strip().lower()
    if not code:
        raise Invalid("Give the product a short code.", field="code")
    if db.session.query(SavingsProduct.id).filter_by(org_id=org_id, code=code).first():
        raise Invalid("That code is already used.", field="code")
    product = SavingsProduct(org_id=org_id, code=code, kind=kind, updated_at=utcnow(),
                             **{k: v for k, v in values.items() if k in PRODUCT_FIELDS})
    db.session.add(product)
    db.session.flush()
    audit.record("savings.product_create", org_id=org_id, user_id=actor_id, target_type="savings_product",
                 target_id=product.id)
    return product


def update_product(org_id: int, product_id: int, values: dict, actor_id: int | None) -> SavingsProduct:
    product = get_product(org_id, product_id)
    merged = {name: getattr(product, name) for name in PRODUCT_FIELDS} | {
        k: v for k, v in values.items() if k in PRODUCT_FIELDS and v is not None}
    check_policy(product.kind, merged)
    changes = {name: merged[name] for name in PRODUCT_FIELDS if merged[name] != getattr(product, name)}
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = utcnow()
    db.session.flush()
    audit.record("savings.product_update", org_id=org_id, user_id=actor_id, target_type="savings_product",
                 target_id=product.id, details={k: str(v) for k, v in changes.items()})
    return product


# ---------------------------------------------------------------- opening


def open_account(org_id: int, member_id: int, product_id: int, *, on: date | None = None, amount: int = 0,
                 holder: str | None = None, on_maturity: str = "rollover", actor_id: int | None,
                 idempotency_key: str | None = None) -> SavingsAccount:
    """Open a savings account for a member, with its first deposit (a time deposit's principal) and receipt."""
    if idempotency_key:
        earlier = txn_by_key(org_id, idempotency_key)
        if earlier is not None:
            return get_account(org_id, earlier.account_id)
    on = on or today()
    product = get_product(org_id, product_id)
    if not product.active:
        raise Invalid("This savings product is no longer offered.", field="product_id")
    member = members.get_member(org_id, member_id)
    if member.status not in ("active", "inactive"):
        raise Invalid("Only a member may open a savings account.", field="member_id")
    ledger.check_date(org_id, on, field="on", what=Words("An account opening"))
    if member.admitted_on is not None and on < member.admitted_on:
        raise Invalid("A savings account cannot be opened before she was admitted (%(day)s).", field="on", values={"day": member.admitted_on})
    if not isinstance(amount, int) or amount < 0:
        raise Invalid("The amount cannot be below zero.", field="amount")
    if product.kind == "time":
        if amount < max(product.minimum_balance, 1):
            raise Invalid("A time deposit is opened with at least %(amount)s.", field="amount", values={"amount": Pesos(max(product.minimum_balance, 1))})
        if on_maturity not in MATURITY_CHOICES:
            raise Invalid("At maturity the deposit is rolled over or paid out.", field="on_maturity")
    elif amount and amount < product.minimum_balance:
        raise Invalid("The first deposit is at least the minimum balance, %(amount)s.", field="amount", values={"amount": Pesos(product.minimum_balance)})
    posted_before = jobs.last_done(org_id, JOB)
    if product.kind != "time" and posted_before is not None and period_end(on, product.posting_period) < posted_before:
        # the interest of that period is posted already: an account opened in it would never be credited for it
        raise Invalid("The interest up to %(day)s is already posted: date the opening after it.",
                      field="on", values={"day": period_start(posted_before, product.posting_period) - timedelta(days=1)})
    holder = (holder or "").strip() or None
    if product.kind == "youth" and not holder:
        raise Invalid("Name the child the youth savings account is for.", field="holder")
    account = SavingsAccount(
        org_id=org_id, product_id=product.id, member_id=member.id, status=ACTIVE, opened_on=on,
        holder=holder, balance=0, last_activity_on=on, period_start=on, since_day=on.toordinal(), balance_days=0,
        interest_total=0, created_by=actor_id, created_at=utcnow())
    if product.kind == "time":
        account.rate_bp, account.term_days, account.term_start = product.rate_bp, product.term_days, on
        account.maturity_on, account.on_maturity = on + timedelta(days=product.term_days), on_maturity
        account.principal = amount
    db.session.add(account)
    db.session.flush()
    account.party_id = ledger.ensure_party(org_id, "savings", account.id, account.number)
    db.session.flush()
    audit.record("savings.open", org_id=org_id, user_id=actor_id, target_type="savings_account", target_id=account.id)
    if amount:
        _receive(account, product, amount, on, actor_id=actor_id, idempotency_key=idempotency_key,
                 cash_account="cash_on_hand", received_from=member.name, opening=True)
    return account



# ---------------------------------------------------------------- deposits and withdrawals


def _locked(org_id: int, account_id: int) -> tuple[SavingsAccount, SavingsProduct]:
    account = get_account(org_id, account_id, lock=True)
    return account, get_product(org_id, account.product_id)


def _check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")


def _receive(account: SavingsAccount, product: SavingsProduct, amount: int, on: date, *, actor_id: int | None,
             idempotency_key: str | None, cash_account: str, received_from: str, opening: bool = False):
    org_id = account.org_id
    memo = f"Savings deposit {account.number}"
    posted = ledger.post(Entry(org_id, on, memo, (
        Line(cash_account, debit=amount),
        Line(product.account_key, credit=amount, party_id=account.party_id, memo=account.number)),
        source=SOURCE, source_id=str(account.id), idempotency_key=ledger_key(idempotency_key)), actor_id)
    move(account, amount, on)
    account.last_activity_on = on
    if account.status == DORMANT:
        account.status = ACTIVE  # her own deposit is the activity that wakes the account
    receipt = receipts.issue(org_id, kind="savings_deposit", party_id=account.party_id, amount=amount, on=on,
                             source=SOURCE, source_id=account.id, description=memo, actor_id=actor_id,
                             received_from=received_from)
    return record(account, "deposit", amount, on, entry_id=posted.id, actor_id=actor_id, receipt_id=receipt.id,
                  idempotency_key=idempotency_key, memo="Opening deposit" if opening else None)


def deposit(org_id: int, account_id: int, amount: int, *, on: date | None = None, actor_id: int | None,
            cash_account: str = "cash_on_hand", idempotency_key: str | None = None):
    """Money into a savings account at the desk, with an official receipt."""
    replay = replayed(org_id, idempotency_key, account_id, "deposit", amount)
    if replay is not None:
        return replay
    _check_amount(amount)
    ledger.cash_account(org_id, cash_account, field="cash_account")
    on = on or today()
    account, product = _locked(org_id, account_id)
    replay = replayed(org_id, idempotency_key, account_id, "deposit", amount)  # a copy that held the lock first
    if replay is not None:
        return replay
    if account.status not in (ACTIVE, DORMANT) or product.kind == "time":
        raise Conflict("Deposits are taken on open savings accounts; a time deposit takes none after it opens.",
                       field="account_id")
    check_chronology(account, product, on)
    member = members.get_member(org_id, account.member_id)
    txn = _receive(account, product, amount, on, actor_id=actor_id, idempotency_key=idempotency_key,
                   cash_account=cash_account, received_from=member.name)
    audit.record("savings.deposit", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id)
    return txn


def _check_withdrawable(account: SavingsAccount, product: SavingsProduct, amount: int) -> None:
    if account.status == DORMANT:
        raise Conflict("This account is dormant: reactivate it before anything is withdrawn.", field="account_id")
    if account.status == MATURED:
        if amount > account.balance:
            raise Invalid("That is more than the %(amount)s in the account.",
                          field="amount", values={"amount": Pesos(account.balance)})
        return
    if account.status != ACTIVE:
        raise Conflict("This account is closed.", field="account_id")
    if product.kind == "time":
        raise Conflict("A time deposit is paid out at maturity, or pre-terminated with its penalty.",
                       field="account_id")
    if account.balance - amount < product.minimum_balance:
        raise Invalid("That would leave less than the minimum balance of %(minimum)s: at most %(most)s can be "
                        "withdrawn.", field="amount", values={"minimum": Pesos(product.minimum_balance), "most": Pesos(max(0, account.balance - product.minimum_balance))})


def _outflow(org_id: int, account_id: int, amount: int, on: date | None, key: str | None,
             kind: str) -> tuple[SavingsAccount, SavingsProduct, date, SavingsTransaction | None]:
    """What every way of taking money out checks, under the account's row lock: returns the account, its product,
    the effective date, and the transaction a copy of this request made while it waited for the lock (then
    nothing more is done: the copy is answered with it)."""
    _check_amount(amount)
    on = on or today()
    account, product = _locked(org_id, account_id)
    replay = replayed(org_id, key, account_id, kind, amount)
    if replay is None:
        _check_withdrawable(account, product, amount)
        check_chronology(account, product, on)
    return account, product, on, replay


def _take_out(account: SavingsAccount, product: SavingsProduct, amount: int, on: date) -> None:
    move(account, -amount, on)
    account.last_activity_on = on
    if account.status == MATURED and account.balance == 0:
        account.status = CLOSED


def withdraw(org_id: int, account_id: int, amount: int, *, on: date | None = None, actor_id: int | None,
             cash_account: str = "cash_on_hand", idempotency_key: str | None = None):
    """Cash out of a savings account: never below the product's minimum balance, never from a dormant account,
    never below zero in the cash account when it refuses overdrafts (the ledger checks that)."""
    replay = replayed(org_id, idempotency_key, account_id, "withdrawal", amount)
    if replay is not None:
        return replay
    ledger.cash_account(org_id, cash_account, field="cash_account")
    account, product, on, replay = _outflow(org_id, account_id, amount, on, idempotency_key, "withdrawal")
    if replay is not None:
        return replay
    posted = ledger.post(Entry(org_id, on, f"Savings withdrawal {account.number}", (
        Line(product.account_key, debit=amount, party_id=account.party_id, memo=account.number),
        Line(cash_account, credit=amount)),
        source=SOURCE, source_id=str(account.id), idempotency_key=ledger_key(idempotency_key)), actor_id)
    _take_out(account, product, amount, on)
    txn = record(account, "withdrawal", -amount, on, entry_id=posted.id, actor_id=actor_id,
                 idempotency_key=idempotency_key)
    audit.record("savings.withdraw", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id)
    return txn


def reactivate(org_id: int, account_id: int, *, on: date | None = None, actor_id: int | None):
    """A dormant account made active again after the officer has seen the member (audited)."""
    on = on or today()
    account, product = _locked(org_id, account_id)
    if account.status != DORMANT:
        raise Conflict("This account is not dormant.", field="account_id")
    check_chronology(account, product, on)
    account.status, account.last_activity_on = ACTIVE, on
    audit.record("savings.reactivate", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id)
    return record(account, "reactivation", 0, on, entry_id=None, actor_id=actor_id, memo="Reactivated")


# ---------------------------------------------------------------- transfers: one entry each


def pay_shares(org_id: int, account_id: int, amount: int, *, on: date | None = None, actor_id: int | None,
               idempotency_key: str | None = None):
    """Pay her share subscription from her savings: one entry (savings debited, her subscription credited),
    the share payment's official receipt issued by the members' own verb."""
    replay = replayed(org_id, idempotency_key, account_id, "to_shares", amount)
    if replay is not None:
        return replay
    account, product, on, replay = _outflow(org_id, account_id, amount, on, idempotency_key, "to_shares")
    if replay is not None:
        return replay
    payment = shares.record_payment(
        org_id, account.member_id, amount=amount, on=on, actor_id=actor_id, idempotency_key=ledger_key(idempotency_key),
        paid_from=Line(product.account_key, debit=amount, party_id=account.party_id, memo=account.number))
    _take_out(account, product, amount, on)
    txn = record(account, "to_shares", -amount, on, entry_id=payment.entry_id, receipt_id=payment.receipt_id,
                 actor_id=actor_id, idempotency_key=idempotency_key, memo="Share capital payment")
    audit.record("savings.pay_shares", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id)
    return txn


def pay_loan(org_id: int, account_id: int, loan_id: int, amount: int, *, on: date | None = None,
             actor_id: int | None, idempotency_key: str | None = None):
    """Pay her loan amortization from her savings: one entry, the loan's receipt issued by the loans' verb."""
    replay = replayed(org_id, idempotency_key, account_id, "to_loan", amount)
    if replay is not None:
        return replay
    account, product, on, replay = _outflow(org_id, account_id, amount, on, idempotency_key, "to_loan")
    if replay is not None:
        return replay
    loan = loans.get_loan(org_id, loan_id)
    if loan.member_id != account.member_id:
        raise Invalid("Savings pay only the account holder's own loans.", field="loan_id")
    member = members.get_member(org_id, account.member_id)
    payment = loans.repay(
        org_id, loan.id, amount, on=on, actor_id=actor_id, idempotency_key=ledger_key(idempotency_key),
        received_from=member.name,
        paid_from=Line(product.account_key, debit=amount, party_id=account.party_id, memo=account.number))
    _take_out(account, product, amount, on)
    txn = record(account, "to_loan", -amount, on, entry_id=payment.entry_id, receipt_id=payment.receipt_id,
                 actor_id=actor_id, idempotency_key=idempotency_key, memo=f"Loan {loan.number}")
    audit.record("savings.pay_loan", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id)
    return txn


# ---------------------------------------------------------------- time deposits


def preterminate(org_id: int, account_id: int, *, on: date | None = None, actor_id: int | None,
                 cash_account: str = "cash_on_hand", idempotency_key: str | None = None):
    """Pay a time deposit out before it matures: the interest earned so far, less the product's penalty (a share
    of that interest), and the principal, in cash; one entry."""
    replay = replayed(org_id, idempotency_key, account_id, "pretermination", None)
    if replay is not None:
        return replay
    on = on or today()
    account, product = _locked(org_id, account_id)
    replay = replayed(org_id, idempotency_key, account_id, "pretermination", None)  # a copy that held the lock first
    if replay is not None:
        return replay
    if product.kind != "time" or account.status != ACTIVE:
        raise Conflict("Only a running time deposit can be pre-terminated.", field="account_id")
    ledger.cash_account(org_id, cash_account, field="cash_account")
    check_chronology(account, product, on)
    if on >= account.maturity_on:
        raise Conflict("This time deposit has matured: it is paid out by the daily job, not pre-terminated.",
                       field="on")
    earned = interest_on(account.balance * (on - account.term_start).days, account.rate_bp)
    penalty = earned * product.penalty_bp // 10_000
    net = earned - penalty
    payout = account.balance + net
    lines = [Line(product.account_key, debit=account.balance, party_id=account.party_id, memo=account.number)]
    if net:
        lines.append(Line(INTEREST_EXPENSE, debit=net, memo=account.number))
    lines.append(Line(cash_account, credit=payout))
    posted = ledger.post(Entry(org_id, on, f"Time deposit {account.number} pre-terminated", tuple(lines),
                               source=SOURCE, source_id=str(account.id),
                               idempotency_key=ledger_key(idempotency_key)), actor_id)
    if net:
        move(account, net, on)
        account.interest_total += net
        record(account, "interest", net, on, entry_id=posted.id, actor_id=actor_id,
               memo=f"Interest {php_text(earned)} less penalty {php_text(penalty)}")
    principal = account.balance
    move(account, -principal, on)
    account.status, account.last_activity_on = CLOSED, on
    txn = record(account, "pretermination", -principal, on, entry_id=posted.id, actor_id=actor_id,
                 idempotency_key=idempotency_key, memo="Paid out before maturity")
    audit.record("savings.preterminate", org_id=org_id, user_id=actor_id, target_type="savings_account",
                 target_id=account.id, details={"interest": earned, "penalty": penalty})
    return txn
