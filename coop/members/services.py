"""The members' verbs. Other domains use get_member, member_party, standing and the standing checks other manifests declare."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from ..audit import services as audit
from ..auth import services as auth
from ..errors import Invalid, NotFound, Pesos, Sentence, Status
from ..extensions import db
from ..kernel import run_core
from ..manifest import plugins
from ..orgs import services as orgs
from ..timeutil import today
from . import fees, shares
from .base import get_member, member_party, set_status
from .models import (
    MEMBER_STATUSES,
    MEMBERSHIP_TYPES,
    Member,
    MemberStatusChange,
    ShareInstallment,
    ShareSubscription,
)

# get_member and member_party live in .base (shares needs them too) and are used from here by the other domains


@dataclass(frozen=True)
class Standing:
    good: bool
    reasons: tuple[Sentence, ...]  # each said in the reader's language (her dates by Babel)


_MEMBER_OF_USER = select(Member).where(Member.org_id == bindparam("org_id"), Member.user_id == bindparam("user_id"))


def member_for_user(org_id: int, user_id: int) -> Member:
    member = db.session.scalar(_MEMBER_OF_USER, {"org_id": org_id, "user_id": user_id})
    if member is None:
        raise NotFound("No member record is linked to this login.")
    return member


def parties_of_user(org_id: int, user_id: int) -> set[int]:
    """The member's ledger party, if this login belongs to a member of the organization."""
    party_id = db.session.scalar(select(Member.party_id).where(Member.org_id == org_id, Member.user_id == user_id))
    return {party_id} if party_id else set()


def contacts(org_id: int, member_ids) -> dict[int, tuple[str | None, int | None]]:
    """Many members' mobile numbers and logins (user ids) in one statement per thousand (a daily job's reminders)."""
    ids = sorted(set(member_ids))
    found: dict[int, tuple[str | None, int | None]] = {}
    for start in range(0, len(ids), 1000):
        found.update((member_id, (mobile, user_id)) for member_id, mobile, user_id in db.session.execute(
            select(Member.id, Member.mobile, Member.user_id).where(
                Member.org_id == org_id, Member.id.in_(ids[start:start + 1000]))))
    return found


def members_by_id(org_id: int, member_ids) -> dict[int, Member]:
    """Many members in one statement (a list naming whose each row is)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(select(Member).where(Member.org_id == org_id, Member.id.in_(ids)))}


def member_by_mobile(org_id: int, mobile: str) -> Member | None:
    """The member registered with this mobile number (09XXXXXXXXX, or +639XXXXXXXXX as typed), if exactly one."""
    digits = "".join(ch for ch in mobile or "" if ch.isdigit())
    if len(digits) == 12 and digits.startswith("63"):
        digits = "0" + digits[2:]
    if len(digits) != 11 or not digits.startswith("09"):
        return None
    found = list(db.session.scalars(select(Member).where(
        Member.org_id == org_id, Member.mobile.in_((digits, "+63" + digits[1:]))).limit(2)))
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=8)
def _standing_statement(checks: tuple) -> tuple:
    """Her status and what every check reads, in one statement (built once per set of checks); the slice of
    the row each check reads."""
    columns, slices = [], []
    for check in checks:
        mine = tuple(check.columns())
        slices.append(slice(1 + len(columns), 1 + len(columns) + len(mine)))
        columns.extend(mine)
    statement = select(Member.status, *columns).where(Member.org_id == bindparam("org_id"),
                                                      Member.id == bindparam("member_id"))
    return statement, tuple(slices)


def standing(org_id: int, member_id: int, on: date) -> Standing:
    """Good standing: active, and every registered check (shares, loans...) finds nothing overdue.
    One statement whatever the number of checks (it runs on her summary, at the point of sale, per co-maker)."""
    checks = tuple(plugins().standing_checks)
    statement, slices = _standing_statement(checks)
    row = run_core(statement, {"org_id": org_id, "member_id": member_id, "on": on}).first()
    if row is None:
        raise NotFound("No such member.")
    reasons = [] if row[0] == "active" else [Sentence("membership is %(status)s", status=Status(row[0]))]
    for check, part in zip(checks, slices):
        reasons.extend(check.reasons(tuple(row[part]), on))
    return Standing(not reasons, tuple(reasons))


def create_member(org_id: int, *, name: str, actor_id: int | None, status: str = "applicant",
                  on: date | None = None, **fields) -> Member:
    if status not in MEMBER_STATUSES:
        raise Invalid("A status is one of %(choices)s.", field="status",
                      values={"choices": ', '.join(MEMBER_STATUSES)})
    if not name or not name.strip():
        raise Invalid("Give the member's name.", field="name")
    if fields.get("membership_type", "regular") not in MEMBERSHIP_TYPES:
        raise Invalid("A membership type is one of %(choices)s.", field="membership_type",
                      values={"choices": ', '.join(MEMBERSHIP_TYPES)})
    on = on or today()
    if on > today():
        raise Invalid("A member cannot be registered on %(on)s: that is after today.", field="admitted_on",
                      values={"on": on})
    _check_birth_date(fields.get("birth_date"))
    _lock_numbering(org_id)
    number = fields.pop("number", None)  # an imported member keeps the number from the cooperative's books
    if number is None:
        number = (db.session.scalar(select(func.max(Member.number)).where(Member.org_id == org_id)) or 0) + 1
    elif db.session.scalar(select(Member.id).where(Member.org_id == org_id, Member.number == number)):
        raise Invalid("Member number %(number)s is already used.", field="number", values={"number": number})
    member = Member(org_id=org_id, number=number, name=name.strip(), status=status, **fields)
    if member.applied_on is None:
        member.applied_on = on
    db.session.add(member)
    db.session.flush()
    db.session.add(MemberStatusChange(org_id=org_id, member_id=member.id, from_status=None, to_status=status,
                                      changed_on=on, reason="registered", changed_by=actor_id))
    member_party(member)
    audit.record("member.create", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id)
    return member


# The oldest birth date taken: a year of birth typed wrong (1800 for 1980) is caught, a centenarian is not.
OLDEST_AGE = 120


def _check_birth_date(born: date | None) -> None:
    """Not after today, not more than OLDEST_AGE years ago (the public form took 2030 and 1800)."""
    if born is None:
        return
    if born > today():
        raise Invalid("A birth date cannot be after today.", field="birth_date")
    if born.year < today().year - OLDEST_AGE:
        raise Invalid("Check the birth date: %(on)s is more than %(years)s years ago.", field="birth_date",
                      values={"on": born, "years": OLDEST_AGE})


def _lock_numbering(org_id: int) -> None:
    """Two officers registering at once must not take the same member number: lock the organization row."""
    orgs.lock(org_id)


# ---------------------------------------------------------------- the registry

# Who may change a status to what, by hand; admission and withdrawal have their own verbs.
STATUS_CHANGES = {
    "applicant": ("withdrawn",),  # an application withdrawn or refused
    "active": ("inactive", "deceased"),
    "inactive": ("active", "deceased"),
    "withdrawn": (),
    "deceased": (),
}


def _matching(query, text: str):
    text = (text or "").strip()
    if text:
        number = text.upper().removeprefix("M-").lstrip("0")
        if number.isascii() and number.isdigit() and len(number) <= 9:
            query = query.where(Member.number == int(number))
        else:
            query = query.where(func.lower(Member.name).contains(text.lower(), autoescape=True))
    return query


def member_ids_matching(org_id: int, text: str):
    """The ids of the members a search finds (number or part of the name), as a subquery another domain filters
    its own rows with (`WHERE member_id IN (...)`), however many match."""
    return _matching(select(Member.id).where(Member.org_id == org_id), text)


def search_members(org_id: int, text: str = "", limit: int = 20, *, status: str | None = None,
                   overdue_on: date | None = None, offset: int = 0) -> list[Member]:
    """Members by number ("12", "M-0012") or by part of the name, for lists and pickers in any domain."""
    query = _matching(select(Member).where(Member.org_id == org_id), text)
    if status:
        if status not in MEMBER_STATUSES:
            raise Invalid("A status is one of %(choices)s.", field="status",
                          values={"choices": ', '.join(MEMBER_STATUSES)})
        query = query.where(Member.status == status)
    if overdue_on is not None:
        overdue = (select(ShareInstallment.id).where(
            ShareInstallment.member_id == Member.id, ShareInstallment.open.is_(True),
            ShareInstallment.due_on < overdue_on).exists())
        query = query.where(overdue)
    return list(db.session.scalars(query.order_by(Member.number).offset(offset).limit(min(limit, 200))))


def count_members(org_id: int) -> dict[str, int]:
    rows = db.session.execute(select(Member.status, func.count()).where(Member.org_id == org_id)
                              .group_by(Member.status))
    return {status: n for status, n in rows}


def view_member(org_id: int, member_id: int, actor_id: int | None) -> Member:
    """The member's personal record, for someone allowed to see it; the view goes to the audit log."""
    member = get_member(org_id, member_id)
    audit.record("member.view", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id)
    return member


def update_member(org_id: int, member_id: int, actor_id: int | None, **fields) -> Member:
    member = get_member(org_id, member_id)
    editable = {"name", "mobile", "email", "barangay", "town", "province", "birth_date", "membership_type",
                "beneficiary_name", "beneficiary_relation", "beneficiary_mobile"}
    unknown = set(fields) - editable
    if unknown:
        raise Invalid("These cannot be edited here: %(choices)s.", values={"choices": ', '.join(sorted(unknown))})
    if "name" in fields and not (fields["name"] or "").strip():
        raise Invalid("Give the member's name.", field="name")
    _check_birth_date(fields.get("birth_date"))
    if fields.get("membership_type", member.membership_type) not in MEMBERSHIP_TYPES:
        raise Invalid("A membership type is one of %(choices)s.", field="membership_type",
                      values={"choices": ', '.join(MEMBERSHIP_TYPES)})
    for key, value in fields.items():
        setattr(member, key, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    # ids of the changed fields only: the values are personal data
    audit.record("member.update", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"fields": sorted(fields)})
    return member


def change_status(org_id: int, member_id: int, to_status: str, *, on: date, reason: str,
                  actor_id: int | None) -> Member:
    member = get_member(org_id, member_id)
    if not reason or not reason.strip():
        raise Invalid("Give the reason for the change.", field="reason")
    if to_status not in STATUS_CHANGES.get(member.status, ()):
        if to_status == "active" and member.status == "applicant":
            raise Invalid("An applicant becomes a member by admission, with the board resolution number.",
                          field="status")
        raise Invalid("A member who is %(status)s cannot be made %(to_status)s here.", field="status",
                      values={"status": Status(member.status), "to_status": Status(to_status)})
    if to_status == "withdrawn" and _has_share_capital(member):
        raise Invalid("She still has share capital: record her share withdrawal instead.", field="status")
    set_status(member, to_status, on, reason.strip(), actor_id)
    return member


def _has_share_capital(member: Member) -> bool:
    return db.session.scalar(select(ShareSubscription.id).where(
        ShareSubscription.member_id == member.id, ShareSubscription.status != "closed").limit(1)) is not None


def status_history(org_id: int, member_id: int) -> list[MemberStatusChange]:
    return list(db.session.scalars(select(MemberStatusChange).where(
        MemberStatusChange.org_id == org_id, MemberStatusChange.member_id == member_id)
        .order_by(MemberStatusChange.changed_on, MemberStatusChange.id)))


# The year the CDA registered the cooperative (the year end's policy): no application is older than the cooperative.
REGISTRATION_YEAR = "yearend.registration_year"


def check_application_date(org_id: int, on: date, field: str = "applied_on") -> None:
    """The date a paper application carries: not after today, not before the cooperative was registered."""
    if not isinstance(on, date):
        raise Invalid("Give the date of the application.", field=field)
    if on > today():
        raise Invalid("An application cannot be dated %(on)s: the latest date allowed is today, %(today)s.",
                      field=field, values={"on": on, "today": today()})
    if REGISTRATION_YEAR in plugins().settings:
        founded = int(orgs.get_setting(org_id, REGISTRATION_YEAR))
        if on < date(founded, 1, 1):
            raise Invalid("An application cannot be dated %(on)s: the cooperative was registered in %(year)s.",
                          field=field, values={"on": on, "year": str(founded)})


def apply(org_id: int, *, name: str, actor_id: int | None, source: str = "officer", on: date | None = None,
          applied_on: date | None = None, collect_fee: bool = False, cash_account: str = "cash_on_hand",
          **fields) -> Member:
    """A membership application, typed by an officer or sent by the applicant herself; the officer may
    collect the membership fee with it. `applied_on` (or `on`) is the date the paper application carries
    (today when not given): not in the future, not before the cooperative was registered."""
    on = applied_on or on
    if on is not None:
        check_application_date(org_id, on)
    member = create_member(org_id, name=name, actor_id=actor_id, status="applicant", on=on,
                           application_source=source, **fields)
    if collect_fee:
        fees.pay(org_id, member.id, on=member.applied_on or today(), actor_id=actor_id, cash_account=cash_account,
                 stage="application")
    return member


@dataclass(frozen=True)
class Admission:
    member: Member
    username: str
    initial_password: str | None  # shown once to the officer, who hands it to the member


def admit(org_id: int, member_id: int, *, on: date, board_resolution: str, actor_id: int | None,
          collect_fee: bool = False, cash_account: str = "cash_on_hand") -> Admission:
    """The board admits an applicant: she becomes active and gets a login to her own page.

    The membership fee is collected now when asked (`collect_fee`); when the policy wants it paid before
    admission and it is not, admission is refused."""
    member = get_member(org_id, member_id)
    if member.status != "applicant":
        raise Invalid("Only an applicant is admitted; this member is %(status)s.", field="status",
                      values={"status": Status(member.status)})
    if not board_resolution or not board_resolution.strip():
        raise Invalid("Give the board resolution number.", field="board_resolution")
    if on > today():
        raise Invalid("She cannot be admitted on %(on)s: that is after today.", field="on", values={"on": on})
    if member.applied_on is not None and on < member.applied_on:
        raise Invalid("She cannot be admitted before she applied (%(applied_on)s).", field="on",
                      values={"applied_on": member.applied_on})
    if collect_fee:
        fees.pay(org_id, member.id, on=on, actor_id=actor_id, cash_account=cash_account, stage="admission")
    fees.check_paid_for_admission(org_id, member)
    if member.membership_type == "regular":
        minimum = int(orgs.get_setting(org_id, "shares.minimum_paid_up_regular"))
        paid_up = shares.summary(org_id, member, on).paid_up
        if paid_up < minimum:
            raise Invalid("A regular member has paid at least %(minimum)s of her shares; she has paid %(paid_up)s. Record "
                          "her payment first, or admit her as an associate member.",
                          field="board_resolution", values={"minimum": Pesos(minimum), "paid_up": Pesos(paid_up)})
    member.board_resolution = board_resolution.strip()
    member.admitted_on = on
    set_status(member, "active", on, f"admitted, board resolution {member.board_resolution}", actor_id)
    password = None
    if member.user_id is None:
        slug = orgs.get(org_id).slug
        username = f"{slug}-{member.number:04d}"
        password = auth.generate_password()
        user = auth.create_user(username, password, member.name)
        auth.grant_role(user.id, org_id, "member")
        member.user_id = user.id
        audit.record("user.role", org_id=org_id, user_id=actor_id, target_type="user", target_id=user.id,
                     details={"role": "member"})
    db.session.flush()
    return Admission(member, auth.get_user(member.user_id).username, password)


def find_by_number(org_id: int, text: str, field: str = "member") -> Member:
    """A member typed as 12, 0012 or M-0012 on a form."""
    digits = (text or "").strip().upper().removeprefix("M-").lstrip("0")
    member = db.session.scalar(select(Member).where(Member.org_id == org_id, Member.number == int(digits))) \
        if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None
    if member is None:
        raise Invalid("No member number %(text)s in this cooperative.", field=field, values={"text": text})
    return member


def find_member(org_id: int, text: str, field: str = "member") -> Member:
    """A member typed on a form by number (12, 0012, M-0012) or by her name, or part of it, when only she matches."""
    cleaned = (text or "").strip()
    digits = cleaned.upper().removeprefix("M-")
    if not cleaned or digits.isascii() and digits.isdigit():
        return find_by_number(org_id, cleaned, field)
    found = search_members(org_id, cleaned[:80], 2)
    if not found:
        raise Invalid("No member matches %(text)s.", field=field, values={"text": cleaned})
    if len(found) > 1:
        raise Invalid("Several members match %(text)s: type her number or more of her name.", field=field,
                      values={"text": cleaned})
    return found[0]


@dataclass(frozen=True)
class Pick:
    """What an officer's "Check" found for a name or number typed in a member picker."""

    text: str
    matches: tuple[Member, ...]  # at most `limit`, by number
    chosen: Member | None  # exactly one found
    standing: Standing | None  # the chosen member's, so the officer sees it before she confirms
    more: bool = False  # more members match than are listed: she types more of the name


def pick(org_id: int, text: str | None, on: date, *, status: str | None = None, limit: int = 20) -> Pick:
    """Members by number ("12", "M-0012") or part of the name; one match is chosen, with her standing."""
    text = (text or "").strip()[:80]
    if not text:
        return Pick("", (), None, None)
    found = tuple(search_members(org_id, text, limit + 1, status=status))
    chosen = found[0] if len(found) == 1 else None
    return Pick(text, found[:limit], chosen, standing(org_id, chosen.id, on) if chosen else None,
                more=len(found) > limit)


def membership_types_by_party(org_id: int) -> dict[int, str]:
    """Each member's ledger party and her membership type (regular, associate): the share capital schedule's classes."""
    return {party: kind for party, kind in db.session.execute(
        select(Member.party_id, Member.membership_type).where(Member.org_id == org_id, Member.party_id.is_not(None)))}
