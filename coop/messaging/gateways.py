"""Gateways: how a message leaves. All keep one protocol: send(channel, recipient, body) -> message id or None.

A gateway raises `TemporaryFailure` (timeouts, 5xx, 429: tried again later with backoff) or
`PermanentFailure` (4xx: a bad number, a refused key: never tried again). Error texts name the
status and the gateway's short reason, never the credential, the recipient or the message.

SMS: an HTTP adapter with presets (Semaphore's message endpoint, Twilio's Messages API, an Android
phone running an SMS-gateway app with a local HTTP API). E-mail: SMTP with STARTTLS and login.
Which one an organization uses is in its settings; credentials are sealed (`secrets.py`).
"""
from __future__ import annotations

import base64
import json
import logging
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

log = logging.getLogger("coop.outbox")


class GatewayError(Exception):
    temporary = True


class TemporaryFailure(GatewayError):
    temporary = True


class PermanentFailure(GatewayError):
    temporary = False


class Gateway(Protocol):
    def send(self, channel: str, recipient: str, body: str) -> str | None: ...


class LogGateway:
    """Writes that a message went out, without the recipient's number (the default: nothing leaves)."""

    def send(self, channel: str, recipient: str, body: str) -> str | None:
        log.info("%s to ...%s: %d characters", channel, recipient[-3:], len(body))
        return None


def international(mobile: str) -> str:
    """09171234567 -> +639171234567 (what Twilio and most gateways want)."""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    if digits.startswith("09") and len(digits) == 11:
        return "+63" + digits[1:]
    if digits.startswith("63"):
        return "+" + digits
    return mobile


def local(mobile: str) -> str:
    """+639171234567 / 639171234567 / 9171234567 -> 09171234567; anything else as given, stripped."""
    digits = "".join(ch for ch in (mobile or "") if ch.isdigit())
    if digits.startswith("63") and len(digits) == 12:
        return "0" + digits[2:]
    if digits.startswith("9") and len(digits) == 10:
        return "0" + digits
    return digits or (mobile or "").strip()


@dataclass(frozen=True)
class Request:
    url: str
    data: bytes
    headers: dict


# ---------------------------------------------------------------- HTTP SMS adapters

PRESETS = {
    # Semaphore (semaphore.co): POST form apikey, number, message, sendername; answers a JSON list with message_id
    "semaphore": "https://api.semaphore.co/api/v4/messages",
    # Twilio Messages API: POST form To, From, Body with HTTP basic auth (account SID, auth token); answers {"sid"}
    "twilio": "https://api.twilio.com/2010-04-01/Accounts/{account}/Messages.json",
    # An Android phone running an SMS-gateway app (e.g. "SMS Gateway for Android", local server mode):
    # POST JSON {"message", "phoneNumbers"} with basic auth to http://<phone>:8080/message; answers {"id"}
    "android": "http://192.168.1.50:8080/message",
}


class HttpSmsGateway:
    def __init__(self, preset: str, *, url: str | None = None, password: str = "", account: str = "",
                 sender: str = "", timeout: float = 10.0):
        if preset not in PRESETS:
            raise ValueError(f"unknown SMS preset {preset}")
        self.preset, self.password, self.account, self.sender, self.timeout = preset, password, account, sender, timeout
        self.url = (url or PRESETS[preset]).replace("{account}", urllib.parse.quote(account or "", safe=""))

    def __repr__(self) -> str:  # never the credential
        return f"HttpSmsGateway({self.preset!r}, url={self.url!r})"

    def build(self, recipient: str, body: str) -> Request:
        if self.preset == "semaphore":
            fields = {"apikey": self.password, "number": local(recipient), "message": body}
            if self.sender:
                fields["sendername"] = self.sender
            return Request(self.url, urllib.parse.urlencode(fields).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        auth = "Basic " + base64.b64encode(f"{self.account}:{self.password}".encode()).decode()
        if self.preset == "twilio":
            fields = {"To": international(recipient), "From": self.sender, "Body": body}
            return Request(self.url, urllib.parse.urlencode(fields).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth})
        payload = {"message": body, "phoneNumbers": [international(recipient)]}
        return Request(self.url, json.dumps(payload).encode(), {"Content-Type": "application/json", "Authorization": auth})

    def send(self, channel: str, recipient: str, body: str) -> str | None:
        if channel != "sms":
            raise PermanentFailure(f"{self.preset} sends SMS only")
        request = self.build(recipient, body)
        http_request = urllib.request.Request(request.url, data=request.data, headers=request.headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            reason = _short_reason(exc.read(2048) if exc.fp else b"")
            exc.close()
            if exc.code in (408, 425, 429) or exc.code >= 500:
                raise TemporaryFailure(f"{self.preset}: HTTP {exc.code} {reason}".strip()) from None
            raise PermanentFailure(f"{self.preset}: HTTP {exc.code} {reason}".strip()) from None
        except (TimeoutError, socket.timeout):
            raise TemporaryFailure(f"{self.preset}: no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise TemporaryFailure(f"{self.preset}: no answer within {self.timeout:g} s") from None
            raise TemporaryFailure(f"{self.preset}: cannot connect ({type(exc.reason).__name__})") from None
        except (ConnectionError, OSError) as exc:
            raise TemporaryFailure(f"{self.preset}: connection lost ({type(exc).__name__})") from None
        return self.message_id(answer)

    def message_id(self, answer: bytes) -> str | None:
        try:
            data = json.loads(answer or b"null")
        except ValueError:
            return None
        if self.preset == "semaphore":
            first = data[0] if isinstance(data, list) and data else data
            value = first.get("message_id") if isinstance(first, dict) else None
        elif self.preset == "twilio":
            value = data.get("sid") if isinstance(data, dict) else None
        else:
            value = data.get("id") if isinstance(data, dict) else None
        return None if value is None else str(value)[:120]


def _short_reason(raw: bytes) -> str:
    """The gateway's own short explanation (JSON message/error fields), cut short; never echoed credentials."""
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        return ""
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "code"):
            value = data.get(key)
            if isinstance(value, (str, int)):
                return str(value)[:120]
            if isinstance(value, list) and value and isinstance(value[0], str):
                return value[0][:120]
    return ""


# ---------------------------------------------------------------- e-mail


class SmtpGateway:
    """E-mail over SMTP: STARTTLS (unless turned off for a local relay), then login when a username is set."""

    def __init__(self, host: str, port: int, *, sender: str, username: str = "", password: str = "",
                 starttls: bool = True, timeout: float = 15.0, tls_context: ssl.SSLContext | None = None,
                 subject: str = ""):
        self.host, self.port, self.sender, self.username, self.password = host, port, sender, username, password
        self.starttls, self.timeout, self.tls_context, self.subject = starttls, timeout, tls_context, subject

    def __repr__(self) -> str:
        return f"SmtpGateway({self.host!r}, {self.port})"

    def send(self, channel: str, recipient: str, body: str) -> str | None:
        if channel != "email":
            raise PermanentFailure("SMTP sends e-mail only")
        message = EmailMessage()
        message["From"], message["To"] = self.sender, recipient
        message["Subject"] = self.subject or body.split("\n", 1)[0][:60]
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls:
                    smtp.starttls(context=self.tls_context or ssl.create_default_context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentFailure(f"smtp: login refused ({exc.smtp_code})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            temporary = all(400 <= code < 500 for code in codes)
            raise (TemporaryFailure if temporary else PermanentFailure)(f"smtp: recipient refused {codes}") from None
        except smtplib.SMTPResponseException as exc:
            kind = TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure
            raise kind(f"smtp: {exc.smtp_code}") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure("smtp: the server does not offer STARTTLS") from None
        except ssl.SSLError as exc:
            raise PermanentFailure(f"smtp: TLS failed ({exc.reason})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp: {type(exc).__name__}") from None
        if refused:
            raise PermanentFailure("smtp: recipient refused")
        return message.get("Message-ID")
