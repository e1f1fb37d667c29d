"""`coop ledger check`: the accounts loans keep against the loans' own records: each receivable account against
the principal still owed, the penalties accrued as a receivable against the installments' accrued penalties not
yet paid, and the allowance for probable losses against the month ends' provisions less what write-offs took."""
from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import Installment, Loan, LoanProvision, LoanTransaction
from .provisioning import ALLOWANCE

ACCRUED = "accounts_receivable_members"


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    owed = dict(db.session.execute(
        select(Loan.receivable_account, func.coalesce(func.sum(Loan.principal_due - Loan.principal_paid), 0))
        .where(Loan.org_id == org_id, Loan.status == "active").group_by(Loan.receivable_account)).all())
    keys = ledger.balances_by_key(org_id)
    found = [(key, keys[key].debit_balance if key in keys else 0, int(owed.get(key, 0)))
             for key in sorted({k for k in keys if k.startswith("loans_receivable_")} | set(owed))]
    if ACCRUED in keys:
        accrued = db.session.scalar(
            select(func.coalesce(func.sum(Installment.penalty_accrued - Installment.penalty_accrued_paid), 0))
            .join(Loan, Loan.id == Installment.loan_id)
            .where(Loan.org_id == org_id, Loan.status.not_in(("written_off", "restructured"))))
        found.append((ACCRUED, keys[ACCRUED].debit_balance, int(accrued)))
    if ALLOWANCE in keys:
        provided = db.session.scalar(select(func.coalesce(func.sum(LoanProvision.adjustment), 0)).where(
            LoanProvision.org_id == org_id, LoanProvision.entry_id.is_not(None)))
        used = db.session.scalar(select(func.coalesce(func.sum(LoanTransaction.allowance_used), 0)).where(
            LoanTransaction.org_id == org_id, LoanTransaction.kind == "write_off"))
        found.append((ALLOWANCE, keys[ALLOWANCE].credit_balance, int(provided) - int(used)))
    return found
