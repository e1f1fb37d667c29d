"""Consignment pages under /o/<org>/consignment: parse, call one service, render."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import services as audit
from ..auth.access import READERS, STAFF, roles_required
from ..auth.models import ROLES
from ..ledger import services as ledger
from ..members import services as members
from ..reports.schemas import AsOfSchema, RangeSchema, resolve_range
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from ..web.transactions import writes_when_read
from . import reports, services
from .schemas import (
    CampaignInSchema,
    CampaignStatusSchema,
    ItemInSchema,
    ItemUpdateSchema,
    MemberGoodsInSchema,
    MemberPaymentInSchema,
    OrderInSchema,
    PrincipalInSchema,
    PrincipalUpdateSchema,
    ProducerGoodsInSchema,
    ProducerInSchema,
    ProducerUpdateSchema,
    ProducerPayoutInSchema,
    SettlementInSchema,
    StatementQuerySchema,
    VoidInSchema,
)

bp = Blueprint("consignment", __name__, url_prefix="/o/<org>/consignment")
FORM_LINES = 5


def goods_form(schema, **fixed):
    """A goods form: item_id and qty repeated per line; blank lines are skipped."""
    form = request.form
    lines = [{"item_id": item, "qty": qty.strip()} for item, qty in zip(form.getlist("item_id"), form.getlist("qty"))
             if item and qty.strip() and qty.strip() != "0"]
    data = {k: v.strip() for k, v in form.items() if k not in ("item_id", "qty", "csrf_token", "idempotency_key")
            and v.strip() != ""}
    data.update({k: str(v) for k, v in fixed.items()})
    data["lines"] = lines
    return schema.load(data)


def form_with(schema, **fixed):
    """A plain form with some fields taken from the URL."""
    data = {k: v.strip() for k, v in request.form.items() if k not in ("csrf_token", "idempotency_key")
            and v.strip() != ""}
    data.update({k: str(v) for k, v in fixed.items()})
    return schema.load(data)


# ---------------------------------------------------------------- overview, principals, campaigns


@bp.get("/")
@roles_required(*READERS)
def index():
    principals = services.list_principals(g.org.id)
    return render_template(
        "consignment/index.html", overview=reports.overview(g.org.id), principals=principals,
        due={p.id: services.principal_due(g.org.id, p.id) for p in principals},
        producers=[(p, members.get_member(g.org.id, p.member_id), services.producer_due(g.org.id, p.id))
                   for p in services.list_producers(g.org.id)],
        pick=members.pick(g.org.id, request.args.get("member"), today()), today=today())


@bp.post("/principals")
@roles_required(*STAFF)
def add_principal():
    principal = services.create_principal(g.org.id, actor_id=current_user.id, **load_form(PrincipalInSchema()))
    flash(_l("%(name)s added.", name=principal.name))
    return redirect(url_for("consignment.principal", principal_id=principal.id), code=303)


@bp.get("/principals/<int:principal_id>")
@roles_required(*READERS)
def principal(principal_id: int):
    found = services.get_principal(g.org.id, principal_id)
    campaigns = services.list_campaigns(g.org.id, found.id)
    return render_template(
        "consignment/principal.html", principal=found, campaigns=campaigns,
        items=services.list_items(g.org.id, principal_id=found.id), due=services.principal_due(g.org.id, found.id),
        orders=reports.open_orders(g.org.id, found.id), line_count=FORM_LINES, today=today(),
        campaign_options=[(c.id, f"{c.code} {c.name}") for c in campaigns if c.status == "open"])


@bp.post("/principals/<int:principal_id>")
@roles_required(*STAFF)
def update_principal(principal_id: int):
    data = load_form(PrincipalUpdateSchema())
    data["active"] = bool(request.form.get("active"))
    services.update_principal(g.org.id, principal_id, actor_id=current_user.id, **data)
    flash(_l("Terms saved."))
    return redirect(url_for("consignment.principal", principal_id=principal_id), code=303)


@bp.post("/principals/<int:principal_id>/campaigns")
@roles_required(*STAFF)
def add_campaign(principal_id: int):
    campaign = services.create_campaign(g.org.id, principal_id, actor_id=current_user.id,
                                        **load_form(CampaignInSchema()))
    flash(_l("Campaign %(code)s added.", code=campaign.code))
    return redirect(url_for("consignment.principal", principal_id=principal_id), code=303)


@bp.post("/items")
@roles_required(*STAFF)
def add_item():
    item = services.add_item(g.org.id, actor_id=current_user.id, **load_form(ItemInSchema()))
    flash(_l("Item %(code)s added.", code=item.code))
    return redirect(request.referrer or url_for("consignment.index"), code=303)


@bp.post("/items/<int:item_id>")
@roles_required(*STAFF)
def update_item(item_id: int):
    services.update_item(g.org.id, item_id, actor_id=current_user.id, **load_form(ItemUpdateSchema()))
    flash(_l("Item saved."))
    return redirect(request.referrer or url_for("consignment.index"), code=303)


@bp.post("/principals/<int:principal_id>/orders")
@roles_required(*STAFF)
def place_order(principal_id: int):
    data = goods_form(OrderInSchema(), principal_id=principal_id)
    data.pop("order_id", None)
    services.place_order(g.org.id, data.pop("principal_id"), data.pop("lines"), actor_id=current_user.id,
                         key=idempotency_key(), **data)
    flash(_l("Order recorded."))
    return redirect(url_for("consignment.principal", principal_id=principal_id), code=303)


@bp.post("/principals/<int:principal_id>/receipts")
@roles_required(*STAFF)
def receive_goods(principal_id: int):
    data = goods_form(OrderInSchema(), principal_id=principal_id)
    services.receive_goods(g.org.id, data.pop("principal_id"), data.pop("lines"), actor_id=current_user.id,
                           key=idempotency_key(), **data)
    flash(_l("Goods received into consignment stock."))
    return redirect(url_for("consignment.principal", principal_id=principal_id), code=303)


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(*STAFF)
def cancel_order(order_id: int):
    order = services.cancel_order(g.org.id, order_id, current_user.id)
    flash(_l("Order cancelled."))
    return redirect(url_for("consignment.principal", principal_id=order.principal_id), code=303)


@bp.post("/principals/<int:principal_id>/returns")
@roles_required(*STAFF)
def return_to_principal(principal_id: int):
    data = goods_form(OrderInSchema(), principal_id=principal_id)
    data.pop("order_id", None)
    services.return_to_principal(g.org.id, data.pop("principal_id"), data.pop("lines"), actor_id=current_user.id,
                                 key=idempotency_key(), **data)
    flash(_l("Goods returned to the principal."))
    return redirect(url_for("consignment.principal", principal_id=principal_id), code=303)


@bp.get("/campaigns/<int:campaign_id>")
@roles_required(*READERS)
def campaign(campaign_id: int):
    found = services.get_campaign(g.org.id, campaign_id)
    principal = services.get_principal(g.org.id, found.principal_id)
    return render_template("consignment/campaign.html", campaign=found, principal=principal,
                           goods=reports.campaign_goods(g.org.id, found.id),
                           due_on=services.payment_due_on(found, principal),
                           commission_bp=services.commission_rate(found, principal),
                           cash_accounts=ledger.cash_accounts(g.org.id), today=today())


@bp.get("/campaigns/<int:campaign_id>/statement")
@roles_required(*READERS)
def campaign_statement(campaign_id: int):
    fmt = request.args.get("format", "html")
    return deliver(reports.campaign_statement(g.org.id, campaign_id), fmt, f"campaign-{campaign_id}")


@bp.post("/campaigns/<int:campaign_id>/settlements")
@roles_required(*STAFF)
def settle(campaign_id: int):
    data = form_with(SettlementInSchema(), campaign_id=campaign_id)
    services.settle_campaign(g.org.id, data.pop("campaign_id"), data.pop("amount"), actor_id=current_user.id,
                             key=idempotency_key(), **data)
    flash(_l("Payment to the principal recorded."))
    return redirect(url_for("consignment.campaign", campaign_id=campaign_id), code=303)


@bp.post("/campaigns/<int:campaign_id>/status")
@roles_required(*STAFF)
def campaign_status(campaign_id: int):
    services.set_campaign_status(g.org.id, campaign_id, load_form(CampaignStatusSchema())["status"], current_user.id)
    return redirect(url_for("consignment.campaign", campaign_id=campaign_id), code=303)


# ---------------------------------------------------------------- a member's goods and money


@bp.get("/members/<int:member_id>")
@writes_when_read
@roles_required(*READERS)
def member(member_id: int):
    found = members.get_member(g.org.id, member_id)
    audit.record("consignment.member.view", org_id=g.org.id, user_id=current_user.id, target_type="member",
                 target_id=found.id)
    campaigns = services.list_campaigns(g.org.id, open_only=True)
    principals = {p.id: p for p in services.list_principals(g.org.id)}
    items = [i for i in services.list_items(g.org.id, active_only=True) if i.principal_id]
    return render_template("consignment/member.html", member=found, summary=reports.member_summary(g.org.id, found.id),
                           campaigns=campaigns, principals=principals, items=items, line_count=FORM_LINES,
                           principal_names={p.id: p.name for p in principals.values()},
                           recent=reports.recent_docs(g.org.id, found.id), voidable=services.VOIDABLE,
                           kind_label=reports.kind_label, cash_accounts=ledger.cash_accounts(g.org.id),
                           today=today())


def _member_goods(member_id: int, verb, message):
    data = goods_form(MemberGoodsInSchema(), member_id=member_id)
    verb(g.org.id, data["member_id"], data["campaign_id"], data["lines"], on=data["on"], actor_id=current_user.id,
         key=idempotency_key())
    flash(message)
    return redirect(url_for("consignment.member", member_id=member_id), code=303)


@bp.post("/members/<int:member_id>/issues")
@roles_required(*STAFF)
def issue(member_id: int):
    return _member_goods(member_id, services.issue_to_member, _l("Goods handed to the member."))


@bp.post("/members/<int:member_id>/sales")
@roles_required(*STAFF)
def report_sales(member_id: int):
    return _member_goods(member_id, services.report_sales, _l("Sales recorded."))


@bp.post("/members/<int:member_id>/returns")
@roles_required(*STAFF)
def member_return(member_id: int):
    return _member_goods(member_id, services.return_from_member, _l("Returned goods recorded."))


@bp.post("/members/<int:member_id>/remittances")
@roles_required(*STAFF)
def remit(member_id: int):
    data = form_with(MemberPaymentInSchema(), member_id=member_id)
    payment = services.record_remittance(g.org.id, data.pop("member_id"), data.pop("amount"),
                                         actor_id=current_user.id, key=idempotency_key(), **data)
    flash(_l("Remittance recorded."))
    return redirect(url_for("receipts.show", receipt_id=payment.receipt_id), code=303)


@bp.post("/members/<int:member_id>/commission-payouts")
@roles_required(*STAFF)
def pay_commission(member_id: int):
    data = form_with(MemberPaymentInSchema(), member_id=member_id)
    services.pay_commission(g.org.id, data.pop("member_id"), data.pop("amount"), actor_id=current_user.id,
                            key=idempotency_key(), **data)
    flash(_l("Commission paid."))
    return redirect(url_for("consignment.member", member_id=member_id), code=303)


def _statement(member_id: int, filename: str, **context):
    args = load_query(StatementQuerySchema())
    start, end = resolve_range(args, today())
    table = reports.member_statement(g.org.id, member_id, start, end, args["campaign_id"])
    audit.record("consignment.statement.view", org_id=g.org.id, user_id=current_user.id, target_type="member",
                 target_id=member_id)
    return deliver(table, args["format"], filename, start=start, end=end, date_filter="range", **context)


@bp.get("/members/<int:member_id>/statement")
@writes_when_read
@roles_required(*READERS)
def member_statement(member_id: int):
    return _statement(member_id, f"commission-statement-{member_id}")


@bp.get("/my/statement")
@writes_when_read
@roles_required(*ROLES)
def my_statement():
    """A member's own commission statement; anyone without a member record here gets 404."""
    mine = members.member_for_user(g.org.id, current_user.id)
    return _statement(mine.id, "my-commission-statement")


# ---------------------------------------------------------------- member-producers and the counter


@bp.post("/producers")
@roles_required(*STAFF)
def add_producer():
    data = load_form(ProducerInSchema())
    producer = services.add_producer(g.org.id, data["member_id"], actor_id=current_user.id, fee_bp=data["fee_bp"])
    return redirect(url_for("consignment.producer", producer_id=producer.id), code=303)


@bp.get("/producers/<int:producer_id>")
@roles_required(*READERS)
def producer(producer_id: int):
    found = services.get_producer(g.org.id, producer_id)
    return render_template("consignment/producer.html", producer=found,
                           member=members.get_member(g.org.id, found.member_id),
                           items=services.list_items(g.org.id, producer_id=found.id),
                           due=services.producer_due(g.org.id, found.id), line_count=3,
                           cash_accounts=ledger.cash_accounts(g.org.id), today=today())


@bp.post("/producers/<int:producer_id>")
@roles_required(*STAFF)
def update_producer(producer_id: int):
    data = load_form(ProducerUpdateSchema())
    services.update_producer(g.org.id, producer_id, actor_id=current_user.id, fee_bp=data.get("fee_bp"),
                             active=bool(request.form.get("active")))
    flash(_l("Saved."))
    return redirect(url_for("consignment.producer", producer_id=producer_id), code=303)


@bp.post("/producers/<int:producer_id>/intakes")
@roles_required(*STAFF)
def producer_intake(producer_id: int):
    data = goods_form(ProducerGoodsInSchema(), producer_id=producer_id)
    services.producer_intake(g.org.id, producer_id, data["lines"], on=data["on"], actor_id=current_user.id,
                             key=idempotency_key())
    flash(_l("Goods received into consignment stock."))
    return redirect(url_for("consignment.producer", producer_id=producer_id), code=303)


@bp.post("/producers/<int:producer_id>/returns")
@roles_required(*STAFF)
def producer_return(producer_id: int):
    data = goods_form(ProducerGoodsInSchema(), producer_id=producer_id)
    services.producer_return(g.org.id, producer_id, data["lines"], on=data["on"], actor_id=current_user.id,
                             key=idempotency_key())
    flash(_l("Goods given back to her."))
    return redirect(url_for("consignment.producer", producer_id=producer_id), code=303)


@bp.post("/producers/<int:producer_id>/payouts")
@roles_required(*STAFF)
def pay_producer(producer_id: int):
    data = form_with(ProducerPayoutInSchema(), producer_id=producer_id)
    services.pay_producer(g.org.id, data.pop("producer_id"), data.pop("amount"), actor_id=current_user.id,
                          key=idempotency_key(), **data)
    flash(_l("Her share was paid."))
    return redirect(url_for("consignment.producer", producer_id=producer_id), code=303)


@bp.get("/producers/<int:producer_id>/statement")
@roles_required(*READERS)
def producer_statement(producer_id: int):
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    return deliver(reports.producer_statement(g.org.id, producer_id, start, end), args["format"],
                   f"producer-statement-{producer_id}", start=start, end=end, date_filter="range")


@bp.post("/records/<int:doc_id>/void")
@roles_required(*STAFF)
def void(doc_id: int):
    data = load_form(VoidInSchema())
    services.void(g.org.id, doc_id, reason=data["reason"], on=data["on"], actor_id=current_user.id)
    flash(_l("The record is void; its entry was reversed."))
    return redirect(request.referrer or url_for("consignment.index"), code=303)


# ---------------------------------------------------------------- officer reports


@bp.get("/reports/goods-out")
@roles_required(*READERS)
def goods_out_report():
    args = load_query(AsOfSchema())
    on = args["as_of"] or today()
    return deliver(reports.goods_out(g.org.id, on), args["format"], f"goods-out-{on}", as_of=on, date_filter="as_of")


@bp.get("/reports/remittances-due")
@roles_required(*READERS)
def remittances_due_report():
    args = load_query(AsOfSchema())
    on = args["as_of"] or today()
    return deliver(reports.remittances_due(g.org.id, on), args["format"], f"remittances-due-{on}", as_of=on,
                   date_filter="as_of")


@bp.get("/reports/commissions")
@roles_required(*READERS)
def commissions_report():
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    return deliver(reports.commissions(g.org.id, start, end), args["format"], f"commissions-{start}-{end}",
                   start=start, end=end, date_filter="range")


@bp.get("/reports/due-to-principals")
@roles_required(*READERS)
def due_to_principals_report():
    on = today()
    return deliver(reports.due_to_principals(g.org.id, on), request.args.get("format", "html"),
                   f"due-to-principals-{on}")
