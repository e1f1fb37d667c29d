"""The whole path: a daily job queues reminders, the outbox job delivers them through the fake gateway;
a delivery process killed (SIGKILL) while the gateway is answering resumes without sending anything twice."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

from sqlalchemy import select

from coop.extensions import db
from coop.messaging import services
from coop.messaging.models import OutboxMessage


def statuses():
    db.session.expire_all()
    return [m.status for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def use_fake(org, setting, fake_gateway):
    setting(org, "messaging.sms_gateway", "android")
    setting(org, "messaging.sms_url", fake_gateway.url + "/message")
    setting(org, "messaging.sms_account", "sms")
    services.set_secret(org.id, "sms_password", "phone-password", None)
    db.session.commit()


def test_share_reminders_reach_the_gateway_with_statuses(coop, make_member, setting, fake_gateway):
    from coop.members import jobs, shares

    use_fake(coop, setting, fake_gateway)
    member = make_member(mobile="09171234567")
    shares.subscribe(coop.id, member.id, shares=20, on=date(2026, 1, 5), installments=4, frequency="monthly",
                     actor_id=None)
    db.session.commit()
    first_due = shares.installments_of(coop.id, member.id)[0].due_on
    jobs.share_reminders(coop.id, first_due - timedelta(days=3))
    db.session.commit()
    assert services.deliver() == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.status, message.gateway_ref) == ("sent", "msg-1")
    assert fake_gateway.requests[0]["headers"]["Authorization"].startswith("Basic ")


def test_a_killed_delivery_process_resumes_without_duplicates(app, coop, queue, setting, fake_gateway, database_url):
    use_fake(coop, setting, fake_gateway)
    setting(coop, "messaging.batch_size", 3)
    queue(coop, 6)
    fake_gateway.plan.extend([(200, None, 0), (200, None, 0), (200, None, 30)])  # the 3rd call hangs
    script = textwrap.dedent(f"""
        from coop import create_app
        from coop.messaging import services
        app = create_app({{"SQLALCHEMY_DATABASE_URI": {str(database_url)!r}}})
        with app.app_context():
            services.deliver()
    """)
    db.session.remove()
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(fake_gateway.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fake_gateway.requests) == 3
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert statuses() == ["sent", "sent", "sending", "pending", "pending", "pending"]
    assert services.deliver() == 3  # the rest of the queue; the one in flight is not touched
    assert len(fake_gateway.requests) == 6
    services.deliver(now=services.utcnow() + timedelta(minutes=20))
    assert statuses() == ["sent", "sent", "unknown", "sent", "sent", "sent"]
    assert len(fake_gateway.requests) == 6


def test_loan_reminders_reach_the_gateway_in_her_language(coop, make_member, make_user, setting, fake_gateway):
    """The daily jobs as the scheduler runs them (`jobs.run_daily`), then the outbox job through the gateway."""
    from coop.jobs import services as jobs
    from coop.ledger.records import Line
    from coop.loans import services as loans

    use_fake(coop, setting, fake_gateway)
    reader = make_user(coop, "member")
    reader.locale = "fil"
    member = make_member(mobile="09171234567", user_id=reader.id)
    day = date(2026, 3, 2)
    loans.open_commodity_loan(coop.id, member.id, 50_000, day, goods_lines=(Line("sales", credit=50_000),),
                              memo="Goods on credit", source="inventory", source_id="s1", idempotency_key="s1",
                              actor_id=None)
    db.session.commit()
    reminder_day = day + timedelta(days=15 - 3)
    jobs.run_daily(reminder_day, only="loans.end_of_day")
    db.session.commit()
    assert services.deliver() == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == "sent" and message.body.startswith("Paalala: ang PHP 500.00 sa L-")
    assert b"Paalala" in fake_gateway.requests[0]["body"]
