"""Queue messages once (a dedupe key per reminder) and deliver them after commit through a gateway."""
from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..timeutil import utcnow
from .models import OutboxMessage

log = logging.getLogger("coop.outbox")
CHANNELS = ("sms", "email")


class Gateway(Protocol):
    def send(self, channel: str, recipient: str, body: str) -> None: ...


class LogGateway:
    """Default gateway: writes that a message went out, without the recipient's number."""

    def send(self, channel: str, recipient: str, body: str) -> None:
        log.info("%s to ...%s: %s", channel, recipient[-3:], body)


GATEWAYS: dict[str, Gateway] = {"log": LogGateway()}


def enqueue(org_id: int, *, channel: str, recipient: str, body: str, dedupe_key: str) -> bool:
    """Queue a message; False when one with the same dedupe key was queued before (nothing is sent twice)."""
    if channel not in CHANNELS:
        raise Invalid(f"A channel is one of {', '.join(CHANNELS)}.", field="channel")
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.org_id == org_id,
                                                              OutboxMessage.dedupe_key == dedupe_key))
    if exists:
        return False
    db.session.add(OutboxMessage(org_id=org_id, channel=channel, recipient=recipient, body=body,
                                 dedupe_key=dedupe_key))
    db.session.flush()
    return True


def pending(org_id: int | None = None, limit: int = 500) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status == "pending")
    if org_id is not None:
        query = query.where(OutboxMessage.org_id == org_id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def messages(org_id: int, limit: int = 200) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.org_id == org_id)
                                   .order_by(OutboxMessage.id.desc()).limit(limit)))


def deliver(gateway: Gateway, limit: int = 500) -> int:
    """Send what is pending (call after commit); a failure is retried on the next run, up to 5 times."""
    sent = 0
    for message in pending(limit=limit):
        message.attempts += 1
        try:
            gateway.send(message.channel, message.recipient, message.body)
        except Exception:  # noqa: BLE001 - any gateway failure is retried later
            log.exception("outbox message %s failed", message.id)
            if message.attempts >= 5:
                message.status = "failed"
            continue
        message.status, message.sent_at = "sent", utcnow()
        sent += 1
    db.session.flush()
    return sent
