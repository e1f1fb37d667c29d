"""Issue official receipts. A receipt is never deleted or renumbered; a mistake is cancelled with a reason."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import services as audit
from ..errors import Invalid
from ..extensions import db
from ..kernel import get_in_org, insert_ignore
from ..money import amount_in_words  # noqa: F401 (written on receipts; kept here for callers)
from ..timeutil import utcnow
from .models import Receipt, ReceiptCounter


def _next_number(org_id: int) -> int:
    """Take the next number under a row lock: a rolled-back issue gives its number back, so no gaps."""
    insert_ignore(ReceiptCounter, {"org_id": org_id, "next_number": 1}, ["org_id"])
    counter = db.session.scalar(select(ReceiptCounter).where(ReceiptCounter.org_id == org_id).with_for_update()
                               .execution_options(populate_existing=True))
    number = counter.next_number
    counter.next_number = number + 1
    return number


def issue(org_id: int, *, kind: str, party_id: int | None, amount: int, on: date, source: str | None,
          source_id, description: str, actor_id: int | None, received_from: str = "") -> Receipt:
    """An official receipt for money received. Call it in the transaction that posts the money."""
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("A receipt is for an amount more than zero.", field="amount")
    receipt = Receipt(org_id=org_id, number=_next_number(org_id), kind=kind, party_id=party_id,
                      received_from=(received_from or "").strip()[:160], amount=amount, issued_on=on,
                      description=description[:300], source=source,
                      source_id=None if source_id is None else str(source_id), issued_by=actor_id)
    db.session.add(receipt)
    db.session.flush()
    audit.record("receipt.issue", org_id=org_id, user_id=actor_id, target_type="receipt", target_id=receipt.id)
    from ..messaging import sms

    sms.receipt_issued(org_id, receipt)  # policy: a confirmation by text, queued in this transaction
    return receipt


def get(org_id: int, receipt_id: int) -> Receipt:
    return get_in_org(Receipt, org_id, receipt_id, "No such receipt.")


def for_source(org_id: int, source: str, source_id) -> list[Receipt]:
    return list(db.session.scalars(select(Receipt).where(Receipt.org_id == org_id, Receipt.source == source,
                                                         Receipt.source_id == str(source_id)).order_by(Receipt.id)))


def for_party(org_id: int, party_id: int, limit: int = 100) -> list[Receipt]:
    return list(db.session.scalars(select(Receipt).where(Receipt.org_id == org_id, Receipt.party_id == party_id)
                                   .order_by(Receipt.number.desc()).limit(limit)))


def cancel(org_id: int, receipt_id: int, reason: str, actor_id: int | None) -> Receipt:
    """Mark a receipt cancelled (its number stays used); the money is corrected by a ledger reversal."""
    receipt = get(org_id, receipt_id)
    if receipt.cancelled_at:
        raise Invalid("This receipt is already cancelled.")
    if not reason or not reason.strip():
        raise Invalid("Give the reason for cancelling.", field="reason")
    receipt.cancelled_at, receipt.cancel_reason = utcnow(), reason.strip()
    audit.record("receipt.cancel", org_id=org_id, user_id=actor_id, target_type="receipt", target_id=receipt.id)
    db.session.flush()
    return receipt
