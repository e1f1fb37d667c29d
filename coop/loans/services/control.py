"""`coop ledger check`: the loans receivable accounts against the loans themselves."""
from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import Loan


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """Each receivable account's balance and the principal still owed on the active loans that sit in it."""
    owed = dict(db.session.execute(
        select(Loan.receivable_account, func.coalesce(func.sum(Loan.principal_due - Loan.principal_paid), 0))
        .where(Loan.org_id == org_id, Loan.status == "active").group_by(Loan.receivable_account)).all())
    keys = {a.key for a in ledger.list_accounts(org_id) if a.key and a.key.startswith("loans_receivable_")}
    return [(key, ledger.balance(org_id, key).debit_balance, int(owed.get(key, 0))) for key in sorted(keys | set(owed))]
