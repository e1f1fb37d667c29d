"""approvals: what was already waiting for a second person (loan applications, write-off and restructuring
requests, share withdrawals, tranche releases) is held in the approvals inbox too

Revision ID: 0092_approvals_pending
Revises: 0090_approvals
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0092_approvals_pending"
down_revision = "0090_approvals"
branch_labels = None
depends_on = ("0030_loans", "0010_share_capital", "0050_grants")

APPROVAL = sa.table(
    "approval", sa.column("org_id", sa.Integer), sa.column("kind", sa.String), sa.column("subject", sa.String),
    sa.column("payload", sa.JSON), sa.column("amount", sa.BigInteger), sa.column("status", sa.String),
    sa.column("requested_by", sa.Integer), sa.column("requested_at", sa.DateTime))

# (kind, SQL of the waiting records: org_id, id, maker, amount, payload key, subject prefix)
WAITING = (
    ("loans.approve", "SELECT org_id, id, applied_by, amount, NULL FROM loan WHERE status = 'applied'",
     "loan_id", "loan"),
    ("loans.write_off", "SELECT r.org_id, r.id, r.requested_by, NULL, r.loan_id FROM loan_request r"
     " WHERE r.status = 'pending' AND r.kind = 'write_off'", "request_id", "loan_request"),
    ("loans.restructure", "SELECT r.org_id, r.id, r.requested_by, NULL, r.loan_id FROM loan_request r"
     " WHERE r.status = 'pending' AND r.kind = 'restructure'", "request_id", "loan_request"),
    ("members.share_withdrawal", "SELECT org_id, id, requested_by, refund, NULL FROM share_withdrawal"
     " WHERE status = 'pending'", "withdrawal_id", "share_withdrawal"),
    ("grants.tranche_release", "SELECT org_id, id, requested_by, amount, NULL FROM grant_tranche"
     " WHERE status = 'pending'", "tranche_id", "tranche"),
)


def upgrade():
    bind = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for kind, query, key, prefix in WAITING:
        for org_id, row_id, maker, amount, loan_id in bind.execute(sa.text(query)):
            payload = {key: row_id} if loan_id is None else {key: row_id, "loan_id": loan_id}
            rows.append({"org_id": org_id, "kind": kind, "subject": f"{prefix}:{row_id}", "payload": payload,
                         "amount": amount, "status": "pending", "requested_by": maker, "requested_at": now})
    if rows:
        op.bulk_insert(APPROVAL, rows)


def downgrade():
    op.execute("DELETE FROM approval WHERE status = 'pending' AND kind IN ('loans.approve', 'loans.write_off',"
               " 'loans.restructure', 'members.share_withdrawal', 'grants.tranche_release')")
