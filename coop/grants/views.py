"""The grants pages of an NGO. Pages naming a woman are for grant staff and admins only, and every look is audited."""
from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import current_role, roles_required
from ..ledger.schemas import CloseYearSchema, ReopenYearSchema
from ..money import to_pesos_text
from ..reports.tabular import Table
from ..reports.schemas import YearSchema
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from . import reports, services
from .models import CONDITIONS, DECISIONS, OUTCOMES
from .pdf import condition_text, moa_pdf
from .schemas import (
    BeneficiaryInSchema,
    BeneficiaryUpdateSchema,
    ClosingSchema,
    FundInSchema,
    MoaInSchema,
    MonitoringInSchema,
    PlanInSchema,
    PlanUpdateSchema,
    PurchaseInSchema,
    ReadinessSchema,
    ReceiptInSchema,
    ReleaseRequestSchema,
    ReviewInSchema,
    SigningSchema,
    VoidMoaSchema,
    TrainingInSchema,
    TrancheInSchema,
)

GRANT_STAFF = ("admin", "grant_staff")
GRANT_READERS = ("admin", "grant_staff", "auditor")

bp = Blueprint("grants", __name__, url_prefix="/o/<org>/grants")


@bp.before_request
def ngo_only():
    if g.get("org") is None or g.org.kind != "ngo":
        abort(404)


@bp.context_processor
def helpers():
    return {"is_grant_staff": current_role() in GRANT_STAFF, "condition_text": condition_text, "pesos": to_pesos_text,
            "CONDITIONS": CONDITIONS, "DECISIONS": DECISIONS, "OUTCOMES": OUTCOMES, "today": today()}


def _load_with_rows(schema, target: str, columns: tuple[str, ...]) -> dict:
    """A form with repeated rows (item[], amount[]): rows are kept by position, a row whose first box is empty is
    left out, then the one schema loads the whole thing as it would a JSON body."""
    data = {key: value.strip() for key, value in request.form.items()
            if not key.endswith("[]") and key not in ("csrf_token", "idempotency_key") and value.strip()}
    lists = [request.form.getlist(f"{column}[]") for column in columns]
    data[target] = [{c: v.strip() for c, v in zip(columns, row) if v.strip()} for row in zip(*lists)
                    if row[0].strip()]
    return schema.load(data)


def _back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


# ------------------------------------------------------------------ overview


@bp.get("/")
@roles_required(*GRANT_READERS)
def index():
    on = today()
    staff = current_role() in GRANT_STAFF
    return render_template(
        "grants/index.html", funds=[(f, services.fund_position(f)) for f in services.list_funds(g.org.id)],
        pending=services.pending_approvals(g.org.id) if staff else [],
        followups=services.open_followups(g.org.id) if staff else [],
        moas={m.id: m for m in services.open_moas(g.org.id)},
        tranches_due=services.tranches_due(g.org.id, on, 30) if staff else [],
        monitoring_due=services.monitoring_due(g.org.id, on, 7) if staff else [])


# ------------------------------------------------------------------ beneficiaries


@bp.get("/beneficiaries")
@roles_required(*GRANT_STAFF)
def beneficiaries():
    query = request.args.get("q", "").strip() or None
    found = services.list_beneficiaries(g.org.id, current_user.id, query)
    return render_template("grants/beneficiaries.html", beneficiaries=found, query=query or "",
                           stages={b.id: services.stage_of(g.org.id, b) for b in found})


@bp.post("/beneficiaries")
@roles_required(*GRANT_STAFF)
def add_beneficiary():
    beneficiary = services.add_beneficiary(g.org.id, load_form(BeneficiaryInSchema()), current_user.id)
    flash(_l("%(label)s added.", label=beneficiary.label))
    return _back("grants.beneficiary", beneficiary_id=beneficiary.id)


@bp.get("/beneficiaries/<int:beneficiary_id>")
@roles_required(*GRANT_STAFF)
def beneficiary(beneficiary_id: int):
    found = services.view_beneficiary(g.org.id, beneficiary_id, current_user.id)
    moas = services.moas_of(g.org.id, found.id)
    return render_template("grants/beneficiary.html", b=found, trainings=services.trainings_of(g.org.id, found.id),
                           ready=services.readiness(g.org.id, found),
                           plans=services.plans_of(g.org.id, found.id), moas=moas,
                           stage=services.stage_of(g.org.id, found))


@bp.post("/beneficiaries/<int:beneficiary_id>")
@roles_required(*GRANT_STAFF)
def update_beneficiary(beneficiary_id: int):
    services.update_beneficiary(g.org.id, beneficiary_id, load_form(BeneficiaryUpdateSchema()), current_user.id)
    flash(_l("Saved."))
    return _back("grants.beneficiary", beneficiary_id=beneficiary_id)


@bp.post("/beneficiaries/<int:beneficiary_id>/readiness")
@roles_required(*GRANT_STAFF)
def certify_ready(beneficiary_id: int):
    data = load_form(ReadinessSchema())
    services.certify_ready(g.org.id, beneficiary_id, on=data["ready_on"], note=data["note"], actor_id=current_user.id)
    flash(_l("Certified ready for economic reintegration."))
    return _back("grants.beneficiary", beneficiary_id=beneficiary_id)


@bp.post("/beneficiaries/<int:beneficiary_id>/trainings")
@roles_required(*GRANT_STAFF)
def add_training(beneficiary_id: int):
    services.add_training(g.org.id, beneficiary_id, load_form(TrainingInSchema()), current_user.id)
    flash(_l("Training recorded."))
    return _back("grants.beneficiary", beneficiary_id=beneficiary_id)


@bp.get("/beneficiaries/<int:beneficiary_id>/file")
@roles_required(*GRANT_STAFF)
def beneficiary_file(beneficiary_id: int):
    found = services.view_beneficiary(g.org.id, beneficiary_id, current_user.id)
    fmt = request.args.get("format", "html")
    return deliver(reports.beneficiary_file_table(g.org.id, found), fmt, f"grant-file-{found.label}")


# ------------------------------------------------------------------ business plans


@bp.get("/beneficiaries/<int:beneficiary_id>/plans/new")
@roles_required(*GRANT_STAFF)
def new_plan(beneficiary_id: int):
    found = services.view_beneficiary(g.org.id, beneficiary_id, current_user.id)
    return render_template("grants/plan.html", b=found, plan=None, lines=[], review=None, moa=None,
                           bounds=services.bounds(g.org.id))


@bp.post("/beneficiaries/<int:beneficiary_id>/plans")
@roles_required(*GRANT_STAFF)
def create_plan(beneficiary_id: int):
    plan = services.create_plan(g.org.id, beneficiary_id, _load_with_rows(PlanInSchema(), "lines", ("item", "amount")),
                               current_user.id)
    flash(_l("Plan %(label)s saved as a draft.", label=plan.label))
    return _back("grants.plan", plan_id=plan.id)


@bp.get("/plans/<int:plan_id>")
@roles_required(*GRANT_STAFF)
def plan(plan_id: int):
    found = services.get_plan(g.org.id, plan_id)
    return render_template("grants/plan.html", plan=found, lines=services.plan_lines(found.id),
                           b=services.view_beneficiary(g.org.id, found.beneficiary_id, current_user.id),
                           review=services.review_of(found.id), moa=services.moa_of_plan(found.id),
                           funds=[(f, services.fund_position(f)) for f in services.list_funds(g.org.id)],
                           bounds=services.bounds(g.org.id))


@bp.post("/plans/<int:plan_id>")
@roles_required(*GRANT_STAFF)
def update_plan(plan_id: int):
    services.update_plan(g.org.id, plan_id, _load_with_rows(PlanUpdateSchema(), "lines", ("item", "amount")),
                         current_user.id)
    flash(_l("Draft saved."))
    return _back("grants.plan", plan_id=plan_id)


@bp.post("/plans/<int:plan_id>/submit")
@roles_required(*GRANT_STAFF)
def submit_plan(plan_id: int):
    services.submit_plan(g.org.id, plan_id, current_user.id)
    flash(_l("Plan submitted for review; it can no longer be changed."))
    return _back("grants.plan", plan_id=plan_id)


@bp.post("/plans/<int:plan_id>/review")
@roles_required(*GRANT_STAFF)
def review_plan(plan_id: int):
    review = services.review_plan(g.org.id, plan_id, load_form(ReviewInSchema()), current_user.id)
    flash(_l("Review saved: %(decision)s.", decision=review.decision))
    return _back("grants.plan", plan_id=plan_id)


@bp.post("/plans/<int:plan_id>/moa")
@roles_required(*GRANT_STAFF)
def draft_moa(plan_id: int):
    data = _load_with_rows(MoaInSchema(), "tranches", ("amount", "planned_on", "condition"))
    moa = services.draft_moa(g.org.id, plan_id, fund_id=data["fund_id"], centre_signatory=data["centre_signatory"],
                             centre_role=data.get("centre_role"), tranches=data["tranches"], actor_id=current_user.id)
    flash(_l("%(label)s drafted.", label=moa.label))
    return _back("grants.moa", moa_id=moa.id)


# ------------------------------------------------------------------ MOA, tranches, purchases, monitoring


@bp.get("/moas/<int:moa_id>")
@roles_required(*GRANT_STAFF)
def moa(moa_id: int):
    found = services.get_moa(g.org.id, moa_id)
    tranches = services.tranches_of(found.id)
    holder = services.record_holder(g.org.id, found.id)
    return render_template(
        "grants/moa.html", holder=holder,
        group_women=[services.get_beneficiary(g.org.id, b) for b in holder.members] if holder else [], moa=found, b=services.view_beneficiary(g.org.id, found.beneficiary_id, current_user.id),
        plan=services.get_plan(g.org.id, found.plan_id), fund=services.get_fund(g.org.id, found.fund_id),
        tranches=tranches, blockers={t.id: services.release_blocker(g.org.id, found, t) for t in tranches},
        purchases={t.id: services.purchases_of(t.id) for t in tranches},
        schedule=services.monitoring_schedule(g.org.id, found), scheduled=sum(t.amount for t in tranches))


@bp.get("/moas/<int:moa_id>/pdf")
@roles_required(*GRANT_STAFF)
def moa_document(moa_id: int):
    found = services.get_moa(g.org.id, moa_id)
    plan_row = services.get_plan(g.org.id, found.plan_id)
    pdf = moa_pdf(organization=g.org.name, moa=found, plan=plan_row, lines=services.plan_lines(plan_row.id),
                  beneficiary=services.view_beneficiary(g.org.id, found.beneficiary_id, current_user.id),
                  fund=services.get_fund(g.org.id, found.fund_id), tranches=services.tranches_of(found.id),
                  monitoring_months=services.monitoring_months(g.org.id))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{found.label}.pdf"'})


@bp.post("/moas/<int:moa_id>/tranches")
@roles_required(*GRANT_STAFF)
def add_tranche(moa_id: int):
    data = load_form(TrancheInSchema())
    services.add_tranche(g.org.id, moa_id, actor_id=current_user.id, **data)
    return _back("grants.moa", moa_id=moa_id)


@bp.post("/moas/<int:moa_id>/tranches/remove-last")
@roles_required(*GRANT_STAFF)
def remove_last_tranche(moa_id: int):
    services.remove_last_tranche(g.org.id, moa_id, current_user.id)
    return _back("grants.moa", moa_id=moa_id)


@bp.post("/moas/<int:moa_id>/sign")
@roles_required(*GRANT_STAFF)
def sign_moa(moa_id: int):
    data = load_form(SigningSchema())
    found = services.sign_moa(g.org.id, moa_id, on=data["signed_on"], actor_id=current_user.id)
    flash(_l("%(label)s is signed.", label=found.label))
    return _back("grants.moa", moa_id=moa_id)


@bp.post("/moas/<int:moa_id>/void")
@roles_required(*GRANT_STAFF)
def void_moa(moa_id: int):
    data = load_form(VoidMoaSchema())
    found = services.void_moa(g.org.id, moa_id, on=data["voided_on"], reason=data["reason"],
                              actor_id=current_user.id)
    flash(_l("%(label)s is void; draft the plan's MOA again.", label=found.label))
    return _back("grants.plan", plan_id=found.plan_id)


@bp.post("/tranches/<int:tranche_id>/request")
@roles_required(*GRANT_STAFF)
def request_release(tranche_id: int):
    data = load_form(ReleaseRequestSchema())
    tranche = services.request_release(g.org.id, tranche_id, on=data["release_on"], actor_id=current_user.id)
    flash(_l("Release of tranche %(seq)s asked for; a second staff member approves it.", seq=tranche.seq))
    return _back("grants.moa", moa_id=tranche.moa_id)


@bp.post("/tranches/<int:tranche_id>/approve")
@roles_required(*GRANT_STAFF)
def approve_release(tranche_id: int):
    tranche = services.approve_release(g.org.id, tranche_id, actor_id=current_user.id,
                                       idempotency_key=idempotency_key())
    flash(_l("Tranche %(seq)s released (journal entry %(entry)s).", seq=tranche.seq, entry=tranche.entry_id))
    return _back("grants.moa", moa_id=tranche.moa_id)


@bp.post("/tranches/<int:tranche_id>/withdraw")
@roles_required(*GRANT_STAFF)
def withdraw_request(tranche_id: int):
    tranche = services.withdraw_request(g.org.id, tranche_id, current_user.id)
    return _back("grants.moa", moa_id=tranche.moa_id)


@bp.post("/tranches/<int:tranche_id>/purchases")
@roles_required(*GRANT_STAFF)
def add_purchase(tranche_id: int):
    purchase = services.add_purchase(g.org.id, tranche_id, load_form(PurchaseInSchema()), current_user.id)
    flash(_l("Purchase recorded."))
    return _back("grants.moa", moa_id=services.get_tranche(g.org.id, purchase.tranche_id).moa_id)


@bp.post("/moas/<int:moa_id>/monitoring")
@roles_required(*GRANT_STAFF)
def record_monitoring(moa_id: int):
    report = services.record_monitoring(g.org.id, moa_id, load_form(MonitoringInSchema()), current_user.id)
    flash(_l("Month %(n)s recorded.", n=report.month_no))
    return _back("grants.moa", moa_id=moa_id)


@bp.post("/moas/<int:moa_id>/close")
@roles_required(*GRANT_STAFF)
def close_moa(moa_id: int):
    data = load_form(ClosingSchema())
    services.close_moa(g.org.id, moa_id, outcome=data["outcome"], note=data["note"], on=data["closed_on"],
                       actor_id=current_user.id)
    flash(_l("Grant closed."))
    return _back("grants.moa", moa_id=moa_id)


# ------------------------------------------------------------------ donor funds


@bp.get("/funds")
@roles_required(*GRANT_READERS)
def funds():
    return render_template("grants/funds.html",
                           funds=[(f, services.fund_position(f)) for f in services.list_funds(g.org.id)])


@bp.post("/funds")
@roles_required(*GRANT_STAFF)
def add_fund():
    data = load_form(FundInSchema())
    fund = services.add_fund(g.org.id, data["donor_name"], data.get("purpose"), current_user.id)
    flash(_l("Fund %(label)s opened.", label=fund.label))
    return _back("grants.fund", fund_id=fund.id)


@bp.get("/funds/<int:fund_id>")
@roles_required(*GRANT_READERS)
def fund(fund_id: int):
    found = services.get_fund(g.org.id, fund_id)
    return render_template("grants/fund.html", fund=found, position=services.fund_position(found),
                           receipts=services.receipts_of(g.org.id, found.id))


@bp.post("/funds/<int:fund_id>/receipts")
@roles_required(*GRANT_STAFF)
def receive(fund_id: int):
    data = load_form(ReceiptInSchema())
    services.receive(g.org.id, fund_id, on=data["received_on"], amount=data["amount"], reference=data.get("reference"),
                     actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Money received and posted."))
    return _back("grants.fund", fund_id=fund_id)


# ------------------------------------------------------------------ the year's closing into net assets


@bp.get("/year-end")
@roles_required(*GRANT_READERS)
def year_end():
    requests = services.pending_requests(g.org.id)
    asked = {row.payload.get("year") for row in requests if row.kind == services.KIND_CLOSE}
    years = services.closed_years(g.org.id)
    return render_template("grants/year_end.html", years=years,
                           closable_options=[(year, year) for year in services.closable_years(g.org.id)
                                             if year not in asked],
                           closed_options=[(year, year) for year, entry in years if entry is not None],
                           requests=requests)


@bp.post("/year-end/close")
@roles_required(*GRANT_STAFF)
def request_close():
    data = load_form(CloseYearSchema())
    services.ask_to_close(g.org.id, data["year"], actor_id=current_user.id)
    flash(_l("Closing of %(year)s asked for: another staff member approves it.", year=data["year"]))
    return redirect(url_for("grants.year_end"), code=303)


@bp.post("/year-end/reopen")
@roles_required(*GRANT_STAFF)
def request_reopen():
    data = load_form(ReopenYearSchema())
    services.ask_to_reopen(g.org.id, data["year"], reason=data["reason"], actor_id=current_user.id)
    flash(_l("Reopening of %(year)s asked for: another staff member approves it.", year=data["year"]))
    return redirect(url_for("grants.year_end"), code=303)


# ------------------------------------------------------------------ reports (no personal data)

@dataclass(frozen=True)
class GrantReport:
    build: Callable[[int, date], Table]  # (org_id, on) -> the table
    filename: str


REPORTS = {
    "funds": GrantReport(lambda org_id, on: reports.funds_table(org_id, on), "donor-funds"),
    "summary": GrantReport(lambda org_id, on: reports.summary_table(org_id, on, request.args.get("fund", type=int)),
                           "program-summary"),
    "status": GrantReport(lambda org_id, on: reports.status_table(org_id, on), "grants-by-status"),
    "tranches-due": GrantReport(lambda org_id, on: reports.tranches_due_table(org_id, on), "tranches-due"),
    "monitoring-due": GrantReport(lambda org_id, on: reports.monitoring_due_table(org_id, on), "monitoring-due"),
    "register": GrantReport(lambda org_id, on: reports.register_table(org_id), "beneficiary-register"),
    "fund-report": GrantReport(lambda org_id, on: reports.fund_report_table(org_id, report_year(on)), "fund-report"),
    "program-expenses": GrantReport(lambda org_id, on: reports.program_expenses_table(org_id, report_year(on)),
                                    "program-expenses"),
}


def report_year(on: date) -> int:
    """The year a yearly report is asked for (?year=), this year by default."""
    return load_query(YearSchema())["year"] or on.year


def _report_view(build, filename: str):
    @roles_required(*GRANT_READERS)
    def show():
        on = today()
        return deliver(build(g.org.id, on), request.args.get("format", "html"), f"{filename}-{on}")

    return show


def report_endpoint(name: str) -> str:
    return "report_" + name.replace("-", "_")


for _name, _report in REPORTS.items():
    bp.add_url_rule(f"/reports/{_name}", endpoint=report_endpoint(_name),
                    view_func=_report_view(_report.build, _report.filename))
