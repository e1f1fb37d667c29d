"""The outbox: queue messages once, deliver them for real, and never send one twice.

Queueing (`enqueue`) happens in the transaction of the work that made the message: a rolled-back
payment queues no receipt. Delivery (`deliver`) is its own boundary and commits as it goes:

1. messages left in "sending" for longer than `messaging.stale_minutes` (the job died while the
   gateway was being called) become "unknown": they may or may not have gone out, so they are
   never retried automatically (an officer may send one again from the outbox page);
2. per organization, up to its daily cap, a batch of due messages is *claimed* (pending -> sending,
   attempts + 1) and the claim is committed BEFORE any gateway is called;
3. each message's result is committed right after its call: sent (with the gateway's id), pending
   again with an exponential backoff on a temporary failure, failed on a permanent one or when
   attempts run out.

A job killed anywhere leaves at most the messages of one batch in "sending", never one sent twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, insert, select, update

from ..audit import services as audit
from ..errors import Invalid
from ..extensions import db
from ..kernel import get_in_org, insert_ignore
from ..orgs.services import get_setting
from ..timeutil import MANILA, utcnow
from . import secrets
from .gateways import (  # noqa: F401  (re-exported: the protocol and errors are part of this module's API)
    Gateway,
    GatewayError,
    HttpSmsGateway,
    LogGateway,
    PermanentFailure,
    SmtpGateway,
    TemporaryFailure,
    local,
)
from .models import PURPOSES, GatewaySecret, OptOut, OutboxMessage

log = logging.getLogger("coop.outbox")
CHANNELS = ("sms", "email")
# Opting out (STOP / HINTO) stops these; receipts she asked for and answers to her own texts still go.
OPTIONAL_PURPOSES = ("reminder", "notice")
SECRET_NAMES = ("sms_password", "smtp_password")
UNSET = ("", "-", "none", "default")

# An application-wide override (tests, `COOP_MESSAGE_GATEWAY=log`): one gateway for every organization.
GATEWAYS: dict[str, Gateway] = {"log": LogGateway()}


# ---------------------------------------------------------------- queueing


def enqueue(org_id: int, *, channel: str, recipient: str, body: str, dedupe_key: str,
            purpose: str = "reminder") -> bool:
    """Queue a message; False when one with the same dedupe key was queued before (nothing is sent twice),
    or when it is a reminder to a number that opted out (kept as "opted_out" for the officers' page)."""
    return enqueue_many(org_id, [Message(channel, recipient, body, dedupe_key, purpose)]) == 1


@dataclass(frozen=True)
class Message:
    channel: str
    recipient: str
    body: str
    dedupe_key: str
    purpose: str = "reminder"


DEDUPE_CHUNK = 500  # keys per IN (...) list


def enqueue_many(org_id: int, batch: list[Message]) -> int:
    """Queue many messages in a handful of statements (a daily job's reminders): `enqueue`'s rules for each,
    the dedupe keys and opt-outs read at once, the rows inserted at once. Returns how many will be sent."""
    for message in batch:
        if message.channel not in CHANNELS:
            raise Invalid(f"A channel is one of {', '.join(CHANNELS)}.", field="channel")
        if message.purpose not in PURPOSES:
            raise Invalid(f"A purpose is one of {', '.join(PURPOSES)}.", field="purpose")
    db.session.flush()
    keys = list({message.dedupe_key for message in batch})
    taken: set[str] = set()
    for start in range(0, len(keys), DEDUPE_CHUNK):
        taken.update(db.session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.org_id == org_id, OutboxMessage.dedupe_key.in_(keys[start:start + DEDUPE_CHUNK]))))
    numbers = {local(message.recipient) for message in batch if message.channel == "sms"}
    stopped = set(db.session.scalars(select(OptOut.mobile).where(OptOut.org_id == org_id,
                                                                 OptOut.mobile.in_(numbers)))) if numbers else set()
    rows, now = [], utcnow()
    for message in batch:
        if message.dedupe_key in taken:
            continue
        taken.add(message.dedupe_key)
        opted_out = (message.purpose in OPTIONAL_PURPOSES and message.channel == "sms"
                     and local(message.recipient) in stopped)
        rows.append({"org_id": org_id, "channel": message.channel, "recipient": message.recipient,
                     "body": message.body, "dedupe_key": message.dedupe_key, "purpose": message.purpose,
                     "status": "opted_out" if opted_out else "pending", "attempts": 0, "created_at": now})
    if rows:
        db.session.execute(insert(OutboxMessage.__table__), rows)
    return sum(row["status"] == "pending" for row in rows)


def pending(org_id: int | None = None, limit: int = 500) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status == "pending")
    if org_id is not None:
        query = query.where(OutboxMessage.org_id == org_id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def messages(org_id: int, limit: int = 200, *, status: str | None = None, offset: int = 0) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.org_id == org_id)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).offset(offset).limit(min(limit, 500))))


def status_counts(org_id: int) -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.org_id == org_id)
                              .group_by(OutboxMessage.status))
    return {status: n for status, n in rows}


def mask(recipient: str) -> str:
    """0917****567 for a number, m***@example.org for an address: enough to recognise, not to copy."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    text = recipient.strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 7) + text[-3:]


def send_again(org_id: int, message_id: int, actor_id: int | None) -> OutboxMessage:
    """An officer's decision to send a failed or "unknown" message once more (she may receive it twice)."""
    message = get_in_org(OutboxMessage, org_id, message_id, "No such message.", lock=True)
    if message.status not in ("failed", "unknown"):
        raise Invalid("Only a failed message, or one whose fate is unknown, can be sent again.")
    message.status, message.next_attempt_at, message.attempts = "pending", None, 0
    audit.record("outbox.send_again", org_id=org_id, user_id=actor_id, target_type="outbox_message",
                 target_id=message.id)
    db.session.flush()
    return message


# ---------------------------------------------------------------- opting out


def is_opted_out(org_id: int, channel: str, recipient: str) -> bool:
    if channel != "sms":
        return False
    return db.session.scalar(select(OptOut.id).where(OptOut.org_id == org_id, OptOut.mobile == local(recipient))) \
        is not None


def opt_out(org_id: int, mobile: str) -> None:
    """STOP / HINTO: no more reminders to this number; what is already queued is not sent either."""
    number = local(mobile)
    insert_ignore(OptOut, {"org_id": org_id, "mobile": number, "since": utcnow()}, ["org_id", "mobile"])
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.org_id == org_id, OutboxMessage.status == "pending", OutboxMessage.channel == "sms",
            OutboxMessage.purpose.in_(OPTIONAL_PURPOSES))):
        if local(message.recipient) == number:
            message.status = "opted_out"
    db.session.flush()


def opt_in(org_id: int, mobile: str) -> None:
    db.session.execute(delete(OptOut).where(OptOut.org_id == org_id, OptOut.mobile == local(mobile)))


# ---------------------------------------------------------------- credentials and gateways


def set_secret(org_id: int, name: str, value: str, actor_id: int | None) -> None:
    """Seal and store a gateway credential; the audit trail records that it changed, never the value."""
    if name not in SECRET_NAMES:
        raise Invalid(f"A credential is one of {', '.join(SECRET_NAMES)}.", field="name")
    row = db.session.scalar(select(GatewaySecret).where(GatewaySecret.org_id == org_id, GatewaySecret.name == name))
    value = (value or "").strip()
    if not value:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(GatewaySecret(org_id=org_id, name=name, sealed=secrets.seal(value), updated_by=actor_id))
    else:
        row.sealed, row.updated_at, row.updated_by = secrets.seal(value), utcnow(), actor_id
    audit.record("messaging.credential", org_id=org_id, user_id=actor_id, target_type="messaging_secret",
                 target_id=name, details={"set": bool(value)})
    db.session.flush()


def secret_status(org_id: int) -> dict[str, datetime | None]:
    """When each credential was last set (None: not set); the values never leave this module."""
    rows = {row.name: row.updated_at for row in db.session.scalars(
        select(GatewaySecret).where(GatewaySecret.org_id == org_id))}
    return {name: rows.get(name) for name in SECRET_NAMES}


def read_secret(org_id: int, name: str) -> str:
    sealed = db.session.scalar(select(GatewaySecret.sealed).where(GatewaySecret.org_id == org_id,
                                                                  GatewaySecret.name == name))
    return secrets.open_secret(sealed) if sealed else ""


def _text(org_id: int, key: str) -> str:
    value = str(get_setting(org_id, key) or "").strip()
    return "" if value.lower() in UNSET else value


def gateway_for(org_id: int, channel: str) -> Gateway:
    """The organization's gateway for this channel, built from its settings and sealed credentials."""
    if channel == "sms":
        kind = get_setting(org_id, "messaging.sms_gateway")
        if kind == "log":
            return GATEWAYS["log"]
        return HttpSmsGateway(kind, url=_text(org_id, "messaging.sms_url") or None,
                              password=read_secret(org_id, "sms_password"), account=_text(org_id, "messaging.sms_account"),
                              sender=_text(org_id, "messaging.sms_sender"),
                              timeout=float(get_setting(org_id, "messaging.timeout_seconds")))
    if get_setting(org_id, "messaging.email_gateway") == "log":
        return GATEWAYS["log"]
    return SmtpGateway(_text(org_id, "messaging.smtp_host") or "localhost", int(get_setting(org_id, "messaging.smtp_port")),
                       sender=_text(org_id, "messaging.smtp_from") or "coop@localhost",
                       username=_text(org_id, "messaging.smtp_username"), password=read_secret(org_id, "smtp_password"),
                       starttls=bool(get_setting(org_id, "messaging.smtp_starttls")),
                       timeout=float(get_setting(org_id, "messaging.timeout_seconds")))


# ---------------------------------------------------------------- delivery


@dataclass
class Run:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unknown: int = 0
    opted_out: int = 0
    capped: int = 0  # organizations that reached their daily cap


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failed attempt, at most a day."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def day_start_utc(now: datetime) -> datetime:
    """Midnight in Manila of the day `now` (naive UTC) falls in, as naive UTC."""
    from datetime import timezone

    local_day = now.replace(tzinfo=timezone.utc).astimezone(MANILA).date()
    return datetime.combine(local_day, time(0), MANILA).astimezone(timezone.utc).replace(tzinfo=None)


def mark_stale(now: datetime) -> int:
    """Messages left "sending" by a job that died: their fate is unknown, and they are not retried."""
    marked = 0
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.org_id, OutboxMessage.claimed_at)
                              .where(OutboxMessage.status == "sending")).all()
    minutes: dict[int, int] = {}
    for message_id, org_id, claimed_at in rows:
        if org_id not in minutes:
            minutes[org_id] = int(get_setting(org_id, "messaging.stale_minutes"))
        if claimed_at is None or claimed_at <= now - timedelta(minutes=minutes[org_id]):
            marked += db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
                .values(status="unknown", last_error="The job stopped while sending: it may or may not have "
                                                     "gone out. Not sent again automatically.")).rowcount
    db.session.commit()
    return marked


def sent_today(org_id: int, now: datetime) -> int:
    """Messages handed to a gateway since midnight in Manila (what the daily cap counts)."""
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.org_id == org_id, OutboxMessage.claimed_at >= day_start_utc(now),
        OutboxMessage.status.in_(("sending", "sent", "unknown")))) or 0


def _due(org_id: int | None, now: datetime):
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == "pending",
        (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now))
    if org_id is not None:
        query = query.where(OutboxMessage.org_id == org_id)
    return query


def claim(ids: list[int], now: datetime) -> list[int]:
    """pending -> sending, one compare-and-set per message (two jobs at once never claim the same one); committed."""
    claimed = []
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message.purpose in OPTIONAL_PURPOSES and is_opted_out(message.org_id, message.channel, message.recipient):
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                           OutboxMessage.status == "pending")
                               .values(status="opted_out"))
            continue
        done = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)).rowcount
        if done == 1:
            claimed.append(message_id)
    db.session.commit()  # the claim is durable before any gateway is called
    return claimed


def _send_one(message_id: int, gateway: Gateway, max_attempts: int, run: Run, now: datetime) -> None:
    message = db.session.get(OutboxMessage, message_id)
    try:
        ref = gateway.send(message.channel, message.recipient, message.body)
    except GatewayError as exc:
        temporary, error = exc.temporary, str(exc)
    except Exception as exc:  # noqa: BLE001 - an unexpected gateway bug is retried like a temporary failure
        temporary, error = True, f"unexpected {type(exc).__name__}"
    else:
        message.status, message.sent_at, message.gateway_ref, message.last_error = "sent", utcnow(), ref, None
        message.next_attempt_at = None
        run.sent += 1
        db.session.commit()
        return
    log.warning("outbox message %s: %s", message.id, error)
    message.last_error = error[:300]
    if temporary and message.attempts < max_attempts:
        message.status, message.next_attempt_at = "pending", now + backoff(message.attempts)
        run.retry += 1
    else:
        message.status = "failed"
        run.failed += 1
    db.session.commit()


def deliver(gateway: Gateway | None = None, limit: int = 5000, *, now: datetime | None = None,
            report: Run | None = None) -> int:
    """Send what is due; this call is its own boundary (it commits). Returns how many were sent.

    `gateway` overrides every organization's own (tests, or COOP_MESSAGE_GATEWAY); otherwise each
    organization's settings choose its SMS and e-mail gateways.
    """
    now = now or utcnow()
    run = report or Run()
    db.session.commit()
    run.unknown += mark_stale(now)
    org_ids = list(db.session.scalars(select(OutboxMessage.org_id).where(
        OutboxMessage.id.in_(_due(None, now))).distinct().order_by(OutboxMessage.org_id)))
    budget = limit
    for org_id in org_ids:
        if budget <= 0:
            break
        budget -= _deliver_org(org_id, gateway, now, budget, run)
    db.session.commit()
    return run.sent


def _deliver_org(org_id: int, override: Gateway | None, now: datetime, budget: int, run: Run) -> int:
    cap, batch = int(get_setting(org_id, "messaging.daily_cap")), max(1, int(get_setting(org_id, "messaging.batch_size")))
    max_attempts = max(1, int(get_setting(org_id, "messaging.max_attempts")))
    gateways: dict[str, Gateway | None] = {}
    handled = 0
    while budget - handled > 0:
        room = cap - sent_today(org_id, now)
        if room <= 0:
            run.capped += 1
            break
        ids = list(db.session.scalars(_due(org_id, now).order_by(OutboxMessage.id)
                                      .limit(min(batch, room, budget - handled))))
        if not ids:
            break
        for message_id in claim(ids, now):
            message = db.session.get(OutboxMessage, message_id)
            channel = message.channel
            if channel not in gateways:
                gateways[channel] = override or _configured(org_id, channel)
            if gateways[channel] is None:  # unreadable credentials: put it back, untouched
                message.status, message.attempts = "pending", message.attempts - 1
                message.next_attempt_at, message.last_error = now + timedelta(minutes=15), \
                    "The gateway's credentials cannot be read: type them again on the messaging page."
                db.session.commit()
                continue
            _send_one(message_id, gateways[channel], max_attempts, run, now)
        handled += len(ids)
    return handled


def _configured(org_id: int, channel: str) -> Gateway | None:
    try:
        return gateway_for(org_id, channel)
    except secrets.SecretUnreadable:
        log.error("organization %s: %s gateway credentials cannot be read (SECRET_KEY changed?)", org_id, channel)
        return None


def job_summary(run: Run) -> str:
    return (f"{run.sent} sent, {run.retry} to retry, {run.failed} failed, {run.unknown} unknown"
            + (f", {run.capped} at the daily cap" if run.capped else ""))
