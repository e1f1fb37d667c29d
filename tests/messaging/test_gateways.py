"""The adapters against the project's own fake gateway and SMTP server on 127.0.0.1."""
import json
import smtplib
import socket
import ssl
import urllib.parse

import pytest

from coop.messaging.gateways import (
    HttpSmsGateway,
    PermanentFailure,
    SmtpGateway,
    TemporaryFailure,
    international,
    local,
)


def test_numbers_are_written_both_ways():
    assert international("09171234567") == "+639171234567"
    assert local("+63 917 123 4567") == "09171234567"
    assert local("9171234567") == "09171234567"


def test_semaphore_posts_key_number_message_and_sender(fake_gateway):
    gateway = HttpSmsGateway("semaphore", url=fake_gateway.url + "/api/v4/messages", password="KEY-1",
                             sender="DAWNMPC")
    assert gateway.send("sms", "+639171234567", "Hello") == "1"
    sent = fake_gateway.requests[0]
    assert urllib.parse.parse_qs(sent["body"].decode()) == {
        "apikey": ["KEY-1"], "number": ["09171234567"], "message": ["Hello"], "sendername": ["DAWNMPC"]}


def test_twilio_posts_to_the_account_with_basic_auth(fake_gateway):
    gateway = HttpSmsGateway("twilio", url=fake_gateway.url + "/2010-04-01/Accounts/{account}/Messages.json",
                             account="AC123", password="token", sender="+15005550006")
    assert gateway.send("sms", "09171234567", "Hi") == "SM1"
    sent = fake_gateway.requests[0]
    assert sent["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert sent["headers"]["Authorization"] == "Basic QUMxMjM6dG9rZW4="
    assert urllib.parse.parse_qs(sent["body"].decode()) == {"To": ["+639171234567"], "From": ["+15005550006"],
                                                            "Body": ["Hi"]}


def test_the_twilio_preset_names_the_real_endpoint():
    assert HttpSmsGateway("twilio", account="AC9").url == "https://api.twilio.com/2010-04-01/Accounts/AC9/Messages.json"
    assert HttpSmsGateway("semaphore").url == "https://api.semaphore.co/api/v4/messages"


def test_an_android_phone_gets_json(fake_gateway):
    gateway = HttpSmsGateway("android", url=fake_gateway.url + "/message", account="sms", password="pw")
    assert gateway.send("sms", "09171234567", "Hi") == "msg-1"
    sent = fake_gateway.requests[0]
    assert json.loads(sent["body"]) == {"message": "Hi", "phoneNumbers": ["+639171234567"]}
    assert sent["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize("status, kind", [(400, PermanentFailure), (401, PermanentFailure), (404, PermanentFailure),
                                          (408, TemporaryFailure), (429, TemporaryFailure), (500, TemporaryFailure),
                                          (503, TemporaryFailure)])
def test_http_errors_are_temporary_or_permanent(fake_gateway, status, kind):
    fake_gateway.plan.append((status, {"message": "Invalid number"}, 0))
    gateway = HttpSmsGateway("semaphore", url=fake_gateway.url + "/api/v4/messages", password="SECRET-KEY")
    with pytest.raises(kind) as caught:
        gateway.send("sms", "09171234567", "Hello")
    assert str(status) in str(caught.value) and "Invalid number" in str(caught.value)
    assert "SECRET-KEY" not in str(caught.value) and "0917" not in str(caught.value)


def test_a_slow_gateway_is_a_temporary_failure(fake_gateway):
    fake_gateway.plan.append((200, None, 1.5))
    gateway = HttpSmsGateway("android", url=fake_gateway.url + "/message", timeout=0.3)
    with pytest.raises(TemporaryFailure, match="no answer"):
        gateway.send("sms", "09171234567", "Hello")


def test_nobody_listening_is_a_temporary_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = HttpSmsGateway("android", url=f"http://127.0.0.1:{port}/message", timeout=1)
    with pytest.raises(TemporaryFailure, match="cannot connect"):
        gateway.send("sms", "09171234567", "Hello")


def test_the_credential_never_shows_in_its_repr():
    assert "KEY" not in repr(HttpSmsGateway("semaphore", password="KEY-XYZ"))
    assert "pw" not in repr(SmtpGateway("localhost", 25, sender="a@b", password="pw"))


def test_an_sms_gateway_refuses_email():
    with pytest.raises(PermanentFailure):
        HttpSmsGateway("semaphore").send("email", "a@b.org", "x")


# ---------------------------------------------------------------- SMTP


def _smtp(server, **kw):
    options = dict(sender="coop@dawn.example", username="coop", password="s3cret-pass", timeout=5,
                   tls_context=ssl.create_default_context(cafile=server.cafile))
    options.update(kw)
    return SmtpGateway("127.0.0.1", server.server_address[1], **options)


def test_email_goes_over_starttls_after_login(smtp_server):
    ref = _smtp(smtp_server).send("email", "ana@example.org", "Reminder: PHP 500.00 due on 2026-12-10.")
    assert ref and ref.startswith("<")
    [message] = smtp_server.messages
    assert message["tls"] and message["authed"] and message["to"] == ["ana@example.org"]
    assert "PHP 500.00 due" in message["data"] and "Subject: Reminder" in message["data"]


def test_a_wrong_smtp_password_is_permanent(smtp_server):
    with pytest.raises(PermanentFailure, match="login refused") as caught:
        _smtp(smtp_server, password="wrong").send("email", "ana@example.org", "x")
    assert "wrong" not in str(caught.value)
    assert smtp_server.messages == []


def test_a_refused_recipient_is_permanent_and_a_busy_one_temporary(smtp_server):
    with pytest.raises(PermanentFailure):
        _smtp(smtp_server).send("email", "bounce@example.org", "x")
    with pytest.raises(TemporaryFailure):
        _smtp(smtp_server).send("email", "later@example.org", "x")


def test_an_untrusted_certificate_is_refused(smtp_server):
    with pytest.raises(PermanentFailure, match="TLS"):
        _smtp(smtp_server, tls_context=ssl.create_default_context()).send("email", "ana@example.org", "x")


def test_no_smtp_server_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TemporaryFailure):
        SmtpGateway("127.0.0.1", port, sender="a@b.org", timeout=1).send("email", "ana@example.org", "x")


def test_smtplib_is_what_speaks():
    assert SmtpGateway.send.__module__ == "coop.messaging.gateways" and smtplib.SMTP
