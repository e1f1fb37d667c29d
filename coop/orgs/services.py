"""Organizations and their per-organization policy settings."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import Invalid, NotFound
from ..extensions import db
from .models import ORG_KINDS, Organization, OrgSetting

# Policy defaults, registered by each domain: key -> (default, description).
DEFAULTS: dict[str, tuple[object, str]] = {}


def register_setting(key: str, default, description: str) -> None:
    DEFAULTS[key] = (default, description)


def get_setting(org_id: int, key: str):
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key}")
    row = db.session.scalar(select(OrgSetting).where(OrgSetting.org_id == org_id, OrgSetting.key == key))
    return DEFAULTS[key][0] if row is None else row.value


def set_setting(org_id: int, key: str, value) -> None:
    if key not in DEFAULTS:
        raise Invalid(f"Unknown setting {key}.", field="key")
    row = db.session.scalar(select(OrgSetting).where(OrgSetting.org_id == org_id, OrgSetting.key == key))
    if row is None:
        db.session.add(OrgSetting(org_id=org_id, key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def create_organization(slug: str, name: str, kind: str) -> Organization:
    from ..ledger import services as ledger

    if kind not in ORG_KINDS:
        raise Invalid(f"An organization is one of {', '.join(ORG_KINDS)}.", field="kind")
    if db.session.scalar(select(Organization).where(Organization.slug == slug)):
        raise Invalid(f"The short name {slug} is taken.", field="slug")
    org = Organization(slug=slug, name=name, kind=kind)
    db.session.add(org)
    db.session.flush()
    ledger.seed_chart(org.id, kind)
    return org


def get_by_slug(slug: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound("No such organization.")
    return org
