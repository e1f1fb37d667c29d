"""The referral directory, referrals with their follow-up dates and outcome, and the daily overdue list."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ...audit import services as audit
from ...auth import services as auth
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...kernel import get_in_org, valid_id
from ...manifest import CatalogueEntry, plugins
from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...orgs.services import get_setting
from ..models import Agency, Assignment, Case, FollowUp, Referral
from .base import FOLLOWUP_DAYS, HIDDEN, SENDER, TEXT_OVERDUE, case_for, check_day, is_admin, not_before, open_only
from .setup import worker_phones

AGENCY_FIELDS = ("name", "kind", "services", "contact_person", "phone", "email", "address")


# ------------------------------------------------------------------ the directory


def agencies(org_id: int, *, active_only: bool = False) -> list[Agency]:
    query = select(Agency).where(Agency.org_id == org_id)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(db.session.scalars(query.order_by(Agency.name)))


def get_agency(org_id: int, agency_id: int) -> Agency:
    return get_in_org(Agency, org_id, agency_id, "No such agency.")


def chosen_agency(org_id: int, agency_id, field: str = "agency_id") -> Agency:
    """The agency a form or a request names: one not in this organization's directory is bad input for that
    field (422, the message beside it), not a missing page."""
    agency = db.session.get(Agency, agency_id) if valid_id(agency_id) else None
    if agency is None or agency.org_id != org_id:
        raise Invalid("Choose an agency from the directory.", field=field)
    return agency


def add_agency(org_id: int, data: dict, actor_id: int | None) -> Agency:
    if db.session.scalar(select(Agency.id).where(Agency.org_id == org_id, Agency.name == data["name"])):
        raise Conflict("That agency is already in the directory.", field="name")
    agency = Agency(org_id=org_id, **{key: data.get(key) for key in AGENCY_FIELDS})
    db.session.add(agency)
    db.session.flush()
    audit.record("cases.agency.add", org_id=org_id, user_id=actor_id, target_type="case_agency", target_id=agency.id)
    return agency


def update_agency(org_id: int, agency_id: int, data: dict, actor_id: int | None) -> Agency:
    agency = get_agency(org_id, agency_id)
    for key in (*AGENCY_FIELDS, "active"):
        if key in data:
            setattr(agency, key, data[key])
    db.session.flush()
    audit.record("cases.agency.update", org_id=org_id, user_id=actor_id, target_type="case_agency",
                 target_id=agency.id, details={"fields": sorted(data)})
    return agency


# ------------------------------------------------------------------ referrals


def catalogue(org_id: int, words: str | None) -> list[CatalogueEntry]:
    """The partners' catalogue (another package's `service_catalogues`), searched when referring."""
    found: list[CatalogueEntry] = []
    for source in plugins().service_catalogues:
        found += source.search(org_id, words or "")
    return found


def catalogue_entry(org_id: int, offering_id: int) -> CatalogueEntry:
    for source in plugins().service_catalogues:
        return source.get(org_id, offering_id)
    raise NotFound("No such offering.")


def agency_named(org_id: int, name: str) -> Agency | None:
    """The directory's agency of a catalogue partner, by name (case does not matter)."""
    return db.session.scalar(select(Agency).where(Agency.org_id == org_id,
                                                  func.lower(Agency.name) == name.strip().lower()))


def _from_catalogue(org_id: int, data: dict, actor_id: int) -> tuple[Agency, CatalogueEntry]:
    try:
        entry = catalogue_entry(org_id, data["offering_id"])
    except NotFound:  # an id the form or the request made up: bad input for that field, not a missing page
        raise Invalid("Choose a service from the catalogue.", field="offering_id") from None
    if not entry.active:
        raise Invalid("That service is no longer offered.", field="offering_id")
    if data.get("agency_id"):
        agency = chosen_agency(org_id, data["agency_id"])
    else:
        agency = agency_named(org_id, entry.partner) or add_agency(org_id, {
            "name": entry.partner[:160], "kind": "training" if entry.kind != "service" else "other",
            "services": entry.title, "phone": None, "address": entry.place, "contact_person": entry.contact}, actor_id)
    return agency, entry


def refer(org_id: int, case_id: int, data: dict, actor_id: int) -> Referral:
    """Refer her to an agency: why, when, what answer is expected by when, and the first follow-up date. Picked from
    the partners' catalogue, the entry names the service and its partner (found in the directory, or added to it)."""
    case = case_for(org_id, case_id, actor_id, lock=True)
    open_only(case)
    entry = None
    if data.get("offering_id"):
        agency, entry = _from_catalogue(org_id, data, actor_id)
    elif data.get("agency_id"):
        agency = chosen_agency(org_id, data["agency_id"])
    else:
        raise Invalid("Choose an agency, or a service from the catalogue.", field="agency_id")
    if not agency.active:
        raise Invalid("That agency is no longer in use.", field="agency_id")
    check_day(case, data["referred_on"], "referred_on")
    if data.get("expected_by") is not None:
        not_before(data["expected_by"], data["referred_on"], "expected_by")
    referral = Referral(org_id=org_id, case_id=case.id, agency_id=agency.id, referred_on=data["referred_on"],
                        service=entry.title if entry else data.get("service"), offering_id=entry.id if entry else None,
                        reason=data["reason"], expected_response=data.get("expected_response"),
                        expected_by=data.get("expected_by"), referred_by=actor_id)
    db.session.add(referral)
    db.session.flush()
    first = data.get("followup_on") or data["referred_on"] + timedelta(days=get_setting(org_id, FOLLOWUP_DAYS))
    _plan(org_id, referral, first)
    audit.record("cases.referral.add", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"referral": referral.id, "agency": agency.id})
    return referral


def _plan(org_id: int, referral: Referral, due_on: date) -> FollowUp:
    not_before(due_on, referral.referred_on, "followup_on")
    row = FollowUp(org_id=org_id, case_id=referral.case_id, referral_id=referral.id, due_on=due_on)
    db.session.add(row)
    db.session.flush()
    return row


def _referral_for(org_id: int, referral_id: int, actor_id: int, *, lock: bool = False) -> tuple[Case, Referral]:
    # a referral (or follow-up) that does not exist says what one of a case she may not see says: the two
    # answers must not tell an outsider which ids belong to hidden cases
    referral = get_in_org(Referral, org_id, referral_id, HIDDEN, lock=lock)
    case = case_for(org_id, referral.case_id, actor_id)
    return case, referral


def plan_followup(org_id: int, referral_id: int, due_on: date, actor_id: int) -> FollowUp:
    case, referral = _referral_for(org_id, referral_id, actor_id)
    if referral.status != "open":
        raise Invalid("The referral is closed.")
    row = _plan(org_id, referral, due_on)
    audit.record("cases.followup.plan", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"followup": row.id})
    return row


def record_followup(org_id: int, followup_id: int, *, done_on: date, note: str | None, actor_id: int,
                    next_on: date | None = None) -> FollowUp:
    """The follow-up was made (a call, a visit to the agency); the next one may be planned at once."""
    row = get_in_org(FollowUp, org_id, followup_id, HIDDEN, lock=True)
    case, referral = _referral_for(org_id, row.referral_id, actor_id)
    if row.done_on is not None:
        raise Conflict("This follow-up is already recorded.")
    check_day(case, done_on, "done_on")
    not_before(done_on, referral.referred_on, "done_on")
    row.done_on, row.note, row.done_by = done_on, note, actor_id
    if next_on is not None:
        if referral.status != "open":
            raise Invalid("The referral is closed.", field="next_on")
        _plan(org_id, referral, next_on)
    db.session.flush()
    audit.record("cases.followup.done", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"followup": row.id})
    return row


def close_referral(org_id: int, referral_id: int, *, status: str, outcome_on: date, outcome: str,
                   actor_id: int) -> Referral:
    """Its outcome: completed (the agency responded), declined, or cancelled. Open follow-ups fall away."""
    case, referral = _referral_for(org_id, referral_id, actor_id, lock=True)
    if referral.status != "open":
        raise Conflict("The referral is already closed.")
    if status not in ("completed", "declined", "cancelled"):
        raise Invalid("A referral ends completed, declined or cancelled.", field="status")
    check_day(case, outcome_on, "outcome_on")
    not_before(outcome_on, referral.referred_on, "outcome_on")
    referral.status, referral.outcome_on, referral.outcome = status, outcome_on, outcome
    db.session.flush()
    audit.record("cases.referral.close", org_id=org_id, user_id=actor_id, target_type="case", target_id=case.id,
                 details={"referral": referral.id, "status": status})
    return referral


def referrals_of(case_id: int) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.case_id == case_id)
                                   .order_by(Referral.referred_on.desc(), Referral.id.desc())))


def followups_of(case_id: int) -> dict[int, list[FollowUp]]:
    found: dict[int, list[FollowUp]] = defaultdict(list)
    for row in db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id)
                                  .order_by(FollowUp.due_on, FollowUp.id)):
        found[row.referral_id].append(row)
    return found


# ------------------------------------------------------------------ overdue follow-ups


@dataclass(frozen=True)
class Overdue:
    followup: FollowUp
    referral: Referral
    case: Case
    agency: Agency
    days: int


def _overdue_query(org_id: int, on: date):
    return (select(FollowUp, Referral, Case, Agency).join(Referral, Referral.id == FollowUp.referral_id)
            .join(Case, Case.id == FollowUp.case_id).join(Agency, Agency.id == Referral.agency_id)
            .where(FollowUp.org_id == org_id, FollowUp.done_on.is_(None), FollowUp.due_on < on,
                   Referral.status == "open", Case.sealed_on.is_(None)))


def overdue(org_id: int, on: date, actor_id: int) -> list[Overdue]:
    """Follow-ups whose day has passed, on open referrals: a worker sees those of her cases, the admin all."""
    query = _overdue_query(org_id, on)
    if not is_admin(org_id, actor_id):
        query = query.where(Case.id.in_(select(Assignment.case_id).where(Assignment.user_id == actor_id,
                                                                         Assignment.active.is_(True))))
    rows = db.session.execute(query.order_by(FollowUp.due_on, FollowUp.id)).all()
    audit.record("cases.followup.overdue", org_id=org_id, user_id=actor_id, target_type="case",
                 details={"count": len(rows)})
    return [Overdue(f, r, c, a, (on - f.due_on).days) for f, r, c, a in rows]


def list_overdue(org_id: int, day: date) -> str:
    """The daily job: put newly overdue follow-ups on the list and, when the policy says so, text each assigned
    worker once a day how many are overdue and on which case numbers (no name, no reason, no note).

    Set-based: one UPDATE lists the newly overdue follow-ups; when texts are on, one SELECT reads each assigned
    worker's case numbers (distinct pairs, not every follow-up as objects)."""
    overdue = (FollowUp.org_id == org_id, FollowUp.done_on.is_(None), FollowUp.due_on < day,
               FollowUp.referral_id.in_(select(Referral.id).join(Agency, Agency.id == Referral.agency_id)
                                        .where(Referral.org_id == org_id, Referral.status == "open")),
               FollowUp.case_id.in_(select(Case.id).where(Case.org_id == org_id, Case.sealed_on.is_(None))))
    listed = db.session.execute(update(FollowUp).where(*overdue, FollowUp.listed_on.is_(None)).values(listed_on=day)
                                .execution_options(synchronize_session=False)).rowcount
    for held in [obj for obj in db.session.identity_map.values() if isinstance(obj, FollowUp)]:
        db.session.expire(held)  # the UPDATE changed rows the session may hold: read them again
    texted = 0
    if get_setting(org_id, TEXT_OVERDUE):
        per_worker: dict[int, set[str]] = defaultdict(set)
        for user_id, number in db.session.execute(
                select(Assignment.user_id, Case.number).distinct()
                .join_from(FollowUp, Case, Case.id == FollowUp.case_id)
                .join(Assignment, (Assignment.case_id == Case.id) & Assignment.active.is_(True))
                .where(*overdue)):
            per_worker[user_id].add(f"C-{number:04d}")  # Case.label
        texted = _text_workers(org_id, day, per_worker)
    return f"{listed} overdue follow-up(s) listed, {texted} text(s) queued"


def _text_workers(org_id: int, day: date, per_worker: dict[int, set[str]]) -> int:
    phones = worker_phones(org_id)
    sender = get_setting(org_id, SENDER)
    queued = 0
    for user_id, labels in sorted(per_worker.items()):
        if user_id not in phones:
            continue
        with written_in(language(auth.get_user(user_id).locale, get_setting(org_id, "messaging.language"))):
            body = _("%(sender)s: referral follow-ups are overdue on case(s) %(cases)s. Please open the overdue list.",
                     sender=sender, cases=", ".join(sorted(labels)))
        if outbox.enqueue(org_id, channel="sms", recipient=phones[user_id], body=body, purpose="notice",
                          dedupe_key=f"cases-overdue-{user_id}-{day.isoformat()}"):
            queued += 1
    return queued


def workers_of_women(org_id: int, beneficiary_ids: frozenset[int]) -> dict[int, set[int]]:
    """`case_contacts`: the workers assigned to the open, unsealed cases of these grants beneficiaries."""
    found: dict[int, set[int]] = defaultdict(set)
    if beneficiary_ids:
        for beneficiary_id, user_id in db.session.execute(
                select(Case.beneficiary_id, Assignment.user_id).join(Assignment, Assignment.case_id == Case.id)
                .where(Case.org_id == org_id, Case.beneficiary_id.in_(beneficiary_ids), Assignment.active.is_(True),
                       Case.sealed_on.is_(None))):
            found[beneficiary_id].add(user_id)
    return found


def overdue_count(org_id: int, on: date) -> int:
    """For the dashboard: a count, no case named."""
    return len(db.session.execute(_overdue_query(org_id, on).with_only_columns(FollowUp.id)).all())
