from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..audit import services as audit
from ..auth.access import READERS, STAFF, current_role, roles_required
from ..errors import NotFound
from ..receipts import services as receipts
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from ..web.transactions import writes_when_read
from . import fees, services, shares
from .portal import installment_rows
from .schemas import (
    AdmitSchema,
    ApplicationInSchema,
    DecisionSchema,
    MemberOutSchema,
    MemberPersonalOutSchema,
    MemberQuerySchema,
    MemberUpdateSchema,
    MembershipFeeInSchema,
    MembershipFeeOutSchema,
    PaymentInSchema,
    PaymentOutSchema,
    StatusSchema,
    SubscriptionInSchema,
    SubscriptionOutSchema,
    SummaryOutSchema,
    TransferInSchema,
    TransferOutSchema,
    WithdrawalInSchema,
    WithdrawalOutSchema,
)

bp = blueprint("members", __name__, "/orgs/<org>")
_SUMMARY_OUT = SummaryOutSchema()  # built once: building it cost a sixth of the member's summary


def _member_schema(many: bool = False):
    """Officers get personal data (and the view is audited); auditors get numbers and statuses only."""
    return MemberPersonalOutSchema(many=many) if current_role() in STAFF else MemberOutSchema(many=many)


@bp.get("/members")
@writes_when_read
@roles_required(*READERS)
@documented("Members, by number or part of the name (?q=), status and overdue installments",
            query=MemberQuerySchema, returns=MemberOutSchema, many=True)
def members():
    args = load_query(MemberQuerySchema())
    found = services.search_members(g.org.id, args["q"], args["limit"], status=args["status"],
                                    overdue_on=today() if args["overdue"] else None, offset=args["offset"])
    if current_role() in STAFF:
        audit.record("member.list", org_id=g.org.id, user_id=current_user.id, target_type="member",
                     details={"shown": len(found)})
    return respond(_member_schema(), found, many=True)


@bp.post("/members")
@roles_required(*STAFF)
@documented("Record a membership application (collect_fee: with the membership fee and its receipt)",
            body=ApplicationInSchema, returns=MemberPersonalOutSchema, status=201)
def apply():
    member = services.apply(g.org.id, actor_id=current_user.id, **load_json(ApplicationInSchema()))
    return respond(MemberPersonalOutSchema(), member, 201)


@bp.get("/members/<int:member_id>")
@roles_required(*READERS)
@documented("One member (personal data for officers only)", returns=MemberPersonalOutSchema)
def member(member_id: int):
    if current_role() in STAFF:
        return respond(MemberPersonalOutSchema(), services.view_member(g.org.id, member_id, current_user.id))
    return respond(MemberOutSchema(), services.get_member(g.org.id, member_id))


@bp.patch("/members/<int:member_id>")
@roles_required(*STAFF)
@documented("Edit a member's profile", body=MemberUpdateSchema, returns=MemberPersonalOutSchema)
def update(member_id: int):
    member = services.update_member(g.org.id, member_id, current_user.id, **load_json(MemberUpdateSchema()))
    return respond(MemberPersonalOutSchema(), member)


@bp.post("/members/<int:member_id>/admission")
@roles_required(*STAFF)
@documented("Admit an applicant (board resolution); the answer carries her portal login's initial password once",
            body=AdmitSchema, returns=MemberOutSchema)
def admit(member_id: int):
    data = load_json(AdmitSchema())
    admission = services.admit(g.org.id, member_id, on=data["on"], board_resolution=data["board_resolution"],
                               actor_id=current_user.id, collect_fee=data["collect_fee"],
                               cash_account=data["cash_account"])
    body = MemberOutSchema().dump(admission.member)
    body.update(username=admission.username, initial_password=admission.initial_password)
    return body, 200


@bp.get("/members/<int:member_id>/membership-fee")
@roles_required(*READERS)
@documented("Her membership fee, if paid (404 otherwise)", returns=MembershipFeeOutSchema)
def membership_fee(member_id: int):
    services.get_member(g.org.id, member_id)
    fee = fees.fee_of(g.org.id, member_id)
    if fee is None:
        raise NotFound("Her membership fee is not paid.")
    return respond(MembershipFeeOutSchema(), fee)


@bp.post("/members/<int:member_id>/membership-fee")
@roles_required(*STAFF)
@documented("Collect her membership fee (the policy's amount, once) with an official receipt; send an "
            "Idempotency-Key header", body=MembershipFeeInSchema, returns=MembershipFeeOutSchema, status=201)
def pay_membership_fee(member_id: int):
    data = load_json(MembershipFeeInSchema())
    fee = fees.pay(g.org.id, member_id, on=data["on"], actor_id=current_user.id, idempotency_key=idempotency_key(),
                   cash_account=data["cash_account"])
    return respond(MembershipFeeOutSchema(), fee, 201)


@bp.post("/members/<int:member_id>/status")
@roles_required(*STAFF)
@documented("Change a member's status with the date and reason", body=StatusSchema, returns=MemberOutSchema)
def change_status(member_id: int):
    data = load_json(StatusSchema())
    member = services.change_status(g.org.id, member_id, data["status"], on=data["on"], reason=data["reason"],
                                    actor_id=current_user.id)
    return respond(MemberOutSchema(), member)


@bp.get("/members/<int:member_id>/subscriptions")
@roles_required(*READERS)
@documented("A member's share subscriptions", returns=SubscriptionOutSchema, many=True)
def subscriptions(member_id: int):
    services.get_member(g.org.id, member_id)
    return respond(SubscriptionOutSchema(), shares.subscriptions_of(g.org.id, member_id), many=True)


@bp.post("/members/<int:member_id>/subscriptions")
@roles_required(*STAFF)
@documented("Subscribe to shares, outright (plan 1-monthly) or on an installment plan such as 4-monthly",
            body=SubscriptionInSchema, returns=SubscriptionOutSchema, status=201)
def subscribe(member_id: int):
    data = load_json(SubscriptionInSchema())
    count, _, frequency = data["plan"].partition("-")
    subscription = shares.subscribe(g.org.id, member_id, shares=data["shares"], on=data["on"],
                                    installments=int(count), frequency=frequency, first_due=data["first_due"],
                                    actor_id=current_user.id, idempotency_key=idempotency_key())
    return respond(SubscriptionOutSchema(), subscription, 201)


def _payment_out(payment) -> dict:
    body = PaymentOutSchema().dump(payment)
    body["receipt_number"] = receipts.get(g.org.id, payment.receipt_id).display_number if payment.receipt_id else None
    return body


@bp.get("/members/<int:member_id>/payments")
@roles_required(*READERS)
@documented("A member's share capital payments, newest first", returns=PaymentOutSchema, many=True)
def payments(member_id: int):
    services.get_member(g.org.id, member_id)
    return [_payment_out(p) for p in shares.payments_of(g.org.id, member_id, limit=200)], 200


@bp.post("/members/<int:member_id>/payments")
@roles_required(*STAFF)
@documented("Record a share capital payment (up to what is due); send an Idempotency-Key header",
            body=PaymentInSchema, returns=PaymentOutSchema, status=201)
def pay(member_id: int):
    data = load_json(PaymentInSchema())
    payment = shares.record_payment(g.org.id, member_id, amount=data["amount"], on=data["on"],
                                    actor_id=current_user.id, idempotency_key=idempotency_key())
    return _payment_out(payment), 201


@bp.post("/members/<int:member_id>/withdrawals")
@roles_required(*STAFF)
@documented("Record a share capital withdrawal (waits for another officer's approval)", body=WithdrawalInSchema,
            returns=WithdrawalOutSchema, status=201)
def request_withdrawal(member_id: int):
    data = load_json(WithdrawalInSchema())
    withdrawal = shares.request_withdrawal(g.org.id, member_id, on=data["on"], reason=data["reason"],
                                           actor_id=current_user.id)
    return respond(WithdrawalOutSchema(), withdrawal, 201)


@bp.post("/withdrawals/<int:withdrawal_id>/decision")
@roles_required(*STAFF)
@documented("Approve or reject a withdrawal (an officer other than the one who recorded it)", body=DecisionSchema,
            returns=WithdrawalOutSchema)
def decide(withdrawal_id: int):
    data = load_json(DecisionSchema())
    withdrawal = shares.decide_withdrawal(g.org.id, withdrawal_id, approve=data["approve"], on=data["on"],
                                          actor_id=current_user.id, note=data["note"])
    return respond(WithdrawalOutSchema(), withdrawal)


@bp.post("/members/<int:member_id>/transfers")
@roles_required(*STAFF)
@documented("Transfer fully paid shares to another member (to_member: her number)", body=TransferInSchema,
            returns=TransferOutSchema, status=201)
def transfer(member_id: int):
    data = load_json(TransferInSchema())
    taker = services.find_by_number(g.org.id, data["to_member"], field="to_member")
    record = shares.transfer(g.org.id, member_id, taker.id, shares=data["shares"], on=data["on"],
                             actor_id=current_user.id)
    return respond(TransferOutSchema(), record, 201)


@bp.get("/me/summary")
@roles_required("member")
@documented("The signed-in member's own share capital: paid-up, due, next due date, schedule", returns=SummaryOutSchema)
def my_summary():
    member = services.member_for_user(g.org.id, current_user.id)
    on = today()
    open_installments = shares.open_schedule(g.org.id, member.id)
    position = shares.summary(g.org.id, member, on, open_installments)
    schedule = [{"seq": row.seq, "due_on": row.due_on, "amount": row.amount, "paid": row.paid,
                 "balance": row.balance, "overdue": state == "overdue"}
                for row, state in installment_rows(open_installments, on)]
    body = {"member": member, "subscribed": position.subscribed, "paid_up": position.paid_up, "due": position.due,
            "overdue": position.overdue, "next_due_on": position.next_due_on,
            "next_due_amount": position.next_due_amount,
            "good_standing": services.standing(g.org.id, member.id, on).good, "installments": schedule}
    return respond(_SUMMARY_OUT, body)
