"""Loan pages: the officers' worklist, applications, a loan with its schedule, payments, products, reports,
and the member's own loans. Each view parses, calls one service, renders."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import services as audit
from ..auth.access import READERS, STAFF, roles_required
from ..errors import Invalid
from ..ledger import services as ledger
from ..manifest import Tile
from ..members import services as members
from ..reports.tabular import Table
from ..reports.views import deliver
from ..timeutil import today
from ..web.filters import money
from ..web.forms import idempotency_key, load_form, load_query
from ..web.transactions import writes_when_read
from . import pdf, reports, services
from .models import (
    CAP_METHODS,
    CBU_METHODS,
    FEE_METHODS,
    FREQUENCIES,
    INTEREST_METHODS,
    LOAN_STATUSES,
    PENALTY_METHODS,
    LoanProduct,
    RECEIVABLE_ACCOUNTS,
    ROUNDINGS,
)
from .schemas import (
    ApplicationSchema,
    ChangeRequestSchema,
    DecisionSchema,
    LoanQuerySchema,
    PortalApplicationSchema,
    ProductSchema,
    QuickRepaymentSchema,
    ReleaseSchema,
    RepaymentSchema,
    ReportQuerySchema,
    RequestDecisionSchema,
    ReversalSchema,
)

bp = Blueprint("loans", __name__, url_prefix="/o/<org>/loans")


def _loan_for_staff(loan_id: int):
    loan = services.get_loan(g.org.id, loan_id)
    audit.record("loan.view", org_id=g.org.id, user_id=current_user.id, target_type="loan", target_id=loan.id)
    return loan


def _my_loan(loan_id: int):
    """A member opens only her own loans; any other number is simply not found."""
    member = members.member_for_user(g.org.id, current_user.id)
    loan = services.get_loan(g.org.id, loan_id)
    if loan.member_id != member.id:
        abort(404)
    return loan, member


def _back(loan_id: int):
    return redirect(url_for("loans.show", loan_id=loan_id), code=303)


# ---------------------------------------------------------------- officers' worklist and lists


@bp.get("/")
@writes_when_read
@roles_required(*READERS)
def index():
    on = today()
    audit.record("loan.worklist", org_id=g.org.id, user_id=current_user.id, target_type="loan_worklist")
    return render_template(
        "loans/index.html", on=on, applications=reports.applications(g.org.id),
        requests=services.pending_requests(g.org.id), due_today=reports.due_between(g.org.id, on, on),
        due_week=reports.due_between(g.org.id, on + timedelta(days=1), on + timedelta(days=7)),
        overdue=reports.overdue(g.org.id, on), numbers=reports.dashboard_numbers(g.org.id, on))


@bp.get("/all")
@roles_required(*READERS)
def listing():
    args = load_query(LoanQuerySchema())
    pick = members.pick(g.org.id, args["member"], today())  # her number or part of her name
    found = [] if pick.text and pick.chosen is None else services.search_loans(
        g.org.id, status=args["status"], member_id=pick.chosen.id if pick.chosen else None, limit=args["limit"],
        offset=args["offset"])
    names = members.members_by_id(g.org.id, {loan.member_id for loan in found})
    return render_template("loans/list.html", loans=found, members_by_id=names, statuses=LOAN_STATUSES,
                           args=args, pick=pick, products={p.id: p for p in services.list_products(g.org.id)})


@bp.get("/new")
@roles_required(*STAFF)
def new():
    on = today()
    picks = {name: members.pick(g.org.id, request.args.get(name), on) for name in ("member", "comaker_1", "comaker_2")}
    return render_template("loans/apply.html", products=_applicable_products(), today=on, pick=picks["member"],
                           picks=picks, typed={name: found.text for name, found in picks.items()})


def _applicable_products():
    return [p for p in services.list_products(g.org.id, active_only=True) if p.code != "commodity"]


@bp.post("/")
@roles_required(*STAFF)
def apply():
    data = load_form(ApplicationSchema())
    member = members.find_member(g.org.id, data["member"])
    loan = services.apply(g.org.id, member.id, data["product_id"], data["amount"], on=data["on"] or today(),
                          actor_id=current_user.id, term_count=data["term_count"], purpose=data["purpose"],
                          comaker_ids=services.find_comakers(g.org.id, [data["comaker_1"], data["comaker_2"]]))
    flash(_l("Application %(number)s entered; another officer approves it.", number=loan.number))
    return _back(loan.id)


# ---------------------------------------------------------------- one loan


@bp.get("/<int:loan_id>")
@writes_when_read
@roles_required(*READERS)
def show(loan_id: int):
    loan = _loan_for_staff(loan_id)
    on = today()
    preview = services.preview_schedule(loan, on) if loan.status in ("applied", "approved") else None
    return render_template("loans/show.html", loan=loan, member=members.get_member(g.org.id, loan.member_id),
                           product=services.product_of(loan), rows=services.installments(loan.id),
                           transactions=services.transactions(loan.id), requests=services.requests_of(loan.id),
                           preview=preview, on=on, cash_accounts=ledger.cash_accounts(g.org.id),
                           successor=services.successor_of(loan), comakers=services.comakers_of(loan))


@bp.get("/<int:loan_id>/schedule.pdf")
@writes_when_read
@roles_required(*READERS)
def schedule_pdf(loan_id: int):
    loan = _loan_for_staff(loan_id)
    return _schedule_pdf(loan, members.get_member(g.org.id, loan.member_id))


def _schedule_pdf(loan, member):
    table = reports.schedule_table(loan, member, services.product_of(loan), today())
    return deliver(table, "pdf", f"{loan.number}-schedule")


@bp.get("/<int:loan_id>/disclosure")
@writes_when_read
@roles_required(*READERS)
def disclosure(loan_id: int):
    loan = _loan_for_staff(loan_id)
    return _disclosure(loan, members.get_member(g.org.id, loan.member_id))


def _disclosure(loan, member):
    args = load_query(ReportQuerySchema())
    found = services.disclosure_of(loan, today())
    table = reports.disclosure_table(loan, member, services.product_of(loan), found)
    return deliver(table, args["format"], f"{loan.number}-disclosure")


@bp.get("/<int:loan_id>/promissory-note.pdf")
@writes_when_read
@roles_required(*READERS)
def promissory_note(loan_id: int):
    loan = _loan_for_staff(loan_id)
    return _promissory_note(loan, members.get_member(g.org.id, loan.member_id))


def _promissory_note(loan, member):
    body = pdf.promissory_note(loan, member, services.comakers_of(loan), services.disclosure_of(loan, today()),
                               g.org.name)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{loan.number}-promissory-note.pdf"'})


@bp.get("/guarantees/<int:member_id>")
@roles_required(*STAFF)
def guarantees(member_id: int):
    """A member's standing as co-maker: the loans she guarantees, and how each is paying."""
    member = members.view_member(g.org.id, member_id, current_user.id)
    return render_template("loans/guarantees.html", member=member, on=today(),
                           loans=services.guarantees_of(g.org.id, member.id, open_only=False),
                           standing=members.standing(g.org.id, member.id, today()))


@bp.post("/<int:loan_id>/approve")
@roles_required(*STAFF)
def approve(loan_id: int):
    data = load_form(DecisionSchema())
    loan = services.approve(g.org.id, loan_id, actor_id=current_user.id, on=data["on"] or today(),
                            reason=data["reason"])
    flash(_l("Loan %(number)s approved. Release it when the money is handed over.", number=loan.number))
    return _back(loan.id)


@bp.post("/<int:loan_id>/reject")
@roles_required(*STAFF)
def reject(loan_id: int):
    data = load_form(DecisionSchema())
    loan = services.reject(g.org.id, loan_id, actor_id=current_user.id, on=data["on"] or today(),
                           reason=data["reason"])
    flash(_l("Loan %(number)s rejected.", number=loan.number))
    return _back(loan.id)


@bp.post("/<int:loan_id>/cancel")
@roles_required(*STAFF)
def cancel(loan_id: int):
    data = load_form(DecisionSchema())
    loan = services.cancel(g.org.id, loan_id, actor_id=current_user.id, on=data["on"] or today(),
                           reason=data["reason"])
    flash(_l("Loan %(number)s cancelled.", number=loan.number))
    return _back(loan.id)


@bp.post("/<int:loan_id>/release")
@roles_required(*STAFF)
def release(loan_id: int):
    data = load_form(ReleaseSchema())
    loan = services.release(g.org.id, loan_id, on=data["on"] or today(), actor_id=current_user.id,
                            idempotency_key=idempotency_key(), cash_account=data["cash_account"])
    flash(_l("Loan %(number)s released; the schedule is fixed.", number=loan.number))
    return _back(loan.id)


@bp.post("/<int:loan_id>/recoveries")
@roles_required(*STAFF)
def recover(loan_id: int):
    """Money received on a written-off loan: income, with its receipt."""
    return _record_payment(loan_id, load_form(RepaymentSchema()), services.recover,
                           _l("Recovery recorded as income; official receipt issued."))


@bp.post("/<int:loan_id>/repay")
@roles_required(*STAFF)
def repay(loan_id: int):
    data = load_form(RepaymentSchema())
    return _record_payment(loan_id, data)


def _record_payment(loan_id: int, data: dict, verb=services.repay, done=_l("Payment recorded; official receipt issued.")):
    payer = data["received_from"] or members.get_member(g.org.id, services.get_loan(g.org.id, loan_id).member_id).name
    txn = verb(g.org.id, loan_id, data["amount"], on=data["on"] or today(), actor_id=current_user.id,
               idempotency_key=idempotency_key(), cash_account=data["cash_account"], received_from=payer)
    flash(done)
    return redirect(url_for("receipts.show", receipt_id=txn.receipt_id), code=303)


@bp.get("/repay")
@roles_required(*STAFF)
def quick_repay_form():
    on = today()
    pick = members.pick(g.org.id, request.args.get("member"), on)
    her_loans = [loan for loan in services.loans_of_member(g.org.id, pick.chosen.id) if loan.status == "active"] \
        if pick.chosen else []
    chosen = next((loan for loan in her_loans if loan.number == request.args.get("loan")), None)
    if chosen is None and len(her_loans) == 1:
        chosen = her_loans[0]
    return render_template("loans/repay.html", today=on, pick=pick, her_loans=her_loans, chosen=chosen)


@bp.post("/repay")
@roles_required(*STAFF)
def quick_repay():
    data = load_form(QuickRepaymentSchema())
    return _record_payment(services.find_loan(g.org.id, data["loan"]).id, data)


@bp.post("/transactions/<int:txn_id>/reverse")
@roles_required(*STAFF)
def reverse(txn_id: int):
    data = load_form(ReversalSchema())
    mirror = services.reverse_repayment(g.org.id, txn_id, on=data["on"] or today(), reason=data["reason"],
                                        actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Payment reversed and its receipt cancelled."))
    return _back(mirror.loan_id)


@bp.post("/<int:loan_id>/requests")
@roles_required(*STAFF)
def request_change(loan_id: int):
    data = load_form(ChangeRequestSchema())
    terms = {"frequency": data["frequency"], "term_count": data["term_count"]}
    if data["interest_rate"] is not None:
        terms["interest_rate_bp"] = data["interest_rate"]
    services.request_change(g.org.id, loan_id, data["kind"], reason=data["reason"], actor_id=current_user.id,
                            on=today(), terms=terms if data["kind"] == "restructure" else None)
    flash(_l("Request saved; another officer approves it."))
    return _back(loan_id)


@bp.post("/requests/<int:request_id>")
@roles_required(*STAFF)
def decide_request(request_id: int):
    data = load_form(RequestDecisionSchema())
    done = services.decide_request(g.org.id, request_id, approve=data["approve"], actor_id=current_user.id,
                                   on=today(), reason=data["reason"])
    flash(_l("Request approved.") if data["approve"] else _l("Request turned down."))
    return _back(done.result_loan_id or done.loan_id)


# ---------------------------------------------------------------- products


@bp.get("/products")
@roles_required(*READERS)
def products():
    return render_template("loans/products.html", products=services.list_products(g.org.id))


@bp.get("/products/new")
@roles_required("admin")
def new_product():
    # Every field the form shows: the columns' defaults, then the emergency template's values.
    values = {key: None for key in services.PRODUCT_FIELDS}
    values.update({column.name: column.default.arg for column in LoanProduct.__table__.columns
                   if column.name in values and column.default is not None and not callable(column.default.arg)})
    values.update(services.DEFAULT_PRODUCTS["emergency"])
    values = {key: 0 if value is None else value for key, value in values.items()}
    return render_template("loans/product_form.html", product=None, values=values, choices=_choices())


@bp.get("/products/<int:product_id>")
@roles_required("admin")
def edit_product(product_id: int):
    product = services.get_product(g.org.id, product_id)
    values = {key: getattr(product, key) for key in services.PRODUCT_FIELDS}
    return render_template("loans/product_form.html", product=product, values=values, choices=_choices())


def _choices():
    return {"cap_method": CAP_METHODS, "frequency": FREQUENCIES, "interest_method": INTEREST_METHODS,
            "fee_method": FEE_METHODS, "penalty_method": PENALTY_METHODS, "receivable_account": RECEIVABLE_ACCOUNTS,
            "installment_rounding": ROUNDINGS, "cbu_method": CBU_METHODS}


@bp.post("/products")
@roles_required("admin")
def create_product():
    data = load_form(ProductSchema())
    if not data.get("code"):
        raise Invalid("Give the product a code.", field="code")
    product = services.create_product(g.org.id, data.pop("code"), data, current_user.id)
    flash(_l("Product %(name)s added.", name=product.name))
    return redirect(url_for("loans.products"), code=303)


@bp.post("/products/<int:product_id>")
@roles_required("admin")
def update_product(product_id: int):
    data = load_form(ProductSchema())
    data.pop("code", None)
    product = services.update_product(g.org.id, product_id, data, current_user.id)
    flash(_l("Product %(name)s saved. Loans already applied for keep their terms.", name=product.name))
    return redirect(url_for("loans.products"), code=303)


# ---------------------------------------------------------------- reports


def _report(table: Table, args: dict, name: str, date_filter: str):
    context = {"date_filter": date_filter, "as_of": args.get("on") or today(), "start": args.get("start"),
               "end": args.get("end")}
    return deliver(table, args["format"], name, **context)


@bp.get("/reports/portfolio")
@roles_required(*READERS)
def portfolio():
    args = load_query(ReportQuerySchema())
    on = args["on"] or today()
    return _report(reports.portfolio_table(g.org.id, on), args, f"loan-portfolio-{on}", "as_of")


@bp.get("/reports/aging")
@roles_required(*READERS)
def aging():
    args = load_query(ReportQuerySchema())
    on = args["on"] or today()
    return _report(reports.aging_table(g.org.id, on), args, f"loan-aging-{on}", "as_of")


@bp.get("/reports/provisioning")
@roles_required(*READERS)
def provisioning():
    args = load_query(ReportQuerySchema())
    on = args["on"] or today()
    return _report(reports.provisioning_table(g.org.id, on), args, f"loan-provisioning-{on}", "as_of")


@bp.get("/reports/provisions")
@roles_required(*READERS)
def provisions():
    args = load_query(ReportQuerySchema())
    return _report(reports.provisions_table(g.org.id), args, "loan-provisions", "")


@bp.get("/reports/collections")
@roles_required(*READERS)
def collections():
    args = load_query(ReportQuerySchema())
    end = args["end"] or today()
    args["start"], args["end"] = args["start"] or end.replace(day=1), end
    table = reports.collections_table(g.org.id, args["start"], end)
    return _report(table, args, f"loan-collections-{args['start']}-{end}", "range")


# ---------------------------------------------------------------- the member's own loans


@bp.get("/mine/<int:loan_id>")
@roles_required("member")
def mine(loan_id: int):
    loan, member = _my_loan(loan_id)
    return render_template("loans/mine.html", loan=loan, product=services.product_of(loan),
                           rows=services.installments(loan.id), on=today(),
                           payments=[t for t in services.transactions(loan.id) if t.kind == "repayment"])


@bp.get("/mine/<int:loan_id>/disclosure")
@roles_required("member")
def my_disclosure(loan_id: int):
    loan, member = _my_loan(loan_id)
    return _disclosure(loan, member)


@bp.get("/mine/<int:loan_id>/promissory-note.pdf")
@roles_required("member")
def my_promissory_note(loan_id: int):
    loan, member = _my_loan(loan_id)
    return _promissory_note(loan, member)


@bp.get("/mine/<int:loan_id>/schedule.pdf")
@roles_required("member")
def my_schedule_pdf(loan_id: int):
    loan, member = _my_loan(loan_id)
    return _schedule_pdf(loan, member)


@bp.get("/mine/apply")
@roles_required("member")
def my_application_form():
    member = members.member_for_user(g.org.id, current_user.id)
    offered = [p for p in _applicable_products() if p.member_can_apply and not p.comakers_required]
    caps = {p.id: services.cap_for(g.org.id, p, members.member_party(member)) for p in offered}
    return render_template("loans/member_apply.html", products=offered, caps=caps)


@bp.post("/mine/apply")
@roles_required("member")
def my_application():
    data = load_form(PortalApplicationSchema())
    member = members.member_for_user(g.org.id, current_user.id)
    loan = services.apply(g.org.id, member.id, data["product_id"], data["amount"], on=today(),
                          actor_id=current_user.id, term_count=data["term_count"], purpose=data["purpose"],
                          via="portal")
    flash(_l("Your application %(number)s is sent. An officer will call you.", number=loan.number))
    return redirect(url_for("loans.mine", loan_id=loan.id), code=303)


def portal_section(org_id: int, member_id: int) -> dict | None:
    """The loans block on the member's page: her open loans, the next amount due, a link to apply."""
    own = services.loans_of_member(org_id, member_id)
    on = today()
    can_apply = any(p.member_can_apply and not p.comakers_required
                    for p in services.list_products(org_id, active_only=True))
    current = [loan for loan in own if loan.status in ("applied", "approved", "active")]
    past = [loan for loan in own if loan not in current][:5]
    next_rows = {loan.id: services.next_installment(loan.id) for loan in current if loan.status == "active"}
    return {"loans_open": current, "loans_past": past, "next_rows": next_rows, "on": on, "can_apply": can_apply,
            "products_by_id": {p.id: p for p in services.list_products(org_id)},
            "guarantees": services.guarantees_of(org_id, member_id)}


def member_page_section(org_id: int, member_id: int) -> dict:
    """Her loans on the officers' page of a member: every loan, the open ones' next installment."""
    own = services.loans_of_member(org_id, member_id)
    return {"member_loans": own, "member_label": members.get_member(org_id, member_id).label,
            "next_rows": {loan.id: services.next_installment(loan.id) for loan in own if loan.status == "active"},
            "products_by_id": {p.id: p for p in services.list_products(org_id)}}


def dashboard_tiles(org_id: int) -> list:
    numbers = reports.dashboard_numbers(org_id, today())
    return [Tile(str(_l("Loans outstanding")), money(numbers["outstanding"]), "loans.index",
                 str(_l("%(count)s loans, %(late)s late", count=numbers["count"], late=numbers["late"]))),
            Tile(str(_l("Portfolio at risk (30 days)")), numbers["par30"], "loans.aging"),
            Tile(str(_l("Loan applications to decide")), str(numbers["waiting"]), "loans.index")]
