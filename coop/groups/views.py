"""The groups pages of an NGO: clusters and group work, trainings and coaching, the partners' catalogue,
capital loans. Pages naming women are for grant staff and admins (every look audited); a peer counselor sees her
own cluster's attendance only; auditors see loans by number, the aging and the counts."""
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import services as auth
from ..auth.access import current_role, roles_required
from ..grants import services as grants
from ..ledger import services as ledger
from ..receipts import services as receipts
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from . import reports, services
from .models import CLUSTER_KINDS, GROUP_MODULES, MEMBER_ROLES, OFFERING_KINDS
from .schemas import (
    AsOfSchema,
    AttendanceInSchema,
    CatalogueQuerySchema,
    ClusterInSchema,
    CoachingInSchema,
    CompletionInSchema,
    DayInSchema,
    EnrollInSchema,
    EnterpriseInSchema,
    LinkMoaSchema,
    MemberInSchema,
    OfferingInSchema,
    PeriodSchema,
    ProgramInSchema,
    RepaymentInSchema,
    SessionInSchema,
    VoidInSchema,
)
from .words import KIND_WORDS, MODULE_WORDS, OFFERING_WORDS, ROLE_WORDS, STATUS_WORDS

GROUP_STAFF = ("admin", "grant_staff")
GROUP_READERS = ("admin", "grant_staff", "auditor")
PEER = ("peer_counselor",)
CATALOGUE_READERS = ("admin", "grant_staff", "auditor", "peer_counselor")

bp = Blueprint("groups", __name__, url_prefix="/o/<org>/groups")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


@bp.context_processor
def helpers():
    return {"is_group_staff": current_role() in GROUP_STAFF, "MODULES": GROUP_MODULES, "KINDS": CLUSTER_KINDS,
            "ROLES": MEMBER_ROLES, "OFFERING_KINDS": OFFERING_KINDS, "module_word": MODULE_WORDS.get,
            "kind_word": KIND_WORDS.get, "role_word": ROLE_WORDS.get, "offering_word": OFFERING_WORDS.get,
            "status_word": STATUS_WORDS.get, "today": today()}


def _back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


def _staff_choices() -> list[tuple[int, str]]:
    return [(user.id, user.display_name) for user, role in auth.users_of(g.org.id) if role in GROUP_STAFF]


def _women() -> list[tuple[int, str]]:
    return [(b.id, f"{b.label} {b.name}") for b in grants.list_beneficiaries(g.org.id, current_user.id)]


# ------------------------------------------------------------------ clusters


@bp.get("/")
@roles_required(*GROUP_STAFF)
def index():
    clusters = services.list_clusters(g.org.id)
    return render_template("groups/index.html", clusters=clusters,
                           sizes={c.id: services.headcount(c.id) for c in clusters}, staff=_staff_choices())


@bp.post("/clusters")
@roles_required(*GROUP_STAFF)
def add_cluster():
    cluster = services.add_cluster(g.org.id, load_form(ClusterInSchema()), current_user.id)
    flash(_l("Cluster %(label)s formed.", label=cluster.label))
    return _back("groups.cluster", cluster_id=cluster.id)


@bp.get("/clusters/<int:cluster_id>")
@roles_required(*GROUP_STAFF)
def cluster(cluster_id: int):
    roster = services.view_cluster(g.org.id, cluster_id, current_user.id)
    peers = [(user.id, user.display_name) for user, role in auth.users_of(g.org.id) if role == "peer_counselor"]
    return render_template("groups/cluster.html", **roster, women=_women(), peers=peers,
                           staff=dict(_staff_choices()), funding=services.funding_of(g.org.id, cluster_id),
                           moas=[m for m in grants.open_moas(g.org.id) if not m.released_total])


@bp.post("/clusters/<int:cluster_id>/members")
@roles_required(*GROUP_STAFF)
def add_member(cluster_id: int):
    services.add_member(g.org.id, cluster_id, load_form(MemberInSchema()), current_user.id)
    flash(_l("Added to the cluster."))
    return _back("groups.cluster", cluster_id=cluster_id)


@bp.post("/clusters/<int:cluster_id>/sessions")
@roles_required(*GROUP_STAFF)
def record_session(cluster_id: int):
    services.record_session(g.org.id, cluster_id, load_form(SessionInSchema()), current_user.id)
    flash(_l("Session and attendance recorded."))
    return _back("groups.cluster", cluster_id=cluster_id)


@bp.post("/clusters/<int:cluster_id>/enterprises")
@roles_required(*GROUP_STAFF)
def add_enterprise(cluster_id: int):
    services.add_enterprise(g.org.id, cluster_id, load_form(EnterpriseInSchema()), current_user.id)
    flash(_l("Enterprise added."))
    return _back("groups.cluster", cluster_id=cluster_id)


@bp.post("/enterprises/<int:enterprise_id>/moa")
@roles_required(*GROUP_STAFF)
def link_moa(enterprise_id: int):
    enterprise = services.link_moa(g.org.id, enterprise_id, load_form(LinkMoaSchema())["moa_id"], current_user.id)
    flash(_l("The MOA now funds the group's enterprise."))
    return _back("groups.cluster", cluster_id=enterprise.cluster_id)


@bp.get("/mine")
@roles_required(*PEER)
def mine():
    return render_template("groups/mine.html", clusters=services.clusters_of_peer(g.org.id, current_user.id))


@bp.get("/mine/<int:cluster_id>")
@roles_required(*PEER)
def my_cluster(cluster_id: int):
    roster = services.peer_attendance(g.org.id, cluster_id, current_user.id)
    return render_template("groups/attendance.html", **roster)


# ------------------------------------------------------------------ trainings and coaching


@bp.get("/trainings")
@roles_required(*GROUP_STAFF)
def trainings():
    return render_template("groups/trainings.html", programs=services.list_programs(g.org.id))


@bp.post("/trainings")
@roles_required(*GROUP_STAFF)
def add_program():
    program = services.add_program(g.org.id, load_form(ProgramInSchema()), current_user.id)
    flash(_l("Training program added."))
    return _back("groups.program", program_id=program.id)


@bp.get("/trainings/<int:program_id>")
@roles_required(*GROUP_STAFF)
def program(program_id: int):
    found = services.get_program(g.org.id, program_id)
    enrollments = services.enrollments_of(found.id)
    women = _women()
    return render_template("groups/program.html", program=found, days=services.days_of(found.id),
                           enrollments=enrollments, attendance=services.attendance_by_day(found.id), women=women,
                           names=dict(women))


@bp.post("/trainings/<int:program_id>/days")
@roles_required(*GROUP_STAFF)
def add_day(program_id: int):
    services.add_day(g.org.id, program_id, load_form(DayInSchema()), current_user.id)
    flash(_l("Training day added."))
    return _back("groups.program", program_id=program_id)


@bp.post("/trainings/<int:program_id>/enrollments")
@roles_required(*GROUP_STAFF)
def enroll(program_id: int):
    services.enroll(g.org.id, program_id, load_form(EnrollInSchema()), current_user.id)
    flash(_l("Enrolled."))
    return _back("groups.program", program_id=program_id)


@bp.post("/trainings/<int:program_id>/attendance")
@roles_required(*GROUP_STAFF)
def record_attendance(program_id: int):
    data = load_form(AttendanceInSchema())
    services.record_attendance(g.org.id, program_id, data["day_id"], data["present"], current_user.id)
    flash(_l("Attendance recorded."))
    return _back("groups.program", program_id=program_id)


@bp.post("/enrollments/<int:enrollment_id>/completion")
@roles_required(*GROUP_STAFF)
def complete(enrollment_id: int):
    enrollment = services.complete(g.org.id, enrollment_id, load_form(CompletionInSchema())["completed_on"],
                                   current_user.id)
    flash(_l("Training completed."))
    return _back("groups.program", program_id=enrollment.program_id)


@bp.post("/enrollments/<int:enrollment_id>/drop")
@roles_required(*GROUP_STAFF)
def drop(enrollment_id: int):
    enrollment = services.drop(g.org.id, enrollment_id, current_user.id)
    flash(_l("Marked as dropped."))
    return _back("groups.program", program_id=enrollment.program_id)


@bp.get("/coaching")
@roles_required(*GROUP_STAFF)
def coaching():
    women = _women()
    return render_template("groups/coaching.html", sessions=services.coaching_list(g.org.id), women=women,
                           names=dict(women), staff=_staff_choices())


@bp.post("/coaching")
@roles_required(*GROUP_STAFF)
def add_coaching():
    services.add_coaching(g.org.id, load_form(CoachingInSchema()), current_user.id)
    flash(_l("Coaching session recorded."))
    return _back("groups.coaching")


# ------------------------------------------------------------------ the partners' catalogue


@bp.get("/catalogue")
@roles_required(*CATALOGUE_READERS)
def catalogue():
    query = load_query(CatalogueQuerySchema())
    return render_template("groups/catalogue.html", offerings=services.search_catalogue(
        g.org.id, query["q"], query["kind"], include_inactive=current_role() in GROUP_STAFF), query=query)


@bp.post("/catalogue")
@roles_required(*GROUP_STAFF)
def add_offering():
    services.add_offering(g.org.id, load_form(OfferingInSchema()), current_user.id)
    flash(_l("Added to the catalogue."))
    return _back("groups.catalogue")


@bp.post("/catalogue/<int:offering_id>/active")
@roles_required(*GROUP_STAFF)
def toggle_offering(offering_id: int):
    found = services.get_offering(g.org.id, offering_id)
    services.set_offering_active(g.org.id, offering_id, not found.active, current_user.id)
    flash(_l("Saved."))
    return _back("groups.catalogue")


# ------------------------------------------------------------------ capital loans


@bp.get("/loans")
@roles_required(*GROUP_READERS)
def loans():
    found = services.list_loans(g.org.id)
    return render_template("groups/loans.html", loans=found, fund=services.revolving_fund(g.org.id),
                           debtors={loan.id: reports.debtor_label(g.org.id, loan) for loan in found})


@bp.get("/loans/<int:loan_id>")
@roles_required(*GROUP_READERS)
def loan(loan_id: int):
    found = services.get_loan(g.org.id, loan_id)
    return render_template("groups/loan.html", loan=found, debtor=reports.debtor_label(g.org.id, found),
                           installments=services.installments_of(found.id),
                           repayments=[(r, receipts.get(g.org.id, r.receipt_id).number)
                                       for r in services.repayments_of(found.id)],
                           cash_accounts=ledger.cash_accounts(g.org.id))


@bp.post("/loans/<int:loan_id>/repayments")
@roles_required(*GROUP_STAFF)
def repay(loan_id: int):
    data = load_form(RepaymentInSchema())
    repayment = services.repay(g.org.id, loan_id, amount=data["amount"], on=data["paid_on"],
                               cash_account=data["cash_account"], received_from=data.get("received_from") or "",
                               actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Repayment posted; official receipt no. %(number)s issued.",
             number=receipts.get(g.org.id, repayment.receipt_id).number))
    return _back("groups.loan", loan_id=loan_id)


@bp.post("/repayments/<int:repayment_id>/void")
@roles_required(*GROUP_STAFF)
def void_repayment(repayment_id: int):
    data = load_form(VoidInSchema())
    repayment = services.void_repayment(g.org.id, repayment_id, on=data["on"], reason=data["reason"],
                                        actor_id=current_user.id)
    flash(_l("Repayment voided: its entry reversed and its receipt cancelled."))
    return _back("groups.loan", loan_id=repayment.loan_id)


@bp.get("/reports/aging")
@roles_required(*GROUP_READERS)
def aging():
    query = load_query(AsOfSchema())
    as_of = query["as_of"] or today()
    return deliver(reports.aging_table(g.org.id, as_of), query["format"],
                   f"capital-loan-aging-{as_of}", date_filter="as_of", as_of=as_of)


@bp.get("/reports/outcomes")
@roles_required(*GROUP_READERS)
def outcomes():
    period = load_query(PeriodSchema())
    end = period["end"] or today()
    start = period["start"] or date(end.year, 1, 1)
    return deliver(reports.outcomes_table(g.org.id, start, end), period["format"],
                   f"groups-outcomes-{start}-{end}", date_filter="range", start=start, end=end)
