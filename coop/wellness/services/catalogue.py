"""What the center offers: its services (duration, price, skill, station, attendant's share) and stations."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...orgs.services import get_setting
from ..availability import STEP_MINUTES
from ..models import SKILLS, STATION_KINDS, Station, WellnessService


def list_services(org_id: int, active_only: bool = False) -> list[WellnessService]:
    query = select(WellnessService).where(WellnessService.org_id == org_id).order_by(WellnessService.name)
    if active_only:
        query = query.where(WellnessService.active.is_(True))
    return list(db.session.scalars(query))


def get_service(org_id: int, service_id: int) -> WellnessService:
    return get_in_org(WellnessService, org_id, service_id, "No such service.")


def _check_service_fields(fields: dict) -> None:
    if "skill" in fields and fields["skill"] not in SKILLS:
        raise Invalid("A skill is one of %(choices)s.", field="skill", values={"choices": ', '.join(SKILLS)})
    if fields.get("station_kind") and fields["station_kind"] not in STATION_KINDS:
        raise Invalid("A station is one of %(choices)s.", field="station_kind",
                      values={"choices": ', '.join(STATION_KINDS)})
    duration = fields.get("duration_minutes")
    if duration is not None and (duration <= 0 or duration % STEP_MINUTES):
        raise Invalid("A duration is a positive multiple of %(minutes)s minutes.", field="duration_minutes",
                      values={"minutes": STEP_MINUTES})
    if fields.get("price") is not None and fields["price"] < 0:
        raise Invalid("A price cannot be negative.", field="price")
    share = fields.get("share_percent")
    if share is not None and not 0 <= share <= 100:
        raise Invalid("The attendant's share is 0 to 100 percent.", field="share_percent")


def create_service(org_id: int, *, name: str, duration_minutes: int, price: int, skill: str,
                   station_kind: str | None = None, share_percent: float | None = None, home_service: bool = False,
                   actor_id: int | None = None) -> WellnessService:
    if not name or not name.strip():
        raise Invalid("Give the service a name.", field="name")
    _check_service_fields(dict(skill=skill, station_kind=station_kind, duration_minutes=duration_minutes, price=price,
                               share_percent=share_percent))
    if db.session.scalar(select(WellnessService.id).where(WellnessService.org_id == org_id,
                                                          WellnessService.name == name.strip())):
        raise Invalid("There is already a service called %(name)s.", field="name", values={"name": name.strip()})
    if share_percent is None:
        share_percent = get_setting(org_id, "wellness.default_share_percent")
    service = WellnessService(org_id=org_id, name=name.strip(), duration_minutes=duration_minutes, price=price,
                              skill=skill, station_kind=station_kind or None, share_bp=round(share_percent * 100),
                              home_service=home_service, active=True)
    db.session.add(service)
    db.session.flush()
    audit.record("wellness.service.create", org_id=org_id, user_id=actor_id, target_type="wellness_service",
                 target_id=service.id, details={"price": price, "share_bp": service.share_bp})
    return service


def update_service(org_id: int, service_id: int, actor_id: int | None = None, **fields) -> WellnessService:
    """Change a service. A new share rate applies to bookings completed from now on."""
    service = get_service(org_id, service_id)
    fields = {k: v for k, v in fields.items() if v is not None or k == "station_kind"}
    _check_service_fields(fields)
    if "share_percent" in fields:
        service.share_bp = round(fields.pop("share_percent") * 100)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    for key, value in fields.items():
        setattr(service, key, value or None if key == "station_kind" else value)
    db.session.flush()
    audit.record("wellness.service.update", org_id=org_id, user_id=actor_id, target_type="wellness_service",
                 target_id=service.id, details={"price": service.price, "share_bp": service.share_bp,
                                                "active": service.active})
    return service


def list_stations(org_id: int, active_only: bool = True) -> list[Station]:
    query = select(Station).where(Station.org_id == org_id).order_by(Station.kind, Station.label)
    if active_only:
        query = query.where(Station.active.is_(True))
    return list(db.session.scalars(query))


def station_counts(org_id: int) -> dict[str, int]:
    return dict(Counter(s.kind for s in list_stations(org_id)))


def set_station_count(org_id: int, kind: str, count: int, actor_id: int | None = None) -> list[Station]:
    """Have `count` active units of a kind, labelled foot-spa-1, foot-spa-2...; extra units are retired, not deleted."""
    if kind not in STATION_KINDS:
        raise Invalid("A station is one of %(choices)s.", field="kind", values={"choices": ', '.join(STATION_KINDS)})
    if not 0 <= count <= 50:
        raise Invalid("Give a number of units from 0 to 50.", field="count")
    units = list(db.session.scalars(select(Station).where(Station.org_id == org_id, Station.kind == kind)))
    by_label = {u.label: u for u in units}
    prefix = kind.replace("_", "-")
    for n in range(1, max(count, len(units)) + 1):
        label = f"{prefix}-{n}"
        unit = by_label.get(label)
        if n <= count:
            if unit is None:
                db.session.add(Station(org_id=org_id, kind=kind, label=label, active=True))
            else:
                unit.active = True
        elif unit is not None:
            unit.active = False
    db.session.flush()
    audit.record("wellness.stations", org_id=org_id, user_id=actor_id, target_type="wellness_station",
                 target_id=kind, details={"count": count})
    return [s for s in list_stations(org_id) if s.kind == kind]
