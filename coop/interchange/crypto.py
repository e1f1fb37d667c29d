"""Secrets coop must send elsewhere (an Odoo API key), kept encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with a key derived from the app's
SECRET_KEY by HKDF-SHA256 (info "coop interchange odoo api key"): a copy of the database alone
does not reveal the key; changing SECRET_KEY makes stored keys unreadable (the admin types the
API key again).
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import Invalid

_INFO = b"coop interchange odoo api key"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret_key: str, plain: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode()


def decrypt(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise Invalid("The stored Odoo API key cannot be read (the server's secret changed): type it again.",
                      field="api_key") from None
