"""Gateway credentials sealed at rest, with a key derived from SECRET_KEY.

`cryptography` is not installed in this project, so this is a stdlib construction, Fernet-like in
shape (version byte, random nonce, ciphertext, tag; URL-safe base64):

- two keys are derived from SECRET_KEY with HKDF-style HMAC-SHA256 (one to encrypt, one to authenticate);
- the keystream is HMAC-SHA256(enc_key, nonce || counter), XORed with the plaintext (a PRF in counter mode);
- encrypt-then-MAC: HMAC-SHA256(mac_key, version || nonce || ciphertext), checked in constant time
  before anything is decrypted.

Changing SECRET_KEY makes stored credentials unreadable (`open_secret` raises `SecretUnreadable`):
an admin then types them again. Plaintexts never go to a log or to the audit trail.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from flask import current_app

VERSION = b"\x01"
NONCE = 16
TAG = 32


class SecretUnreadable(Exception):
    """The sealed value was altered, or sealed under another SECRET_KEY."""


def _keys(secret_key: str | None = None) -> tuple[bytes, bytes]:
    master = (secret_key or current_app.config["SECRET_KEY"]).encode()
    prk = hmac.new(b"coop.messaging.secrets", master, hashlib.sha256).digest()
    return (hmac.new(prk, b"encrypt\x01", hashlib.sha256).digest(),
            hmac.new(prk, b"authenticate\x01", hashlib.sha256).digest())


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def seal(plaintext: str, secret_key: str | None = None) -> str:
    enc_key, mac_key = _keys(secret_key)
    data = plaintext.encode()
    nonce = os.urandom(NONCE)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(enc_key, nonce, len(data))))
    body = VERSION + nonce + cipher
    tag = hmac.new(mac_key, body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + tag).decode()


def open_secret(token: str, secret_key: str | None = None) -> str:
    enc_key, mac_key = _keys(secret_key)
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (ValueError, TypeError) as exc:
        raise SecretUnreadable("not a sealed value") from exc
    if len(raw) < 1 + NONCE + TAG or raw[:1] != VERSION:
        raise SecretUnreadable("not a sealed value")
    body, tag = raw[:-TAG], raw[-TAG:]
    if not hmac.compare_digest(tag, hmac.new(mac_key, body, hashlib.sha256).digest()):
        raise SecretUnreadable("altered, or sealed under another SECRET_KEY")
    nonce, cipher = body[1:1 + NONCE], body[1 + NONCE:]
    return bytes(a ^ b for a, b in zip(cipher, _keystream(enc_key, nonce, len(cipher)))).decode()
