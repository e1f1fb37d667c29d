"""Clusters of women (or of children of migrants), their peer counselors and the four group-work sessions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...auth import services as auth
from ...errors import Conflict, Invalid, NotFound, Words
from ...extensions import db
from ...grants import services as grants
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...orgs.services import get_setting
from ...timeutil import today
from ..models import GROUP_MODULES, Cluster, ClusterMember, GroupSession, SessionAttendance
from .base import MAX_SIZE, ClusterFull, next_number

SUPERVISOR_ROLES = ("admin", "grant_staff")


def get_cluster(org_id: int, cluster_id: int, *, lock: bool = False) -> Cluster:
    return get_in_org(Cluster, org_id, cluster_id, "No such cluster.", lock=lock)


def list_clusters(org_id: int) -> list[Cluster]:
    return list(db.session.scalars(select(Cluster).where(Cluster.org_id == org_id).order_by(Cluster.number)))


def _not_future(on: date, field: str, what: str) -> None:
    if on > today():
        raise Invalid("%(what)s cannot be dated after today.", field=field, values={"what": Words(what)})


def _check_supervisor(org_id: int, user_id: int) -> None:
    if auth.role_in(user_id, org_id) not in SUPERVISOR_ROLES:
        raise Invalid("The supervising social worker is a staff member of this organization.",
                      field="social_worker_id")


def add_cluster(org_id: int, data: dict, actor_id: int | None) -> Cluster:
    _not_future(data["formed_on"], "formed_on", Words("A cluster"))
    _check_supervisor(org_id, data["social_worker_id"])
    cluster = Cluster(org_id=org_id, number=next_number(Cluster, org_id), name=data["name"], kind=data["kind"],
                      place=data.get("place"), formed_on=data["formed_on"],
                      social_worker_id=data["social_worker_id"], created_by=actor_id)
    db.session.add(cluster)
    db.session.flush()
    audit.record("groups.cluster.add", org_id=org_id, user_id=actor_id, target_type="cluster", target_id=cluster.id)
    return cluster


def members_of(cluster_id: int, *, current: bool = True) -> list[ClusterMember]:
    statement = select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)
    if current:
        statement = statement.where(ClusterMember.left_on.is_(None))
    return list(db.session.scalars(statement.order_by(ClusterMember.id)))


def headcount(cluster_id: int) -> int:
    """Members and the coordinator; the peer counselors who lead the group are not counted in its size."""
    return db.session.scalar(select(func.count(ClusterMember.id)).where(
        ClusterMember.cluster_id == cluster_id, ClusterMember.left_on.is_(None),
        ClusterMember.role != "peer_counselor")) or 0


def add_member(org_id: int, cluster_id: int, data: dict, actor_id: int | None) -> ClusterMember:
    cluster = get_cluster(org_id, cluster_id, lock=True)
    if data["joined_on"] < cluster.formed_on:
        raise Invalid("She joins on or after the day the cluster was formed.", field="joined_on")
    _not_future(data["joined_on"], "joined_on", Words("Joining"))
    beneficiary_id, alias = data.get("beneficiary_id"), data.get("alias")
    if cluster.kind == "children":
        if not alias:
            raise Invalid("A child is listed by first name.", field="alias")
    elif beneficiary_id is None:
        raise Invalid("Choose the woman (her beneficiary number).", field="beneficiary_id")
    if beneficiary_id is not None:
        grants.get_beneficiary(org_id, beneficiary_id)
        if db.session.scalar(select(ClusterMember.id).where(ClusterMember.cluster_id == cluster.id,
                                                            ClusterMember.beneficiary_id == beneficiary_id)):
            raise Conflict("She is already in this cluster.")
    role, user_id = data.get("role", "member"), data.get("user_id")
    if role == "peer_counselor":
        if user_id is not None and auth.role_in(user_id, org_id) != "peer_counselor":
            raise Invalid("A peer counselor's login has the peer counselor role here.", field="user_id")
    elif user_id is not None:
        raise Invalid("Only a peer counselor is linked to a login.", field="user_id")
    if role != "peer_counselor" and headcount(cluster.id) >= get_setting(org_id, MAX_SIZE):
        raise ClusterFull("%(cluster)s already has %(n)s members.",
                          values={"cluster": cluster.label, "n": get_setting(org_id, MAX_SIZE)},
                          field="beneficiary_id")
    if role == "coordinator" and any(m.role == "coordinator" for m in members_of(cluster.id)):
        raise Conflict("%(cluster)s already has a coordinator.", values={"cluster": cluster.label})
    member = ClusterMember(org_id=org_id, cluster_id=cluster.id, beneficiary_id=beneficiary_id, alias=alias,
                           role=role, user_id=user_id, joined_on=data["joined_on"])
    db.session.add(member)
    db.session.flush()
    audit.record("groups.member.add", org_id=org_id, user_id=actor_id, target_type="cluster", target_id=cluster.id)
    return member


def record_session(org_id: int, cluster_id: int, data: dict, actor_id: int | None) -> GroupSession:
    """One of the four group-work sessions with who attended (members of the cluster on that day)."""
    cluster = get_cluster(org_id, cluster_id, lock=True)
    held_on = data["held_on"]
    _not_future(held_on, "held_on", Words("A session"))
    if held_on < cluster.formed_on:
        raise Invalid("A session is held on or after the day the cluster was formed.", field="held_on")
    if db.session.scalar(select(GroupSession.id).where(GroupSession.cluster_id == cluster.id,
                                                       GroupSession.module == data["module"])):
        raise Conflict("%(cluster)s has already held this session.", values={"cluster": cluster.label})
    members = {m.id: m for m in members_of(cluster.id, current=False)}
    facilitator = data.get("facilitator_id")
    if facilitator is not None and (facilitator not in members or members[facilitator].role != "peer_counselor"):
        raise Invalid("The facilitator is one of this cluster's peer counselors.", field="facilitator_id")
    present = sorted(set(data.get("present", [])))
    for member_id in present:
        member = members.get(member_id)
        if member is None or member.joined_on > held_on or (member.left_on and member.left_on < held_on):
            raise Invalid("Attendance lists members of this cluster on the day of the session.", field="present")
    session = GroupSession(org_id=org_id, cluster_id=cluster.id, module=data["module"], held_on=held_on,
                           place=data.get("place"), facilitator_id=facilitator, present=len(present),
                           recorded_by=actor_id)
    db.session.add(session)
    db.session.flush()
    db.session.add_all(SessionAttendance(session_id=session.id, member_id=m) for m in present)
    db.session.flush()
    audit.record("groups.session.add", org_id=org_id, user_id=actor_id, target_type="cluster", target_id=cluster.id)
    return session


def sessions_of(cluster_id: int) -> list[GroupSession]:
    order = {module: n for n, module in enumerate(GROUP_MODULES)}
    found = db.session.scalars(select(GroupSession).where(GroupSession.cluster_id == cluster_id))
    return sorted(found, key=lambda s: (order.get(s.module, 9), s.held_on))


def attendance_of(cluster_id: int) -> dict[int, set[int]]:
    """Session id -> the ids of the members present."""
    rows = db.session.execute(select(SessionAttendance.session_id, SessionAttendance.member_id)
                              .join(GroupSession, GroupSession.id == SessionAttendance.session_id)
                              .where(GroupSession.cluster_id == cluster_id))
    found: dict[int, set[int]] = {}
    for session_id, member_id in rows:
        found.setdefault(session_id, set()).add(member_id)
    return found


def view_cluster(org_id: int, cluster_id: int, actor_id: int | None) -> dict:
    """A cluster with its members' names, for staff: the look is audited as a look at each woman would be."""
    cluster = get_cluster(org_id, cluster_id)
    audit.record("groups.cluster.view", org_id=org_id, user_id=actor_id, target_type="cluster", target_id=cluster.id)
    return _roster(org_id, cluster)


def _roster(org_id: int, cluster: Cluster) -> dict:
    members = members_of(cluster.id, current=False)
    names = {}
    for member in members:
        if member.beneficiary_id is not None:
            woman = grants.get_beneficiary(org_id, member.beneficiary_id)
            names[member.id] = f"{woman.label} {woman.name}"
        else:
            names[member.id] = member.alias
    return {"cluster": cluster, "members": members, "names": names, "sessions": sessions_of(cluster.id),
            "attendance": attendance_of(cluster.id), "size": headcount(cluster.id)}


def clusters_of_peer(org_id: int, user_id: int) -> list[Cluster]:
    return list(db.session.scalars(select(Cluster).join(ClusterMember, ClusterMember.cluster_id == Cluster.id).where(
        Cluster.org_id == org_id, ClusterMember.user_id == user_id, ClusterMember.role == "peer_counselor",
        ClusterMember.left_on.is_(None)).order_by(Cluster.number)))


def peer_attendance(org_id: int, cluster_id: int, user_id: int) -> dict:
    """What a peer counselor sees: her own cluster's sessions and attendance, nothing else (404 otherwise)."""
    if cluster_id not in {c.id for c in clusters_of_peer(org_id, user_id)}:
        audit.record("groups.cluster.refused", org_id=org_id, user_id=user_id, target_type="cluster",
                     target_id=cluster_id)
        raise NotFound("No such cluster.")
    audit.record("groups.cluster.view", org_id=org_id, user_id=user_id, target_type="cluster", target_id=cluster_id)
    return _roster(org_id, get_cluster(org_id, cluster_id))


def cluster_party(org_id: int, cluster: Cluster) -> int:
    if cluster.party_id is None:
        cluster.party_id = ledger.ensure_party(org_id, "cluster", cluster.id, cluster.label)
    return cluster.party_id
