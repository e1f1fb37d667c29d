"""Loans over JSON: products, applications, loans, schedules, repayments (and their reversal)."""
from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..members import services as members
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from . import services
from .schemas import (
    ApplicationSchema,
    DisclosureOutSchema,
    DecisionSchema,
    InstallmentOutSchema,
    LoanOutSchema,
    LoanQuerySchema,
    ProductOutSchema,
    ProductSchema,
    ProvisioningOutSchema,
    ProvisioningQuerySchema,
    ProvisionOutSchema,
    ReleaseSchema,
    RepaymentSchema,
    ReversalSchema,
    TransactionOutSchema,
)

bp = blueprint("loans", __name__, "/orgs/<org>/loans")


@bp.get("/products")
@roles_required(*READERS)
@documented("Loan products and their policy", returns=ProductOutSchema, many=True)
def products():
    return respond(ProductOutSchema(), services.list_products(g.org.id), many=True)


@bp.post("/products")
@roles_required("admin")
@documented("Add a loan product", body=ProductSchema, returns=ProductOutSchema, status=201)
def create_product():
    data = load_json(ProductSchema())
    code = data.pop("code", "")
    return respond(ProductOutSchema(), services.create_product(g.org.id, code, data, current_user.id), 201)


@bp.patch("/products/<int:product_id>")
@roles_required("admin")
@documented("Change a product's policy (loans already applied for keep their terms)", body=ProductSchema,
            returns=ProductOutSchema)
def update_product(product_id: int):
    data = load_json(ProductSchema())
    data.pop("code", None)
    return respond(ProductOutSchema(), services.update_product(g.org.id, product_id, data, current_user.id))


@bp.get("")
@roles_required(*READERS)
@documented("Loans, newest first (?status=, ?member=M-0012, ?limit=50&offset=0)", returns=LoanOutSchema, many=True,
            query=LoanQuerySchema)
def loans():
    args = load_query(LoanQuerySchema())
    member = members.find_by_number(g.org.id, args["member"]) if args["member"] else None
    found = services.search_loans(g.org.id, status=args["status"], member_id=member.id if member else None,
                                  limit=args["limit"], offset=args["offset"])
    return respond(LoanOutSchema(), found, many=True)


@bp.post("/applications")
@roles_required(*STAFF)
@documented("Apply for a loan on behalf of a member; another officer approves it", body=ApplicationSchema,
            returns=LoanOutSchema, status=201)
def apply():
    data = load_json(ApplicationSchema())
    member = members.find_by_number(g.org.id, data["member"])
    loan = services.apply(g.org.id, member.id, data["product_id"], data["amount"], on=data["on"] or today(),
                          actor_id=current_user.id, term_count=data["term_count"], purpose=data["purpose"],
                          comaker_ids=services.find_comakers(g.org.id, [data["comaker_1"], data["comaker_2"]]))
    return respond(LoanOutSchema(), loan, 201)


@bp.get("/applications")
@roles_required(*READERS)
@documented("Applications waiting for a decision", returns=LoanOutSchema, many=True)
def applications():
    return respond(LoanOutSchema(), services.search_loans(g.org.id, status="applied"), many=True)


@bp.post("/<int:loan_id>/approval")
@roles_required(*STAFF)
@documented("Approve an application (not by the officer who entered it)", body=DecisionSchema, returns=LoanOutSchema)
def approve(loan_id: int):
    data = load_json(DecisionSchema())
    return respond(LoanOutSchema(), services.approve(g.org.id, loan_id, actor_id=current_user.id,
                                                     on=data["on"] or today(), reason=data["reason"]))


@bp.post("/<int:loan_id>/rejection")
@roles_required(*STAFF)
@documented("Reject an application, with the reason", body=DecisionSchema, returns=LoanOutSchema)
def reject(loan_id: int):
    data = load_json(DecisionSchema())
    return respond(LoanOutSchema(), services.reject(g.org.id, loan_id, actor_id=current_user.id,
                                                    on=data["on"] or today(), reason=data["reason"]))


@bp.post("/<int:loan_id>/release")
@roles_required(*STAFF)
@documented("Release an approved loan (send an Idempotency-Key header)", body=ReleaseSchema, returns=LoanOutSchema)
def release(loan_id: int):
    data = load_json(ReleaseSchema())
    loan = services.release(g.org.id, loan_id, on=data["on"] or today(), actor_id=current_user.id,
                            idempotency_key=idempotency_key(), cash_account=data["cash_account"])
    return respond(LoanOutSchema(), loan)


@bp.get("/<int:loan_id>")
@roles_required(*READERS)
@documented("One loan", returns=LoanOutSchema)
def loan(loan_id: int):
    return respond(LoanOutSchema(), services.get_loan(g.org.id, loan_id))


@bp.get("/<int:loan_id>/disclosure")
@roles_required(*READERS)
@documented("The Truth in Lending disclosure: every finance charge in pesos and as an effective rate "
            "(as if released today until it is released)", returns=DisclosureOutSchema)
def disclosure(loan_id: int):
    return respond(DisclosureOutSchema(), services.disclosure_of(services.get_loan(g.org.id, loan_id), today()))


@bp.get("/<int:loan_id>/schedule")
@roles_required(*READERS)
@documented("A loan's schedule: installments with what is due, paid and still owed", returns=InstallmentOutSchema,
            many=True)
def schedule(loan_id: int):
    services.get_loan(g.org.id, loan_id)
    return respond(InstallmentOutSchema(), services.installments(loan_id), many=True)


@bp.get("/<int:loan_id>/transactions")
@roles_required(*READERS)
@documented("Everything that moved on a loan", returns=TransactionOutSchema, many=True)
def transactions(loan_id: int):
    services.get_loan(g.org.id, loan_id)
    return respond(TransactionOutSchema(), services.transactions(loan_id), many=True)


@bp.post("/<int:loan_id>/repayments")
@roles_required(*STAFF)
@documented("Record a payment of any amount up to what is owed (send an Idempotency-Key header)",
            body=RepaymentSchema, returns=TransactionOutSchema, status=201)
def repay(loan_id: int):
    return _payment(loan_id, services.repay)


def _payment(loan_id: int, verb):
    data = load_json(RepaymentSchema())
    key = idempotency_key()
    replayed = key is not None and services.transaction_by_key(g.org.id, key) is not None
    txn = verb(g.org.id, loan_id, data["amount"], on=data["on"] or today(), actor_id=current_user.id,
               idempotency_key=key, cash_account=data["cash_account"], received_from=data["received_from"])
    return respond(TransactionOutSchema(), txn, 200 if replayed else 201)


@bp.post("/<int:loan_id>/recoveries")
@roles_required(*STAFF)
@documented("Record money received on a written-off loan: income, up to what was written off (Idempotency-Key)",
            body=RepaymentSchema, returns=TransactionOutSchema, status=201)
def recover(loan_id: int):
    return _payment(loan_id, services.recover)


@bp.get("/provisioning")
@roles_required(*READERS)
@documented("The allowance for probable losses the policy requires on a day (as_of), by aging bucket",
            query=ProvisioningQuerySchema, returns=ProvisioningOutSchema)
def provisioning():
    on = load_query(ProvisioningQuerySchema())["on"] or today()
    return respond(ProvisioningOutSchema(), services.provisioning(g.org.id, on))


@bp.get("/provisions")
@roles_required(*READERS)
@documented("Each month end's setting of the allowance, newest first", returns=ProvisionOutSchema, many=True)
def provisions():
    return respond(ProvisionOutSchema(), services.provisions(g.org.id), many=True)


@bp.post("/repayments/<int:txn_id>/reversal")
@roles_required(*STAFF)
@documented("Reverse a payment, with the reason; the schedule is restored exactly", body=ReversalSchema,
            returns=TransactionOutSchema, status=201)
def reverse(txn_id: int):
    data = load_json(ReversalSchema())
    mirror = services.reverse_repayment(g.org.id, txn_id, on=data["on"] or today(), reason=data["reason"],
                                        actor_id=current_user.id, idempotency_key=idempotency_key())
    return respond(TransactionOutSchema(), mirror, 201)
