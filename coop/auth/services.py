"""Users, roles, passwords (argon2id), login throttling, server-side sessions, API tokens, the second step."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, delete, func, or_, select, update

from ..audit import services as audit
from ..errors import CoopError, Forbidden, Invalid, NotFound, Words
from ..extensions import db
from ..kernel import dialect_insert, run_core, valid_id
from ..manifest import plugins
from ..orgs import services as orgs
from ..orgs.models import Organization
from ..timeutil import utcnow
from .models import ROLES, ApiToken, OrgRole, RecoveryCode, Throttle, User, UserSession

# the roles the TOTP policy covers: peer counselors too, who see their cluster's attendance (sensitive personal
# information of survivors, RA 10173), like every other role that reads a woman's data
STAFF_ROLES = ("admin", "officer", "grant_staff", "case_worker", "peer_counselor")
RECOVERY_CODES = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 10


class LoginRefused(Forbidden):
    status = 401
    title = "Login refused"


class TooManyAttempts(CoopError):
    """Answered 429 with a Retry-After header (coop.errors reads `retry_after`)."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid("A password has at least %(least)s characters.", field="password",
                      values={"least": MIN_PASSWORD})
    return _hasher.hash(password)


def create_user(username: str, password: str, display_name: str, locale: str = "en") -> User:
    username = username.strip().lower()
    if not username:
        raise Invalid("Choose a username.", field="username")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Invalid("The username %(username)s is taken.", field="username", values={"username": username})
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


def locales(user_ids) -> dict[int, str]:
    """Many users' languages in one statement per thousand (a daily job's texts, each in her language)."""
    ids = sorted(set(user_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 1000):
        found.update((user_id, locale) for user_id, locale in db.session.execute(
            select(User.id, User.locale).where(User.id.in_(ids[start:start + 1000]))))
    return found


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def grant_role(user_id: int, org_id: int, role: str) -> OrgRole:
    if role not in ROLES:
        raise Invalid("A role is one of %(choices)s.", field="role", values={"choices": ', '.join(ROLES)})
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
    if existing is not None and _roles_elsewhere(existing.id, org_id):
        # another organization's login: its admin here could then disable it everywhere or clear its second step
        raise Invalid("The username %(username)s is already used: choose another. (One login in two organizations "
                      "is given by the server's operator: coop user add.)", field="username",
                      values={"username": username})
    if existing is None:
        password = generate_password()
        existing = create_user(username, password, display_name, locale)
    grant_role(existing.id, org_id, role)
    audit.record("user.role", org_id=org_id, user_id=actor_id, target_type="user", target_id=existing.id,
                 details={"role": role})
    return existing, password


def _roles_elsewhere(user_id: int, org_id: int) -> bool:
    return db.session.scalar(select(OrgRole.id).where(OrgRole.user_id == user_id, OrgRole.org_id != org_id)
                             .limit(1)) is not None


def _not_shared(user_id: int, org_id: int, actor_id: int | None) -> None:
    """A login with roles in other organizations too is disabled or reset by the server's operator (actor None)
    only: one organization's admin would lock her out of the others."""
    if actor_id is not None and _roles_elsewhere(user_id, org_id):
        raise Invalid("This login works in another organization too: ask the server's operator to change it.")


def set_active(org_id: int, user_id: int, active: bool, actor_id: int | None) -> User:
    if role_in(user_id, org_id) is None:
        raise NotFound("No such user in this organization.")
    if user_id == actor_id and not active:
        raise Invalid("You cannot disable your own login.")
    if not active:
        _not_shared(user_id, org_id, actor_id)
    user = get_user(user_id)
    user.active = active
    if not active:  # a disabled user's open sessions and API tokens end now, and stay ended
        revoke_sessions(user_id)
        revoke_tokens(user_id)
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


# refusals are returned, not raised (their counts are kept): Words puts them in the catalogue for the login page
_WRONG = Words("Wrong username or password.")
_LOCKED = Words("Too many failed attempts: this account is locked for a while. Try again later.")


def _reserve_attempt(user_id: int, max_failures: int, lock_minutes: int) -> bool:
    """Count this attempt as a failure *before* checking anything, in one UPDATE.

    The database does the arithmetic, so parallel guesses cannot all read the same count: at most
    `max_failures` of them are checked per lock window (the row lock queues the rest on PostgreSQL;
    SQLite has one writer at a time). The attempt after those locks the account unchecked. A right
    password (without a second step) or a right code hands the count back (`_clear_failures`).
    """
    now = utcnow()
    count = db.session.execute(
        update(User).where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
        .execution_options(synchronize_session=False)).scalar()
    if count is None:  # locked
        return False
    if count > max_failures:
        db.session.execute(update(User).where(User.id == user_id)
                           .values(locked_until=now + timedelta(minutes=lock_minutes), failed_logins=0)
                           .execution_options(synchronize_session=False))
        audit.record("login.lockout", org_id=None, user_id=user_id)
        return False
    return True


def _clear_failures(user_id: int) -> None:
    db.session.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None)
                       .execution_options(synchronize_session=False))


def authenticate(username: str, password: str, *, max_failures: int = 5, lock_minutes: int = 15) -> LoginAttempt:
    """Check a password. A failure is returned, not raised: its count and audit row must be kept
    (the caller commits them), and repeated failures lock the account for a while."""
    user = find_user(username or "")
    if user is None:
        _hasher.hash("spend-the-same-time")  # no timing hint that the username is unknown
        audit.record("login.failed", org_id=None, user_id=None, details={"reason": "unknown user"})
        return LoginAttempt(None, _WRONG)
    if not _reserve_attempt(user.id, max_failures, lock_minutes):
        audit.record("login.locked", org_id=None, user_id=user.id)
        return LoginAttempt(None, _LOCKED)
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerifyMismatchError, VerificationError):
        audit.record("login.failed", org_id=None, user_id=user.id)
        return LoginAttempt(None, _WRONG)
    if not user.active:
        return LoginAttempt(None, Words("This account is disabled."))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    if user.totp_secret:
        # the password's slot stays counted until the code is right too: a stolen password alone
        # cannot be used to reset the count for code guessing
        return LoginAttempt(user, needs_second_step=True)
    _clear_failures(user.id)
    audit.record("login", org_id=None, user_id=user.id)
    return LoginAttempt(user)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str = "coop") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).lower()


def _totp_step(secret: str, code: str) -> int | None:
    """The time step whose code this is (now, or one step either side for a phone's clock), else None."""
    if not (secret and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow().replace(tzinfo=timezone.utc)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _spend_totp(user: User, code: str, secret: str | None = None) -> bool:
    """Accept an authenticator code once: its time step must be later than the last one accepted.

    One UPDATE, so two requests carrying the same code (a replay, or a code read over a shoulder)
    cannot both pass, even in parallel."""
    step = _totp_step(secret or user.totp_secret or "", _normalise_code(code))
    if step is None:
        return False
    spent = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def new_recovery_codes(user_id: int) -> list[str]:
    """Ten fresh one-time codes (any earlier ones stop working); the caller shows them once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 40 bits each; guessing is also limited by the lockout
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user_id, code_hash=digest(f"{user_id}:{raw}")))
    db.session.flush()
    return codes


def renew_recovery_codes(user_id: int, code: str, *, max_failures: int = 5,
                         lock_minutes: int = 15) -> list[str] | None:
    """New recovery codes against a current authenticator code; None when the code is wrong (the
    failure counts toward the lockout like a login's, so codes cannot be guessed from an open session)."""
    user = get_user(user_id)
    if not user.totp_secret or not _reserve_attempt(user_id, max_failures, lock_minutes):
        return None
    if not _spend_totp(user, code):
        audit.record("login.failed", org_id=None, user_id=user_id, details={"recovery_codes": True})
        return None
    _clear_failures(user_id)
    audit.record("totp.recovery_codes", org_id=None, user_id=user_id)
    return new_recovery_codes(user_id)


def recovery_codes_left(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def _use_recovery_code(user_id: int, code: str) -> bool:
    """Spend a recovery code: one UPDATE, so two requests with the same code cannot both succeed."""
    cleaned = _normalise_code(code).replace("-", "")
    if len(cleaned) != 10:
        return False
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == digest(f"{user_id}:{cleaned}"),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return used.rowcount == 1


def _code_is_right(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when the code opens the second step, else None."""
    cleaned = _normalise_code(code)
    if user.totp_secret and cleaned.isdigit() and len(cleaned) == 6:
        return "totp" if _spend_totp(user, cleaned) else None
    if user.totp_secret and _use_recovery_code(user.id, cleaned):
        return "recovery"
    return None


def enable_totp(user_id: int, secret: str, code: str, *, keep_session_id: int | None = None) -> list[str]:
    """Turn on the second login step once the user proves her authenticator shows the right code.

    Returns her recovery codes, to be shown once. Her other sessions end."""
    user = get_user(user_id)
    if not secret or not _spend_totp(user, code, secret):
        raise Invalid("That code is not right. Check the time on your phone and try the newest code.", field="code")
    user.totp_secret = secret
    revoke_sessions(user_id, except_id=keep_session_id)
    audit.record("totp.enabled", org_id=None, user_id=user_id)
    return new_recovery_codes(user_id)


def disable_totp(user_id: int, code: str) -> None:
    user = get_user(user_id)
    if not user.totp_secret or not _spend_totp(user, code):
        raise Invalid("That code is not right.", field="code")
    if _totp_required(user_id):
        raise Invalid("Your organization requires the second login step for your role: it stays on.", field="code")
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    audit.record("totp.disabled", org_id=None, user_id=user_id)


def reset_totp(org_id: int, user_id: int, actor_id: int | None) -> User:
    """An admin clears a user's lost authenticator: she logs in with her password alone and enrols
    again (forced to, where the policy requires it). Her sessions and tokens end."""
    if role_in(user_id, org_id) is None:
        raise NotFound("No such user in this organization.")
    if user_id == actor_id:
        raise Invalid("Ask another admin to reset your own second step.")
    _not_shared(user_id, org_id, actor_id)
    user = get_user(user_id)
    if not user.totp_secret:
        raise Invalid("This user has no second login step to reset.")
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    revoke_sessions(user_id)
    revoke_tokens(user_id)
    audit.record("totp.reset", org_id=org_id, user_id=actor_id, target_type="user", target_id=user_id)
    return user


def verify_second_step(user_id: int, code: str, *, max_failures: int = 5, lock_minutes: int = 15) -> LoginAttempt:
    """The second login step (a TOTP code or an unused recovery code); wrong codes count toward the
    same lockout as wrong passwords, reserved before the check like them."""
    user = get_user(user_id)
    if not _reserve_attempt(user.id, max_failures, lock_minutes):
        return LoginAttempt(None, _LOCKED)
    kind = _code_is_right(user, code)
    if kind is None:
        audit.record("login.failed", org_id=None, user_id=user.id, details={"second_step": True})
        return LoginAttempt(None, Words("That code is not right."))
    _clear_failures(user.id)
    audit.record("login", org_id=None, user_id=user.id, details={"second_step": kind})
    return LoginAttempt(user)


def change_password(user_id: int, old: str, new: str, *, keep_session_id: int | None = None) -> None:
    """A new password ends every other session and every API token (the device she is on stays in)."""
    user = get_user(user_id)
    try:
        _hasher.verify(user.password_hash, old or "")
    except (VerifyMismatchError, VerificationError) as exc:
        raise Invalid("The current password is wrong.", field="old_password") from exc
    user.password_hash = hash_password(new)
    revoke_sessions(user_id, except_id=keep_session_id)
    revoke_tokens(user_id)
    audit.record("password.changed", org_id=None, user_id=user.id)


def logout_everywhere(user_id: int) -> None:
    revoke_sessions(user_id)
    audit.record("logout.everywhere", org_id=None, user_id=user_id)


# ---------------------------------------------------------------- policy


def _strictest(user_id: int, key: str, *, staff_only: bool = False):
    """The smallest value of a per-organization number over the organizations she has a role in."""
    rows = db.session.execute(select(OrgRole.org_id, OrgRole.role).where(OrgRole.user_id == user_id)).all()
    values = [orgs.get_setting(org_id, key) for org_id, role in rows if not staff_only or role in STAFF_ROLES]
    return min(values) if values else plugins().settings[key].default


def must_enrol_totp(user_id: int) -> bool:
    """She has no second step yet one of her organizations requires it of her role."""
    return not get_user(user_id).totp_secret and _totp_required(user_id)


def _totp_required(user_id: int) -> bool:
    # each staff role's organization with its policy, in one statement (this runs on her every page until she enrols)
    policies = db.session.scalars(select(orgs.setting_query(OrgRole.org_id, "auth.require_totp_staff"))
                                  .where(OrgRole.user_id == user_id, OrgRole.role.in_(STAFF_ROLES))).all()
    return any(orgs.setting_or_default("auth.require_totp_staff", stored) for stored in policies)


# ---------------------------------------------------------------- sessions


def start_session(user_id: int, *, ip: str | None, user_agent: str | None) -> tuple[str, UserSession]:
    """A new signed-in session: the raw id goes into the cookie, only its digest is stored."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(token_hash=digest(raw), user_id=user_id, created_at=now, last_seen_at=now,
                      idle_minutes=max(1, int(_strictest(user_id, "auth.idle_minutes"))),  # 0 would end it at once
                      expires_at=now + timedelta(hours=max(1, int(_strictest(user_id, "auth.session_hours")))),
                      ip=(ip or "")[:45] or None, user_agent=(user_agent or "")[:200] or None)
    db.session.add(row)
    # her sessions that ended long ago are of no more use (the audit trail keeps the logins)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id,
                                                 UserSession.expires_at < now - timedelta(days=30)))
    db.session.flush()
    return raw, row


def session_for(raw: str, *, touch_after_seconds: int = 60) -> UserSession | None:
    """The live session with this cookie id, or None (unknown, revoked, idle too long, past its end).

    Marks it seen, at most once a minute so that reading pages does not write on every click."""
    if not raw or len(raw) > 100:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == digest(raw)))
    return live_session(row, touch_after_seconds=touch_after_seconds)


def live_session(row: UserSession | SessionSeen | None, *, touch_after_seconds: int = 60):
    """The session (its row, or what `visit` read of it) if it still lets her in (not revoked, idle or past its
    end), marked seen."""
    now = utcnow()
    if (row is None or row.revoked_at is not None or row.expires_at <= now
            or row.last_seen_at + timedelta(minutes=row.idle_minutes) <= now):
        return None
    if (now - row.last_seen_at).total_seconds() >= touch_after_seconds:
        # at most once a minute; with the values in the statement, a row the session holds is updated with it
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    return row


def end_session(session_id: int) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def revoke_sessions(user_id: int, *, except_id: int | None = None) -> None:
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if except_id is not None:
        query = query.where(UserSession.id != except_id)
    db.session.execute(query.values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def sessions_of(user_id: int) -> list[UserSession]:
    now = utcnow()
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())))


# ---------------------------------------------------------------- per-address throttle


def throttle(bucket: str, address: str | None, *, limit: int, window_seconds: int) -> None:
    """Count one attempt from this address in the current window; past the limit, TooManyAttempts.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING: atomic on both engines and shared by every
    process. Windows are fixed (a burst straddling two windows gets at most twice the limit)."""
    address = (address or "unknown")[:45]
    now = utcnow()
    epoch = int(now.replace(tzinfo=timezone.utc).timestamp()) // window_seconds * window_seconds
    window_start = _utc_from_epoch(epoch)
    table = Throttle.__table__
    hits = db.session.execute(
        dialect_insert(table).values(bucket=bucket, address=address, window_start=window_start, hits=1)
        .on_conflict_do_update(index_elements=["bucket", "address", "window_start"],
                               set_={"hits": table.c.hits + 1})
        .returning(table.c.hits)).scalar()
    if hits > limit:
        retry = (window_start + timedelta(seconds=window_seconds) - now).total_seconds()
        raise TooManyAttempts("Too many attempts from your address. Wait a while, then try again.", retry)
    if hits == 1:  # a new window for this address: forget every address's windows of this bucket that ended
        db.session.execute(delete(Throttle).where(Throttle.bucket == bucket, Throttle.window_start < window_start))


def throttle_refund(bucket: str, address: str | None, *, window_seconds: int) -> None:
    """Give back an attempt that succeeded: only failures should use up an office's shared address."""
    address = (address or "unknown")[:45]
    epoch = int(utcnow().replace(tzinfo=timezone.utc).timestamp()) // window_seconds * window_seconds
    db.session.execute(update(Throttle).where(Throttle.bucket == bucket, Throttle.address == address,
                                              Throttle.window_start == _utc_from_epoch(epoch), Throttle.hits > 0)
                       .values(hits=Throttle.hits - 1).execution_options(synchronize_session=False))


def _utc_from_epoch(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------- API tokens


def issue_token(user_id: int, label: str, *, days: int | None = None) -> str:
    """A new API token; the caller shows it once, only its digest is kept."""
    return new_token(user_id, label, days=days)[0]


def new_token(user_id: int, label: str, *, days: int | None = None) -> tuple[str, ApiToken]:
    """A new API token and its row. It lasts `auth.token_days` (the strictest of her organizations)
    unless she asks for another number of days, up to `auth.token_max_days`."""
    longest = max(1, int(_strictest(user_id, "auth.token_max_days")))
    if days is None:
        days = max(1, min(int(_strictest(user_id, "auth.token_days")), longest))
    if not 1 <= days <= longest:
        raise Invalid("A token lasts from 1 to %(longest)s days.", field="expires_in_days",
                      values={"longest": longest})
    token = "coop_" + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user_id=user_id, token_hash=digest(token), label=label or "api", created_at=now,
                   expires_at=now + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("token.issued", org_id=None, user_id=user_id, target_type="api_token", target_id=row.id,
                 details={"days": days})
    return token, row


def user_for_token(token: str, *, touch_after_seconds: int = 60) -> User | None:
    if not token or len(token) > 200:
        return None
    now = utcnow()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token),
                                                   ApiToken.revoked_at.is_(None), ApiToken.expires_at > now))
    if row is None:
        return None
    return token_user(row, db.session.get(User, row.user_id), touch_after_seconds=touch_after_seconds)


def token_user(row: ApiToken | TokenSeen, user: User | None, *, touch_after_seconds: int = 60) -> User | None:
    """The working token's user if she is active, the token (its row, or what `visit` read of it) marked used
    (at most once a minute)."""
    if user is None or not user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= touch_after_seconds:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return user


# What every request to an organization's page reads before its view runs: values, not ORM rows (building,
# identity-mapping and tracking three rows per request cost more than the statement). Only her user is a row:
# Flask-Login's current_user, which services may load again by id and change.


@dataclass(frozen=True)
class OrgSeen:
    """The organization of the URL (g.org)."""

    id: int
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class SessionSeen:
    """Her server-side session as read, not yet checked for idleness or its end (`live_session` does)."""

    id: int
    token_hash: str
    last_seen_at: datetime
    idle_minutes: int
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokenSeen:
    """Her bearer token as read: it works (not revoked, not expired), `token_user` checks her and marks it used."""

    id: int
    last_used_at: datetime | None


@dataclass(frozen=True)
class Visit:
    """What a request to an organization's page needs before its view runs, read in one statement:
    the organization, the session or token the request carries, its user and her role in the
    organization. Missing parts are None."""

    org: OrgSeen
    session: SessionSeen | None = None
    token: TokenSeen | None = None
    user: User | None = None
    role: str | None = None


_ORG = (Organization.id, Organization.slug, Organization.name, Organization.kind)
_SESSION = (UserSession.id, UserSession.token_hash, UserSession.last_seen_at, UserSession.idle_minutes,
            UserSession.expires_at, UserSession.revoked_at)
_TOKEN = (ApiToken.id, ApiToken.last_used_at)


def _visit_with(credential, columns, held_if):
    return (select(*_ORG, *columns, User, OrgRole.role).select_from(Organization)
            .outerjoin(credential, held_if).outerjoin(User, User.id == credential.user_id)
            .outerjoin(OrgRole, (OrgRole.user_id == User.id) & (OrgRole.org_id == Organization.id))
            .where(Organization.slug == bindparam("slug")))


# Built once: on every request, building these cost more than running them.
_VISIT = select(*_ORG).where(Organization.slug == bindparam("slug"))
_VISIT_SESSION = _visit_with(UserSession, _SESSION, UserSession.token_hash == bindparam("digest"))
_VISIT_TOKEN = _visit_with(ApiToken, _TOKEN, (ApiToken.token_hash == bindparam("digest"))
                           & ApiToken.revoked_at.is_(None) & (ApiToken.expires_at > bindparam("now")))


def visit(slug: str, *, session_raw: str | None = None, token_raw: str | None = None) -> Visit:
    """One round trip instead of four (organization, session or token, user, role); NotFound for no such slug."""
    if session_raw and len(session_raw) <= 100:
        seen, columns = SessionSeen, len(_SESSION)
        row = db.session.execute(_VISIT_SESSION, {"slug": slug, "digest": digest(session_raw)}).first()
    elif token_raw and len(token_raw) <= 200:
        seen, columns = TokenSeen, len(_TOKEN)
        row = db.session.execute(_VISIT_TOKEN, {"slug": slug, "digest": digest(token_raw), "now": utcnow()}).first()
    else:
        seen, columns = None, 0
        row = run_core(_VISIT, {"slug": slug}).first()
    if row is None:
        raise NotFound("No such organization.")
    org = OrgSeen(*row[:4])
    if seen is None or row[4] is None:  # no credential, or not a working one
        return Visit(org=org)
    held = seen(*row[4:4 + columns])
    user, role = row[4 + columns:]
    if seen is SessionSeen:
        return Visit(org=org, session=held, user=user, role=role)
    return Visit(org=org, token=held, user=user, role=role)


def tokens_of(user_id: int) -> list[ApiToken]:
    """Her tokens that still work, newest first."""
    return list(db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        .order_by(ApiToken.id.desc())))


def org_tokens(org_id: int):
    """(token, user) for every working token of the organization's users, for its admins."""
    return db.session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .join(OrgRole, OrgRole.user_id == User.id)
        .where(OrgRole.org_id == org_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        .order_by(User.display_name, ApiToken.id.desc())).all()


def _may_manage_tokens_of(actor_id: int, owner_id: int, org_id: int | None) -> bool:
    if actor_id == owner_id:
        return True
    if org_id is not None:
        return role_in(actor_id, org_id) == "admin" and role_in(owner_id, org_id) is not None
    # without an organization in the URL: an admin of any organization the owner belongs to
    owner_orgs = select(OrgRole.org_id).where(OrgRole.user_id == owner_id)
    return db.session.scalar(select(func.count()).select_from(OrgRole).where(
        OrgRole.user_id == actor_id, OrgRole.role == "admin", OrgRole.org_id.in_(owner_orgs))) > 0


def revoke_token(token_id, actor_id: int | None, *, org_id: int | None = None) -> ApiToken:
    """Revoke one token: its owner may, and so may an admin of an organization she belongs to.

    actor_id None is the command line (the server's operator)."""
    row = db.session.get(ApiToken, token_id) if valid_id(token_id) else None
    if row is None or (actor_id is not None and not _may_manage_tokens_of(actor_id, row.user_id, org_id)):
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("token.revoked", org_id=org_id, user_id=actor_id, target_type="api_token", target_id=row.id,
                     details={"owner": row.user_id})
    db.session.flush()
    return row


def revoke_tokens(user_id: int) -> None:
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
