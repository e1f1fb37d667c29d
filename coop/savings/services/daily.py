"""The savings' end of day (the daily job `savings.end_of_day`): interest, time deposits at maturity, dormancy.

Interest is set-based: one UPDATE computes every due account's interest from the balance-days it keeps; per
ENTRY_CHUNK accounts, `ledger.post_party_amounts` posts one entry whose lines and party balances come from a
SELECT, and one INSERT ... SELECT writes the passbook lines; one UPDATE adds the interest and starts the next
period. Nothing loops over accounts in Python. A day is keyed to its period end, so running it twice posts nothing twice, and the jobs
runner catches up missed days in order.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, insert, literal, select, update

from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...timeutil import utcnow
from ..models import ACTIVE, CLOSED, DORMANT, MATURED, SavingsAccount, SavingsProduct, SavingsTransaction
from .base import (
    INTEREST_EXPENSE,
    INTEREST_SOURCE,
    SOURCE,
    YEAR_BP_DAYS,
    interest_on,
    list_products,
    move,
    period_start,
    record,
)

ENTRY_CHUNK = 2000  # accounts per interest entry: an entry's page stays readable

_ACCOUNT = SavingsAccount.__table__
_TXN = SavingsTransaction.__table__


def end_of_day(org_id: int, day: date) -> str:
    db.session.flush()
    products = list_products(org_id)
    time_products = [p for p in products if p.kind == "time"]
    # Time deposits that matured before this month (a late run: the first, or after a gap) are paid into her
    # savings first, so that the payout earns its days in the period being posted; those maturing this month
    # after the interest, so that it starts the new period. Either way her passbook stays in date order.
    matured = _maturities(org_id, day, time_products, before=day.replace(day=1))
    posted = sum(post_interest(org_id, product, day) for product in products if product.kind != "time")
    matured += _maturities(org_id, day, time_products)
    dormant = _dormancy(org_id, day, products)
    db.session.expire_all()  # the bulk statements changed rows the session may hold
    return f"{posted} interest postings, {matured} time deposits matured, {dormant} accounts dormant"


def post_interest(org_id: int, product: SavingsProduct, day: date) -> int:
    """Post the interest of every account of the product whose interest period ended before `day`, on its average
    daily balance (balance-days / days x rate x days / 365), dated the period's last day. On the first day of a
    period that is every account; on another day (a first run, a gap longer than the runner catches up) it is
    the accounts a missed boundary left behind. Returns the accounts credited."""
    db.session.flush()
    start = period_start(day, product.posting_period)  # the period this day is in: the one after those posted
    end = start - timedelta(days=1)
    c = _ACCOUNT.c
    due = ((c.org_id == org_id) & (c.product_id == product.id) & (c.period_start <= end)
           & c.status.in_((ACTIVE, DORMANT)))
    # the balance-days up to the period's end, not up to the day the job runs: a late run (the first, or after a
    # gap) credits the days since then in the next period, where they belong
    held = c.balance_days + c.balance * (literal(start.toordinal()) - c.since_day)
    interest = (held * product.rate_bp + YEAR_BP_DAYS // 2) // YEAR_BP_DAYS
    # The due accounts are locked first (a teller's movement on one waits for the job, as the job waits for hers);
    # every statement then reads them as they were and the one UPDATE at the end writes them: a row is written
    # once per transaction (PostgreSQL re-checks every foreign key of a row updated twice in one transaction).
    rows = db.session.execute(select(c.id, interest).where(due).order_by(c.id).with_for_update()).all()
    if not rows:
        return 0
    due = due & (c.id <= rows[-1][0])  # not an account opened meanwhile
    ids = [account_id for account_id, amount in rows if amount > 0]
    if ids:
        # one entry per ENTRY_CHUNK accounts, in id order: the chunk of an account is found by its id's place among
        # the chunks' first ids, so each statement below reads the due accounts once, whatever their number
        firsts = ids[::ENTRY_CHUNK]
        lasts = [ids[min(n + ENTRY_CHUNK, len(ids)) - 1] for n in range(0, len(ids), ENTRY_CHUNK)]

        def chunk_of(values: list):
            if len(values) == 1:
                return literal(values[0])
            return case(*[(c.id < first, value) for first, value in zip(firsts[1:], values)], else_=values[-1])

        posted = ledger.post_party_entries(
            org_id, entry_date=end, account=product.account_key, side="credit", counter_account=INTEREST_EXPENSE,
            amounts=select(c.party_id, interest, chunk_of(list(range(len(firsts))))).where(due, interest > 0),
            source=INTEREST_SOURCE, heads=[ledger.PartyEntryHead(
                f"Interest on {product.name}, period ending {end:%d %b %Y}, accounts SA-{first:06d} to SA-{last:06d}",
                f"{product.id}:{end.isoformat()}", f"savings:interest:{product.id}:{end.isoformat()}:{first}")
                for first, last in zip(firsts, lasts)])
        db.session.execute(insert(_TXN).from_select(
            ["org_id", "account_id", "kind", "on_date", "amount", "balance_after", "memo", "entry_id", "at"],
            select(c.org_id, c.id, literal("interest"), literal(end), interest, c.balance + interest,
                   literal("Interest"), chunk_of([entry.id for entry in posted]), literal(utcnow()))
            .where(due, interest > 0)))
    db.session.execute(update(_ACCOUNT).where(due).values(
        balance=c.balance + interest, interest_total=c.interest_total + interest,
        balance_days=0, since_day=start.toordinal(), period_start=start))
    for held_object in [obj for obj in db.session.identity_map.values() if isinstance(obj, SavingsAccount)]:
        db.session.expire(held_object)  # the UPDATE changed rows the session may hold: read them again
    return len(ids)


def _maturities(org_id: int, day: date, products: list[SavingsProduct], before: date | None = None) -> int:
    """Time deposits reaching maturity (by `day`, or only those before `before`): the term's interest credited,
    then rolled over for another term at the product's rate, or paid out into her regular savings (else left
    matured, to be withdrawn at the desk)."""
    by_id = {p.id: p for p in products}
    if not by_id:
        return 0
    due = list(db.session.scalars(select(SavingsAccount).where(
        SavingsAccount.org_id == org_id, SavingsAccount.product_id.in_(by_id), SavingsAccount.status == ACTIVE,
        SavingsAccount.maturity_on <= day, SavingsAccount.maturity_on < (before or day + timedelta(days=1)))
        .order_by(SavingsAccount.maturity_on, SavingsAccount.id).with_for_update()
        .execution_options(populate_existing=True)))
    for account in due:
        product, on = by_id[account.product_id], account.maturity_on
        interest = interest_on(account.principal * account.term_days, account.rate_bp)
        lines = [Line(INTEREST_EXPENSE, debit=interest), Line(product.account_key, credit=interest,
                                                              party_id=account.party_id)] if interest else []
        target = _regular_account(org_id, account.member_id, on) if account.on_maturity == "payout" else None
        total = account.balance + interest
        if target is not None:
            lines += [Line(product.account_key, debit=total, party_id=account.party_id, memo=account.number),
                      Line("savings_deposits", credit=total, party_id=target.party_id, memo=target.number)]
        posted = ledger.post(Entry(org_id, on, f"Time deposit {account.number} matured", tuple(lines),
                                   source=SOURCE, source_id=str(account.id),
                                   idempotency_key=f"savings:maturity:{account.id}:{on.isoformat()}")) if lines else None
        entry_id = posted.id if posted else None
        if interest:
            move(account, interest, on)
            account.interest_total += interest
            record(account, "interest", interest, on, entry_id=entry_id, actor_id=None, memo="Interest at maturity")
        if account.on_maturity == "rollover":
            account.principal, account.term_start = account.balance, on
            account.rate_bp = product.rate_bp
            account.maturity_on = on + timedelta(days=account.term_days)
            record(account, "rollover", 0, on, entry_id=None, actor_id=None,
                   memo=f"Rolled over to {account.maturity_on.isoformat()}")
        elif target is not None:
            move(account, -total, on)
            account.status = CLOSED
            record(account, "maturity", -total, on, entry_id=entry_id, actor_id=None, memo=f"To {target.number}")
            move(target, total, on)
            record(target, "maturity", total, on, entry_id=entry_id, actor_id=None, memo=f"From {account.number}")
        else:
            account.status = MATURED
    return len(due)


def _regular_account(org_id: int, member_id: int, on: date) -> SavingsAccount | None:
    """Her first active regular savings account that can take money dated `on`: open by then, its last movement
    not later, and that day in the interest period not yet posted."""
    return db.session.scalar(select(SavingsAccount).join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
                             .where(SavingsAccount.org_id == org_id, SavingsAccount.member_id == member_id,
                                    SavingsProduct.kind == "regular", SavingsAccount.status == ACTIVE,
                                    SavingsAccount.since_day <= on.toordinal(), SavingsAccount.period_start <= on)
                             .order_by(SavingsAccount.id).limit(1).with_for_update(of=SavingsAccount)
                             .execution_options(populate_existing=True))


def _dormancy(org_id: int, day: date, products: list[SavingsProduct]) -> int:
    """Accounts with no deposit or withdrawal for the product's dormancy period become dormant (one UPDATE each)."""
    count = 0
    for product in products:
        if product.dormant_days <= 0 or product.kind == "time":
            continue
        result = db.session.execute(update(_ACCOUNT).where(
            _ACCOUNT.c.org_id == org_id, _ACCOUNT.c.product_id == product.id, _ACCOUNT.c.status == ACTIVE,
            _ACCOUNT.c.last_activity_on < day - timedelta(days=product.dormant_days)).values(status=DORMANT))
        count += result.rowcount or 0
    return count


def dormant_count(org_id: int) -> int:
    return int(db.session.scalar(select(func.count()).where(_ACCOUNT.c.org_id == org_id,
                                                            _ACCOUNT.c.status == DORMANT)))
