"""Principals (Avon, Natasha) and their campaigns: the terms every sale of their goods is figured on."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...orgs.services import get_setting
from ..models import FULL_RATE, Campaign, Principal
from .common import SETTING_COMMISSION, _check_date, _get_locked, check_rate, percent_to_bp


def principal_party(principal: Principal) -> int:
    if principal.party_id is None:
        principal.party_id = ledger.ensure_party(principal.org_id, "principal", principal.id, f"P-{principal.id:04d}")
        db.session.flush()
    return principal.party_id


def create_principal(org_id: int, *, name: str, actor_id: int | None, member_commission_bp: int | None = None,
                     coop_margin_bp: int = 0, payment_terms_days: int = 30, uses_campaigns: bool = True,
                     notes: str | None = None) -> Principal:
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the principal's name.", field="name")
    if member_commission_bp is None:
        member_commission_bp = percent_to_bp(get_setting(org_id, SETTING_COMMISSION))
    _check_terms(member_commission_bp, coop_margin_bp, payment_terms_days)
    if db.session.scalar(select(Principal.id).where(Principal.org_id == org_id, Principal.name == name)):
        raise Invalid("There is already a principal named %(name)s.", field="name", values={"name": name})
    principal = Principal(org_id=org_id, name=name, member_commission_bp=member_commission_bp,
                          coop_margin_bp=coop_margin_bp, payment_terms_days=payment_terms_days,
                          uses_campaigns=uses_campaigns, notes=(notes or "").strip() or None)
    db.session.add(principal)
    db.session.flush()
    principal_party(principal)
    if not uses_campaigns:
        # One standing period keeps every sale, settlement and statement on the same footing.
        db.session.add(Campaign(org_id=org_id, principal_id=principal.id, code="ONGOING", name="Ongoing",
                                starts_on=date(2000, 1, 1), ends_on=None))
        db.session.flush()
    audit.record("consignment.principal.create", org_id=org_id, user_id=actor_id, target_type="consignment_principal",
                 target_id=principal.id)
    return principal


def _check_terms(member_commission_bp: int, coop_margin_bp: int, payment_terms_days: int) -> None:
    check_rate(member_commission_bp, "member_commission", "The member's commission")
    check_rate(coop_margin_bp, "coop_margin", "The cooperative's margin")
    if member_commission_bp + coop_margin_bp > FULL_RATE:
        raise Invalid("The member's commission and the cooperative's margin together cannot exceed 100%.",
                      field="coop_margin")
    if isinstance(payment_terms_days, bool) or not isinstance(payment_terms_days, int) or not 0 <= payment_terms_days <= 365:
        raise Invalid("Payment terms are 0 to 365 days.", field="payment_terms_days")


def update_principal(org_id: int, principal_id: int, *, actor_id: int | None, **changes) -> Principal:
    principal = get_principal(org_id, principal_id, lock=True)
    allowed = {"name", "member_commission_bp", "coop_margin_bp", "payment_terms_days", "active", "notes"}
    changes = {k: v for k, v in changes.items() if k in allowed and v is not None}
    _check_terms(changes.get("member_commission_bp", principal.member_commission_bp),
                 changes.get("coop_margin_bp", principal.coop_margin_bp),
                 changes.get("payment_terms_days", principal.payment_terms_days))
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise Invalid("Give the principal's name.", field="name")
    for key, value in changes.items():
        setattr(principal, key, value)
    db.session.flush()
    audit.record("consignment.principal.update", org_id=org_id, user_id=actor_id,
                 target_type="consignment_principal", target_id=principal.id,
                 details={k: v for k, v in changes.items() if k != "notes"})
    return principal


def get_principal(org_id: int, principal_id: int, lock: bool = False) -> Principal:
    return (_get_locked if lock else get_in_org)(Principal, org_id, principal_id, "No such principal.")


def list_principals(org_id: int, active_only: bool = False) -> list[Principal]:
    query = select(Principal).where(Principal.org_id == org_id)
    if active_only:
        query = query.where(Principal.active.is_(True))
    return list(db.session.scalars(query.order_by(Principal.name)))


def create_campaign(org_id: int, principal_id: int, *, code: str, name: str, starts_on: date,
                    ends_on: date | None, actor_id: int | None, member_commission_bp: int | None = None) -> Campaign:
    principal = get_principal(org_id, principal_id)
    code, name = (code or "").strip(), (name or "").strip() or (code or "").strip()
    if not code:
        raise Invalid("Give the campaign's code (e.g. C12-2026).", field="code")
    _check_date(starts_on)
    if ends_on is not None and ends_on < starts_on:
        raise Invalid("A campaign ends on or after the day it starts.", field="ends_on")
    if member_commission_bp is not None:
        check_rate(member_commission_bp, "member_commission", "The member's commission")
        if member_commission_bp + principal.coop_margin_bp > FULL_RATE:
            raise Invalid("The member's commission and the cooperative's margin together cannot exceed 100%.",
                          field="member_commission")
    if db.session.scalar(select(Campaign.id).where(Campaign.org_id == org_id, Campaign.principal_id == principal_id,
                                                   Campaign.code == code)):
        raise Invalid("%(name)s already has a campaign %(code)s.", field="code",
                      values={"name": principal.name, "code": code})
    campaign = Campaign(org_id=org_id, principal_id=principal_id, code=code, name=name, starts_on=starts_on,
                        ends_on=ends_on, member_commission_bp=member_commission_bp)
    db.session.add(campaign)
    db.session.flush()
    audit.record("consignment.campaign.create", org_id=org_id, user_id=actor_id, target_type="consignment_campaign",
                 target_id=campaign.id)
    return campaign


def set_campaign_status(org_id: int, campaign_id: int, status: str, actor_id: int | None) -> Campaign:
    if status not in ("open", "closed"):
        raise Invalid("A campaign is open or closed.", field="status")
    campaign = get_campaign(org_id, campaign_id, lock=True)
    campaign.status = status
    db.session.flush()
    audit.record(f"consignment.campaign.{status}", org_id=org_id, user_id=actor_id,
                 target_type="consignment_campaign", target_id=campaign.id)
    return campaign


def get_campaign(org_id: int, campaign_id: int, lock: bool = False) -> Campaign:
    return (_get_locked if lock else get_in_org)(Campaign, org_id, campaign_id, "No such campaign.")


def list_campaigns(org_id: int, principal_id: int | None = None, open_only: bool = False) -> list[Campaign]:
    query = select(Campaign).where(Campaign.org_id == org_id)
    if principal_id is not None:
        query = query.where(Campaign.principal_id == principal_id)
    if open_only:
        query = query.where(Campaign.status == "open")
    return list(db.session.scalars(query.order_by(Campaign.starts_on.desc(), Campaign.id.desc())))


def commission_rate(campaign: Campaign, principal: Principal) -> int:
    return principal.member_commission_bp if campaign.member_commission_bp is None else campaign.member_commission_bp


def payment_due_on(campaign: Campaign, principal: Principal) -> date | None:
    return None if campaign.ends_on is None else campaign.ends_on + timedelta(days=principal.payment_terms_days)
