"""Consignment JSON under /api/v1/orgs/<org>/consignment. Posting calls take an Idempotency-Key header."""
from flask import g, jsonify, request
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..reports.schemas import AsOfSchema, RangeSchema, resolve_range
from ..reports.tabular import to_json
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from . import reports, services
from .schemas import (
    CampaignInSchema,
    CampaignOutSchema,
    DocOutSchema,
    ItemInSchema,
    ItemOutSchema,
    ItemUpdateSchema,
    MemberGoodsInSchema,
    MemberPaymentInSchema,
    MemberSummaryOutSchema,
    OrderInSchema,
    PaymentOutSchema,
    PrincipalInSchema,
    PrincipalOutSchema,
    PrincipalUpdateSchema,
    ProducerGoodsInSchema,
    ProducerInSchema,
    ProducerOutSchema,
    ProducerPayoutInSchema,
    SettlementInSchema,
    StatementQuerySchema,
    VoidInSchema,
)

bp = blueprint("consignment", __name__, "/orgs/<org>/consignment")


def _created(schema, record):
    return respond(schema, record, 201)


# ---------------------------------------------------------------- principals, campaigns, items


@bp.get("/principals")
@roles_required(*READERS)
@documented("Principals (Avon, Natasha...) and their terms", returns=PrincipalOutSchema, many=True)
def principals():
    return respond(PrincipalOutSchema(), services.list_principals(g.org.id), many=True)


@bp.post("/principals")
@roles_required(*STAFF)
@documented("Add a principal with its terms (commission over 100% or negative is refused)", body=PrincipalInSchema,
            returns=PrincipalOutSchema, status=201)
def add_principal():
    return _created(PrincipalOutSchema(), services.create_principal(g.org.id, actor_id=current_user.id,
                                                                    **load_json(PrincipalInSchema())))


@bp.get("/principals/<int:principal_id>")
@roles_required(*READERS)
@documented("One principal", returns=PrincipalOutSchema)
def principal(principal_id: int):
    return respond(PrincipalOutSchema(), services.get_principal(g.org.id, principal_id))


@bp.patch("/principals/<int:principal_id>")
@roles_required(*STAFF)
@documented("Change a principal's terms", body=PrincipalUpdateSchema, returns=PrincipalOutSchema)
def update_principal(principal_id: int):
    return respond(PrincipalOutSchema(), services.update_principal(g.org.id, principal_id, actor_id=current_user.id,
                                                                   **load_json(PrincipalUpdateSchema())))


@bp.get("/principals/<int:principal_id>/due")
@roles_required(*READERS)
@documented("What the cooperative owes the principal now (the ledger)")
def principal_due(principal_id: int):
    return jsonify({"principal_id": principal_id, "due_centavos": services.principal_due(g.org.id, principal_id)})


@bp.get("/campaigns")
@roles_required(*READERS)
@documented("Campaigns (?principal_id=)", returns=CampaignOutSchema, many=True)
def campaigns():
    return respond(CampaignOutSchema(), services.list_campaigns(g.org.id, request.args.get("principal_id", type=int)),
                   many=True)


@bp.post("/principals/<int:principal_id>/campaigns")
@roles_required(*STAFF)
@documented("Add a brochure campaign", body=CampaignInSchema, returns=CampaignOutSchema, status=201)
def add_campaign(principal_id: int):
    return _created(CampaignOutSchema(), services.create_campaign(g.org.id, principal_id, actor_id=current_user.id,
                                                                  **load_json(CampaignInSchema())))


@bp.get("/campaigns/<int:campaign_id>")
@roles_required(*READERS)
@documented("One campaign with its running totals", returns=CampaignOutSchema)
def campaign(campaign_id: int):
    return respond(CampaignOutSchema(), services.get_campaign(g.org.id, campaign_id))


@bp.get("/campaigns/<int:campaign_id>/statement")
@roles_required(*READERS)
@documented("The campaign's statement for the principal")
def campaign_statement(campaign_id: int):
    return jsonify(to_json(reports.campaign_statement(g.org.id, campaign_id)))


@bp.get("/items")
@roles_required(*READERS)
@documented("Consigned products (?principal_id= or ?producer_id=)", returns=ItemOutSchema, many=True)
def items():
    return respond(ItemOutSchema(), services.list_items(g.org.id, request.args.get("principal_id", type=int),
                                                        request.args.get("producer_id", type=int)), many=True)


@bp.post("/items")
@roles_required(*STAFF)
@documented("Add a product of a principal or a member-producer", body=ItemInSchema, returns=ItemOutSchema, status=201)
def add_item():
    return _created(ItemOutSchema(), services.add_item(g.org.id, actor_id=current_user.id, **load_json(ItemInSchema())))


@bp.patch("/items/<int:item_id>")
@roles_required(*STAFF)
@documented("Rename, reprice or deactivate a product", body=ItemUpdateSchema, returns=ItemOutSchema)
def update_item(item_id: int):
    return respond(ItemOutSchema(), services.update_item(g.org.id, item_id, actor_id=current_user.id,
                                                         **load_json(ItemUpdateSchema())))


# ---------------------------------------------------------------- goods


def _principal_goods(verb):
    data = load_json(OrderInSchema())
    if verb is not services.receive_goods:
        data.pop("order_id", None)
    return verb(g.org.id, data.pop("principal_id"), data.pop("lines"), actor_id=current_user.id,
                key=idempotency_key(), **data)


@bp.post("/orders")
@roles_required(*STAFF)
@documented("Order goods from a principal", body=OrderInSchema, returns=DocOutSchema, status=201)
def place_order():
    return _created(DocOutSchema(), _principal_goods(services.place_order))


@bp.post("/receipts")
@roles_required(*STAFF)
@documented("Receive goods from a principal into consignment stock", body=OrderInSchema, returns=DocOutSchema,
            status=201)
def receive_goods():
    return _created(DocOutSchema(), _principal_goods(services.receive_goods))


@bp.post("/principal-returns")
@roles_required(*STAFF)
@documented("Send unsold goods back to a principal", body=OrderInSchema, returns=DocOutSchema, status=201)
def return_to_principal():
    return _created(DocOutSchema(), _principal_goods(services.return_to_principal))


def _member_goods(verb):
    data = load_json(MemberGoodsInSchema())
    return verb(g.org.id, data["member_id"], data["campaign_id"], data["lines"], on=data["on"],
                actor_id=current_user.id, key=idempotency_key())


@bp.post("/issues")
@roles_required(*STAFF)
@documented("Issue goods to a member", body=MemberGoodsInSchema, returns=DocOutSchema, status=201)
def issue():
    return _created(DocOutSchema(), _member_goods(services.issue_to_member))


@bp.post("/sales-reports")
@roles_required(*STAFF)
@documented("A member's report of goods sold (posts her receivable, commission and the principal's due)",
            body=MemberGoodsInSchema, returns=DocOutSchema, status=201)
def report_sales():
    return _created(DocOutSchema(), _member_goods(services.report_sales))


@bp.post("/returns")
@roles_required(*STAFF)
@documented("A member returns unsold goods", body=MemberGoodsInSchema, returns=DocOutSchema, status=201)
def member_return():
    return _created(DocOutSchema(), _member_goods(services.return_from_member))


@bp.get("/members/<int:member_id>")
@roles_required(*READERS)
@documented("What a member holds, owes and has earned", returns=MemberSummaryOutSchema)
def member(member_id: int):
    return respond(MemberSummaryOutSchema(), reports.member_summary(g.org.id, member_id))


@bp.get("/members/<int:member_id>/statement")
@roles_required(*READERS)
@documented("A member's commission statement (?start=&end=&campaign_id=)", query=StatementQuerySchema)
def member_statement(member_id: int):
    args = load_query(StatementQuerySchema())
    start, end = resolve_range(args, today())
    return jsonify(to_json(reports.member_statement(g.org.id, member_id, start, end, args["campaign_id"])))


# ---------------------------------------------------------------- money


@bp.post("/remittances")
@roles_required(*STAFF)
@documented("A member remits for goods sold (an official receipt is issued)", body=MemberPaymentInSchema,
            returns=PaymentOutSchema, status=201)
def remit():
    data = load_json(MemberPaymentInSchema())
    return _created(PaymentOutSchema(), services.record_remittance(
        g.org.id, data.pop("member_id"), data.pop("amount"), actor_id=current_user.id, key=idempotency_key(), **data))


@bp.post("/commission-payouts")
@roles_required(*STAFF)
@documented("Pay a member commission owed to her", body=MemberPaymentInSchema, returns=PaymentOutSchema, status=201)
def pay_commission():
    data = load_json(MemberPaymentInSchema())
    return _created(PaymentOutSchema(), services.pay_commission(
        g.org.id, data.pop("member_id"), data.pop("amount"), actor_id=current_user.id, key=idempotency_key(), **data))


@bp.post("/settlements")
@roles_required(*STAFF)
@documented("Pay a principal for a campaign", body=SettlementInSchema, returns=DocOutSchema, status=201)
def settle():
    data = load_json(SettlementInSchema())
    return _created(DocOutSchema(), services.settle_campaign(
        g.org.id, data.pop("campaign_id"), data.pop("amount"), actor_id=current_user.id, key=idempotency_key(), **data))


@bp.get("/records/<int:doc_id>")
@roles_required(*READERS)
@documented("One record (issue, sales report, return, remittance, settlement...)", returns=DocOutSchema)
def record(doc_id: int):
    return respond(DocOutSchema(), services.get_doc(g.org.id, doc_id))


@bp.post("/records/<int:doc_id>/void")
@roles_required(*STAFF)
@documented("Void a mistaken record: its goods go back and its entry is reversed", body=VoidInSchema,
            returns=DocOutSchema)
def void(doc_id: int):
    data = load_json(VoidInSchema())
    return respond(DocOutSchema(), services.void(g.org.id, doc_id, reason=data["reason"], on=data["on"],
                                                 actor_id=current_user.id))


# ---------------------------------------------------------------- member-producers


@bp.get("/producers")
@roles_required(*READERS)
@documented("Member-producers and the cooperative's fee", returns=ProducerOutSchema, many=True)
def producers():
    return respond(ProducerOutSchema(), services.list_producers(g.org.id), many=True)


@bp.post("/producers")
@roles_required(*STAFF)
@documented("Make a member a member-producer", body=ProducerInSchema, returns=ProducerOutSchema, status=201)
def add_producer():
    data = load_json(ProducerInSchema())
    return _created(ProducerOutSchema(), services.add_producer(g.org.id, data["member_id"], actor_id=current_user.id,
                                                               fee_bp=data["fee_bp"]))


@bp.post("/producer-intakes")
@roles_required(*STAFF)
@documented("A member-producer brings goods to sell", body=ProducerGoodsInSchema, returns=DocOutSchema, status=201)
def producer_intake():
    data = load_json(ProducerGoodsInSchema())
    return _created(DocOutSchema(), services.producer_intake(g.org.id, data["producer_id"], data["lines"],
                                                             on=data["on"], actor_id=current_user.id,
                                                             key=idempotency_key()))


@bp.post("/producer-returns")
@roles_required(*STAFF)
@documented("Unsold goods given back to a member-producer", body=ProducerGoodsInSchema, returns=DocOutSchema,
            status=201)
def producer_return():
    data = load_json(ProducerGoodsInSchema())
    return _created(DocOutSchema(), services.producer_return(g.org.id, data["producer_id"], data["lines"],
                                                             on=data["on"], actor_id=current_user.id,
                                                             key=idempotency_key()))


@bp.post("/producer-payouts")
@roles_required(*STAFF)
@documented("Pay a member-producer her share", body=ProducerPayoutInSchema, returns=DocOutSchema, status=201)
def pay_producer():
    data = load_json(ProducerPayoutInSchema())
    return _created(DocOutSchema(), services.pay_producer(g.org.id, data.pop("producer_id"), data.pop("amount"),
                                                          actor_id=current_user.id, key=idempotency_key(), **data))


# ---------------------------------------------------------------- officer reports


@bp.get("/reports/goods-out")
@roles_required(*READERS)
@documented("Goods out with members, aged (?as_of=)", query=AsOfSchema)
def goods_out():
    return jsonify(to_json(reports.goods_out(g.org.id, load_query(AsOfSchema())["as_of"] or today())))


@bp.get("/reports/remittances-due")
@roles_required(*READERS)
@documented("Remittances due from members (?as_of=)", query=AsOfSchema)
def remittances_due():
    return jsonify(to_json(reports.remittances_due(g.org.id, load_query(AsOfSchema())["as_of"] or today())))


@bp.get("/reports/commissions")
@roles_required(*READERS)
@documented("Commissions by member and campaign (?start=&end=)", query=RangeSchema)
def commissions():
    start, end = resolve_range(load_query(RangeSchema()), today())
    return jsonify(to_json(reports.commissions(g.org.id, start, end)))


@bp.get("/reports/due-to-principals")
@roles_required(*READERS)
@documented("Amount due to each principal")
def due_to_principals():
    return jsonify(to_json(reports.due_to_principals(g.org.id, today())))
