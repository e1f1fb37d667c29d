"""Receipts by text: a confirmation queued in the payment's own transaction, when the policy says so."""
from datetime import date

import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.messaging.models import OutboxMessage


def receipts_texts():
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "receipt")))


@pytest.fixture
def subscribed(coop, make_member):
    from coop.members import shares

    member = make_member(mobile="09171234567")
    shares.subscribe(coop.id, member.id, shares=20, on=date(2026, 1, 5), installments=4, frequency="monthly",
                     actor_id=None)
    db.session.commit()
    return member


def pay(coop, member, amount=500_00):
    from coop.members import shares

    return shares.record_payment(coop.id, member.id, amount=amount, on=date(2026, 1, 5), actor_id=None)


def test_off_by_default(coop, subscribed):
    pay(coop, subscribed)
    db.session.commit()
    assert receipts_texts() == []


def test_a_payment_gets_a_confirmation_with_the_new_balance(coop, subscribed, setting):
    from coop.messaging import services
    from coop.receipts import services as receipts

    setting(coop, "messaging.receipts_by_text", True)
    payment = pay(coop, subscribed)
    db.session.commit()
    [text] = receipts_texts()
    receipt = receipts.get(coop.id, payment.receipt_id)
    assert text.recipient == "09171234567" and text.dedupe_key == f"receipt:{receipt.id}"
    assert "PHP 500.00" in text.body and receipt.display_number in text.body
    assert "Paid-up capital PHP 500.00" in text.body
    services.opt_out(coop.id, "09171234567")  # STOP stops reminders, not the receipts she asked for
    pay(coop, subscribed, 100_00)
    db.session.commit()
    assert [t.status for t in receipts_texts()] == ["pending", "pending"]
    assert "Paid-up capital PHP 600.00" in receipts_texts()[1].body


def test_a_rolled_back_payment_texts_nothing(coop, subscribed, setting):
    setting(coop, "messaging.receipts_by_text", True)
    pay(coop, subscribed)
    db.session.rollback()
    assert receipts_texts() == []


def test_in_her_language(coop, make_user, setting):
    from coop.auth.services import create_user
    from coop.members import shares
    from coop.members.services import create_member

    setting(coop, "messaging.receipts_by_text", True)
    user = create_user("maria", "correct horse battery", "Maria", locale="fil")
    member = create_member(coop.id, name="Maria", actor_id=None, status="active", mobile="09181234567",
                           user_id=user.id, on=date(2026, 1, 5))
    shares.subscribe(coop.id, member.id, shares=20, on=date(2026, 1, 5), installments=4, frequency="monthly",
                     actor_id=None)
    pay(coop, member)
    db.session.commit()
    [text] = receipts_texts()
    assert "Natanggap" in text.body


def test_no_mobile_no_text(coop, make_member, setting):
    from coop.members import shares

    setting(coop, "messaging.receipts_by_text", True)
    member = make_member(mobile=None)
    shares.subscribe(coop.id, member.id, shares=20, on=date(2026, 1, 5), installments=4, frequency="monthly",
                     actor_id=None)
    pay(coop, member)
    db.session.commit()
    assert receipts_texts() == []
