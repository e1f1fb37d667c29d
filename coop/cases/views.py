"""The case pages of an NGO. A case is for its assigned workers and the admin (every look audited); anyone else,
a case worker not assigned included, gets the same 404 as for a case that does not exist, and the attempt is
kept in the audit trail. Auditors and grant staff see the outcome report only: counts, no names."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields

from ..auth.access import current_role, roles_required
from ..manifest import OutcomeFilter, plugins
from ..reports.tabular import Column, Table
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import load_form, load_query, query_args
from . import services
from .models import (AGENCY_KINDS, CLOSING_REASONS, FACILITATOR_KINDS, HOUSEHOLDS, REFERRER_KINDS, SCALES,
                     SESSION_KINDS, STATUSES)
from .schemas import (ActiveSchema, AgencyInSchema, AgencyUpdateSchema, AssessmentInSchema, AssignSchema,
                      CaseInSchema, CaseListQuery, CatalogueSearchSchema, CaseUpdateSchema, FollowupDoneSchema, FollowupPlanSchema,
                      LinkSchema, NameSchema, OutcomeQuery, ProgramInSchema, ReferralCloseSchema, ReferralInSchema,
                      SealSchema, SessionInSchema, StatusSchema, UnassignSchema, WorkerPhoneSchema)
from .words import (AGENCY_KIND_WORDS, CLOSING_WORDS, FACILITATOR_WORDS, HOUSEHOLD_WORDS, REFERRAL_STATUS_WORDS,
                    REFERRER_WORDS, SESSION_WORDS, STATUS_WORDS, scale_words)

CASE_STAFF = ("admin", "case_worker")
ADMIN = ("admin",)
OUTCOME_READERS = ("admin", "case_worker", "grant_staff", "auditor")

bp = Blueprint("cases", __name__, url_prefix="/o/<org>/cases")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


@bp.context_processor
def helpers():
    return {"is_case_admin": current_role() == "admin", "today": today(), "STATUSES": STATUSES,
            "STATUS_WORDS": STATUS_WORDS, "SESSION_WORDS": SESSION_WORDS, "HOUSEHOLD_WORDS": HOUSEHOLD_WORDS,
            "REFERRER_WORDS": REFERRER_WORDS, "CLOSING_WORDS": CLOSING_WORDS, "FACILITATOR_WORDS": FACILITATOR_WORDS,
            "AGENCY_KIND_WORDS": AGENCY_KIND_WORDS, "REFERRAL_STATUS_WORDS": REFERRAL_STATUS_WORDS,
            "SESSION_KINDS": SESSION_KINDS, "HOUSEHOLDS": HOUSEHOLDS, "REFERRER_KINDS": REFERRER_KINDS,
            "CLOSING_REASONS": CLOSING_REASONS, "FACILITATOR_KINDS": FACILITATOR_KINDS, "AGENCY_KINDS": AGENCY_KINDS,
            "word_options": lambda codes, words: [(code, words[code]) for code in codes],
            "row_options": lambda rows, attribute: [(row.id, getattr(row, attribute)) for row in rows]}


def _back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


def _to_case(case_id: int):
    return _back("cases.case", case_id=case_id)


# ------------------------------------------------------------------ cases


@bp.get("/")
@roles_required(*CASE_STAFF)
def index():
    args = load_query(CaseListQuery())
    found = services.visible_cases(g.org.id, current_user.id, status=args["status"], sealed=args["sealed"])
    return render_template("cases/index.html", cases=found, status=args["status"] or "", sealed=args["sealed"],
                           programs=services.programs(g.org.id, active_only=True),
                           categories=services.categories(g.org.id, active_only=True),
                           workers=services.workers(g.org.id))


@bp.post("/")
@roles_required(*CASE_STAFF)
def open_case():
    case = services.open_case(g.org.id, load_form(CaseInSchema()), current_user.id)
    flash(_l("Case %(label)s opened.", label=case.label))
    return _to_case(case.id)


@bp.get("/<int:case_id>")
@roles_required(*CASE_STAFF)
def case(case_id: int):
    found = services.view_case(g.org.id, case_id, current_user.id)
    workers = services.workers(g.org.id)
    search = load_query(CatalogueSearchSchema())
    picked = services.catalogue_entry(g.org.id, search["offering"]) if search.get("offering") else None
    offers = services.catalogue(g.org.id, search.get("q")) if search.get("q") is not None else []
    if picked is not None and picked.id not in {o.id for o in offers}:
        offers = [picked, *offers]
    picked_agency = services.agency_named(g.org.id, picked.partner) if picked else None
    return render_template(
        "cases/case.html", case=found, categories=services.case_categories(found.id),
        all_categories=services.categories(g.org.id, active_only=True),
        programs=services.programs(g.org.id), assigned=services.assignments(found.id),
        workers=workers, worker_names={u.id: u.display_name for u in workers},
        assessments=services.assessments_of(found.id), scale=services.scale_of(g.org.id),
        scale_range=SCALES[services.scale_of(g.org.id)], scale_words=scale_words(services.scale_of(g.org.id)),
        sessions=services.sessions_of(found.id), referrals=services.referrals_of(found.id),
        followups=services.followups_of(found.id),
        agencies={a.id: a for a in services.agencies(g.org.id)},
        active_agencies=services.agencies(g.org.id, active_only=True),
        linked=services.linked_beneficiary(g.org.id, found), catalogue_q=search.get("q") or "", offers=offers,
        picked=picked, picked_agency=picked_agency, has_catalogue=bool(plugins().service_catalogues))


@bp.post("/<int:case_id>")
@roles_required(*CASE_STAFF)
def update_case(case_id: int):
    services.update_case(g.org.id, case_id, load_form(CaseUpdateSchema()), current_user.id)
    flash(_l("Saved."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/workers")
@roles_required(*CASE_STAFF)
def assign_worker(case_id: int):
    data = load_form(AssignSchema())
    services.assign_worker(g.org.id, case_id, data["user_id"], data["assigned_on"], current_user.id)
    flash(_l("Worker assigned."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/workers/remove")
@roles_required(*CASE_STAFF)
def unassign_worker(case_id: int):
    services.unassign_worker(g.org.id, case_id, load_form(UnassignSchema())["user_id"], current_user.id)
    flash(_l("Worker no longer assigned."))
    return _to_case(case_id) if services.may_open(g.org.id, case_id, current_user.id) else _back("cases.index")


@bp.post("/<int:case_id>/status")
@roles_required(*CASE_STAFF)
def set_status(case_id: int):
    data = load_form(StatusSchema())
    services.set_status(g.org.id, case_id, status=data["status"], on=data["on"], reason=data.get("reason"),
                        agency_id=data.get("agency_id"), actor_id=current_user.id)
    flash(_l("Status changed."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/assessments")
@roles_required(*CASE_STAFF)
def record_assessment(case_id: int):
    row = services.record_assessment(g.org.id, case_id, load_form(AssessmentInSchema()), current_user.id)
    flash(_l("Certified ready for enterprise.") if row.certifies_ready else _l("Assessment recorded."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/sessions")
@roles_required(*CASE_STAFF)
def record_session(case_id: int):
    services.record_session(g.org.id, case_id, load_form(SessionInSchema()), current_user.id)
    flash(_l("Session recorded."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/referrals")
@roles_required(*CASE_STAFF)
def refer(case_id: int):
    services.refer(g.org.id, case_id, load_form(ReferralInSchema()), current_user.id)
    flash(_l("Referral recorded."))
    return _to_case(case_id)


@bp.post("/referrals/<int:referral_id>/followups")
@roles_required(*CASE_STAFF)
def plan_followup(referral_id: int):
    row = services.plan_followup(g.org.id, referral_id, load_form(FollowupPlanSchema())["due_on"], current_user.id)
    flash(_l("Follow-up planned."))
    return _to_case(row.case_id)


@bp.post("/followups/<int:followup_id>/done")
@roles_required(*CASE_STAFF)
def record_followup(followup_id: int):
    data = load_form(FollowupDoneSchema())
    row = services.record_followup(g.org.id, followup_id, done_on=data["done_on"], note=data.get("note"),
                                   next_on=data.get("next_on"), actor_id=current_user.id)
    flash(_l("Follow-up recorded."))
    return _to_case(row.case_id)


@bp.post("/referrals/<int:referral_id>/close")
@roles_required(*CASE_STAFF)
def close_referral(referral_id: int):
    data = load_form(ReferralCloseSchema())
    row = services.close_referral(g.org.id, referral_id, status=data["status"], outcome_on=data["outcome_on"],
                                  outcome=data["outcome"], actor_id=current_user.id)
    flash(_l("Referral closed."))
    return _to_case(row.case_id)


@bp.post("/<int:case_id>/link")
@roles_required(*CASE_STAFF)
def link_beneficiary(case_id: int):
    services.link_beneficiary(g.org.id, case_id, load_form(LinkSchema())["beneficiary"], current_user.id)
    flash(_l("Linked to her grants record."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/enroll")
@roles_required(*CASE_STAFF)
def enroll_in_grants(case_id: int):
    services.enroll_in_grants(g.org.id, case_id, current_user.id)
    flash(_l("She is now a beneficiary of the livelihood grants program."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/seal")
@roles_required(*ADMIN)
def seal(case_id: int):
    services.seal(g.org.id, case_id, load_form(SealSchema())["sealed_on"], current_user.id)
    flash(_l("Case sealed: kept, and hidden from everyone but the administrator."))
    return _to_case(case_id)


@bp.post("/<int:case_id>/unseal")
@roles_required(*ADMIN)
def unseal(case_id: int):
    services.unseal(g.org.id, case_id, current_user.id)
    flash(_l("Case unsealed."))
    return _to_case(case_id)


# ------------------------------------------------------------------ overdue follow-ups


@bp.get("/overdue")
@roles_required(*CASE_STAFF)
def overdue():
    return render_template("cases/overdue.html", rows=services.overdue(g.org.id, today(), current_user.id))


# ------------------------------------------------------------------ the referral directory


@bp.get("/agencies")
@roles_required(*CASE_STAFF)
def agencies():
    return render_template("cases/agencies.html", agencies=services.agencies(g.org.id))


@bp.post("/agencies")
@roles_required(*CASE_STAFF)
def add_agency():
    services.add_agency(g.org.id, load_form(AgencyInSchema()), current_user.id)
    flash(_l("Agency added to the directory."))
    return _back("cases.agencies")


@bp.post("/agencies/<int:agency_id>")
@roles_required(*CASE_STAFF)
def update_agency(agency_id: int):
    services.update_agency(g.org.id, agency_id, load_form(AgencyUpdateSchema()), current_user.id)
    flash(_l("Saved."))
    return _back("cases.agencies")


# ------------------------------------------------------------------ the NGO's lists (admin)


@bp.get("/setup")
@roles_required(*ADMIN)
def setup():
    return render_template("cases/setup.html", categories=services.categories(g.org.id),
                           programs=services.programs(g.org.id), funds={f.id: f for f in services.funds(g.org.id)},
                           workers=services.texted_staff(g.org.id), phones=services.worker_phones(g.org.id))


@bp.post("/setup/categories")
@roles_required(*ADMIN)
def add_category():
    services.add_category(g.org.id, load_form(NameSchema())["name"], current_user.id)
    return _back("cases.setup")


@bp.post("/setup/categories/<int:category_id>")
@roles_required(*ADMIN)
def set_category_active(category_id: int):
    services.set_category_active(g.org.id, category_id, load_form(ActiveSchema())["active"], current_user.id)
    return _back("cases.setup")


@bp.post("/setup/programs")
@roles_required(*ADMIN)
def add_program():
    data = load_form(ProgramInSchema())
    services.add_program(g.org.id, data["name"], data.get("fund_id"), current_user.id)
    return _back("cases.setup")


@bp.post("/setup/phones")
@roles_required(*ADMIN)
def set_worker_phone():
    data = load_form(WorkerPhoneSchema())
    services.set_worker_phone(g.org.id, data["user_id"], data.get("mobile"), current_user.id)
    flash(_l("Saved."))
    return _back("cases.setup")


# ------------------------------------------------------------------ outcomes for donors (no names)


def chosen_cuts(org_id: int) -> list[tuple[OutcomeFilter, int, str]]:
    """Other packages' filters chosen in the query string: (the filter, the chosen id, its label)."""
    chosen = []
    args = query_args()
    for cut in plugins().outcome_filters:
        if cut.key in args:
            value = fields.Integer(strict=False).deserialize(args[cut.key], cut.key, args)
            label = dict(cut.options(org_id)).get(value)
            if label is None:
                abort(404)
            chosen.append((cut, value, label))
    return chosen


def outcome_table(org_id: int, args: dict, cuts: list[tuple[OutcomeFilter, int, str]]) -> tuple[Table, dict]:
    end = args.get("end") or today()
    start = args.get("start") or date(end.year, 1, 1)
    program = services.get_program(org_id, args["program_id"]) if args.get("program_id") else None
    funds = {f.id: f for f in services.funds(org_id)}
    if args.get("fund_id") and args["fund_id"] not in funds:
        abort(404)
    kept = None
    for cut, value, _label in cuts:
        kept = cut.women(org_id, value) if kept is None else kept & cut.women(org_id, value)
    scope = services.scope_for(org_id, start, end, program_id=program.id if program else None,
                               fund_id=args.get("fund_id"), kept=kept)
    lines = services.outcome_lines(scope)
    cut_words = [str(_l("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()))]
    if program:
        cut_words.append(str(_l("program: %(name)s", name=program.name)))
    if args.get("fund_id"):
        cut_words.append(str(_l("donor: %(name)s", name=funds[args["fund_id"]].donor_name)))
    cut_words += [f"{cut.label}: {label}" for cut, _value, label in cuts]
    table = Table(
        title=str(_l("Outcomes for donors")), subtitle="; ".join(cut_words),
        columns=(Column("indicator", str(_l("Indicator"))), Column("count", str(_l("Count")), "number"),
                 Column("known", str(_l("Of those known")), "number"), Column("amount", str(_l("Amount")), "money")),
        rows=tuple((str(i.label), v.count, v.known, v.amount) for i, v in lines),
        notes=(str(_l("Counts only: no name, no number of any woman. Sealed cases are counted, never shown.")),))
    return table, {"start": start, "end": end, "lines": lines}


@bp.get("/outcomes")
@roles_required(*OUTCOME_READERS)
def outcomes():
    args = load_query(OutcomeQuery())
    cuts = chosen_cuts(g.org.id)
    table, found = outcome_table(g.org.id, args, cuts)
    if args["format"] != "html":
        return deliver(table, args["format"], f"outcomes-{found['start']}-{found['end']}")
    return render_template("cases/outcomes.html", table=table, start=found["start"], end=found["end"],
                           program_id=args.get("program_id"), fund_id=args.get("fund_id"),
                           programs=services.programs(g.org.id), funds=services.funds(g.org.id),
                           filters=[(cut, cut.options(g.org.id)) for cut in plugins().outcome_filters],
                           chosen={cut.key: value for cut, value, _label in cuts})
