"""Texts from members: BAL with a PIN, SKED, HELP, STOP; the webhook; privacy of the neutral answer."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coop.audit import services as audit
from coop.errors import Invalid
from coop.extensions import db
from coop.messaging import sms
from coop.messaging.models import OutboxMessage, SmsPin

TOKEN = "t0ken-for-the-incoming-sms-hook"


def replies(org):
    db.session.expire_all()
    return [m.body for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.org_id == org.id, OutboxMessage.purpose == "reply").order_by(OutboxMessage.id))]


@pytest.fixture
def ana(coop, make_member):
    from coop.members import shares

    member = make_member(mobile="09171234567")
    shares.subscribe(coop.id, member.id, shares=20, on=date(2026, 1, 5), installments=4, frequency="monthly",
                     actor_id=None)
    shares.record_payment(coop.id, member.id, amount=1_000_00, on=date(2026, 1, 5), actor_id=None)
    sms.set_pin(coop.id, member.id, "4821", None)
    db.session.commit()
    return member


def test_bal_with_her_pin_answers_her_balances(coop, ana):
    inquiry = sms.handle_incoming(coop.id, "+639171234567", "bal 4821")
    db.session.commit()
    assert inquiry.outcome == "answered"
    [reply] = replies(coop)
    assert "M-0001" in reply and "paid-up capital PHP 1,000.00" in reply and "loans due PHP 0.00" in reply
    assert "next due date" in reply
    [event] = audit.events(coop.id, action="sms.inquiry")
    assert event.target_id == str(ana.id) and event.details == {"command": "BAL", "outcome": "answered"}


def test_a_wrong_pin_and_a_stranger_get_the_same_answer(coop, ana):
    sms.handle_incoming(coop.id, "09171234567", "BAL 9999")
    sms.handle_incoming(coop.id, "09998887777", "BAL 4821")
    sms.handle_incoming(coop.id, "09998887777", "BAL")
    db.session.commit()
    wrong, stranger, bare = replies(coop)
    assert wrong == stranger == bare
    assert "M-0001" not in wrong and "PHP" not in wrong


def test_a_member_without_a_pin_gets_the_neutral_answer(coop, make_member):
    make_member(mobile="09181112222")
    sms.handle_incoming(coop.id, "09181112222", "BAL 4821")
    sms.handle_incoming(coop.id, "09990000000", "BAL 4821")
    db.session.commit()
    assert len(set(replies(coop))) == 1


def test_the_neutral_answer_is_in_the_organizations_language_not_hers(coop, ana, setting, make_user):
    setting(coop, "messaging.language", "fil")
    sms.handle_incoming(coop.id, "09171234567", "BAL 0000")
    sms.handle_incoming(coop.id, "09990000000", "BAL 0000")
    db.session.commit()
    assert len(set(replies(coop))) == 1


def test_wrong_pins_lock_her_out(coop, ana, setting):
    setting(coop, "messaging.pin_max_failures", 3)
    for _ in range(3):
        sms.handle_incoming(coop.id, "09171234567", "BAL 1111")
    db.session.commit()
    row = db.session.scalar(select(SmsPin))
    assert row.locked_until is not None
    inquiry = sms.handle_incoming(coop.id, "09171234567", "BAL 4821")  # right PIN, but locked
    assert inquiry.outcome == "refused"
    outcomes = [e.details["outcome"] for e in audit.events(coop.id, action="sms.inquiry")]
    assert sorted(outcomes) == ["locked", "refused", "refused", "refused"]
    sms.set_pin(coop.id, ana.id, "4821", None)  # the desk resets it
    assert sms.handle_incoming(coop.id, "09171234567", "BAL 4821").outcome == "answered"


def test_the_answer_takes_the_same_work_either_way(coop, ana, monkeypatch):
    calls = []
    real = sms._hasher

    class Counting:
        hash = staticmethod(real.hash)

        def verify(self, hashed, pin):
            calls.append(1)
            return real.verify(hashed, pin)

    monkeypatch.setattr(sms, "_hasher", Counting())
    sms.handle_incoming(coop.id, "09171234567", "BAL 1111")
    sms.handle_incoming(coop.id, "09990000000", "BAL 1111")
    sms.handle_incoming(coop.id, "09171234567", "BAL 4821")
    assert calls == [1, 1, 1]


def test_pins_must_be_hard_enough(coop, ana):
    for pin in ("12", "1234567", "abcd", "1111", "1234", "9876"):
        with pytest.raises(Invalid):
            sms.set_pin(coop.id, ana.id, pin, None)
    sms.set_pin(coop.id, ana.id, "4821", None)
    assert db.session.scalar(select(SmsPin.pin_hash)).startswith("$argon2id$")


def test_bal_shows_her_loans(coop, ana):
    from coop.loans import services as loans

    loans.ensure_products(coop.id)
    product = loans.product_by_code(coop.id, "emergency")
    loan = loans.apply(coop.id, ana.id, product.id, 1_000_00, on=date(2026, 2, 1), actor_id=None, term_count=4)
    loans.approve(coop.id, loan.id, actor_id=None, on=date(2026, 2, 1))
    loans.release(coop.id, loan.id, on=date(2026, 2, 1), actor_id=None)
    db.session.commit()
    sms.handle_incoming(coop.id, "09171234567", "BAL 4821")
    [reply] = replies(coop)
    assert "loans due PHP 0.00" not in reply and "loans due PHP 1," in reply


def test_help_stop_and_start(coop, ana):
    from coop.messaging import services

    assert sms.handle_incoming(coop.id, "09171234567", "HELP").command == "HELP"
    assert sms.handle_incoming(coop.id, "09171234567", "what?").command == "HELP"
    assert sms.handle_incoming(coop.id, "09171234567", "Hinto").outcome == "opted_out"
    assert services.is_opted_out(coop.id, "sms", "+639171234567")
    assert sms.handle_incoming(coop.id, "09171234567", "START").outcome == "opted_in"
    assert not services.is_opted_out(coop.id, "sms", "09171234567")
    db.session.commit()
    assert len(replies(coop)) == 4 and "BAL" in replies(coop)[0]


def test_sked_gives_her_next_booking_time_only(coop):
    from datetime import datetime, time

    from coop.timeutil import today
    from coop.wellness import services as wellness

    service = wellness.create_service(coop.id, name="Foot spa", duration_minutes=60, price=300_00, skill="foot_spa")
    attendant = wellness.create_attendant(coop.id, skills=["foot_spa"], name="Bea")
    wellness.set_schedule(coop.id, attendant.id, [(d, "work", time(9), time(17)) for d in range(6)])
    day = today() + timedelta(days=2)
    while day.weekday() == 6:
        day += timedelta(days=1)
    wellness.book(coop.id, service_id=service.id, starts=datetime.combine(day, time(10)), client_name="Carla",
                  client_mobile="09175550000")
    db.session.commit()
    sms.handle_incoming(coop.id, "09175550000", "SKED")
    sms.handle_incoming(coop.id, "09990000000", "SKED")
    db.session.commit()
    mine, stranger = replies(coop)
    assert "10:00 AM" in mine and "Foot spa" not in mine
    assert "no upcoming appointment" in stranger


# ---------------------------------------------------------------- the webhook


@pytest.fixture
def hook(coop, setting):
    setting(coop, "messaging.webhook_token", TOKEN)
    return f"/hooks/sms/{coop.slug}/{TOKEN}"


def test_the_webhook_needs_the_token(client, coop, hook):
    assert client.post(f"/hooks/sms/{coop.slug}/wrong-token-wrong-token", data={"from": "0917", "text": "HELP"}
                       ).status_code == 404
    assert client.post(hook, data={"from": "09171234567", "text": "HELP"}).status_code == 200


def test_the_webhook_is_off_until_a_long_token_is_set(client, coop):
    assert client.post(f"/hooks/sms/{coop.slug}/none", data={"from": "09171234567", "text": "HELP"}).status_code == 404


def test_the_webhook_answers_the_same_to_member_and_stranger(client, coop, ana, hook):
    first = client.post(hook, data={"from": "09171234567", "text": "BAL 4821"})
    second = client.post(hook, data={"from": "09990000000", "text": "BAL 4821"})
    assert first.status_code == second.status_code == 200 and first.data == second.data
    answered, neutral = replies(coop)
    assert "PHP 1,000.00" in answered and "PHP" not in neutral


@pytest.mark.parametrize("kwargs", [
    {"data": {"From": "+639171234567", "Body": "BAL 4821", "MessageSid": "SM1"}},  # Twilio
    {"json": {"event": "sms:received", "payload": {"phoneNumber": "+639171234567", "message": "BAL 4821",
                                                   "messageId": "abc"}}},  # Android SMS gateway app
    {"json": {"from": "09171234567", "text": "BAL 4821", "id": "7"}},
])
def test_the_webhook_reads_each_gateways_fields(client, coop, ana, hook, kwargs):
    assert client.post(hook, **kwargs).status_code == 200
    assert "PHP 1,000.00" in replies(coop)[0]


def test_a_repeated_webhook_call_answers_once(client, coop, ana, hook):
    for _ in range(2):
        client.post(hook, data={"From": "+639171234567", "Body": "HELP", "MessageSid": "SM9"})
    assert len(replies(coop)) == 1
