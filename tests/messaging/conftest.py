"""A fake SMS gateway (http.server) and a tiny SMTP server (socketserver, STARTTLS and AUTH PLAIN) on 127.0.0.1."""
from __future__ import annotations

import base64
import json
import shutil
import socketserver
import ssl
import subprocess
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coop.extensions import db


class FakeGatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with server.lock:
            server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, payload, delay = server.plan.pop(0) if server.plan else (200, None, 0)
        if delay:
            time.sleep(delay)
        if payload is None:
            server.counter += 1
            payload = {"id": f"msg-{server.counter}", "sid": f"SM{server.counter}",
                       "message_id": server.counter}
            payload = [payload] if self.path.startswith("/api/v4/messages") else payload
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (a timeout test)
            pass

    def log_message(self, *args):
        pass


class FakeGateway:
    """Answers 200 with an id unless told otherwise: plan.append((status, json, delay_seconds))."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGatewayHandler)
        self.server.daemon_threads = True
        self.server.requests, self.server.plan, self.server.counter = [], [], 0
        self.server.lock = threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> list[dict]:
        return self.server.requests

    @property
    def plan(self) -> list:
        return self.server.plan

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def fake_gateway():
    gateway = FakeGateway()
    yield gateway
    gateway.close()


class SmtpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        server, conn = self.server, self.request
        reader = conn.makefile("rb")
        tls, authed, sender, rcpts = False, False, None, []

        def say(text):
            conn.sendall((text + "\r\n").encode())

        try:
            say("220 localhost coop test SMTP")
            while True:
                raw = reader.readline()
                if not raw:
                    return
                line = raw.decode().rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    caps = ["localhost"] + ([] if tls else ["STARTTLS"]) + ["AUTH PLAIN", "8BITMIME"]
                    conn.sendall("".join(f"250{'-' if i < len(caps) - 1 else ' '}{c}\r\n"
                                         for i, c in enumerate(caps)).encode())
                elif verb == "STARTTLS":
                    say("220 go ahead")
                    reader.close()
                    conn = server.tls.wrap_socket(conn, server_side=True)
                    reader, tls = conn.makefile("rb"), True
                elif verb == "AUTH":
                    parts = line.split()
                    _, user, password = base64.b64decode(parts[2]).decode().split("\0")
                    if tls and (user, password) == server.credentials:
                        authed = True
                        say("235 2.7.0 accepted")
                    else:
                        say("535 5.7.8 refused")
                elif verb == "MAIL":
                    if server.credentials and not authed:
                        say("530 5.7.0 authentication required")
                    else:
                        sender, rcpts = line[10:], []
                        say("250 ok")
                elif verb == "RCPT":
                    address = line[8:].strip("<>")
                    if "bounce" in address:
                        say("550 5.1.1 no such user")
                    elif "later" in address:
                        say("451 4.3.0 try again later")
                    else:
                        rcpts.append(address)
                        say("250 ok")
                elif verb == "DATA":
                    say("354 end with .")
                    lines = []
                    while True:
                        chunk = reader.readline()
                        if chunk in (b".\r\n", b".\n", b""):
                            break
                        lines.append(chunk)
                    server.messages.append({"from": sender, "to": rcpts, "data": b"".join(lines).decode(),
                                            "tls": tls, "authed": authed})
                    say("250 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")
        except (OSError, ssl.SSLError):
            return
        finally:
            reader.close()
            if conn is not self.request:
                conn.close()


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make the test server's certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def smtp_server(tls_files):
    cert, key = tls_files
    server = SmtpServer(("127.0.0.1", 0), SmtpHandler)
    server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.tls.load_cert_chain(cert, key)
    server.credentials, server.messages, server.cafile = ("coop", "s3cret-pass"), [], str(cert)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def setting(app):
    from coop.orgs.services import set_setting

    def put(org, key, value):
        set_setting(org.id, key, value)
        db.session.commit()

    return put


@pytest.fixture
def queue(app):
    from coop.messaging import services

    def put(org, n=1, *, channel="sms", recipient="09171234567", purpose="reminder", prefix="t"):
        for i in range(n):
            services.enqueue(org.id, channel=channel, recipient=recipient, body=f"Message {i}",
                             dedupe_key=f"{prefix}:{i}", purpose=purpose)
        db.session.commit()

    return put


# the day fixture members applied: before every date a test books (nothing of hers is dated before it)
JOINED = date(2025, 1, 2)


@pytest.fixture
def make_member(coop):
    from coop.members.services import create_member

    def make(name="Ana Cruz", mobile="09171234567", status="active", org=None, user_id=None):
        member = create_member((org or coop).id, name=name, actor_id=None, status=status, mobile=mobile,
                               user_id=user_id, on=JOINED)
        db.session.commit()
        return member

    return make
