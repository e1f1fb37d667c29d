from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..audit import services as audit
from ..auth.access import STAFF, current_role, roles_required
from ..auth.services import throttle
from ..auth.models import ROLES
from ..ledger import services as ledger
from ..reports.tabular import to_csv, to_pdf
from ..timeutil import today
from ..web.filters import money
from ..web.forms import idempotency_key, load_form, load_query
from ..web.transactions import writes_when_read
from ..manifest import Tile, plugins
from . import fees, pdf, services, shares
from .pdf import statement_pdf
from .portal import plain_statement, statement_table
from .schemas import (
    AdmitSchema,
    ApplicationInSchema,
    DecisionSchema,
    MemberInSchema,
    MemberQuerySchema,
    MemberUpdateSchema,
    MembershipFeeInSchema,
    PaymentFormSchema,
    PaymentInSchema,
    StatementQuerySchema,
    StatusSchema,
    SubscriptionInSchema,
    TransferInSchema,
    WithdrawalInSchema,
)

bp = Blueprint("members", __name__, url_prefix="/o/<org>")
COOP = ("cooperative",)


def _cooperative_only():
    if g.org.kind != "cooperative":
        abort(404)


# ---------------------------------------------------------------- officers' pages


@bp.get("/members/")
@writes_when_read
@roles_required(*STAFF)
def index():
    _cooperative_only()
    args = load_query(MemberQuerySchema())
    on = today()
    found = services.search_members(g.org.id, args["q"], args["limit"], status=args["status"],
                                    overdue_on=on if args["overdue"] else None, offset=args["offset"])
    audit.record("member.list", org_id=g.org.id, user_id=current_user.id, target_type="member",
                 details={"shown": len(found)})
    positions = {m.id: shares.summary(g.org.id, m, on) for m in found}
    return render_template("members/index.html", members=found, positions=positions, args=args,
                           counts=services.count_members(g.org.id), pending=len(shares.pending_withdrawals(g.org.id)))


@bp.get("/members/new")
@roles_required(*STAFF)
def new():
    _cooperative_only()
    return render_template("members/form.html", member=None, today=today(), fee_policy=fees.policy(g.org.id),
                           cash_accounts=ledger.cash_accounts(g.org.id))


@bp.post("/members/")
@roles_required(*STAFF)
def create():
    _cooperative_only()
    member = services.apply(g.org.id, actor_id=current_user.id, source="officer",
                            **load_form(ApplicationInSchema()))
    flash(_l("Application of %(label)s recorded.", label=member.label))
    return redirect(url_for("members.show", member_id=member.id), code=303)


@bp.get("/members/<int:member_id>")
@roles_required(*STAFF)
def show(member_id: int):
    member = services.view_member(g.org.id, member_id, current_user.id)
    on = today()
    return render_template(
        "members/show.html", member=member, today=on, summary=shares.summary(g.org.id, member, on),
        standing=services.standing(g.org.id, member.id, on), history=services.status_history(g.org.id, member.id),
        subscriptions=shares.subscriptions_of(g.org.id, member.id),
        installments=shares.installments_of(g.org.id, member.id),
        payments=shares.payments_of(g.org.id, member.id), withdrawals=shares.withdrawals_of(g.org.id, member.id),
        plans=shares.plans(g.org.id), status_choices=services.STATUS_CHANGES.get(member.status, ()),
        fee_policy=fees.policy(g.org.id), fee=fees.fee_of(g.org.id, member.id),
        cash_accounts=ledger.cash_accounts(g.org.id), sections=_sections(plugins().member_page, member.id),
        to_pick=services.pick(g.org.id, request.args.get("to"), on, status="active"))  # who she transfers shares to


def _sections(sections, member_id: int) -> list[Markup]:
    """Each domain's block for this member (a manifest's `member_page` or `portal`), rendered in order."""
    shown = []
    for section in sections:
        context = section.build(g.org.id, member_id)
        if context is not None:  # a domain with nothing to show for her returns None
            shown.append(Markup(render_template(section.template, **context)))
    return shown


@bp.get("/members/<int:member_id>/edit")
@roles_required(*STAFF)
def edit(member_id: int):
    member = services.view_member(g.org.id, member_id, current_user.id)
    return render_template("members/form.html", member=member, today=today())


@bp.post("/members/<int:member_id>")
@roles_required(*STAFF)
def update(member_id: int):
    services.update_member(g.org.id, member_id, current_user.id, **load_form(MemberUpdateSchema()))
    flash(_l("Saved."))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.post("/members/<int:member_id>/admission")
@roles_required(*STAFF)
def admit(member_id: int):
    data = load_form(AdmitSchema())
    admission = services.admit(g.org.id, member_id, on=data["on"], board_resolution=data["board_resolution"],
                               actor_id=current_user.id, collect_fee=data["collect_fee"],
                               cash_account=data["cash_account"])
    if admission.initial_password:
        flash(_l("Admitted. Her login is %(username)s, initial password (shown once): %(password)s",
                 username=admission.username, password=admission.initial_password), "warning")
    else:
        flash(_l("Admitted."))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.post("/members/<int:member_id>/membership-fee")
@roles_required(*STAFF)
def pay_fee(member_id: int):
    data = load_form(MembershipFeeInSchema())
    fee = fees.pay(g.org.id, member_id, on=data["on"], actor_id=current_user.id, idempotency_key=idempotency_key(),
                   cash_account=data["cash_account"])
    flash(_l("Membership fee recorded; official receipt issued."))
    return redirect(url_for("receipts.show", receipt_id=fee.receipt_id), code=303)


@bp.post("/members/<int:member_id>/status")
@roles_required(*STAFF)
def change_status(member_id: int):
    data = load_form(StatusSchema())
    services.change_status(g.org.id, member_id, data["status"], on=data["on"], reason=data["reason"],
                           actor_id=current_user.id)
    flash(_l("Status changed."))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.post("/members/<int:member_id>/subscriptions")
@roles_required(*STAFF)
def subscribe(member_id: int):
    data = load_form(SubscriptionInSchema())
    count, _, frequency = data["plan"].partition("-")
    shares.subscribe(g.org.id, member_id, shares=data["shares"], on=data["on"], installments=int(count),
                     frequency=frequency, first_due=data["first_due"], actor_id=current_user.id,
                     idempotency_key=idempotency_key())
    flash(_l("Subscription recorded."))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.get("/members/payments/new")
@roles_required(*STAFF)
def new_payment():
    _cooperative_only()
    on = today()
    return render_template("members/payment.html", today=on, pick=services.pick(g.org.id, request.args.get("member"), on))


@bp.post("/members/payments")
@roles_required(*STAFF)
def record_payment_form():
    data = load_form(PaymentFormSchema())
    member = services.find_member(g.org.id, data["member"])
    return _paid(shares.record_payment(g.org.id, member.id, amount=data["amount"], on=data["on"],
                                       actor_id=current_user.id, idempotency_key=idempotency_key()))


@bp.post("/members/<int:member_id>/payments")
@roles_required(*STAFF)
def record_payment(member_id: int):
    data = load_form(PaymentInSchema())
    return _paid(shares.record_payment(g.org.id, member_id, amount=data["amount"], on=data["on"],
                                       actor_id=current_user.id, idempotency_key=idempotency_key()))


def _paid(payment):
    flash(_l("Payment recorded."))
    return redirect(url_for("receipts.show", receipt_id=payment.receipt_id), code=303)


@bp.post("/members/<int:member_id>/withdrawals")
@roles_required(*STAFF)
def request_withdrawal(member_id: int):
    data = load_form(WithdrawalInSchema())
    shares.request_withdrawal(g.org.id, member_id, on=data["on"], reason=data["reason"], actor_id=current_user.id)
    flash(_l("Withdrawal recorded; another officer approves it."))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.get("/members/withdrawals")
@roles_required(*STAFF)
def withdrawals():
    _cooperative_only()
    pending = shares.pending_withdrawals(g.org.id)
    members = {w.member_id: services.get_member(g.org.id, w.member_id) for w in pending}
    return render_template("members/withdrawals.html", pending=pending, members=members, today=today())


@bp.post("/members/withdrawals/<int:withdrawal_id>/decision")
@roles_required(*STAFF)
def decide_withdrawal(withdrawal_id: int):
    data = load_form(DecisionSchema())
    withdrawal = shares.decide_withdrawal(g.org.id, withdrawal_id, approve=data["approve"], on=data["on"],
                                          actor_id=current_user.id, note=data["note"])
    flash(_l("Withdrawal %(status)s.", status=withdrawal.status))
    return redirect(url_for("members.show", member_id=withdrawal.member_id), code=303)


@bp.post("/members/withdrawals/<int:withdrawal_id>/refund")
@roles_required(*STAFF)
def pay_refund(withdrawal_id: int):
    withdrawal = shares.pay_refund(g.org.id, withdrawal_id, on=today(), actor_id=current_user.id)
    flash(_l("Refund paid."))
    return redirect(url_for("members.show", member_id=withdrawal.member_id), code=303)


@bp.post("/members/<int:member_id>/transfers")
@roles_required(*STAFF)
def transfer(member_id: int):
    data = load_form(TransferInSchema())
    taker = services.find_member(g.org.id, data["to_member"], field="to_member")
    shares.transfer(g.org.id, member_id, taker.id, shares=data["shares"], on=data["on"], actor_id=current_user.id)
    flash(_l("%(n)s shares transferred to %(label)s.", n=data["shares"], label=taker.label))
    return redirect(url_for("members.show", member_id=member_id), code=303)


@bp.get("/members/<int:member_id>/statement")
@roles_required(*STAFF)
def statement(member_id: int):
    member = services.view_member(g.org.id, member_id, current_user.id)
    return _statement(member)


@bp.get("/members/subscriptions/<int:subscription_id>/certificate.pdf")
@roles_required(*ROLES)
def certificate(subscription_id: int):
    subscription = shares.get_subscription(g.org.id, subscription_id)
    if current_role() not in STAFF:
        if current_role() != "member" or services.member_for_user(g.org.id, current_user.id).id != subscription.member_id:
            abort(404)
    if subscription.status != "paid":
        abort(404)
    member = services.view_member(g.org.id, subscription.member_id, current_user.id)
    return Response(pdf.certificate(subscription, member, g.org.name), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{subscription.certificate_number}.pdf"'})


# ---------------------------------------------------------------- the member's own page


@bp.get("/me")
@writes_when_read
@roles_required("member")
def portal():
    member = services.member_for_user(g.org.id, current_user.id)
    audit.record("member.portal", org_id=g.org.id, user_id=current_user.id, target_type="member", target_id=member.id)
    return render_template("members/portal.html", member=member, sections=_sections(plugins().portal, member.id),
                           today=today())


@bp.get("/me/statement")
@roles_required("member")
def my_statement():
    """Her own statement, in plain words (the ledger view stays for officers)."""
    member = services.member_for_user(g.org.id, current_user.id)
    args = load_query(StatementQuerySchema())
    end = args["end"] or today()
    start = args["start"] or end.replace(day=1, month=1)
    found = plain_statement(g.org.id, member, start, end)
    if args["format"] == "pdf":
        return Response(statement_pdf(found, g.org.name), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="statement-{start}-{end}.pdf"'})
    return render_template("members/my_statement.html", statement=found, start=start, end=end)


def _statement(member):
    args = load_query(StatementQuerySchema())
    end = args["end"] or today()
    start = args["start"] or end.replace(day=1, month=1)
    table = statement_table(g.org.id, member, start, end)
    filename = f"statement-{member.label}-{start}-{end}"
    if args["format"] == "pdf":
        return Response(to_pdf(table, g.org.name), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
    if args["format"] == "csv":
        return Response(to_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return render_template("members/statement.html", table=table, member=member, start=start, end=end)


# ---------------------------------------------------------------- applying without a login


@bp.get("/apply")
def apply_form():
    _cooperative_only()
    return render_template("members/apply.html")


@bp.post("/apply")
def apply():
    _cooperative_only()
    if request.form.get("website"):  # a field people never see: only robots fill it in
        abort(400)
    limit, window = current_app.config["THROTTLE_APPLY"]  # per address, in the database: 429 past it
    throttle("apply", request.remote_addr, limit=limit, window_seconds=window)
    member = services.apply(g.org.id, actor_id=None, source="self", **load_form(MemberInSchema()))
    return render_template("members/applied.html", label=member.label)


def dashboard_tiles(org_id: int) -> list:
    figures = shares.totals(org_id, today())
    return [
        Tile(str(_l("Share capital paid-up")), money(figures["paid_up"]), "members.index"),
        Tile(str(_l("Subscriptions receivable")), money(figures["receivable"]), "members.index"),
        Tile(str(_l("Installments overdue")), str(figures["overdue_count"]), "members.index",
             money(figures["overdue_amount"])),
    ]
