"""/api/v1/orgs/<org>/cases: the case flow for its assigned workers and the admin; outcomes (counts only) for
auditors and grant staff too. A case the caller may not see is a 404 like one that does not exist (audited)."""
from flask import abort, g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import roles_required
from ..timeutil import today
from ..web.forms import load_json, load_query
from . import services
from .schemas import (AgencyInSchema, AgencyOutSchema, AgencyUpdateSchema, AssessmentInSchema, AssessmentOutSchema,
                      AssignSchema, CaseBriefSchema, CatalogueEntryOutSchema, CatalogueSearchSchema, CaseInSchema, CaseListQuery, CaseOutSchema, CaseUpdateSchema,
                      FollowupDoneSchema, FollowupOutSchema, FollowupPlanSchema, LinkSchema, NamedOutSchema,
                      NameSchema, OutcomeOutSchema, OutcomeQuery, OverdueOutSchema, ProgramInSchema,
                      ReferralCloseSchema, ReferralInSchema, ReferralOutSchema, SealSchema, SessionInSchema,
                      SessionOutSchema, StatusSchema, UnassignSchema)
from .views import CASE_STAFF, OUTCOME_READERS, chosen_cuts, outcome_table

bp = blueprint("cases", __name__, "/orgs/<org>/cases")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


def _case(case) -> dict:
    out = {k: getattr(case, k) for k in CaseOutSchema().fields if hasattr(case, k)}
    out["category_ids"] = [c.id for c in services.case_categories(case.id)]
    out["worker_ids"] = [a.user_id for a in services.assignments(case.id)]
    return out


def _referral(referral) -> dict:
    out = {k: getattr(referral, k) for k in ReferralOutSchema().fields if hasattr(referral, k)}
    out["followups"] = services.followups_of(referral.case_id).get(referral.id, [])
    return out


def _full(case_id: int):
    return respond(CaseOutSchema(), _case(services.case_for(g.org.id, case_id, current_user.id)))


# ------------------------------------------------------------------ cases


@bp.get("/")
@roles_required(*CASE_STAFF)
@documented("The cases the caller may see (her assigned ones; the admin all); audited", returns=CaseBriefSchema,
            many=True, query=CaseListQuery)
def cases():
    args = load_query(CaseListQuery())
    return respond(CaseBriefSchema(), services.visible_cases(g.org.id, current_user.id, status=args["status"],
                                                             sealed=args["sealed"]), many=True)


@bp.post("/")
@roles_required(*CASE_STAFF)
@documented("Intake: open a case (the case worker who opens it is assigned)", body=CaseInSchema,
            returns=CaseOutSchema, status=201)
def open_case():
    return respond(CaseOutSchema(), _case(services.open_case(g.org.id, load_json(CaseInSchema()), current_user.id)),
                   201)


@bp.get("/<int:case_id>")
@roles_required(*CASE_STAFF)
@documented("One case (audited; 404 for a case the caller is not assigned to)", returns=CaseOutSchema)
def case(case_id: int):
    return respond(CaseOutSchema(), _case(services.view_case(g.org.id, case_id, current_user.id)))


@bp.patch("/<int:case_id>")
@roles_required(*CASE_STAFF)
@documented("Correct a case's details, categories or program", body=CaseUpdateSchema, returns=CaseOutSchema)
def update_case(case_id: int):
    return respond(CaseOutSchema(), _case(services.update_case(g.org.id, case_id, load_json(CaseUpdateSchema()),
                                                               current_user.id)))


@bp.post("/<int:case_id>/workers")
@roles_required(*CASE_STAFF)
@documented("Assign a case worker", body=AssignSchema, returns=CaseOutSchema, status=201)
def assign_worker(case_id: int):
    data = load_json(AssignSchema())
    services.assign_worker(g.org.id, case_id, data["user_id"], data["assigned_on"], current_user.id)
    return _full(case_id), 201


@bp.post("/<int:case_id>/workers/remove")
@roles_required(*CASE_STAFF)
@documented("A worker is no longer assigned (an open case keeps at least one)", body=UnassignSchema)
def unassign_worker(case_id: int):
    services.unassign_worker(g.org.id, case_id, load_json(UnassignSchema())["user_id"], current_user.id)
    return "", 204


@bp.post("/<int:case_id>/status")
@roles_required(*CASE_STAFF)
@documented("Move the case: recovery, closed or transferred (with a reason), reopened", body=StatusSchema,
            returns=CaseOutSchema)
def set_status(case_id: int):
    data = load_json(StatusSchema())
    return respond(CaseOutSchema(), _case(services.set_status(
        g.org.id, case_id, status=data["status"], on=data["on"], reason=data.get("reason"),
        agency_id=data.get("agency_id"), actor_id=current_user.id)))


@bp.get("/<int:case_id>/assessments")
@roles_required(*CASE_STAFF)
@documented("Her level-of-distress assessments, oldest first", returns=AssessmentOutSchema, many=True)
def assessments(case_id: int):
    case = services.case_for(g.org.id, case_id, current_user.id)
    return respond(AssessmentOutSchema(), services.assessments_of(case.id), many=True)


@bp.post("/<int:case_id>/assessments")
@roles_required(*CASE_STAFF)
@documented("Assess her level of distress; `certifies_ready` certifies her ready for enterprise",
            body=AssessmentInSchema, returns=AssessmentOutSchema, status=201)
def record_assessment(case_id: int):
    return respond(AssessmentOutSchema(), services.record_assessment(g.org.id, case_id, load_json(AssessmentInSchema()),
                                                                     current_user.id), 201)


@bp.get("/<int:case_id>/sessions")
@roles_required(*CASE_STAFF)
@documented("Sessions on her case, newest first", returns=SessionOutSchema, many=True)
def sessions(case_id: int):
    case = services.case_for(g.org.id, case_id, current_user.id)
    return respond(SessionOutSchema(), services.sessions_of(case.id), many=True)


@bp.post("/<int:case_id>/sessions")
@roles_required(*CASE_STAFF)
@documented("Record a session: counselling, group work, home visit, phone or text follow-up", body=SessionInSchema,
            returns=SessionOutSchema, status=201)
def record_session(case_id: int):
    return respond(SessionOutSchema(), services.record_session(g.org.id, case_id, load_json(SessionInSchema()),
                                                               current_user.id), 201)


@bp.get("/<int:case_id>/referrals")
@roles_required(*CASE_STAFF)
@documented("Referrals on her case with their follow-ups", returns=ReferralOutSchema, many=True)
def referrals(case_id: int):
    case = services.case_for(g.org.id, case_id, current_user.id)
    return respond(ReferralOutSchema(), [_referral(r) for r in services.referrals_of(case.id)], many=True)


@bp.get("/catalogue")
@roles_required(*CASE_STAFF)
@documented("The partners' catalogue of trainings and services, searched when referring (`q`: words); refer with "
            "an entry's id as `offering_id`", returns=CatalogueEntryOutSchema, many=True)
def catalogue():
    found = []
    for entry in services.catalogue(g.org.id, load_query(CatalogueSearchSchema()).get("q")):
        agency = services.agency_named(g.org.id, entry.partner)
        found.append({**entry.__dict__, "agency_id": agency.id if agency else None})
    return respond(CatalogueEntryOutSchema(), found, many=True)


@bp.post("/<int:case_id>/referrals")
@roles_required(*CASE_STAFF)
@documented("Refer her to an agency of the directory, or to a partner's service picked from the catalogue", body=ReferralInSchema, returns=ReferralOutSchema, status=201)
def refer(case_id: int):
    return respond(ReferralOutSchema(), _referral(services.refer(g.org.id, case_id, load_json(ReferralInSchema()),
                                                                 current_user.id)), 201)


@bp.post("/referrals/<int:referral_id>/followups")
@roles_required(*CASE_STAFF)
@documented("Plan a follow-up date on a referral", body=FollowupPlanSchema, returns=FollowupOutSchema, status=201)
def plan_followup(referral_id: int):
    return respond(FollowupOutSchema(), services.plan_followup(g.org.id, referral_id,
                                                               load_json(FollowupPlanSchema())["due_on"],
                                                               current_user.id), 201)


@bp.post("/followups/<int:followup_id>/done")
@roles_required(*CASE_STAFF)
@documented("Record a follow-up made, and plan the next", body=FollowupDoneSchema, returns=FollowupOutSchema)
def record_followup(followup_id: int):
    data = load_json(FollowupDoneSchema())
    return respond(FollowupOutSchema(), services.record_followup(
        g.org.id, followup_id, done_on=data["done_on"], note=data.get("note"), next_on=data.get("next_on"),
        actor_id=current_user.id))


@bp.post("/referrals/<int:referral_id>/close")
@roles_required(*CASE_STAFF)
@documented("A referral's outcome: completed, declined or cancelled", body=ReferralCloseSchema,
            returns=ReferralOutSchema)
def close_referral(referral_id: int):
    data = load_json(ReferralCloseSchema())
    return respond(ReferralOutSchema(), _referral(services.close_referral(
        g.org.id, referral_id, status=data["status"], outcome_on=data["outcome_on"], outcome=data["outcome"],
        actor_id=current_user.id)))


@bp.post("/<int:case_id>/link")
@roles_required(*CASE_STAFF)
@documented("Link her case to her grants beneficiary record, by its number", body=LinkSchema, returns=CaseOutSchema)
def link_beneficiary(case_id: int):
    return respond(CaseOutSchema(), _case(services.link_beneficiary(g.org.id, case_id, load_json(LinkSchema())[
        "beneficiary"], current_user.id)))


@bp.post("/<int:case_id>/enroll")
@roles_required(*CASE_STAFF)
@documented("She starts in the livelihood grants program (certified ready first)", returns=CaseOutSchema,
            status=201)
def enroll_in_grants(case_id: int):
    return respond(CaseOutSchema(), _case(services.enroll_in_grants(g.org.id, case_id, current_user.id)), 201)


@bp.post("/<int:case_id>/seal")
@roles_required("admin")
@documented("Seal the case: kept, hidden from everyone but the admin", body=SealSchema, returns=CaseOutSchema)
def seal(case_id: int):
    return respond(CaseOutSchema(), _case(services.seal(g.org.id, case_id, load_json(SealSchema())["sealed_on"],
                                                        current_user.id)))


@bp.post("/<int:case_id>/unseal")
@roles_required("admin")
@documented("Unseal the case", returns=CaseOutSchema)
def unseal(case_id: int):
    return respond(CaseOutSchema(), _case(services.unseal(g.org.id, case_id, current_user.id)))


@bp.get("/overdue")
@roles_required(*CASE_STAFF)
@documented("Overdue referral follow-ups on the caller's cases (the admin: all)", returns=OverdueOutSchema,
            many=True)
def overdue():
    from_today = services.overdue(g.org.id, today(), current_user.id)
    return respond(OverdueOutSchema(), [{"followup_id": o.followup.id, "referral_id": o.referral.id,
                                         "case_id": o.case.id, "case_label": o.case.label, "agency": o.agency.name,
                                         "due_on": o.followup.due_on, "days": o.days} for o in from_today], many=True)


# ------------------------------------------------------------------ directory


@bp.get("/agencies")
@roles_required(*CASE_STAFF)
@documented("The referral directory", returns=AgencyOutSchema, many=True)
def agencies():
    return respond(AgencyOutSchema(), services.agencies(g.org.id), many=True)


@bp.post("/agencies")
@roles_required(*CASE_STAFF)
@documented("Add an agency or partner to the directory", body=AgencyInSchema, returns=AgencyOutSchema, status=201)
def add_agency():
    return respond(AgencyOutSchema(), services.add_agency(g.org.id, load_json(AgencyInSchema()), current_user.id), 201)


@bp.patch("/agencies/<int:agency_id>")
@roles_required(*CASE_STAFF)
@documented("Correct an agency, or retire it (active: false)", body=AgencyUpdateSchema, returns=AgencyOutSchema)
def update_agency(agency_id: int):
    return respond(AgencyOutSchema(), services.update_agency(g.org.id, agency_id, load_json(AgencyUpdateSchema()),
                                                             current_user.id))


# ------------------------------------------------------------------ the NGO's lists (admin)


@bp.get("/categories")
@roles_required(*CASE_STAFF)
@documented("Presenting-situation categories the organization uses", returns=NamedOutSchema, many=True)
def categories():
    return respond(NamedOutSchema(), services.categories(g.org.id), many=True)


@bp.post("/categories")
@roles_required("admin")
@documented("Add a presenting-situation category", body=NameSchema, returns=NamedOutSchema, status=201)
def add_category():
    return respond(NamedOutSchema(), services.add_category(g.org.id, load_json(NameSchema())["name"],
                                                           current_user.id), 201)


@bp.get("/programs")
@roles_required(*OUTCOME_READERS)
@documented("Programs (the outcome report's cut), each with its donor fund", returns=NamedOutSchema, many=True)
def programs():
    return respond(NamedOutSchema(), services.programs(g.org.id), many=True)


@bp.post("/programs")
@roles_required("admin")
@documented("Add a program, funded by a donor fund or not", body=ProgramInSchema, returns=NamedOutSchema, status=201)
def add_program():
    data = load_json(ProgramInSchema())
    return respond(NamedOutSchema(), services.add_program(g.org.id, data["name"], data.get("fund_id"),
                                                          current_user.id), 201)


# ------------------------------------------------------------------ outcomes


@bp.get("/outcomes")
@roles_required(*OUTCOME_READERS)
@documented("Outcomes for donors by period, program and donor: counts only", returns=OutcomeOutSchema,
            query=OutcomeQuery)
def outcomes():
    args = load_query(OutcomeQuery())
    _table, found = outcome_table(g.org.id, args, chosen_cuts(g.org.id))
    return respond(OutcomeOutSchema(), {
        "start": found["start"], "end": found["end"], "program_id": args.get("program_id"),
        "fund_id": args.get("fund_id"),
        "lines": [{"key": i.key, "label": str(i.label), "count": v.count, "known": v.known, "amount": v.amount}
                  for i, v in found["lines"]]})
