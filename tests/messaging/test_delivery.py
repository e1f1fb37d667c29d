"""The outbox job: batches, backoff, permanent failures, the daily cap, and never sending twice."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.messaging import services
from coop.messaging.gateways import LogGateway, PermanentFailure, TemporaryFailure
from coop.messaging.models import OutboxMessage
from coop.timeutil import utcnow


def rows(org=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if org is not None:
        query = query.where(OutboxMessage.org_id == org.id)
    db.session.expire_all()
    return list(db.session.scalars(query))


class Recording:
    """A gateway that records calls and fails as told: outcomes is a list of None / exception to raise."""

    def __init__(self, outcomes=()):
        self.calls, self.outcomes = [], list(outcomes)

    def send(self, channel, recipient, body):
        self.calls.append((channel, recipient, body))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return f"id-{len(self.calls)}"


@pytest.fixture
def semaphore(coop, setting, fake_gateway):
    setting(coop, "messaging.sms_gateway", "semaphore")
    setting(coop, "messaging.sms_url", fake_gateway.url + "/api/v4/messages")
    services.set_secret(coop.id, "sms_password", "SEMAPHORE-KEY-42", None)
    db.session.commit()
    return fake_gateway


def test_the_organizations_gateway_sends_and_records_the_message_id(coop, queue, semaphore, caplog):
    queue(coop, 3)
    assert services.deliver() == 3
    assert [(m.status, m.attempts, m.gateway_ref) for m in rows()] == [("sent", 1, "1"), ("sent", 1, "2"),
                                                                       ("sent", 1, "3")]
    assert all(m.sent_at and m.claimed_at and m.last_error is None for m in rows())
    assert len(semaphore.requests) == 3
    assert "SEMAPHORE-KEY-42" not in caplog.text


def test_credentials_are_stored_sealed_and_changes_audited_without_the_value(coop, semaphore):
    from coop.audit import services as audit
    from coop.messaging.models import GatewaySecret

    stored = db.session.scalar(select(GatewaySecret.sealed))
    assert "SEMAPHORE-KEY-42" not in stored
    assert services.read_secret(coop.id, "sms_password") == "SEMAPHORE-KEY-42"
    [event] = audit.events(coop.id, action="messaging.credential")
    assert "SEMAPHORE" not in str(event.details)


def test_a_temporary_failure_is_retried_later_with_backoff(coop, queue, semaphore):
    queue(coop, 1)
    semaphore.plan.extend([(503, {"message": "busy"}, 0), (500, None, 0)])
    now = utcnow()
    assert services.deliver(now=now) == 0
    [message] = rows()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "503" in message.last_error and message.next_attempt_at > now
    assert services.deliver(now=now) == 0  # not due yet: nothing is called
    assert len(semaphore.requests) == 1
    assert services.deliver(now=message.next_attempt_at + timedelta(seconds=1)) == 0  # 500 again
    [message] = rows()
    assert message.attempts == 2 and message.next_attempt_at - message.claimed_at >= timedelta(minutes=2)
    assert services.deliver(now=message.next_attempt_at + timedelta(seconds=1)) == 1
    assert rows()[0].status == "sent" and rows()[0].last_error is None


def test_a_permanent_failure_stops_at_once(coop, queue, semaphore):
    queue(coop, 1)
    semaphore.plan.append((400, {"message": "Invalid number"}, 0))
    services.deliver()
    [message] = rows()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "Invalid number" in message.last_error
    services.deliver(now=utcnow() + timedelta(days=1))
    assert len(semaphore.requests) == 1


def test_a_timeout_is_retried(coop, queue, semaphore, setting):
    setting(coop, "messaging.timeout_seconds", 1)
    semaphore.plan.append((200, None, 2))
    queue(coop, 1)
    services.deliver()
    assert rows()[0].status == "pending" and "no answer" in rows()[0].last_error


def test_attempts_run_out(coop, queue, setting):
    setting(coop, "messaging.max_attempts", 3)
    queue(coop, 1)
    gateway, now = Recording([TemporaryFailure("x")] * 5), utcnow()
    for hour in range(5):
        services.deliver(gateway, now=now + timedelta(hours=hour))
    assert len(gateway.calls) == 3
    assert rows()[0].status == "failed"


def test_an_unexpected_gateway_bug_is_treated_as_temporary_and_logged_without_text(coop, queue):
    queue(coop, 1)
    services.deliver(Recording([ValueError("boom 09171234567")]))
    assert rows()[0].status == "pending" and rows()[0].last_error == "unexpected ValueError"


def test_batches_and_the_daily_cap(coop, queue, setting):
    setting(coop, "messaging.batch_size", 2)
    setting(coop, "messaging.daily_cap", 5)
    queue(coop, 7)
    gateway, run = Recording(), services.Run()
    assert services.deliver(gateway, report=run) == 5
    assert run.capped == 1
    assert [m.status for m in rows()] == ["sent"] * 5 + ["pending"] * 2
    assert services.deliver(gateway) == 0  # still today
    assert services.deliver(gateway, now=utcnow() + timedelta(days=1)) == 2


def test_the_cap_is_per_organization(make_org, queue, setting):
    first, second = make_org(), make_org()
    setting(first, "messaging.daily_cap", 1)
    queue(first, 3)
    queue(second, 3)
    services.deliver(Recording())
    assert [m.status for m in rows(first)] == ["sent", "pending", "pending"]
    assert [m.status for m in rows(second)] == ["sent"] * 3


def test_a_job_killed_mid_batch_never_sends_twice(coop, queue, setting):
    """The claim is committed before the gateway is called: what was in flight becomes "unknown"."""
    setting(coop, "messaging.batch_size", 10)
    queue(coop, 5)

    class Killed(BaseException):
        pass

    dying = Recording([None, None, Killed()])
    with pytest.raises(Killed):
        services.deliver(dying)
    db.session.rollback()  # what a dead process leaves: only what was committed
    assert [m.status for m in rows()] == ["sent", "sent", "sending", "sending", "sending"]

    survivor = Recording()
    services.deliver(survivor)  # the next run, a minute later: nothing claimed is sent again
    assert survivor.calls == []
    later = utcnow() + timedelta(minutes=16)
    services.deliver(survivor, now=later)
    assert [m.status for m in rows()] == ["sent", "sent", "unknown", "unknown", "unknown"]
    assert survivor.calls == []
    assert "may or may not" in rows()[2].last_error


def test_a_killed_job_leaves_the_rest_of_the_queue_to_the_next_run(coop, queue, setting):
    setting(coop, "messaging.batch_size", 2)
    queue(coop, 5)

    class Killed(BaseException):
        pass

    with pytest.raises(Killed):
        services.deliver(Recording([None, Killed()]))
    db.session.rollback()
    survivor = Recording()
    services.deliver(survivor)
    assert [body for _, _, body in survivor.calls] == ["Message 2", "Message 3", "Message 4"]
    assert [m.status for m in rows()] == ["sent", "sending", "sent", "sent", "sent"]


def test_an_officer_may_send_an_unknown_message_again(coop, queue):
    queue(coop, 1)
    message = rows()[0]
    message.status = "unknown"
    db.session.commit()
    services.send_again(coop.id, message.id, None)
    db.session.commit()
    assert services.deliver(Recording()) == 1
    with pytest.raises(Exception):
        services.send_again(coop.id, message.id, None)


def test_two_jobs_at_once_send_each_message_once(app, coop, queue, concurrently):
    queue(coop, 12)
    gateway = Recording()
    concurrently(lambda n: services.deliver(gateway), threads=2)
    assert sorted(body for _, _, body in gateway.calls) == sorted(f"Message {i}" for i in range(12))
    assert {m.status for m in rows()} == {"sent"}


def test_a_reminder_to_a_number_that_opted_out_is_not_sent(coop, queue):
    services.opt_out(coop.id, "+639171234567")
    db.session.commit()
    queue(coop, 1, prefix="r")
    queue(coop, 1, purpose="receipt", prefix="c")
    gateway = Recording()
    services.deliver(gateway)
    assert [(m.purpose, m.status) for m in rows()] == [("reminder", "opted_out"), ("receipt", "sent")]


def test_opting_out_withdraws_what_is_already_queued(coop, queue):
    queue(coop, 2)
    services.opt_out(coop.id, "09171234567")
    db.session.commit()
    assert services.deliver(Recording()) == 0
    assert {m.status for m in rows()} == {"opted_out"}
    services.opt_in(coop.id, "09171234567")
    queue(coop, 1, prefix="again")
    assert services.deliver(Recording()) == 1


def test_unreadable_credentials_leave_the_messages_waiting(app, coop, queue, semaphore):
    from coop.messaging.models import GatewaySecret

    row = db.session.scalar(select(GatewaySecret))
    row.sealed = row.sealed[:-4] + "AAAA"
    db.session.commit()
    queue(coop, 1)
    assert services.deliver() == 0
    [message] = rows()
    assert (message.status, message.attempts) == ("pending", 0) and "credentials" in message.last_error
    assert semaphore.requests == []


def test_the_application_can_force_the_log_gateway(coop, queue, semaphore):
    queue(coop, 1)
    assert services.deliver(LogGateway()) == 1
    assert semaphore.requests == []


def test_email_through_the_organizations_smtp_settings(coop, setting, smtp_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", smtp_server.cafile)
    for key, value in (("messaging.email_gateway", "smtp"), ("messaging.smtp_host", "127.0.0.1"),
                       ("messaging.smtp_port", smtp_server.server_address[1]), ("messaging.smtp_username", "coop"),
                       ("messaging.smtp_from", "coop@dawn.example")):
        setting(coop, key, value)
    services.set_secret(coop.id, "smtp_password", "s3cret-pass", None)
    services.enqueue(coop.id, channel="email", recipient="ana@example.org", body="Your share installment is due.",
                     dedupe_key="e1")
    db.session.commit()
    assert services.deliver() == 1
    assert rows()[0].gateway_ref.startswith("<")
    assert smtp_server.messages[0]["tls"] and smtp_server.messages[0]["authed"]


def test_masking():
    assert services.mask("09171234567") == "0917****567"
    assert services.mask("+639171234567") == "+639******567"
    assert services.mask("ana@example.org") == "a***@example.org"


def test_enqueue_refuses_unknown_purposes(coop):
    from coop.errors import Invalid

    with pytest.raises(Invalid):
        services.enqueue(coop.id, channel="sms", recipient="0917", body="x", dedupe_key="k", purpose="spam")


def test_a_permanent_failure_from_any_gateway(coop, queue):
    queue(coop, 1)
    services.deliver(Recording([PermanentFailure("refused")]))
    assert rows()[0].status == "failed"
