"""Small helpers for the auth tests."""
from __future__ import annotations

import pyotp

from coop.auth.models import User
from coop.extensions import db


def with_totp(user) -> pyotp.TOTP:
    """Turn the second login step on for a user (as if she had enrolled) and return her authenticator."""
    secret = pyotp.random_base32()
    db.session.get(User, user.id).totp_secret = secret
    db.session.commit()
    return pyotp.TOTP(secret)


def set_org_setting(org, key, value) -> None:
    from coop.orgs.services import set_setting

    set_setting(org.id, key, value)
    db.session.commit()
