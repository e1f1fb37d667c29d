"""What every savings verb shares: products, reading accounts, the balance-days arithmetic, the passbook line."""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import func, select

from ...errors import Conflict, Invalid, NotFound, Words
from ...extensions import db
from ...kernel import get_in_org, insert_ignore
from ...ledger import services as ledger
from ...members import services as members
from ...timeutil import utcnow
from ..models import KINDS, PERIODS, SavingsAccount, SavingsProduct, SavingsTransaction

SOURCE = "savings"  # an entry of one account: its source_id is the account's id
INTEREST_SOURCE = "savings.interest"  # a period's interest over many accounts
INTEREST_EXPENSE = "interest_expense_deposits"
JOB = "savings.end_of_day"
# Interest in centavos = balance-days x yearly rate in basis points / (10,000 x 365), rounded half up.
YEAR_BP_DAYS = 10_000 * 365

# The products every cooperative starts with; an admin edits their policy on the products page.
DEFAULT_PRODUCTS = {
    "regular": dict(name="Regular savings", kind="regular", rate_bp=200, minimum_balance=100_00, dormant_days=730,
                    posting_period="monthly", term_days=0, penalty_bp=0),
    "youth": dict(name="Youth savings", kind="youth", rate_bp=250, minimum_balance=50_00, dormant_days=730,
                  posting_period="quarterly", term_days=0, penalty_bp=0),
    "td180": dict(name="Time deposit, 180 days", kind="time", rate_bp=400, minimum_balance=5_000_00,
                  dormant_days=0, posting_period="monthly", term_days=180, penalty_bp=5000),
}
PRODUCT_FIELDS = ("name", "active", "rate_bp", "minimum_balance", "dormant_days", "posting_period", "term_days",
                  "penalty_bp")


def interest_on(balance_days: int, rate_bp: int) -> int:
    """Interest on a sum of balance x days at a yearly rate, to the centavo, half up (all figures >= 0)."""
    return (balance_days * rate_bp + YEAR_BP_DAYS // 2) // YEAR_BP_DAYS


def period_end(start: date, posting_period: str) -> date:
    """The last day of the interest period (calendar month, quarter, half or year) that holds `start`."""
    months = PERIODS[posting_period]
    last_month = ((start.month - 1) // months + 1) * months
    return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def period_start(day: date, posting_period: str) -> date:
    """The first day of the interest period that holds `day`."""
    months = PERIODS[posting_period]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def ledger_key(key: str | None, suffix: str = "") -> str | None:
    return None if not key else f"savings:{key}{suffix}"[:100]


# ---------------------------------------------------------------- products


def ensure_products(org_id: int) -> None:
    """Give a cooperative its default products the first time savings are used (two first uses at once are fine)."""
    existing = set(db.session.scalars(select(SavingsProduct.code).where(SavingsProduct.org_id == org_id)))
    missing = [code for code in DEFAULT_PRODUCTS if code not in existing]
    if missing:
        insert_ignore(SavingsProduct, [{"org_id": org_id, "code": code, "active": True, "updated_at": utcnow(),
                                        **DEFAULT_PRODUCTS[code]} for code in missing], ["org_id", "code"])


def list_products(org_id: int, active_only: bool = False) -> list[SavingsProduct]:
    ensure_products(org_id)
    query = select(SavingsProduct).where(SavingsProduct.org_id == org_id)
    if active_only:
        query = query.where(SavingsProduct.active.is_(True))
    return list(db.session.scalars(query.order_by(SavingsProduct.kind, SavingsProduct.code)))


def get_product(org_id: int, product_id: int) -> SavingsProduct:
    return get_in_org(SavingsProduct, org_id, product_id, "No such savings product.", field="product_id")


def product_by_code(org_id: int, code: str) -> SavingsProduct:
    ensure_products(org_id)
    found = db.session.scalar(select(SavingsProduct).where(SavingsProduct.org_id == org_id,
                                                           SavingsProduct.code == code))
    if found is None:
        raise Invalid("No such savings product.", field="product_id")
    return found


def check_policy(kind: str, values: dict) -> None:
    if kind not in KINDS:
        raise Invalid("A savings product is regular, time or youth savings.", field="kind")
    if values.get("posting_period", "monthly") not in PERIODS:
        raise Invalid("Post interest monthly, quarterly, semi-annually or annually.", field="posting_period")
    if not 0 <= values.get("rate_bp", 0) <= 10_000:
        raise Invalid("The rate is between 0 and 100 percent a year.", field="rate_bp")
    if not 0 <= values.get("penalty_bp", 0) <= 10_000:
        raise Invalid("The penalty is between 0 and 100 percent of the interest earned.", field="penalty_bp")
    if values.get("minimum_balance", 0) < 0:
        raise Invalid("The minimum balance cannot be below zero.", field="minimum_balance")
    if kind == "time" and not 1 <= values.get("term_days", 0) <= 3650:
        raise Invalid("A time deposit has a term of 1 to 3650 days.", field="term_days")


# ---------------------------------------------------------------- accounts


def get_account(org_id: int, account_id: int, *, lock: bool = False) -> SavingsAccount:
    return get_in_org(SavingsAccount, org_id, account_id, "No such savings account.", field="account_id",
                      lock=lock)


def accounts_of_member(org_id: int, member_id: int) -> list[SavingsAccount]:
    return list(db.session.scalars(select(SavingsAccount).where(
        SavingsAccount.org_id == org_id, SavingsAccount.member_id == member_id).order_by(SavingsAccount.id)))


def list_accounts(org_id: int, *, status: str | None = None, member_id: int | None = None, member_ids=None,
                  limit: int = 200, offset: int = 0) -> list[SavingsAccount]:
    """A page of accounts, newest first; `member_ids`: a members search's ids (a subquery) to keep."""
    query = select(SavingsAccount).where(SavingsAccount.org_id == org_id)
    if status:
        query = query.where(SavingsAccount.status == status)
    if member_id is not None:
        query = query.where(SavingsAccount.member_id == member_id)
    if member_ids is not None:
        query = query.where(SavingsAccount.member_id.in_(member_ids))
    return list(db.session.scalars(query.order_by(SavingsAccount.id.desc()).offset(offset).limit(min(limit, 200))))


def parties_of_member(org_id: int, member_id: int) -> set[int]:
    return set(db.session.scalars(select(SavingsAccount.party_id).where(
        SavingsAccount.org_id == org_id, SavingsAccount.member_id == member_id)))


def parties_of_user(org_id: int, user_id: int) -> set[int]:
    """The savings parties of the member this login belongs to (none for staff without a member record)."""
    try:
        member = members.member_for_user(org_id, user_id)
    except NotFound:
        return set()
    return parties_of_member(org_id, member.id)


def total_of_member(org_id: int, member_id: int) -> int | None:
    """Her savings across her accounts (kept balances: one indexed read); None when she has no account."""
    accounts, total = db.session.execute(select(func.count(), func.coalesce(func.sum(SavingsAccount.balance), 0))
                                         .where(SavingsAccount.org_id == org_id,
                                                SavingsAccount.member_id == member_id)).one()
    return int(total) if accounts else None


def transactions(org_id: int, account_id: int, start: date | None = None, end: date | None = None,
                 limit: int = 500) -> list[SavingsTransaction]:
    query = select(SavingsTransaction).where(SavingsTransaction.org_id == org_id,
                                             SavingsTransaction.account_id == account_id)
    if start:
        query = query.where(SavingsTransaction.on_date >= start)
    if end:
        query = query.where(SavingsTransaction.on_date <= end)
    return list(db.session.scalars(query.order_by(SavingsTransaction.id).limit(limit)))


def average_daily_balance(account: SavingsAccount, on: date) -> int:
    """The average daily balance of the current interest period up to `on` (inclusive), to the centavo."""
    days = on.toordinal() + 1 - account.period_start.toordinal()
    if days <= 0:
        return account.balance
    held = account.balance_days + account.balance * (on.toordinal() + 1 - account.since_day)
    return held // days


def check_chronology(account: SavingsAccount, product: SavingsProduct, on: date, field: str = "on") -> None:
    """A movement is dated in an open month, not in the future beyond policy, not before the account was opened
    or its last movement, and in the interest period not yet posted."""
    ledger.check_date(account.org_id, on, field=field, what=Words("A savings transaction"))
    if on < account.opened_on:
        raise Invalid("A savings transaction cannot be dated before the account was opened (%(day)s).", field=field, values={"day": account.opened_on})
    last = date.fromordinal(account.since_day)
    if on < last:
        raise Invalid("A savings transaction cannot be dated before the account's last movement (%(day)s).", field=field, values={"day": last})
    end = period_end(account.period_start, product.posting_period)
    if product.kind != "time" and on > end:
        raise Conflict("The interest for the period ending %(day)s is not posted yet: run the daily jobs first.", field=field, values={"day": end})


def move(account: SavingsAccount, amount: int, on: date) -> None:
    """Change the kept balance by `amount` on `on`, adding the days the old balance was held."""
    day = on.toordinal()
    account.balance_days += account.balance * (day - account.since_day)
    account.since_day = day
    account.balance += amount


def record(account: SavingsAccount, kind: str, amount: int, on: date, *, entry_id: int | None, actor_id: int | None,
           memo: str | None = None, receipt_id: int | None = None,
           idempotency_key: str | None = None) -> SavingsTransaction:
    txn = SavingsTransaction(org_id=account.org_id, account_id=account.id, kind=kind, on_date=on, amount=amount,
                             balance_after=account.balance, memo=memo, entry_id=entry_id, receipt_id=receipt_id,
                             idempotency_key=idempotency_key, actor_id=actor_id, at=utcnow())
    db.session.add(txn)
    db.session.flush()
    return txn


def txn_by_key(org_id: int, key: str) -> SavingsTransaction | None:
    return db.session.scalar(select(SavingsTransaction).where(SavingsTransaction.org_id == org_id,
                                                              SavingsTransaction.idempotency_key == key))


def replayed(org_id: int, key: str | None, account_id: int, kind: str,
             amount: int | None) -> SavingsTransaction | None:
    """The transaction this idempotency key already made; Conflict when it was made for something else."""
    if not key:
        return None
    found = txn_by_key(org_id, key)
    if found is not None and (found.account_id, found.kind) != (account_id, kind) or (
            found is not None and amount is not None and abs(found.amount) != amount):
        raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
    return found


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """`coop ledger check`: Savings Deposits and Time Deposits against the sum of the accounts kept in each."""
    by_kind = dict(db.session.execute(
        select(SavingsProduct.kind, func.coalesce(func.sum(SavingsAccount.balance), 0))
        .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
        .where(SavingsAccount.org_id == org_id).group_by(SavingsProduct.kind)).all())
    kept = {"time_deposits": int(by_kind.get("time", 0)),
            "savings_deposits": sum(int(total) for kind, total in by_kind.items() if kind != "time")}
    keys = ledger.balances_by_key(org_id)
    return [(key, keys[key].credit_balance, kept[key]) for key in ("savings_deposits", "time_deposits") if key in keys]
