"""Texts from members: balance inquiries (BAL <PIN>), SKED, HELP, STOP / HINTO; and receipts by text.

Privacy first: the NGO's people are survivors and being on a list is itself sensitive. A number that
is not registered, a member without a PIN, a wrong PIN and a locked-out PIN all get the same answer,
in the organization's default language, after the same work (one argon2 verification each), so
neither the text nor the timing says whether the number belongs to a member. Every inquiry is
audited (ids only, never the number).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..auth import services as auth
from ..errors import Invalid
from ..extensions import db
from ..ledger import services as ledger
from ..loans import services as loans
from ..members import services as members
from ..members import shares
from ..money import pesos_text
from ..orgs import services as orgs
from ..orgs.services import get_setting
from ..savings import services as savings
from ..timeutil import today, utcnow
from ..wellness import services as wellness
from . import services as outbox
from .gateways import local
from .models import SmsPin
from .texts import language, written_in

_hasher = PasswordHasher()  # argon2id, the same parameters as passwords
_dummy_hash: list[str] = []

COMMANDS = {"BAL": "BAL", "BALANCE": "BAL", "SKED": "SKED", "SCHED": "SKED", "HELP": "HELP", "TULONG": "HELP",
            "STOP": "STOP", "HINTO": "STOP", "START": "START", "SIMULA": "START"}


# ---------------------------------------------------------------- language and signature


def org_language(org_id: int) -> str:
    return language(None, get_setting(org_id, "messaging.language"))


def member_language(org_id: int, member) -> str:
    """Her own language (her login's), else the organization's default."""
    locale = None
    if member.user_id:
        locale = auth.get_user(member.user_id).locale
    return language(locale, get_setting(org_id, "messaging.language"))


def signature(org_id: int) -> str:
    text = str(get_setting(org_id, "messaging.signature") or "").strip()
    return orgs.get(org_id).name if text.lower() in outbox.UNSET else text


# ---------------------------------------------------------------- PINs


def _check_pin_shape(pin: str) -> str:
    pin = (pin or "").strip()
    if not re.fullmatch(r"\d{4,6}", pin):
        raise Invalid("A PIN is 4 to 6 digits.", field="pin")
    digits = [int(d) for d in pin]
    steps = {b - a for a, b in zip(digits, digits[1:])}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):
        raise Invalid("Choose a PIN that is harder to guess than repeated or consecutive digits.", field="pin")
    return pin


def set_pin(org_id: int, member_id: int, pin: str, actor_id: int | None) -> None:
    """Her PIN for balance inquiries by text (set at the desk or on her page); clears any lockout."""
    member = members.get_member(org_id, member_id)
    pin_hash = _hasher.hash(_check_pin_shape(pin))
    row = db.session.scalar(select(SmsPin).where(SmsPin.org_id == org_id, SmsPin.member_id == member.id))
    if row is None:
        db.session.add(SmsPin(org_id=org_id, member_id=member.id, pin_hash=pin_hash))
    else:
        row.pin_hash, row.failures, row.locked_until, row.set_at = pin_hash, 0, None, utcnow()
    audit.record("sms.pin.set", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id)
    db.session.flush()


def has_pin(org_id: int, member_id: int) -> bool:
    return db.session.scalar(select(SmsPin.id).where(SmsPin.org_id == org_id, SmsPin.member_id == member_id)) \
        is not None


def _verify(row: SmsPin | None, pin: str) -> bool:
    """One argon2 verification whatever the case (no PIN: against a dummy hash), so timing tells nothing."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(uuid.uuid4().hex))
    try:
        ok = _hasher.verify(row.pin_hash if row is not None else _dummy_hash[0], pin or "-")
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and row is not None


# ---------------------------------------------------------------- her position


@dataclass(frozen=True)
class Position:
    paid_up: int
    loans: int  # what she still owes on her active loans
    next_due_on: date | None  # the next date anything is due (a loan installment or a share installment)
    savings: int | None = None  # across her savings accounts; None when she has none


def position(org_id: int, member) -> Position:
    summary = shares.summary(org_id, member, today())
    active = [loan for loan in loans.loans_of_member(org_id, member.id) if loan.status == "active"]
    dates = [loan.next_due_on for loan in active if loan.next_due_on] + \
        ([summary.next_due_on] if summary.next_due_on else [])
    return Position(summary.paid_up, sum(loan.outstanding for loan in active), min(dates) if dates else None,
                    savings.total_of_member(org_id, member.id))


def _position_text(org_id: int, member, lang: str) -> str:
    # Texts write "PHP", not "₱": the peso sign is outside the GSM 7-bit alphabet and would turn every text
    # into UCS-2, 70 characters a part instead of 160 (each part is paid). Pages, PDFs and messages use "₱".
    found = position(org_id, member)
    with written_in(lang):
        next_due = found.next_due_on.strftime("%d %b %Y") if found.next_due_on else _("none")
        if found.savings is not None:
            return _("%(org)s %(number)s: paid-up capital PHP %(paid_up)s; savings PHP %(savings)s; loans due PHP "
                     "%(loans)s; next due date %(next)s.", org=signature(org_id), number=member.label,
                     paid_up=pesos_text(found.paid_up), savings=pesos_text(found.savings),
                     loans=pesos_text(found.loans), next=next_due)
        return _("%(org)s %(number)s: paid-up capital PHP %(paid_up)s; loans due PHP %(loans)s; "
                 "next due date %(next)s.", org=signature(org_id), number=member.label,
                 paid_up=pesos_text(found.paid_up), loans=pesos_text(found.loans), next=next_due)


# ---------------------------------------------------------------- incoming texts


def neutral_answer(org_id: int) -> str:
    with written_in(org_language(org_id)):
        return _("%(org)s: we cannot answer this request. Text HELP for what you can ask, or ask at the office.",
                 org=signature(org_id))


def help_text(org_id: int, lang: str) -> str:
    with written_in(lang):
        return _("%(org)s: text BAL and your PIN (BAL 1234) for your balances, SKED for your next Wellness "
                 "appointment, STOP to stop reminders.", org=signature(org_id))


@dataclass(frozen=True)
class Inquiry:
    command: str
    outcome: str  # answered | refused | help | opted_out | opted_in
    reply: str


def handle_incoming(org_id: int, sender: str, text: str, *, message_ref: str | None = None) -> Inquiry:
    """Answer one incoming text: the reply is queued in the outbox (sent after commit), and the inquiry audited."""
    mobile = local(sender)
    words = (text or "").strip().split()
    command = COMMANDS.get(words[0].upper().strip(".!,"), "HELP") if words else "HELP"
    default_lang = org_language(org_id)
    if command == "BAL":
        inquiry = _balance(org_id, mobile, words[1] if len(words) > 1 else "")
    elif command == "SKED":
        inquiry = _next_booking(org_id, mobile)
    elif command == "STOP":
        outbox.opt_out(org_id, mobile)
        with written_in(default_lang):
            reply = _("%(org)s: you will not receive reminders any more. Receipts still come. "
                      "Text START to receive reminders again.", org=signature(org_id))
        inquiry = Inquiry("STOP", "opted_out", reply)
    elif command == "START":
        outbox.opt_in(org_id, mobile)
        with written_in(default_lang):
            reply = _("%(org)s: reminders are on again for this number.", org=signature(org_id))
        inquiry = Inquiry("START", "opted_in", reply)
    else:
        inquiry = Inquiry("HELP", "help", help_text(org_id, default_lang))
    if inquiry.command != "BAL":  # BAL audits itself, naming the member when one is known
        audit.record("sms.inquiry", org_id=org_id, user_id=None, target_type=None, target_id=None,
                     details={"command": inquiry.command, "outcome": inquiry.outcome})
    key = f"reply:{message_ref}" if message_ref else f"reply:{uuid.uuid4().hex}"
    outbox.enqueue(org_id, channel="sms", recipient=mobile, body=inquiry.reply, dedupe_key=key[:160], purpose="reply")
    return inquiry


def _balance(org_id: int, mobile: str, pin: str) -> Inquiry:
    member = members.member_by_mobile(org_id, mobile)
    # the same query whether or not the number is a member's (member id 0 matches no row)
    row = db.session.scalar(select(SmsPin).where(SmsPin.org_id == org_id,
                                                 SmsPin.member_id == (member.id if member else 0)).with_for_update()
                            .execution_options(populate_existing=True))
    ok = _verify(row, pin)  # always exactly one verification
    now = utcnow()
    locked = row is not None and row.locked_until is not None and row.locked_until > now
    if ok and not locked:
        row.failures, row.locked_until = 0, None
        outcome, reply = "answered", _position_text(org_id, member, member_language(org_id, member))
    else:
        outcome, reply = "refused", neutral_answer(org_id)
        if row is not None and not locked:
            row.failures += 1
            if row.failures >= int(get_setting(org_id, "messaging.pin_max_failures")):
                row.failures = 0
                row.locked_until = now + timedelta(minutes=int(get_setting(org_id, "messaging.pin_lock_minutes")))
                outcome = "locked"
    audit.record("sms.inquiry", org_id=org_id, user_id=None, target_type="member" if member else None,
                 target_id=member.id if member else None, details={"command": "BAL", "outcome": outcome})
    db.session.flush()
    return Inquiry("BAL", "answered" if outcome == "answered" else "refused", reply)


def _next_booking(org_id: int, mobile: str) -> Inquiry:
    """Her next Wellness booking, by the number she texts from: the time only, never the service."""
    lang = org_language(org_id)
    when = None
    try:
        client = wellness.find_client(org_id, mobile, None)
        if client is not None:
            now = utcnow()
            upcoming = [b for b in wellness.bookings_between(org_id, today(), today() + timedelta(days=120),
                                                             statuses=("booked",))
                        if b.client_id == client.id and b.starts_at >= now]
            if upcoming:
                when = wellness.to_local(min(upcoming, key=lambda b: b.starts_at).starts_at)
    except Invalid:
        when = None
    with written_in(lang):
        if when is None:
            return Inquiry("SKED", "answered", _("%(org)s: no upcoming appointment for this number.",
                                                 org=signature(org_id)))
        return Inquiry("SKED", "answered", _("%(org)s: your next appointment is on %(day)s at %(time)s.",
                                             org=signature(org_id), day=when.strftime("%a %d %b"),
                                             time=when.strftime("%I:%M %p")))


# ---------------------------------------------------------------- receipts by text


def receipt_issued(org_id: int, receipt) -> bool:
    """Policy `messaging.receipts_by_text`: a short confirmation to the member a receipt is made out to.

    Called by coop.receipts when it issues one, in the same transaction (the text leaves after commit).
    """
    if not receipt.party_id or not get_setting(org_id, "messaging.receipts_by_text"):
        return False
    party = ledger.get_party(org_id, receipt.party_id)
    if party.kind != "member":
        return False
    member = members.get_member(org_id, party.ref_id)
    if not member.mobile:
        return False
    found = position(org_id, member)
    with written_in(member_language(org_id, member)):
        body = _("%(org)s: received PHP %(amount)s, receipt %(receipt)s, %(day)s. Paid-up capital PHP %(paid_up)s; "
                 "loans PHP %(loans)s.", org=signature(org_id), amount=pesos_text(receipt.amount),
                 receipt=receipt.display_number, day=receipt.issued_on.strftime("%d %b %Y"),
                 paid_up=pesos_text(found.paid_up), loans=pesos_text(found.loans))
    return outbox.enqueue(org_id, channel="sms", recipient=member.mobile, body=body,
                          dedupe_key=f"receipt:{receipt.id}", purpose="receipt")


# ---------------------------------------------------------------- an officer's own message


def send_notice(org_id: int, *, to: str, member: str | None, body: str, actor_id: int | None) -> int:
    """Queue an officer's free text to one member (by number) or to every active member with a mobile.

    Notices respect opt-outs like reminders. Returns how many were queued.
    """
    body = (body or "").strip()
    if not body:
        raise Invalid("Write the message.", field="body")
    if to == "member":
        if not member:
            raise Invalid("Give the member's number.", field="member")
        recipients = [members.find_member(org_id, member)]
    else:
        recipients, offset = [], 0
        while True:
            page = members.search_members(org_id, status="active", limit=200, offset=offset)
            recipients.extend(page)
            if len(page) < 200:
                break
            offset += 200
    batch, queued = uuid.uuid4().hex[:12], 0
    for found in recipients:
        if found.mobile and outbox.enqueue(org_id, channel="sms", recipient=found.mobile, body=body,
                                           dedupe_key=f"notice:{batch}:{found.id}", purpose="notice"):
            queued += 1
    if to == "member" and not recipients[0].mobile:
        raise Invalid("This member has no mobile number on record.", field="member")
    audit.record("outbox.notice", org_id=org_id, user_id=actor_id, target_type="member" if to == "member" else None,
                 target_id=recipients[0].id if to == "member" else None, details={"queued": queued})
    return queued
