"""Loan products: the defaults every cooperative starts with, and the admin's own; caps and fees."""
from __future__ import annotations

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid, NotFound
from ...extensions import db
from ...kernel import get_in_org, insert_ignore
from ...ledger import services as ledger
from ...timeutil import utcnow
from .. import schedule as sched
from ..models import (
    CAP_METHODS,
    CBU_METHODS,
    FEE_METHODS,
    FREQUENCIES,
    INTEREST_METHODS,
    PENALTY_METHODS,
    RECEIVABLE_ACCOUNTS,
    ROUNDINGS,
    LoanProduct,
)

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

PRODUCT_FIELDS = ("name", "receivable_account", "active", "member_can_apply", "cap_method", "cap_amount",
                  "cap_share_multiple_pct", "cap_ceiling", "min_amount", "max_open_loans", "frequency", "term_count",
                  "max_term_count", "term_days", "interest_method", "interest_rate_bp", "fee_method", "fee_amount",
                  "fee_rate_bp", "penalty_method", "penalty_rate_bp", "penalty_amount", "penalty_period_days",
                  "penalty_grace_days", "installment_rounding", "cbu_method", "cbu_amount", "cbu_rate_bp",
                  "comakers_required")
_CHOICES = {"cap_method": CAP_METHODS, "frequency": FREQUENCIES, "interest_method": INTEREST_METHODS,
            "fee_method": FEE_METHODS, "penalty_method": PENALTY_METHODS, "receivable_account": RECEIVABLE_ACCOUNTS,
            "installment_rounding": ROUNDINGS, "cbu_method": CBU_METHODS}


def ensure_products(org_id: int) -> None:
    """Give a cooperative its default products the first time loans are used (two first uses at once are fine)."""
    existing = set(db.session.scalars(select(LoanProduct.code).where(LoanProduct.org_id == org_id)))
    missing = [code for code in DEFAULT_PRODUCTS if code not in existing]
    if missing:
        defaults = {column.name: column.default.arg for column in LoanProduct.__table__.columns
                    if column.default is not None and not callable(column.default.arg)}
        insert_ignore(LoanProduct, [
            {**defaults, "org_id": org_id, "code": code, "updated_at": utcnow(), **DEFAULT_PRODUCTS[code]}
            for code in missing], ["org_id", "code"])


def list_products(org_id: int, active_only: bool = False) -> list[LoanProduct]:
    ensure_products(org_id)
    query = select(LoanProduct).where(LoanProduct.org_id == org_id)
    if active_only:
        query = query.where(LoanProduct.active.is_(True))
    return list(db.session.scalars(query.order_by(LoanProduct.id)))


def get_product(org_id: int, product_id: int) -> LoanProduct:
    return get_in_org(LoanProduct, org_id, product_id, "No such loan product.")


def product_by_code(org_id: int, code: str) -> LoanProduct:
    ensure_products(org_id)
    product = db.session.scalar(select(LoanProduct).where(LoanProduct.org_id == org_id, LoanProduct.code == code))
    if product is None:
        raise NotFound("No loan product %(code)s.", values={"code": code})
    return product


# ---------------------------------------------------------------- products (admin)


def _check_product(values: dict) -> None:
    for key, allowed in _CHOICES.items():
        if key in values and values[key] not in allowed:
            raise Invalid("%(field)s is one of %(choices)s.", field=key,
                          values={"field": key.replace('_', ' ').capitalize(), "choices": ', '.join(allowed)})
    for key in PRODUCT_FIELDS:
        value = values.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise Invalid("%(field)s cannot be negative.", field=key,
                          values={"field": key.replace('_', ' ').capitalize()})
    if values.get("term_count", 1) < 1 or values.get("max_term_count", 1) < values.get("term_count", 1):
        raise Invalid("The usual term is at least 1 installment and at most the longest term.", field="term_count")
    if values.get("frequency") == "lump_sum" and values.get("term_days", 0) < 1:
        raise Invalid("A single-payment loan needs its term in days.", field="term_days")
    if values.get("penalty_period_days", 1) < 1:
        raise Invalid("A penalty period is at least one day.", field="penalty_period_days")
    if values.get("fee_rate_bp", 0) > 10_000:
        raise Invalid("A service fee rate is at most 100%.", field="fee_rate_bp")
    if values.get("fee_rate_bp", 0) + values.get("cbu_rate_bp", 0) >= 10_000:
        raise Invalid("The service fee and the capital build-up together must leave her some cash.",
                      field="cbu_rate_bp")
    if values.get("comakers_required", 0) > 2:
        raise Invalid("A loan has at most two co-makers.", field="comakers_required")


def create_product(org_id: int, code: str, values: dict, actor_id: int | None) -> LoanProduct:
    """A new kind of loan, by configuration: its numbers, accounts and rules come from the admin."""
    ensure_products(org_id)
    code = (code or "").strip().lower()
    if not code or not code.replace("_", "").isalnum():
        raise Invalid("A product code is letters, digits and underscores.", field="code")
    if db.session.scalar(select(LoanProduct.id).where(LoanProduct.org_id == org_id, LoanProduct.code == code)):
        raise Invalid("There is already a product %(code)s.", field="code", values={"code": code})
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


# ---------------------------------------------------------------- what a product allows one member


def paid_up_capital(org_id: int, party_id: int) -> int:
    return ledger.party_balance(org_id, "paid_up_share_capital_common", party_id).credit_balance


def cap_for(org_id: int, product: LoanProduct, party_id: int) -> int:
    """What one member may borrow on this product now: fixed, or a multiple of her paid-up capital, under the ceiling."""
    if product.cap_method == "share_multiple":
        cap = paid_up_capital(org_id, party_id) * product.cap_share_multiple_pct // 100
    else:
        cap = product.cap_amount
    return min(cap, product.cap_ceiling) if product.cap_ceiling else cap


def _deduction(method: str, fixed: int, rate_bp: int, amount: int) -> int:
    if method == "fixed":
        return min(fixed, amount)
    if method == "percent":
        return sched.round_half_up(sched.Fraction(amount * rate_bp, 10_000))
    return 0


def fee_for(product: LoanProduct, amount: int) -> int:
    return _deduction(product.fee_method, product.fee_amount, product.fee_rate_bp, amount)


def cbu_for(product: LoanProduct, amount: int) -> int:
    """The capital build-up retained at release: never more than what the service fee leaves of the loan."""
    return min(_deduction(product.cbu_method, product.cbu_amount, product.cbu_rate_bp, amount),
               amount - fee_for(product, amount))

