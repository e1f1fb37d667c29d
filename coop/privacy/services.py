"""Everything held about one member, as plain data; her correction requests.

The export walks the schema, not a list: every table with a column referring to her member row,
to one of her ledger parties, or (as `user_id`) to her login, so a table a domain adds later is
included without changing this file. Secrets (password and token hashes, TOTP secrets) are left out.
"""
from __future__ import annotations

import base64
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, or_, select

from ..audit import services as audit
from ..errors import Invalid, NotFound
from ..extensions import db
from ..kernel import get_in_org
from ..manifest import parties_of, plugins
from ..members import services as members
from ..timeutil import utcnow
from .models import CORRECTION_STATUSES, CorrectionRequest

SECRET_WORDS = ("password", "secret", "hash", "token", "recovery")
FORMAT = "coop.member-export/1"
SUBJECT_FORMAT = "coop.subject-export/1"


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _refers_to(column, table_name: str) -> bool:
    return any(fk.column.table.name == table_name for fk in column.foreign_keys)


def member_data(org_id: int, member_id: int, actor_id: int | None) -> dict:
    """Every row held about the member, table by table (audited as `member.export`)."""
    member = members.get_member(org_id, member_id)
    user_ids = {member.user_id} if member.user_id else set()
    party_ids = {member.party_id} if member.party_id else set()
    if member.user_id:
        party_ids |= parties_of(org_id, member.user_id)
    tables = _walk(org_id, {"member": {member.id}}, party_ids, user_ids, {"member": {member.id}}, ())
    audit.record("member.export", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"tables": sorted(tables)})
    return {"format": FORMAT, "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
            "member_id": member.id, "member_label": member.label, "tables": tables}


def subject_data(org_id: int, kind: str, subject_id: int, actor_id: int | None) -> dict:
    """Everything held about a person another package declares (a case's woman...), the same walk as a member's;
    the columns it names as withheld (workers' private notes) are left out and listed (audited as
    `<kind>.export`)."""
    subject = plugins().data_subjects.get(kind)
    if subject is None:
        raise NotFound("Nothing of that kind is exported here.")
    rows = subject.find(org_id, subject_id, actor_id)
    tables = _walk(org_id, {t: set(ids) for t, ids in rows.roots.items()}, set(rows.party_ids), set(),
                   {t: set(ids) for t, ids in rows.audit_targets.items()}, rows.withheld)
    audit.record(f"{kind}.export", org_id=org_id, user_id=actor_id, target_type=kind, target_id=subject_id,
                 details={"tables": sorted(tables)})
    return {"format": SUBJECT_FORMAT, "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
            "kind": kind, "label": rows.label, "withheld": list(rows.withheld), "tables": tables}


def _walk(org_id: int, roots: dict[str, set[int]], party_ids: set[int], user_ids: set[int],
          audit_targets: dict[str, set[int]], withheld: tuple[str, ...]) -> dict[str, list[dict]]:
    """Her rows in every table: the root rows, rows referring to a root row (by foreign key, or a `member_id`
    for a member), to one of her parties, or (as `user_id`) to her login."""
    tables: dict[str, list[dict]] = {}
    for table in db.metadata.sorted_tables:
        conditions = []
        if table.name in roots:
            conditions.append(table.c.id.in_(roots[table.name]))
        if table.name == "party" and party_ids:
            conditions.append(table.c.id.in_(party_ids))
        if table.name == "user" and user_ids:
            conditions.append(table.c.id.in_(user_ids))
        if table.name == "audit_event":
            conditions.extend(and_(table.c.target_type == target, table.c.target_id.in_([str(i) for i in ids]))
                              for target, ids in audit_targets.items())
        for column in table.columns:
            referred = next((name for name in roots if _refers_to(column, name)), None)
            if referred is None and column.name == "member_id" and "member" in roots:
                referred = "member"
            if referred is not None:
                conditions.append(column.in_(roots[referred]))
            elif party_ids and (column.name == "party_id" or _refers_to(column, "party")):
                conditions.append(column.in_(party_ids))
            elif user_ids and column.name == "user_id":
                conditions.append(column.in_(user_ids))
        if not conditions:
            continue
        query = select(table).where(or_(*conditions))
        if "org_id" in table.c:
            query = query.where(or_(table.c.org_id == org_id, table.c.org_id.is_(None)))
        keep = [c.name for c in table.columns if not any(word in c.name.lower() for word in SECRET_WORDS)
                and f"{table.name}.{c.name}" not in withheld]
        rows = [{name: _plain(row[name]) for name in keep}
                for row in db.session.execute(query.order_by(*table.primary_key.columns)).mappings()]
        if rows:
            tables[table.name] = rows
    return tables


def record_correction(org_id: int, member_id: int, *, request: str, actor_id: int | None) -> CorrectionRequest:
    member = members.get_member(org_id, member_id)
    text = (request or "").strip()
    if len(text) < 3:
        raise Invalid("Say what should be corrected.", field="request")
    found = CorrectionRequest(org_id=org_id, member_id=member.id, request=text[:1000], status="open",
                              recorded_by=actor_id, recorded_at=utcnow())
    db.session.add(found)
    db.session.flush()
    audit.record("member.correction_request", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"correction_request_id": found.id})
    return found


def close_correction(org_id: int, request_id: int, *, status: str, outcome: str, actor_id: int | None
                     ) -> CorrectionRequest:
    found = get_in_org(CorrectionRequest, org_id, request_id, "No such correction request.", lock=True)
    if status not in CORRECTION_STATUSES[1:]:
        raise Invalid("A request is closed as corrected or refused.", field="status")
    if found.status != "open":
        raise Invalid("This request is already closed.")
    found.status, found.outcome, found.closed_by, found.closed_at = status, (outcome or "").strip()[:1000], \
        actor_id, utcnow()
    db.session.flush()
    audit.record(f"member.correction_{status}", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=found.member_id, details={"correction_request_id": found.id})
    return found


def corrections(org_id: int, member_id: int) -> list[CorrectionRequest]:
    return list(db.session.scalars(select(CorrectionRequest).where(
        CorrectionRequest.org_id == org_id, CorrectionRequest.member_id == member_id)
        .order_by(CorrectionRequest.id.desc())))
