"""/api/v1/orgs/<org>/groups: clusters and group work, trainings, coaching, the catalogue, capital loans.
Women are named by number only; a peer counselor reads her own cluster's attendance."""
from flask import abort, g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import current_role, roles_required
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from . import services
from .schemas import (
    AgingOutSchema,
    AsOfSchema,
    AttendanceInSchema,
    CatalogueQuerySchema,
    ClusterInSchema,
    ClusterOutSchema,
    CoachingInSchema,
    CoachingOutSchema,
    CompletionInSchema,
    DayInSchema,
    DayOutSchema,
    EnrollInSchema,
    EnrollmentOutSchema,
    EnterpriseInSchema,
    EnterpriseOutSchema,
    FundingOutSchema,
    LinkMoaSchema,
    LoanOutSchema,
    MemberInSchema,
    MemberOutSchema,
    OfferingInSchema,
    OfferingOutSchema,
    OutcomeOutSchema,
    PeriodSchema,
    ProgramInSchema,
    ProgramOutSchema,
    RepaymentInSchema,
    RepaymentOutSchema,
    SessionInSchema,
    SessionOutSchema,
    VoidInSchema,
)
from .views import CATALOGUE_READERS, GROUP_READERS, GROUP_STAFF, PEER

bp = blueprint("groups", __name__, "/orgs/<org>/groups")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


def _cluster(cluster) -> dict:
    return {**{k: getattr(cluster, k) for k in ("id", "label", "name", "kind", "place", "formed_on",
                                                "social_worker_id")}, "size": services.headcount(cluster.id)}


def _sessions(roster: dict) -> list[dict]:
    return [{**{k: getattr(s, k) for k in ("id", "cluster_id", "module", "held_on", "place", "facilitator_id",
                                           "present")}, "attended": sorted(roster["attendance"].get(s.id, ()))}
            for s in roster["sessions"]]


def _loan(loan) -> dict:
    return {**{k: getattr(loan, k) for k in ("id", "label", "moa_id", "tranche_id", "beneficiary_id", "cluster_id",
                                             "party_id", "principal", "repaid", "outstanding", "released_on",
                                             "status", "days_past_due")},
            "installments": services.installments_of(loan.id)}


# ------------------------------------------------------------------ clusters


@bp.get("/clusters")
@roles_required(*GROUP_STAFF)
@documented("Clusters (groups of 12 to 16 women, or children of migrants)", returns=ClusterOutSchema, many=True)
def clusters():
    return respond(ClusterOutSchema(), [_cluster(c) for c in services.list_clusters(g.org.id)], many=True)


@bp.post("/clusters")
@roles_required(*GROUP_STAFF)
@documented("Form a cluster, supervised by a social worker", body=ClusterInSchema, returns=ClusterOutSchema,
            status=201)
def add_cluster():
    return respond(ClusterOutSchema(), _cluster(services.add_cluster(g.org.id, load_json(ClusterInSchema()),
                                                                     current_user.id)), 201)


@bp.get("/clusters/<int:cluster_id>/members")
@roles_required(*GROUP_STAFF)
@documented("A cluster's members and peer counselors, by beneficiary number (audited)", returns=MemberOutSchema,
            many=True)
def members(cluster_id: int):
    return respond(MemberOutSchema(), services.view_cluster(g.org.id, cluster_id, current_user.id)["members"],
                   many=True)


@bp.post("/clusters/<int:cluster_id>/members")
@roles_required(*GROUP_STAFF)
@documented("Add a woman, the coordinator, a peer counselor or a child to a cluster", body=MemberInSchema,
            returns=MemberOutSchema, status=201)
def add_member(cluster_id: int):
    return respond(MemberOutSchema(), services.add_member(g.org.id, cluster_id, load_json(MemberInSchema()),
                                                          current_user.id), 201)


@bp.get("/clusters/<int:cluster_id>/sessions")
@roles_required(*GROUP_STAFF, *PEER)
@documented("The cluster's group-work sessions and who attended (a peer counselor: her own cluster only)",
            returns=SessionOutSchema, many=True)
def sessions(cluster_id: int):
    if current_role() in PEER:
        roster = services.peer_attendance(g.org.id, cluster_id, current_user.id)
    else:
        roster = services.view_cluster(g.org.id, cluster_id, current_user.id)
    return respond(SessionOutSchema(), _sessions(roster), many=True)


@bp.post("/clusters/<int:cluster_id>/sessions")
@roles_required(*GROUP_STAFF)
@documented("Record one of the four group-work sessions with its attendance (member ids)", body=SessionInSchema,
            returns=SessionOutSchema, status=201)
def record_session(cluster_id: int):
    session = services.record_session(g.org.id, cluster_id, load_json(SessionInSchema()), current_user.id)
    attended = sorted(services.attendance_of(cluster_id).get(session.id, ()))
    return respond(SessionOutSchema(), {**{k: getattr(session, k) for k in (
        "id", "cluster_id", "module", "held_on", "place", "facilitator_id", "present")}, "attended": attended}, 201)


@bp.get("/clusters/<int:cluster_id>/enterprises")
@roles_required(*GROUP_STAFF)
@documented("A cluster's enterprises and the grant or capital-loan MOA funding each: the group is the beneficiary of "
            "record (its ledger party), with the women of the group by beneficiary id", returns=FundingOutSchema,
            many=True)
def enterprises(cluster_id: int):
    women = [m.beneficiary_id for m in services.view_cluster(g.org.id, cluster_id, current_user.id)["members"]
             if m.beneficiary_id is not None and m.alias is None and m.left_on is None]
    return respond(FundingOutSchema(), [
        {"enterprise": f.enterprise, "moa_id": f.moa.id if f.moa else None, "moa_label": f.moa.label if f.moa else None,
         "kind": f.moa.kind if f.moa else None, "total": f.moa.total if f.moa else None,
         "released_total": f.moa.released_total if f.moa else None, "party_id": f.party_id, "women": women}
        for f in services.funding_of(g.org.id, cluster_id)], many=True)


@bp.post("/clusters/<int:cluster_id>/enterprises")
@roles_required(*GROUP_STAFF)
@documented("A cluster's enterprise (the laundry shop), optionally with the MOA that funds it",
            body=EnterpriseInSchema, returns=EnterpriseOutSchema, status=201)
def add_enterprise(cluster_id: int):
    return respond(EnterpriseOutSchema(), services.add_enterprise(g.org.id, cluster_id,
                                                                  load_json(EnterpriseInSchema()), current_user.id), 201)


@bp.post("/enterprises/<int:enterprise_id>/moa")
@roles_required(*GROUP_STAFF)
@documented("Link the MOA a member signed for the group (before its first release)", body=LinkMoaSchema,
            returns=EnterpriseOutSchema)
def link_moa(enterprise_id: int):
    return respond(EnterpriseOutSchema(), services.link_moa(g.org.id, enterprise_id,
                                                            load_json(LinkMoaSchema())["moa_id"], current_user.id))


# ------------------------------------------------------------------ trainings and coaching


@bp.get("/trainings")
@roles_required(*GROUP_STAFF)
@documented("Training programs", returns=ProgramOutSchema, many=True)
def trainings():
    return respond(ProgramOutSchema(), services.list_programs(g.org.id), many=True)


@bp.post("/trainings")
@roles_required(*GROUP_STAFF)
@documented("Add a training program (its days, venues, the days to attend to complete it)", body=ProgramInSchema,
            returns=ProgramOutSchema, status=201)
def add_program():
    return respond(ProgramOutSchema(), services.add_program(g.org.id, load_json(ProgramInSchema()), current_user.id),
                   201)


@bp.get("/trainings/<int:program_id>/days")
@roles_required(*GROUP_STAFF)
@documented("The program's days", returns=DayOutSchema, many=True)
def days(program_id: int):
    return respond(DayOutSchema(), services.days_of(services.get_program(g.org.id, program_id).id), many=True)


@bp.post("/trainings/<int:program_id>/days")
@roles_required(*GROUP_STAFF)
@documented("Add the next day of the program", body=DayInSchema, returns=DayOutSchema, status=201)
def add_day(program_id: int):
    return respond(DayOutSchema(), services.add_day(g.org.id, program_id, load_json(DayInSchema()), current_user.id),
                   201)


@bp.get("/trainings/<int:program_id>/enrollments")
@roles_required(*GROUP_STAFF)
@documented("Who is enrolled, days attended, completion", returns=EnrollmentOutSchema, many=True)
def enrollments(program_id: int):
    return respond(EnrollmentOutSchema(), services.enrollments_of(services.get_program(g.org.id, program_id).id),
                   many=True)


@bp.post("/trainings/<int:program_id>/enrollments")
@roles_required(*GROUP_STAFF)
@documented("Enroll a woman", body=EnrollInSchema, returns=EnrollmentOutSchema, status=201)
def enroll(program_id: int):
    return respond(EnrollmentOutSchema(), services.enroll(g.org.id, program_id, load_json(EnrollInSchema()),
                                                          current_user.id), 201)


@bp.post("/trainings/<int:program_id>/attendance")
@roles_required(*GROUP_STAFF)
@documented("Who came on one day (enrollment ids)", body=AttendanceInSchema, returns=DayOutSchema)
def record_attendance(program_id: int):
    data = load_json(AttendanceInSchema())
    return respond(DayOutSchema(), services.record_attendance(g.org.id, program_id, data["day_id"], data["present"],
                                                              current_user.id))


@bp.post("/enrollments/<int:enrollment_id>/completion")
@roles_required(*GROUP_STAFF)
@documented("She completed the program (refused below the days it asks for)", body=CompletionInSchema,
            returns=EnrollmentOutSchema)
def complete(enrollment_id: int):
    return respond(EnrollmentOutSchema(), services.complete(
        g.org.id, enrollment_id, load_json(CompletionInSchema())["completed_on"], current_user.id))


@bp.get("/coaching")
@roles_required(*GROUP_STAFF)
@documented("Individual coaching sessions (the private note is never returned)", returns=CoachingOutSchema,
            many=True)
def coaching():
    return respond(CoachingOutSchema(), services.coaching_list(g.org.id), many=True)


@bp.post("/coaching")
@roles_required(*GROUP_STAFF)
@documented("Record an individual coaching session", body=CoachingInSchema, returns=CoachingOutSchema, status=201)
def add_coaching():
    return respond(CoachingOutSchema(), services.add_coaching(g.org.id, load_json(CoachingInSchema()),
                                                              current_user.id), 201)


# ------------------------------------------------------------------ the partners' catalogue


@bp.get("/catalogue")
@roles_required(*CATALOGUE_READERS)
@documented("Search the partners' trainings and support services (q: words, kind)", returns=OfferingOutSchema,
            many=True, query=CatalogueQuerySchema)
def catalogue():
    query = load_query(CatalogueQuerySchema())
    return respond(OfferingOutSchema(), services.search_catalogue(g.org.id, query["q"], query["kind"]), many=True)


@bp.post("/catalogue")
@roles_required(*GROUP_STAFF)
@documented("Add a partner's training or service to the catalogue", body=OfferingInSchema,
            returns=OfferingOutSchema, status=201)
def add_offering():
    return respond(OfferingOutSchema(), services.add_offering(g.org.id, load_json(OfferingInSchema()),
                                                              current_user.id), 201)


# ------------------------------------------------------------------ capital loans


@bp.get("/loans")
@roles_required(*GROUP_READERS)
@documented("Capital loans with their schedules (by number)", returns=LoanOutSchema, many=True)
def loans():
    return respond(LoanOutSchema(), [_loan(loan) for loan in services.list_loans(g.org.id)], many=True)


@bp.get("/loans/<int:loan_id>")
@roles_required(*GROUP_READERS)
@documented("One capital loan and its schedule", returns=LoanOutSchema)
def loan(loan_id: int):
    return respond(LoanOutSchema(), _loan(services.get_loan(g.org.id, loan_id)))


@bp.post("/loans/<int:loan_id>/repayments")
@roles_required(*GROUP_STAFF)
@documented("A repayment into the revolving fund, with an official receipt (send an Idempotency-Key header)",
            body=RepaymentInSchema, returns=RepaymentOutSchema, status=201)
def repay(loan_id: int):
    data = load_json(RepaymentInSchema())
    return respond(RepaymentOutSchema(), services.repay(
        g.org.id, loan_id, amount=data["amount"], on=data["paid_on"], cash_account=data["cash_account"],
        received_from=data.get("received_from") or "", actor_id=current_user.id,
        idempotency_key=idempotency_key()), 201)


@bp.post("/repayments/<int:repayment_id>/void")
@roles_required(*GROUP_STAFF)
@documented("Void a loan's latest repayment: its entry reversed, its receipt cancelled", body=VoidInSchema,
            returns=RepaymentOutSchema)
def void_repayment(repayment_id: int):
    data = load_json(VoidInSchema())
    return respond(RepaymentOutSchema(), services.void_repayment(g.org.id, repayment_id, on=data["on"],
                                                                 reason=data["reason"], actor_id=current_user.id))


@bp.get("/loans/aging")
@roles_required(*GROUP_READERS)
@documented("What each active capital loan owes by days past due", returns=AgingOutSchema, many=True,
            query=AsOfSchema)
def aging():
    as_of = load_query(AsOfSchema())["as_of"] or today()
    return respond(AgingOutSchema(), [{"loan_id": row.loan.id, "label": row.loan.label,
                                       "outstanding": sum(row.buckets.values()), "buckets": row.buckets}
                                      for row in services.aging(g.org.id, as_of)], many=True)


@bp.get("/outcomes")
@roles_required(*GROUP_READERS)
@documented("Counts for the donor report (women in clusters, sessions, trainings completed, coaching, loans)",
            returns=OutcomeOutSchema, query=PeriodSchema)
def outcomes():
    period = load_query(PeriodSchema())
    end = period["end"] or today()
    start = period["start"] or end.replace(month=1, day=1)
    return respond(OutcomeOutSchema(), {"start": start, "end": end,
                                        "counts": services.outcome_counts(g.org.id, start, end)})
