"""Users, roles, passwords (argon2id), login throttling and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..orgs.models import Organization
from ..timeutil import utcnow
from .models import ROLES, ApiToken, OrgRole, User

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 10


class LoginRefused(Forbidden):
    status = 401
    title = "Login refused"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password has at least {MIN_PASSWORD} characters.", field="password")
    return _hasher.hash(password)


def create_user(username: str, password: str, display_name: str, locale: str = "en") -> User:
    username = username.strip().lower()
    if not username:
        raise Invalid("Choose a username.", field="username")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Invalid(f"The username {username} is taken.", field="username")
    user = User(username=username, password_hash=hash_password(password), display_name=display_name,
                locale=locale if locale in ("en", "fil") else "en")
    db.session.add(user)
    db.session.flush()
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def grant_role(user_id: int, org_id: int, role: str) -> OrgRole:
    if role not in ROLES:
        raise Invalid(f"A role is one of {', '.join(ROLES)}.", field="role")
    row = db.session.scalar(select(OrgRole).where(OrgRole.user_id == user_id, OrgRole.org_id == org_id))
    if row is None:
        row = OrgRole(user_id=user_id, org_id=org_id, role=role)
        db.session.add(row)
    else:
        row.role = role
    db.session.flush()
    return row


def users_of(org_id: int):
    """(user, role) pairs of one organization, by name."""
    return db.session.execute(select(User, OrgRole.role).join(OrgRole, OrgRole.user_id == User.id)
                              .where(OrgRole.org_id == org_id).order_by(User.display_name)).all()


def generate_password() -> str:
    """A readable initial password to give a new user once (she changes it)."""
    words = secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")
    return f"{words[:4]}-{words[4:8]}-{words[8:12]}"


def add_user_to_org(org_id: int, *, username: str, display_name: str, role: str, actor_id: int | None,
                    locale: str = "en") -> tuple[User, str | None]:
    """Give someone a role in the organization; a new login gets a generated password, returned once."""
    existing = find_user(username)
    password = None
    if existing is None:
        password = generate_password()
        existing = create_user(username, password, display_name, locale)
    grant_role(existing.id, org_id, role)
    audit.record("user.role", org_id=org_id, user_id=actor_id, target_type="user", target_id=existing.id,
                 details={"role": role})
    return existing, password


def set_active(org_id: int, user_id: int, active: bool, actor_id: int | None) -> User:
    if role_in(user_id, org_id) is None:
        raise NotFound("No such user in this organization.")
    if user_id == actor_id and not active:
        raise Invalid("You cannot disable your own login.")
    user = get_user(user_id)
    user.active = active
    user.session_version += 1  # a disabled user's open sessions end now
    audit.record("user.enable" if active else "user.disable", org_id=org_id, user_id=actor_id,
                 target_type="user", target_id=user_id)
    return user


def role_in(user_id: int, org_id: int) -> str | None:
    return db.session.scalar(select(OrgRole.role).where(OrgRole.user_id == user_id, OrgRole.org_id == org_id))


def organizations_of(user_id: int):
    return db.session.execute(select(Organization, OrgRole.role).join(OrgRole, OrgRole.org_id == Organization.id)
                              .where(OrgRole.user_id == user_id).order_by(Organization.name)).all()


@dataclass(frozen=True)
class LoginAttempt:
    user: User | None
    refusal: str | None = None
    needs_second_step: bool = False


def authenticate(username: str, password: str, *, max_failures: int = 5, lock_minutes: int = 15) -> LoginAttempt:
    """Check a password. A failure is returned, not raised: its count and audit row must be kept
    (the caller commits them), and repeated failures lock the account for a while."""
    user = find_user(username or "")
    wrong = "Wrong username or password."
    if user is None:
        _hasher.hash("spend-the-same-time")  # no timing hint that the username is unknown
        audit.record("login.failed", org_id=None, user_id=None, details={"reason": "unknown user"})
        return LoginAttempt(None, wrong)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        audit.record("login.locked", org_id=None, user_id=user.id)
        return LoginAttempt(None, "Too many failed attempts: this account is locked for a while. Try again later.")
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerifyMismatchError, VerificationError):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            audit.record("login.lockout", org_id=None, user_id=user.id)
        audit.record("login.failed", org_id=None, user_id=user.id)
        return LoginAttempt(None, wrong)
    if not user.active:
        return LoginAttempt(None, "This account is disabled.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    if user.totp_secret:
        return LoginAttempt(user, needs_second_step=True)
    audit.record("login", org_id=None, user_id=user.id)
    return LoginAttempt(user)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str = "coop") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def enable_totp(user_id: int, secret: str, code: str) -> None:
    """Turn on the second login step once the user proves her authenticator shows the right code."""
    if not pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1):
        raise Invalid("That code is not right. Check the time on your phone and try the newest code.", field="code")
    user = get_user(user_id)
    user.totp_secret = secret
    user.session_version += 1
    audit.record("totp.enabled", org_id=None, user_id=user_id)


def disable_totp(user_id: int, code: str) -> None:
    user = get_user(user_id)
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        raise Invalid("That code is not right.", field="code")
    user.totp_secret = None
    audit.record("totp.disabled", org_id=None, user_id=user_id)


def verify_second_step(user_id: int, code: str, *, max_failures: int = 5, lock_minutes: int = 15) -> LoginAttempt:
    """The second login step; wrong codes count toward the same lockout as wrong passwords."""
    user = get_user(user_id)
    if user.locked_until and user.locked_until > utcnow():
        return LoginAttempt(None, "Too many failed attempts: this account is locked for a while. Try again later.")
    if user.totp_secret and pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        user.failed_logins = 0
        audit.record("login", org_id=None, user_id=user.id, details={"second_step": True})
        return LoginAttempt(user)
    user.failed_logins += 1
    if user.failed_logins >= max_failures:
        user.locked_until = utcnow() + timedelta(minutes=lock_minutes)
        user.failed_logins = 0
        audit.record("login.lockout", org_id=None, user_id=user.id)
    audit.record("login.failed", org_id=None, user_id=user.id, details={"second_step": True})
    return LoginAttempt(None, "That code is not right.")


def change_password(user_id: int, old: str, new: str) -> None:
    user = get_user(user_id)
    try:
        _hasher.verify(user.password_hash, old or "")
    except (VerifyMismatchError, VerificationError) as exc:
        raise Invalid("The current password is wrong.", field="old_password") from exc
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record("password.changed", org_id=None, user_id=user.id)


def logout_everywhere(user_id: int) -> None:
    get_user(user_id).session_version += 1
    audit.record("logout.everywhere", org_id=None, user_id=user_id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user_id: int, label: str) -> str:
    """A new API token; the caller shows it once, only its digest is kept."""
    token = "coop_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user_id, token_hash=_token_digest(token), label=label))
    audit.record("token.issued", org_id=None, user_id=user_id)
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token),
                                                   ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = db.session.get(User, row.user_id)
    return user if user and user.active else None
