"""Setting keys, errors and small helpers of the groups domain."""
from __future__ import annotations

from sqlalchemy import func, select

from ...errors import Invalid
from ...extensions import db

MAX_SIZE = "groups.max_size"
MIN_SIZE = "groups.min_size"
LOAN_INSTALLMENTS = "groups.loan_installments"
LOAN_GRACE_MONTHS = "groups.loan_grace_months"
RECEIVABLE = "capital_loans_receivable"
REPAYMENT_SOURCE = "groups.repayment"
REMIND_EVERY = "groups.overdue_remind_days"
SENDER = "groups.sender"


class ClusterFull(Invalid):
    title = "Cluster full"


class Overpayment(Invalid):
    title = "Overpayment"


def next_number(model, org_id: int) -> int:
    return (db.session.scalar(select(func.max(model.number)).where(model.org_id == org_id)) or 0) + 1
