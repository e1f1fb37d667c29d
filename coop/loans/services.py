"""The loans' verbs: products, applications, release, repayment, reversal, write-off, restructuring.

Plain values and the acting user's id in, records out, CoopErrors raised. Every peso moves through
`coop.ledger.services.post`; a loan's row is locked (SELECT ... FOR UPDATE) before its money moves,
so two officers recording payments at once are applied one after the other.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Integer, bindparam, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..members import services as members
from ..orgs.services import get_setting
from ..timeutil import utcnow
from . import schedule as sched
from .models import (
    CAP_METHODS,
    FEE_METHODS,
    FREQUENCIES,
    INTEREST_METHODS,
    OPEN_STATUSES,
    PENALTY_METHODS,
    RECEIVABLE_ACCOUNTS,
    Installment,
    Loan,
    LoanBorrower,
    LoanProduct,
    LoanRequest,
    LoanTransaction,
)

SOURCE = "loans"
PAST_DUE_ACCOUNT = "loans_receivable_past_due"
RESTRUCTURED_ACCOUNT = "loans_receivable_restructured"
COOPERATIVE = ("cooperative",)


class OverCap(Invalid):
    pass


class NotInGoodStanding(Invalid):
    pass


class Overpayment(Invalid):
    pass


# ---------------------------------------------------------------- policy and products


# The products every cooperative starts with; an admin edits them or adds others on the products page.
DEFAULT_PRODUCTS = {
    "commodity": dict(
        name="Commodity loan", receivable_account="loans_receivable_commodity", member_can_apply=False,
        cap_method="fixed", cap_amount=0, cap_ceiling=0, max_open_loans=0, frequency="lump_sum", term_count=1,
        max_term_count=1, term_days=15, interest_method="flat", interest_rate_bp=0, fee_method="none",
        penalty_method="rate", penalty_rate_bp=200, penalty_period_days=30, penalty_grace_days=0),
    "emergency": dict(
        name="Emergency loan", receivable_account="loans_receivable_emergency", member_can_apply=True,
        cap_method="fixed", cap_amount=200_000, cap_share_multiple_pct=100, cap_ceiling=200_000, max_open_loans=1,
        frequency="semi_monthly", term_count=6, max_term_count=12, term_days=0, interest_method="flat",
        interest_rate_bp=100, fee_method="none", penalty_method="rate", penalty_rate_bp=100,
        penalty_period_days=30, penalty_grace_days=3),
}


def _insert_ignore(table, rows: list[dict], index_elements: list[str]) -> None:
    make = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(make(table).on_conflict_do_nothing(index_elements=index_elements), rows)


def ensure_products(org_id: int) -> None:
    """Give a cooperative its default products the first time loans are used (two first uses at once are fine)."""
    existing = set(db.session.scalars(select(LoanProduct.code).where(LoanProduct.org_id == org_id)))
    missing = [code for code in DEFAULT_PRODUCTS if code not in existing]
    if missing:
        defaults = {column.name: column.default.arg for column in LoanProduct.__table__.columns
                    if column.default is not None and not callable(column.default.arg)}
        _insert_ignore(LoanProduct.__table__, [
            {**defaults, "org_id": org_id, "code": code, "updated_at": utcnow(), **DEFAULT_PRODUCTS[code]}
            for code in missing], ["org_id", "code"])


def list_products(org_id: int, active_only: bool = False) -> list[LoanProduct]:
    ensure_products(org_id)
    query = select(LoanProduct).where(LoanProduct.org_id == org_id)
    if active_only:
        query = query.where(LoanProduct.active.is_(True))
    return list(db.session.scalars(query.order_by(LoanProduct.id)))


def get_product(org_id: int, product_id: int) -> LoanProduct:
    product = db.session.get(LoanProduct, product_id)
    if product is None or product.org_id != org_id:
        raise NotFound("No such loan product.")
    return product


def product_by_code(org_id: int, code: str) -> LoanProduct:
    ensure_products(org_id)
    product = db.session.scalar(select(LoanProduct).where(LoanProduct.org_id == org_id, LoanProduct.code == code))
    if product is None:
        raise NotFound(f"No loan product {code}.")
    return product


# ---------------------------------------------------------------- reading loans


def get_loan(org_id: int, loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None or loan.org_id != org_id:
        raise NotFound("No such loan.")
    return loan


def _locked_loan(org_id: int, loan_id: int) -> Loan:
    """The loan row under a row lock, fresh from the database (another officer may just have paid)."""
    loan = db.session.scalar(select(Loan).where(Loan.id == loan_id, Loan.org_id == org_id)
                             .with_for_update().execution_options(populate_existing=True))
    if loan is None:
        raise NotFound("No such loan.")
    return loan


def installments(loan_id: int) -> list[Installment]:
    return list(db.session.scalars(select(Installment).where(Installment.loan_id == loan_id)
                                   .order_by(Installment.number).execution_options(populate_existing=True)))


def transactions(loan_id: int) -> list[LoanTransaction]:
    return list(db.session.scalars(select(LoanTransaction).where(LoanTransaction.loan_id == loan_id)
                                   .order_by(LoanTransaction.id)))


def loans_of_member(org_id: int, member_id: int) -> list[Loan]:
    return list(db.session.scalars(select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id)
                                   .order_by(Loan.id.desc())))


def search_loans(org_id: int, *, status: str | None = None, member_id: int | None = None,
                 limit: int = 200) -> list[Loan]:
    query = select(Loan).where(Loan.org_id == org_id)
    if status:
        query = query.where(Loan.status == status)
    if member_id:
        query = query.where(Loan.member_id == member_id)
    return list(db.session.scalars(query.order_by(Loan.id.desc()).limit(limit)))


def find_loan(org_id: int, text: str) -> Loan:
    """A loan typed on a form as L-000012, 000012 or 12."""
    digits = (text or "").strip().upper().removeprefix("L-").lstrip("0")
    loan = db.session.get(Loan, int(digits)) if digits.isdigit() else None
    if loan is None or loan.org_id != org_id:
        raise Invalid(f"No loan number {text} in this cooperative.", field="loan")
    return loan


def next_installment(loan_id: int) -> Installment | None:
    return db.session.scalar(select(Installment).where(Installment.loan_id == loan_id, Installment.settled.is_(False))
                             .order_by(Installment.number).limit(1))


def successor_of(loan: Loan) -> Loan | None:
    """The loan a restructuring replaced this one with."""
    return db.session.scalar(select(Loan).where(Loan.restructured_from_id == loan.id))


def _open_loans(org_id: int, member_id: int, product_id: int | None = None) -> list[Loan]:
    query = select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id, Loan.status.in_(OPEN_STATUSES))
    if product_id is not None:
        query = query.where(Loan.product_id == product_id)
    return list(db.session.scalars(query))


def transaction_by_key(org_id: int, key: str | None) -> LoanTransaction | None:
    if not key:
        return None
    return db.session.scalar(select(LoanTransaction).where(LoanTransaction.org_id == org_id,
                                                           LoanTransaction.idempotency_key == key))


def _ledger_key(key: str | None, suffix: str = "") -> str | None:
    return None if not key else f"loans:{key}{suffix}"[:100]


# ---------------------------------------------------------------- checks shared by every way of borrowing


def _check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")


def _check_standing(org_id: int, member_id: int, on: date) -> None:
    found = members.standing(org_id, member_id, on)
    if not found.good:
        raise NotInGoodStanding("The member is not in good standing: " + "; ".join(found.reasons) + ".",
                                field="member_id")


def _lock_borrower(org_id: int, member_id: int) -> None:
    """Serialise the opening of loans for one member, so two at once cannot both pass a limit."""
    _insert_ignore(LoanBorrower.__table__, [{"org_id": org_id, "member_id": member_id}], ["org_id", "member_id"])
    db.session.execute(select(LoanBorrower.id).where(LoanBorrower.org_id == org_id,
                                                     LoanBorrower.member_id == member_id).with_for_update())


def commodity_outstanding(org_id: int, member_id: int) -> int:
    product = product_by_code(org_id, "commodity")
    return sum(loan.principal_outstanding for loan in _open_loans(org_id, member_id, product.id))


def _check_commodity_limit(org_id: int, member_id: int, amount: int) -> None:
    limit = get_setting(org_id, "loans.commodity_credit_limit")
    owed = commodity_outstanding(org_id, member_id)
    if owed + amount > limit:
        raise OverCap(f"Over the commodity credit limit of PHP {limit / 100:,.2f}: the member still owes "
                      f"PHP {owed / 100:,.2f} on goods; at most PHP {max(limit - owed, 0) / 100:,.2f} more on credit.",
                      field="amount")


# ---------------------------------------------------------------- schedules


def _write_schedule(loan: Loan, start: date) -> list[Installment]:
    rows = sched.build(loan.amount, start, frequency=loan.frequency, count=loan.term_count,
                       method=loan.interest_method, rate_bp=loan.interest_rate_bp, term_days=loan.term_days)
    made = [Installment(org_id=loan.org_id, loan_id=loan.id, number=row.number, due_on=row.due_on,
                        principal_due=row.principal, interest_due=row.interest) for row in rows]
    db.session.add_all(made)
    loan.principal_due = sum(row.principal for row in rows)
    loan.interest_due = sum(row.interest for row in rows)
    loan.maturity_on = rows[-1].due_on
    loan.next_due_on = rows[0].due_on
    db.session.flush()
    return made


def _refresh_progress(loan: Loan, on: date) -> None:
    """Settle paid installments, move the next due date, and close the loan when nothing is owed."""
    open_dates = []
    for inst in installments(loan.id):
        now_settled = inst.balance == 0
        if now_settled and not inst.settled:
            inst.paid_on = on
        elif not now_settled:
            inst.paid_on = None
            open_dates.append(inst.due_on)
        inst.settled = now_settled
    loan.next_due_on = min(open_dates) if open_dates else None
    if loan.status == "active" and loan.outstanding == 0:
        loan.status, loan.closed_on, loan.days_past_due = "closed", on, 0
    elif loan.status == "closed" and loan.outstanding > 0:  # a reversed payment reopens the loan
        loan.status, loan.closed_on = "active", None
    db.session.flush()


# ---------------------------------------------------------------- commodity loans (called by the store)


def _replay_commodity_loan(org_id: int, key: str, member_id: int, amount: int) -> Loan | None:
    loan = db.session.scalar(select(Loan).where(Loan.org_id == org_id, Loan.idempotency_key == key))
    if loan is not None and (loan.member_id != member_id or loan.amount != amount):
        raise Conflict("This idempotency key was already used for a different loan.", field="idempotency_key")
    return loan


def open_commodity_loan(org_id: int, member_id: int, amount: int, on: date, *, goods_lines: tuple[Line, ...],
                        memo: str, source: str | None, source_id, idempotency_key: str | None,
                        actor_id: int | None) -> Loan:
    """A credit sale: the member takes goods now and pays within the product's term (15 days).

    Posts one entry: Dr the commodity receivable (her party) for `amount` plus the store's lines
    (Cr sales, Dr cost of sales, Cr merchandise inventory). Refused, writing nothing, when she is
    not in good standing or the amount would take her over the commodity credit limit.
    """
    if idempotency_key:
        replay = _replay_commodity_loan(org_id, idempotency_key, member_id, amount)
        if replay is not None:
            return replay
    _check_amount(amount)
    member = members.get_member(org_id, member_id)
    product = product_by_code(org_id, "commodity")
    if not product.active:
        raise Invalid("Commodity loans are switched off for this cooperative.")
    _check_standing(org_id, member_id, on)
    _check_commodity_limit(org_id, member_id, amount)
    _lock_borrower(org_id, member_id)
    _check_commodity_limit(org_id, member_id, amount)  # again under the lock: another sale may just have passed
    party_id = members.member_party(member)
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(product.receivable_account, debit=amount, party_id=party_id), *goods_lines),
        source=source, source_id=None if source_id is None else str(source_id),
        idempotency_key=_ledger_key(idempotency_key)), actor_id)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=party_id, product_id=product.id, status="active",
                amount=amount, purpose=memo[:300], frequency="lump_sum", term_count=1, term_days=product.term_days,
                interest_method=product.interest_method, interest_rate_bp=product.interest_rate_bp, fee=0,
                receivable_account=product.receivable_account, applied_on=on, applied_by=actor_id,
                applied_via="store", decided_on=on, released_on=on, released_by=actor_id, release_entry_id=entry.id,
                source=source, source_id=None if source_id is None else str(source_id),
                idempotency_key=idempotency_key)
    db.session.add(loan)
    db.session.flush()
    _write_schedule(loan, on)
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=on, amount=amount,
                                   principal=amount, entry_id=entry.id, actor_id=actor_id))
    audit.record("loan.open_commodity", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"source": source, "source_id": None if source_id is None else str(source_id)})
    db.session.flush()
    return loan


def return_commodity_goods(org_id: int, loan_id: int, amount: int, on: date, *, goods_lines: tuple[Line, ...],
                           memo: str, source: str | None, source_id, idempotency_key: str | None,
                           actor_id: int | None) -> Loan:
    """Goods bought on credit come back: what she owes goes down by `amount` (never below zero).

    Posts Cr the loan's receivable (her party) for `amount` plus the store's lines (Dr sales
    returns, Dr merchandise inventory, Cr cost of sales).
    """
    replay = transaction_by_key(org_id, idempotency_key)
    if replay is not None:
        if replay.loan_id != loan_id or replay.amount != amount or replay.kind != "goods_return":
            raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
        return get_loan(org_id, loan_id)
    _check_amount(amount)
    loan = _locked_loan(org_id, loan_id)
    if product_of(loan).code != "commodity":
        raise Invalid("Goods are returned against a commodity loan only.")
    if loan.status != "active":
        raise Invalid(f"Loan {loan.number} is {loan.status}; goods cannot be returned against it.")
    if amount > loan.principal_outstanding:
        raise Overpayment(f"The return of PHP {amount / 100:,.2f} is more than the PHP "
                          f"{loan.principal_outstanding / 100:,.2f} still owed on loan {loan.number}.", field="amount")
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(loan.receivable_account, credit=amount, party_id=loan.party_id), *goods_lines),
        source=source, source_id=None if source_id is None else str(source_id),
        idempotency_key=_ledger_key(idempotency_key)), actor_id)
    # the goods come off the latest installments first: the member's nearest due date keeps its amount
    remaining, allocation = amount, []
    for inst in reversed(installments(loan.id)):
        part = min(inst.principal_due - inst.principal_paid, remaining)
        if part > 0:
            inst.principal_due -= part
            allocation.append([inst.id, part, 0, 0, 0])
            remaining -= part
    loan.principal_due -= amount
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="goods_return", on_date=on, amount=amount,
                                   principal=amount, allocation=allocation, entry_id=entry.id,
                                   idempotency_key=idempotency_key, actor_id=actor_id))
    _refresh_progress(loan, on)
    audit.record("loan.goods_return", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    return loan


def product_of(loan: Loan) -> LoanProduct:
    return db.session.get(LoanProduct, loan.product_id)



# ---------------------------------------------------------------- products (admin)

PRODUCT_FIELDS = ("name", "receivable_account", "active", "member_can_apply", "cap_method", "cap_amount",
                  "cap_share_multiple_pct", "cap_ceiling", "min_amount", "max_open_loans", "frequency", "term_count",
                  "max_term_count", "term_days", "interest_method", "interest_rate_bp", "fee_method", "fee_amount",
                  "fee_rate_bp", "penalty_method", "penalty_rate_bp", "penalty_amount", "penalty_period_days",
                  "penalty_grace_days")
_CHOICES = {"cap_method": CAP_METHODS, "frequency": FREQUENCIES, "interest_method": INTEREST_METHODS,
            "fee_method": FEE_METHODS, "penalty_method": PENALTY_METHODS, "receivable_account": RECEIVABLE_ACCOUNTS}


def _check_product(values: dict) -> None:
    for key, allowed in _CHOICES.items():
        if key in values and values[key] not in allowed:
            raise Invalid(f"{key.replace('_', ' ').capitalize()} is one of {', '.join(allowed)}.", field=key)
    for key in PRODUCT_FIELDS:
        value = values.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise Invalid(f"{key.replace('_', ' ').capitalize()} cannot be negative.", field=key)
    if values.get("term_count", 1) < 1 or values.get("max_term_count", 1) < values.get("term_count", 1):
        raise Invalid("The usual term is at least 1 installment and at most the longest term.", field="term_count")
    if values.get("frequency") == "lump_sum" and values.get("term_days", 0) < 1:
        raise Invalid("A single-payment loan needs its term in days.", field="term_days")
    if values.get("penalty_period_days", 1) < 1:
        raise Invalid("A penalty period is at least one day.", field="penalty_period_days")
    if values.get("fee_rate_bp", 0) > 10_000:
        raise Invalid("A service fee rate is at most 100%.", field="fee_rate_bp")


def create_product(org_id: int, code: str, values: dict, actor_id: int | None) -> LoanProduct:
    """A new kind of loan, by configuration: its numbers, accounts and rules come from the admin."""
    ensure_products(org_id)
    code = (code or "").strip().lower()
    if not code or not code.replace("_", "").isalnum():
        raise Invalid("A product code is letters, digits and underscores.", field="code")
    if db.session.scalar(select(LoanProduct.id).where(LoanProduct.org_id == org_id, LoanProduct.code == code)):
        raise Invalid(f"There is already a product {code}.", field="code")
    merged = {**DEFAULT_PRODUCTS["emergency"], "receivable_account": "loans_receivable_other", **values}
    _check_product(merged)
    product = LoanProduct(org_id=org_id, code=code, **{k: v for k, v in merged.items() if k in PRODUCT_FIELDS})
    db.session.add(product)
    db.session.flush()
    audit.record("loan_product.create", org_id=org_id, user_id=actor_id, target_type="loan_product",
                 target_id=product.id)
    return product


def update_product(org_id: int, product_id: int, values: dict, actor_id: int | None) -> LoanProduct:
    """Change a product's policy. Loans already applied for keep the terms they were given."""
    product = get_product(org_id, product_id)
    current = {key: getattr(product, key) for key in PRODUCT_FIELDS}
    merged = {**current, **{k: v for k, v in values.items() if k in PRODUCT_FIELDS}}
    if product.code == "commodity":
        merged["frequency"] = "lump_sum"  # a credit sale is paid in one payment
    _check_product(merged)
    changed = {k: v for k, v in merged.items() if current[k] != v}
    for key, value in changed.items():
        setattr(product, key, value)
    if changed:
        product.updated_at = utcnow()
    db.session.flush()
    audit.record("loan_product.update", org_id=org_id, user_id=actor_id, target_type="loan_product",
                 target_id=product.id, details={"changed": sorted(changed)})
    return product


# ---------------------------------------------------------------- applications


def paid_up_capital(org_id: int, party_id: int) -> int:
    return ledger.party_balance(org_id, "paid_up_share_capital_common", party_id).credit_balance


def cap_for(org_id: int, product: LoanProduct, party_id: int) -> int:
    """What one member may borrow on this product now: fixed, or a multiple of her paid-up capital, under the ceiling."""
    if product.cap_method == "share_multiple":
        cap = paid_up_capital(org_id, party_id) * product.cap_share_multiple_pct // 100
    else:
        cap = product.cap_amount
    return min(cap, product.cap_ceiling) if product.cap_ceiling else cap


def fee_for(product: LoanProduct, amount: int) -> int:
    if product.fee_method == "fixed":
        return min(product.fee_amount, amount)
    if product.fee_method == "percent":
        return sched.round_half_up(sched.Fraction(amount * product.fee_rate_bp, 10_000))
    return 0


def _peso(centavos: int) -> str:
    return f"PHP {centavos / 100:,.2f}"


def check_application(org_id: int, member_id: int, product: LoanProduct, amount: int, term_count: int,
                      on: date, *, ignore_loan_id: int | None = None) -> None:
    """Every rule an application must pass; raises the first one it breaks."""
    _check_amount(amount)
    if not product.active:
        raise Invalid(f"{product.name} is not offered at the moment.", field="product_id")
    if product.code == "commodity":
        raise Invalid("Commodity loans are opened by a credit sale at the store.", field="product_id")
    member = members.get_member(org_id, member_id)
    if member.status != "active":
        raise NotInGoodStanding(f"Only active members may borrow; this membership is {member.status}.",
                                field="member_id")
    _check_standing(org_id, member_id, on)
    cap = cap_for(org_id, product, members.member_party(member))
    if amount > cap:
        raise OverCap(f"{product.name}s are up to {_peso(cap)} for this member.", field="amount")
    if amount < product.min_amount:
        raise Invalid(f"{product.name}s start at {_peso(product.min_amount)}.", field="amount")
    if product.frequency != "lump_sum" and not 1 <= term_count <= product.max_term_count:
        raise Invalid(f"The term is 1 to {product.max_term_count} installments.", field="term_count")
    if product.max_open_loans:
        others = [loan for loan in _open_loans(org_id, member_id, product.id) if loan.id != ignore_loan_id]
        if len(others) >= product.max_open_loans:
            raise Invalid(f"The member already has {len(others)} open {product.name.lower()} "
                          f"(at most {product.max_open_loans} at a time).", field="product_id")


def apply(org_id: int, member_id: int, product_id: int, amount: int, *, on: date, actor_id: int | None,
          term_count: int | None = None, purpose: str = "", via: str = "officer") -> Loan:
    """An application, by an officer or by the member from her portal; another officer decides it."""
    product = get_product(org_id, product_id)
    term = product.term_count if term_count is None else term_count
    if via == "portal" and not product.member_can_apply:
        raise Forbidden(f"Apply for a {product.name.lower()} at the office.")
    check_application(org_id, member_id, product, amount, term, on)
    _lock_borrower(org_id, member_id)
    check_application(org_id, member_id, product, amount, term, on)  # under the lock: one open loan holds
    member = members.get_member(org_id, member_id)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=members.member_party(member), product_id=product.id,
                status="applied", amount=amount, purpose=(purpose or "").strip()[:300] or None,
                frequency=product.frequency, term_count=1 if product.frequency == "lump_sum" else term,
                term_days=product.term_days, interest_method=product.interest_method,
                interest_rate_bp=product.interest_rate_bp, fee=fee_for(product, amount),
                receivable_account=product.receivable_account, applied_on=on, applied_by=actor_id, applied_via=via)
    db.session.add(loan)
    db.session.flush()
    audit.record("loan.apply", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"via": via})
    return loan


def preview_schedule(loan: Loan, start: date) -> list[sched.Row]:
    return sched.build(loan.amount, start, frequency=loan.frequency, count=loan.term_count,
                       method=loan.interest_method, rate_bp=loan.interest_rate_bp, term_days=loan.term_days)


def _decide(org_id: int, loan_id: int, actor_id: int | None, on: date, reason: str, approve: bool) -> Loan:
    loan = _locked_loan(org_id, loan_id)
    if loan.status != "applied":
        raise Conflict(f"Loan {loan.number} is already {loan.status}.")
    if actor_id is not None and actor_id == loan.applied_by:
        raise Forbidden("Another officer must decide an application you entered (maker-checker).")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise Invalid("Give the reason for the rejection; the member is told.", field="reason")
    if approve:
        check_application(org_id, loan.member_id, product_of(loan), loan.amount, loan.term_count, on,
                          ignore_loan_id=loan.id)
    loan.status = "approved" if approve else "rejected"
    loan.decided_on, loan.decided_by, loan.decision_reason = on, actor_id, reason[:300] or None
    db.session.flush()
    audit.record("loan.approve" if approve else "loan.reject", org_id=org_id, user_id=actor_id, target_type="loan",
                 target_id=loan.id)
    return loan


def approve(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str = "") -> Loan:
    return _decide(org_id, loan_id, actor_id, on, reason, True)


def reject(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str) -> Loan:
    return _decide(org_id, loan_id, actor_id, on, reason, False)


def cancel(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str) -> Loan:
    """The member withdraws an application, or an approved loan is never released."""
    loan = _locked_loan(org_id, loan_id)
    if loan.status not in ("applied", "approved"):
        raise Conflict(f"Loan {loan.number} is {loan.status}; only an application not yet released can be cancelled.")
    if not (reason or "").strip():
        raise Invalid("Give the reason.", field="reason")
    loan.status, loan.decision_reason, loan.decided_on = "cancelled", reason.strip()[:300], on
    audit.record("loan.cancel", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return loan


# ---------------------------------------------------------------- release


CASH_ACCOUNTS = ("cash_on_hand", "cash_in_bank", "e_wallet_fund")


def release(org_id: int, loan_id: int, *, on: date, actor_id: int | None, idempotency_key: str | None = None,
            cash_account: str = "cash_on_hand") -> Loan:
    """Hand over the money: Dr loans receivable (her party) for the whole loan, Cr cash net of the fee,
    Cr service fees for the fee. The schedule is fixed now, from the release date."""
    replay = transaction_by_key(org_id, idempotency_key)
    if replay is not None:
        if replay.loan_id != loan_id or replay.kind != "release":
            raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
        return get_loan(org_id, loan_id)
    if cash_account not in CASH_ACCOUNTS:
        raise Invalid(f"Pay out from one of {', '.join(CASH_ACCOUNTS)}.", field="cash_account")
    loan = _locked_loan(org_id, loan_id)
    if loan.status != "approved":
        raise Conflict(f"Loan {loan.number} is {loan.status}; only an approved loan is released.")
    if on < loan.applied_on:
        raise Invalid("A loan is released on or after the day it was applied for.", field="on")
    lines = [Line(loan.receivable_account, debit=loan.amount, party_id=loan.party_id),
             Line(cash_account, credit=loan.amount - loan.fee)]
    if loan.fee:
        lines.append(Line("service_fees", credit=loan.fee, party_id=loan.party_id, memo="Service fee"))
    entry = ledger.post(Entry(org_id, on, f"Release of loan {loan.number}", tuple(lines), source=SOURCE,
                              source_id=str(loan.id), idempotency_key=_ledger_key(idempotency_key)), actor_id)
    loan.status, loan.released_on, loan.released_by, loan.release_entry_id = "active", on, actor_id, entry.id
    _write_schedule(loan, on)
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=on, amount=loan.amount,
                                   principal=loan.amount, entry_id=entry.id, idempotency_key=idempotency_key,
                                   actor_id=actor_id))
    audit.record("loan.release", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return loan


# ---------------------------------------------------------------- repayment and its reversal


def _open_installments(loan_id: int) -> list[Installment]:
    return [inst for inst in installments(loan_id) if not inst.settled]


def repay(org_id: int, loan_id: int, amount: int, *, on: date, actor_id: int | None,
          idempotency_key: str | None = None, cash_account: str = "cash_on_hand",
          received_from: str = "") -> LoanTransaction:
    """Any amount up to what is owed: penalties, interest, then principal, oldest installment first.

    Issues the official receipt in the same transaction. The loan row is locked first, so two
    officers recording payments on one loan at once are applied one after the other.
    """
    replay = transaction_by_key(org_id, idempotency_key)
    if replay is not None:
        if replay.loan_id != loan_id or replay.amount != amount or replay.kind != "repayment":
            raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
        return replay
    _check_amount(amount)
    if cash_account not in CASH_ACCOUNTS:
        raise Invalid(f"Receive into one of {', '.join(CASH_ACCOUNTS)}.", field="cash_account")
    loan = _locked_loan(org_id, loan_id)
    if loan.status != "active":
        raise Invalid(f"Loan {loan.number} is {loan.status}; payments are taken on active loans only.")
    if amount > loan.outstanding:
        raise Overpayment(f"{_peso(amount)} is more than the {_peso(loan.outstanding)} still owed on loan "
                          f"{loan.number}.", field="amount")
    if loan.released_on and on < loan.released_on:
        raise Invalid("A payment cannot be dated before the loan was released.", field="on")
    parts = sched.allocate(amount, _open_installments(loan.id))
    principal = sum(p.principal for p in parts)
    interest = sum(p.interest for p in parts)
    penalty = sum(p.penalty for p in parts)
    accrued = sum(p.accrued_penalty for p in parts)
    lines = [Line(cash_account, debit=amount)]
    if principal:
        lines.append(Line(loan.receivable_account, credit=principal, party_id=loan.party_id, memo="Principal"))
    if interest:
        lines.append(Line("interest_income_loans", credit=interest, party_id=loan.party_id, memo="Interest"))
    if accrued:
        lines.append(Line("accounts_receivable_members", credit=accrued, party_id=loan.party_id,
                          memo="Penalty (accrued)"))
    if penalty - accrued:
        lines.append(Line("fines_penalties", credit=penalty - accrued, party_id=loan.party_id, memo="Penalty"))
    entry = ledger.post(Entry(org_id, on, f"Payment on loan {loan.number}", tuple(lines), source=SOURCE,
                              source_id=str(loan.id), idempotency_key=_ledger_key(idempotency_key)), actor_id)
    by_id = {inst.id: inst for inst in installments(loan.id)}
    for part in parts:
        inst = by_id[part.installment_id]
        inst.principal_paid += part.principal
        inst.interest_paid += part.interest
        inst.penalty_paid += part.penalty
        inst.penalty_accrued_paid += part.accrued_penalty
    loan.principal_paid += principal
    loan.interest_paid += interest
    loan.penalty_paid += penalty
    from ..receipts import services as receipts

    receipt = receipts.issue(org_id, kind="loan_repayment", party_id=loan.party_id, amount=amount, on=on,
                             source=SOURCE, source_id=loan.id, description=f"Payment on loan {loan.number}",
                             actor_id=actor_id, received_from=received_from)
    txn = LoanTransaction(org_id=org_id, loan_id=loan.id, kind="repayment", on_date=on, amount=amount,
                          principal=principal, interest=interest, penalty=penalty,
                          allocation=[[p.installment_id, p.principal, p.interest, p.penalty, p.accrued_penalty]
                                      for p in parts],
                          entry_id=entry.id, receipt_id=receipt.id, idempotency_key=idempotency_key,
                          actor_id=actor_id)
    db.session.add(txn)
    _refresh_progress(loan, on)
    audit.record("loan.repay", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return txn


def get_transaction(org_id: int, txn_id: int) -> LoanTransaction:
    txn = db.session.get(LoanTransaction, txn_id)
    if txn is None or txn.org_id != org_id:
        raise NotFound("No such loan transaction.")
    return txn


def reverse_repayment(org_id: int, txn_id: int, *, on: date, reason: str, actor_id: int | None,
                      idempotency_key: str | None = None) -> LoanTransaction:
    """Undo a payment recorded by mistake: the mirror entry, the receipt cancelled, the schedule as it was."""
    replay = transaction_by_key(org_id, idempotency_key)
    if replay is not None:
        if replay.reverses_id != txn_id:
            raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
        return replay
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the reversal.", field="reason")
    txn = get_transaction(org_id, txn_id)
    loan = _locked_loan(org_id, txn.loan_id)
    txn = db.session.scalar(select(LoanTransaction).where(LoanTransaction.id == txn_id)
                            .execution_options(populate_existing=True))
    if txn.kind != "repayment":
        raise Invalid("Only a payment can be reversed here.")
    if txn.reversed:
        raise Conflict("This payment is already reversed.")
    if loan.status not in ("active", "closed"):
        raise Invalid(f"Loan {loan.number} is {loan.status}; its payments can no longer be reversed.")
    original = ledger.get_entry(org_id, txn.entry_id)
    accrued = sum(row[4] for row in txn.allocation)
    # the principal goes back to wherever the loan's principal sits today (it may have moved to past due since)
    lines = [Line(line.account_id, debit=line.credit, credit=line.debit, party_id=line.party_id, memo=line.memo)
             for line in original.lines if line.memo not in ("Principal",)]
    if txn.principal:
        lines.append(Line(loan.receivable_account, debit=txn.principal, party_id=loan.party_id, memo="Principal"))
    entry = ledger.post(Entry(org_id, on, f"Reversal of a payment on loan {loan.number}: {reason}"[:300],
                              tuple(lines), source=SOURCE, source_id=str(loan.id),
                              idempotency_key=_ledger_key(idempotency_key)), actor_id, reverses_id=txn.entry_id)
    by_id = {inst.id: inst for inst in installments(loan.id)}
    for inst_id, principal, interest, penalty, accrued_part in txn.allocation:
        inst = by_id[inst_id]
        inst.principal_paid -= principal
        inst.interest_paid -= interest
        inst.penalty_paid -= penalty
        inst.penalty_accrued_paid -= accrued_part
    loan.principal_paid -= txn.principal
    loan.interest_paid -= txn.interest
    loan.penalty_paid -= txn.penalty
    txn.reversed = True
    if txn.receipt_id:
        from ..receipts import services as receipts

        receipts.cancel(org_id, txn.receipt_id, f"Payment reversed: {reason}", actor_id)
    mirror = LoanTransaction(org_id=org_id, loan_id=loan.id, kind="reversal", on_date=on, amount=txn.amount,
                             principal=txn.principal, interest=txn.interest, penalty=txn.penalty,
                             allocation=txn.allocation, entry_id=entry.id, reverses_id=txn.id, reason=reason[:300],
                             idempotency_key=idempotency_key, actor_id=actor_id)
    db.session.add(mirror)
    _refresh_progress(loan, on)
    audit.record("loan.reverse_payment", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"transaction": txn.id, "accrued_penalty": accrued})
    db.session.flush()
    return mirror



# ---------------------------------------------------------------- write-off and restructuring (maker-checker)


def request_change(org_id: int, loan_id: int, kind: str, *, reason: str, actor_id: int | None, on: date,
                   terms: dict | None = None) -> LoanRequest:
    """Ask for a write-off or a restructuring; a different officer approves it and only then it runs."""
    if kind not in ("write_off", "restructure"):
        raise Invalid("A request is a write-off or a restructuring.", field="kind")
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason.", field="reason")
    loan = _locked_loan(org_id, loan_id)
    if loan.status != "active":
        raise Invalid(f"Loan {loan.number} is {loan.status}; only an active loan can be written off or restructured.")
    if db.session.scalar(select(LoanRequest.id).where(LoanRequest.loan_id == loan.id,
                                                      LoanRequest.status == "pending")):
        raise Conflict(f"Loan {loan.number} already has a request waiting for approval.")
    if kind == "restructure":
        terms = _restructure_terms(loan, terms or {})
    request = LoanRequest(org_id=org_id, loan_id=loan.id, kind=kind, reason=reason[:300], terms=terms or {},
                          requested_by=actor_id, requested_on=on)
    db.session.add(request)
    db.session.flush()
    audit.record(f"loan.request_{kind}", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    return request


def _restructure_terms(loan: Loan, terms: dict) -> dict:
    frequency = terms.get("frequency") or (loan.frequency if loan.frequency != "lump_sum" else "monthly")
    if frequency not in FREQUENCIES or frequency == "lump_sum":
        raise Invalid("A new schedule is weekly, semi-monthly or monthly.", field="frequency")
    count = int(terms.get("term_count") or loan.term_count or 1)
    if not 1 <= count <= 60:
        raise Invalid("The new term is 1 to 60 installments.", field="term_count")
    method = terms.get("interest_method") or loan.interest_method
    if method not in INTEREST_METHODS:
        raise Invalid(f"Interest is one of {', '.join(INTEREST_METHODS)}.", field="interest_method")
    rate = int(terms.get("interest_rate_bp", loan.interest_rate_bp))
    if not 0 <= rate <= 10_000:
        raise Invalid("The interest rate is 0 to 100% a month.", field="interest_rate_bp")
    return {"frequency": frequency, "term_count": count, "interest_method": method, "interest_rate_bp": rate}


def pending_requests(org_id: int) -> list[LoanRequest]:
    return list(db.session.scalars(select(LoanRequest).where(LoanRequest.org_id == org_id,
                                                             LoanRequest.status == "pending").order_by(LoanRequest.id)))


def requests_of(loan_id: int) -> list[LoanRequest]:
    return list(db.session.scalars(select(LoanRequest).where(LoanRequest.loan_id == loan_id).order_by(LoanRequest.id)))


def decide_request(org_id: int, request_id: int, *, approve: bool, actor_id: int | None, on: date,
                   reason: str = "") -> LoanRequest:
    request = db.session.get(LoanRequest, request_id)
    if request is None or request.org_id != org_id:
        raise NotFound("No such request.")
    loan = _locked_loan(org_id, request.loan_id)
    db.session.refresh(request)
    if request.status != "pending":
        raise Conflict(f"This request is already {request.status}.")
    if actor_id is not None and actor_id == request.requested_by:
        raise Forbidden("Another officer must approve a request you made (maker-checker).")
    if not approve and not (reason or "").strip():
        raise Invalid("Give the reason for turning the request down.", field="reason")
    request.status = "approved" if approve else "rejected"
    request.decided_by, request.decided_on, request.decision_reason = actor_id, on, (reason or "").strip()[:300] or None
    if approve and request.kind == "write_off":
        _write_off(loan, request, on, actor_id)
    elif approve:
        request.result_loan_id = _restructure(loan, request, on, actor_id).id
    audit.record(f"loan.{request.kind}_{request.status}", org_id=org_id, user_id=actor_id, target_type="loan",
                 target_id=loan.id)
    db.session.flush()
    return request


def _open_accrued_penalties(loan: Loan) -> int:
    return sum(i.penalty_accrued - i.penalty_accrued_paid for i in installments(loan.id))


def _write_off(loan: Loan, request: LoanRequest, on: date, actor_id: int | None) -> None:
    """Charge what is still owed to the allowance for probable losses; the loan stays on file, written off."""
    if loan.status != "active":
        raise Conflict(f"Loan {loan.number} is {loan.status}.")
    principal, accrued = loan.principal_outstanding, _open_accrued_penalties(loan)
    lines = [Line("allowance_probable_losses", debit=principal + accrued)]
    if principal:
        lines.append(Line(loan.receivable_account, credit=principal, party_id=loan.party_id, memo="Principal"))
    if accrued:
        lines.append(Line("accounts_receivable_members", credit=accrued, party_id=loan.party_id,
                          memo="Penalty (accrued)"))
    entry = ledger.post(Entry(loan.org_id, on, f"Write-off of loan {loan.number}: {request.reason}"[:300],
                              tuple(lines), source=SOURCE, source_id=str(loan.id),
                              idempotency_key=f"loans:write-off:{request.id}"), actor_id)
    db.session.add(LoanTransaction(org_id=loan.org_id, loan_id=loan.id, kind="write_off", on_date=on,
                                   amount=principal + accrued, principal=principal, penalty=accrued, entry_id=entry.id,
                                   reason=request.reason, actor_id=actor_id))
    loan.status, loan.closed_on = "written_off", on


def _restructure(loan: Loan, request: LoanRequest, on: date, actor_id: int | None) -> Loan:
    """A new loan for what is still owed (principal and accrued penalties), with a new schedule, linked to the old."""
    if loan.status != "active":
        raise Conflict(f"Loan {loan.number} is {loan.status}.")
    principal, accrued = loan.principal_outstanding, _open_accrued_penalties(loan)
    terms = request.terms
    new = Loan(org_id=loan.org_id, member_id=loan.member_id, party_id=loan.party_id, product_id=loan.product_id,
               status="active", amount=principal + accrued, purpose=f"Restructuring of loan {loan.number}",
               frequency=terms["frequency"], term_count=terms["term_count"], term_days=0,
               interest_method=terms["interest_method"], interest_rate_bp=terms["interest_rate_bp"], fee=0,
               receivable_account=RESTRUCTURED_ACCOUNT, applied_on=request.requested_on,
               applied_by=request.requested_by, applied_via="restructure", decided_on=on, decided_by=actor_id,
               decision_reason=request.reason, released_on=on, released_by=actor_id, restructured_from_id=loan.id)
    db.session.add(new)
    db.session.flush()
    lines = [Line(RESTRUCTURED_ACCOUNT, debit=new.amount, party_id=loan.party_id, memo="Principal")]
    if principal:
        lines.append(Line(loan.receivable_account, credit=principal, party_id=loan.party_id, memo="Principal"))
    if accrued:
        lines.append(Line("accounts_receivable_members", credit=accrued, party_id=loan.party_id,
                          memo="Penalty (accrued)"))
    entry = ledger.post(Entry(loan.org_id, on, f"Loan {loan.number} restructured into {new.number}", tuple(lines),
                              source=SOURCE, source_id=str(loan.id),
                              idempotency_key=f"loans:restructure:{request.id}"), actor_id)
    new.release_entry_id = entry.id
    _write_schedule(new, on)
    db.session.add_all([
        LoanTransaction(org_id=loan.org_id, loan_id=loan.id, kind="restructure_out", on_date=on, amount=new.amount,
                        principal=principal, penalty=accrued, entry_id=entry.id, reason=request.reason,
                        actor_id=actor_id),
        LoanTransaction(org_id=loan.org_id, loan_id=new.id, kind="restructure_in", on_date=on, amount=new.amount,
                        principal=new.amount, entry_id=entry.id, reason=request.reason, actor_id=actor_id)])
    loan.status, loan.closed_on = "restructured", on
    return new


# ---------------------------------------------------------------- end of day


def end_of_day(org_id: int, day: date) -> str:
    """Mark overdue, charge penalties per policy, move missed loans to past due, update aging, remind.

    Everything it does is keyed to the day and the installment, so running a day twice does nothing
    twice, and the jobs runner catches up missed days one by one in order. It works in bulk (Core
    statements, many rows each), so a day over a hundred thousand open loans stays short.
    """
    db.session.flush()
    penalties = _charge_penalties(org_id, day)
    moved = _move_past_due(org_id, day)
    _update_aging(org_id, day)
    db.session.expire_all()  # the bulk statements changed rows the session may hold
    reminders = _remind(org_id, day)
    return f"{penalties} penalties, {moved} moved to/from past due, {reminders} reminders"


def _bulk_update(table, key: str, rows: list[dict]) -> None:
    """One UPDATE run for many rows: rows carry `_id` and the new values of the same columns."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "_id"]
    db.session.execute(update(table).where(table.c[key] == bindparam("_id"))
                       .values({name: bindparam(name) for name in columns}), rows)


def _charge_penalties(org_id: int, day: date) -> int:
    """Each late installment's penalty periods so far, charged once each (the count is kept per installment)."""
    accrue = get_setting(org_id, "loans.penalty_recognition") == "accrued"
    inst, loan, product = Installment.__table__.c, Loan.__table__.c, LoanProduct.__table__.c
    rows = db.session.execute(
        select(inst.id, inst.loan_id, inst.number, inst.due_on, inst.penalty_periods, inst.penalty_due,
               inst.penalty_accrued, inst.principal_due + inst.interest_due - inst.principal_paid - inst.interest_paid,
               loan.party_id, product.penalty_method, product.penalty_rate_bp, product.penalty_amount,
               product.penalty_grace_days, product.penalty_period_days)
        .join_from(Installment.__table__, Loan.__table__, loan.id == inst.loan_id)
        .join(LoanProduct.__table__, product.id == loan.product_id)
        .where(inst.org_id == org_id, inst.settled.is_(False), inst.due_on < day, loan.status == "active",
               product.penalty_method != "none")
        .order_by(inst.loan_id, inst.number)).all()
    installment_rows, loan_totals, transactions, entries = [], defaultdict(int), [], []
    for (inst_id, loan_id, number, due_on, periods, penalty_due, accrued, overdue, party_id, method, rate, fixed,
         grace, period_days) in rows:
        due = sched.penalty_periods((day - due_on).days, grace_days=grace, period_days=period_days)
        if due <= periods:
            continue
        charged, charged_accrued = 0, 0
        for period in range(periods + 1, due + 1):
            amount = sched.penalty_for_period(overdue, method=method, rate_bp=rate, fixed_amount=fixed)
            if amount <= 0:
                continue
            charged += amount
            if accrue:
                charged_accrued += amount
                entries.append(Entry(org_id, day, f"Penalty on loan L-{loan_id:06d}, installment {number}", (
                    Line("accounts_receivable_members", debit=amount, party_id=party_id, memo="Penalty (accrued)"),
                    Line("fines_penalties", credit=amount, party_id=party_id)), source=SOURCE, source_id=str(loan_id),
                    idempotency_key=f"loans:penalty:{inst_id}:{period}"))
            transactions.append({"loan_id": loan_id, "period_key": f"penalty:{inst_id}:{period}", "amount": amount,
                                 "allocation": [[inst_id, 0, 0, amount, amount if accrue else 0]],
                                 "entry": len(entries) - 1 if accrue else None})
        installment_rows.append({"_id": inst_id, "penalty_periods": due, "penalty_due": penalty_due + charged,
                                 "penalty_accrued": accrued + charged_accrued})
        loan_totals[loan_id] += charged
    posted = ledger.post_many(entries) if entries else []
    if transactions:
        db.session.execute(insert(LoanTransaction.__table__), [
            {"org_id": org_id, "loan_id": t["loan_id"], "kind": "penalty", "on_date": day, "amount": t["amount"],
             "principal": 0, "interest": 0, "penalty": t["amount"], "allocation": t["allocation"],
             "entry_id": posted[t["entry"]].id if t["entry"] is not None else None, "reversed": False,
             "idempotency_key": t["period_key"], "at": utcnow()} for t in transactions])
    _bulk_update(Installment.__table__, "id", installment_rows)
    if loan_totals:
        db.session.execute(update(Loan.__table__).where(loan.id == bindparam("_id")).values(
            penalty_due=loan.penalty_due + bindparam("charged")),
            [{"_id": loan_id, "charged": charged} for loan_id, charged in sorted(loan_totals.items())])
    return len(transactions)


MOVE_CHUNK = 200  # loans per journal entry when the end of day moves many at once


def _move_past_due(org_id: int, day: date) -> int:
    """A missed installment moves the loan's whole principal to past due; clearing the arrears moves it back.

    Moves of one day are posted in entries of up to MOVE_CHUNK loans (two lines per loan, each with
    her party and the loan number).
    """
    loan = Loan.__table__.c
    candidates = db.session.execute(
        select(loan.id, loan.party_id, loan.product_id, loan.restructured_from_id, loan.receivable_account,
               loan.next_due_on, loan.principal_due - loan.principal_paid)
        .where(loan.org_id == org_id, loan.status == "active",
               ((loan.next_due_on < day) & (loan.receivable_account != PAST_DUE_ACCOUNT))
               | (((loan.next_due_on >= day) | loan.next_due_on.is_(None))
                  & (loan.receivable_account == PAST_DUE_ACCOUNT)))
        .order_by(loan.id)).all()
    home = {p.id: p.receivable_account for p in db.session.scalars(
        select(LoanProduct).where(LoanProduct.org_id == org_id))}
    moves = [(row, PAST_DUE_ACCOUNT if row.next_due_on is not None and row.next_due_on < day
              else RESTRUCTURED_ACCOUNT if row.restructured_from_id else home[row.product_id]) for row in candidates]
    entries, chunk_of = [], {}
    for start in range(0, len(moves), MOVE_CHUNK):
        chunk = moves[start:start + MOVE_CHUNK]
        lines = tuple(line for row, target in chunk if row[6] for line in (
            Line(target, debit=row[6], party_id=row.party_id, memo=f"L-{row.id:06d}"),
            Line(row.receivable_account, credit=row[6], party_id=row.party_id, memo=f"L-{row.id:06d}")))
        if lines:
            for row, _target in chunk:
                chunk_of[row.id] = len(entries)
            entries.append(Entry(org_id, day, f"Loans moved to or from past due ({len(chunk)})", lines,
                                 source=SOURCE, idempotency_key=f"loans:moves:{day}:{chunk[0][0].id}"))
    posted = ledger.post_many(entries) if entries else []
    if moves:
        db.session.execute(insert(LoanTransaction.__table__), [
            {"org_id": org_id, "loan_id": row.id, "kind": "past_due_move", "on_date": day, "amount": row[6],
             "principal": row[6], "interest": 0, "penalty": 0, "allocation": [], "reversed": False,
             "entry_id": posted[chunk_of[row.id]].id if row.id in chunk_of else None,
             "reason": f"{row.receivable_account} -> {target}", "at": utcnow()} for row, target in moves])
        _bulk_update(Loan.__table__, "id", [{"_id": row.id, "receivable_account": target} for row, target in moves])
    return len(moves)


def _update_aging(org_id: int, day: date) -> None:
    """Days past due of each open loan, from its oldest unpaid installment: one statement for all loans."""
    loan = Loan.__table__.c
    if db.session.get_bind().dialect.name == "postgresql":
        late_days = literal(day) - loan.next_due_on
    else:
        late_days = cast(func.julianday(literal(day.isoformat())) - func.julianday(loan.next_due_on), Integer)
    db.session.execute(update(Loan.__table__).where(
        loan.org_id == org_id, loan.status == "active", loan.next_due_on < day).values(days_past_due=late_days))
    db.session.execute(update(Loan.__table__).where(
        loan.org_id == org_id, loan.days_past_due != 0,
        (loan.status != "active") | loan.next_due_on.is_(None) | (loan.next_due_on >= day)).values(days_past_due=0))


def _remind(org_id: int, day: date) -> int:
    """A text 3 days before a due date and the day after a missed one. It names no one and no goods."""
    from ..messaging import services as outbox

    inst, loan = Installment.__table__.c, Loan.__table__.c
    before = day + timedelta(days=get_setting(org_id, "loans.reminder_days_before"))
    rows = db.session.execute(
        select(inst.id, inst.due_on, inst.principal_due + inst.interest_due + inst.penalty_due - inst.principal_paid
               - inst.interest_paid - inst.penalty_paid, loan.id, loan.member_id)
        .join_from(Installment.__table__, Loan.__table__, loan.id == inst.loan_id)
        .where(inst.org_id == org_id, inst.settled.is_(False), loan.status == "active",
               ((inst.due_on == before) & inst.reminded_before.is_(False))
               | ((inst.due_on == day - timedelta(days=1)) & inst.reminded_missed.is_(False)))
        .order_by(inst.id)).all()
    sent, flags = 0, []
    with db.session.no_autoflush:
        mobiles = {member_id: members.get_member(org_id, member_id).mobile for member_id in {r[4] for r in rows}}
        for inst_id, due_on, balance, loan_id, member_id in rows:
            missed = due_on < day
            flags.append({"_id": inst_id, "reminded_missed" if missed else "reminded_before": True})
            if not mobiles[member_id]:
                continue
            amount, number = _peso(balance), f"L-{loan_id:06d}"
            text = (f"Paalala / Reminder: {amount} on {number} was due {due_on:%d %b %Y}. "
                    "Please pay at the cooperative office." if missed else
                    f"Paalala / Reminder: {amount} on {number} is due {due_on:%d %b %Y}.")
            if outbox.enqueue(org_id, channel="sms", recipient=mobiles[member_id], body=text,
                              dedupe_key=f"loan:{inst_id}:{'missed' if missed else 'before'}"):
                sent += 1
    for key in ("reminded_before", "reminded_missed"):
        _bulk_update(Installment.__table__, "id", [row for row in flags if key in row])
    return sent


# ---------------------------------------------------------------- good standing


def arrears_reasons(org_id: int, member_id: int, on: date) -> list[str]:
    """The members' standing check: a loan with an installment unpaid after its due date."""
    late = db.session.scalar(
        select(func.count(Installment.id)).join(Loan, Loan.id == Installment.loan_id)
        .where(Loan.org_id == org_id, Loan.member_id == member_id, Loan.status == "active",
               Installment.settled.is_(False), Installment.due_on < on))
    return ["a loan installment is past due"] if late else []
