"""Organizations and their per-organization policy settings."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from ..audit import services as audit
from ..errors import Invalid, NotFound
from ..extensions import db
from ..kernel import run_core
from ..ledger import services as ledger
from ..manifest import Setting, plugins
from ..money import MAX_CENTAVOS, to_centavos
from .models import ORG_KINDS, Organization, OrgSetting

def get_setting(org_id: int, key: str):
    spec = plugins().settings.get(key)
    if spec is None:
        raise KeyError(f"unknown setting {key}")
    stored = run_core(_SETTING_VALUE, {"org_id": org_id, "key": key}).first()
    return spec.default if stored is None else stored[0]


# the value alone, built once (an ORM row is loaded, identity-mapped and thrown away otherwise)
_SETTING_VALUE = select(OrgSetting.value).where(OrgSetting.org_id == bindparam("org_id"),
                                                OrgSetting.key == bindparam("key"))


def setting_query(org_id, key: str):
    """A setting's stored value as a scalar subquery, read in the statement that needs it (None: not stored).
    `org_id` is a number or a column of the outer statement (then one value per row)."""
    if key not in plugins().settings:
        raise KeyError(f"unknown setting {key}")
    return select(OrgSetting.value).where(OrgSetting.org_id == org_id, OrgSetting.key == key).scalar_subquery()


def setting_or_default(key: str, stored):
    """What `setting_query` read, or the setting's default when the organization has not set it."""
    return plugins().settings[key].default if stored is None else stored


def settings_of(org_id: int, org_kind: str) -> list[tuple[Setting, object]]:
    stored = {row.key: row.value for row in db.session.scalars(select(OrgSetting).where(OrgSetting.org_id == org_id))}
    return [(spec, stored.get(key, spec.default)) for key, spec in sorted(plugins().settings.items()) if org_kind in spec.org_kinds]


def update_settings(org_id: int, org_kind: str, typed: dict[str, str], actor_id: int | None) -> int:
    """Save what an admin typed on the settings page; every value is checked before any is saved."""
    current = dict((spec.key, value) for spec, value in settings_of(org_id, org_kind))
    changes = {key: parse_setting(key, text) for key, text in typed.items() if key in current}
    changes = {key: value for key, value in changes.items() if value != current[key]}
    for key, value in changes.items():
        set_setting(org_id, key, value, actor_id)
    return len(changes)


def parse_setting(key: str, text: str):
    """A value typed by an admin, checked against the setting's kind."""
    spec = plugins().settings.get(key)
    if spec is None:
        raise Invalid("Unknown setting %(key)s.", field="key", values={"key": key})
    text = (text or "").strip()
    try:
        if spec.kind == "money":
            value = to_centavos(text)
        elif spec.kind == "number":
            value = int(text.replace(",", ""))
        elif spec.kind == "percent":
            value = float(text.rstrip("%"))
            if not 0 <= value <= 100:
                raise ValueError
            value = int(value) if value == int(value) else value
        elif spec.kind == "bool":
            value = text.lower() in ("1", "true", "yes", "on", "oo")
        else:
            value = text
    except ValueError as exc:
        raise Invalid("%(description)s: not a valid %(kind)s.", field=key,
                      values={"description": spec.description, "kind": spec.kind}) from exc
    if spec.kind in ("money", "number") and value < 0:
        raise Invalid("%(description)s: cannot be negative.", field=key, values={"description": spec.description})
    ceiling = spec.maximum if spec.maximum is not None else (MAX_CENTAVOS if spec.kind == "money" else 3650)
    if spec.kind in ("money", "number") and value > ceiling:
        raise Invalid("%(description)s: at most %(ceiling)s.", field=key,
                      values={"description": spec.description, "ceiling": ceiling})
    if spec.kind == "choice" and value not in (spec.choices or ()):
        raise Invalid("%(description)s: one of %(choices)s.", field=key,
                      values={"description": spec.description, "choices": ', '.join(spec.choices or ())})
    if spec.kind == "text" and not value:
        raise Invalid("%(description)s: cannot be empty.", field=key, values={"description": spec.description})
    return value


def set_setting(org_id: int, key: str, value, actor_id: int | None = None) -> None:
    if key not in plugins().settings:
        raise Invalid("Unknown setting %(key)s.", field="key", values={"key": key})
    audit.record("setting.change", org_id=org_id, user_id=actor_id, target_type="setting", target_id=key,
                 details={"value": value})
    row = db.session.scalar(select(OrgSetting).where(OrgSetting.org_id == org_id, OrgSetting.key == key))
    if row is None:
        db.session.add(OrgSetting(org_id=org_id, key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def create_organization(slug: str, name: str, kind: str) -> Organization:
    if kind not in ORG_KINDS:
        raise Invalid("An organization is one of %(choices)s.", field="kind",
                      values={"choices": ', '.join(ORG_KINDS)})
    if db.session.scalar(select(Organization).where(Organization.slug == slug)):
        raise Invalid("The short name %(slug)s is taken.", field="slug", values={"slug": slug})
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


def get(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


def lock(org_id: int) -> None:
    """Take the organization's row lock (PostgreSQL; SQLite serialises writers): one of a kind at a time."""
    db.session.execute(select(Organization.id).where(Organization.id == org_id).with_for_update())
