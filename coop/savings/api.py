"""Savings JSON under /api/v1/orgs/<org>/savings. Posting calls take an Idempotency-Key header."""
from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..auth.models import ROLES
from ..errors import NotFound
from ..members import services as members
from ..web.forms import idempotency_key, load_json, load_query
from . import services
from .schemas import (
    AccountOutSchema,
    AccountsQuerySchema,
    DateInSchema,
    LoanTransferInSchema,
    MoneyInSchema,
    OpenInSchema,
    PreterminateInSchema,
    ProductOutSchema,
    TransactionOutSchema,
    TransferInSchema,
)

bp = blueprint("savings", __name__, "/orgs/<org>/savings")


@bp.get("/products")
@roles_required(*READERS)
@documented("Savings products and their policy", returns=ProductOutSchema, many=True)
def products():
    return respond(ProductOutSchema(), services.list_products(g.org.id), many=True)


@bp.get("/accounts")
@roles_required(*READERS)
@documented("Savings accounts, newest first", returns=AccountOutSchema, many=True)
def accounts():
    args = load_query(AccountsQuerySchema())
    return respond(AccountOutSchema(), services.list_accounts(
        g.org.id, status=args["status"], limit=args["limit"], offset=args["offset"],
        member_ids=members.member_ids_matching(g.org.id, args["q"]) if args["q"].strip() else None), many=True)


@bp.post("/accounts")
@roles_required(*STAFF)
@documented("Open a savings account for a member, with its first deposit and receipt", body=OpenInSchema,
            returns=AccountOutSchema, status=201)
def open_account():
    data = load_json(OpenInSchema())
    return respond(AccountOutSchema(), services.open_account(
        g.org.id, data.pop("member_id"), data.pop("product_id"), actor_id=current_user.id,
        idempotency_key=idempotency_key(), **data), 201)


@bp.get("/accounts/<int:account_id>")
@roles_required(*READERS)
@documented("One savings account", returns=AccountOutSchema)
def account(account_id: int):
    return respond(AccountOutSchema(), services.get_account(g.org.id, account_id))


@bp.get("/accounts/<int:account_id>/transactions")
@roles_required(*READERS)
@documented("An account's passbook lines, oldest first", returns=TransactionOutSchema, many=True)
def transactions(account_id: int):
    found = services.get_account(g.org.id, account_id)
    return respond(TransactionOutSchema(), services.transactions(g.org.id, found.id), many=True)


def _txn(result, status: int = 201):
    return respond(TransactionOutSchema(), result, status)


@bp.post("/accounts/<int:account_id>/deposits")
@roles_required(*STAFF)
@documented("Deposit at the desk, with an official receipt", body=MoneyInSchema, returns=TransactionOutSchema,
            status=201)
def deposit(account_id: int):
    return _txn(services.deposit(g.org.id, account_id, **load_json(MoneyInSchema()), actor_id=current_user.id,
                                 idempotency_key=idempotency_key()))


@bp.post("/accounts/<int:account_id>/withdrawals")
@roles_required(*STAFF)
@documented("Withdraw in cash (refused below the minimum balance, from a dormant account, or below zero cash)",
            body=MoneyInSchema, returns=TransactionOutSchema, status=201)
def withdraw(account_id: int):
    return _txn(services.withdraw(g.org.id, account_id, **load_json(MoneyInSchema()), actor_id=current_user.id,
                                  idempotency_key=idempotency_key()))


@bp.post("/accounts/<int:account_id>/shares")
@roles_required(*STAFF)
@documented("Pay her share subscription from savings: one entry, the share payment's receipt",
            body=TransferInSchema, returns=TransactionOutSchema, status=201)
def pay_shares(account_id: int):
    return _txn(services.pay_shares(g.org.id, account_id, **load_json(TransferInSchema()), actor_id=current_user.id,
                                    idempotency_key=idempotency_key()))


@bp.post("/accounts/<int:account_id>/loan")
@roles_required(*STAFF)
@documented("Pay her loan from savings: one entry, the loan payment's receipt", body=LoanTransferInSchema,
            returns=TransactionOutSchema, status=201)
def pay_loan(account_id: int):
    data = load_json(LoanTransferInSchema())
    return _txn(services.pay_loan(g.org.id, account_id, data.pop("loan_id"), **data, actor_id=current_user.id,
                                  idempotency_key=idempotency_key()))


@bp.post("/accounts/<int:account_id>/reactivation")
@roles_required(*STAFF)
@documented("Reactivate a dormant account", body=DateInSchema, returns=TransactionOutSchema, status=201)
def reactivate(account_id: int):
    return _txn(services.reactivate(g.org.id, account_id, **load_json(DateInSchema()), actor_id=current_user.id))


@bp.post("/accounts/<int:account_id>/pretermination")
@roles_required(*STAFF)
@documented("Pre-terminate a time deposit: principal and interest so far less the penalty, in cash",
            body=PreterminateInSchema, returns=TransactionOutSchema, status=201)
def preterminate(account_id: int):
    return _txn(services.preterminate(g.org.id, account_id, **load_json(PreterminateInSchema()),
                                      actor_id=current_user.id, idempotency_key=idempotency_key()))


# ---------------------------------------------------------------- her own


@bp.get("/my")
@roles_required(*ROLES)
@documented("The signed-in member's own savings accounts", returns=AccountOutSchema, many=True)
def my_accounts():
    mine = members.member_for_user(g.org.id, current_user.id)
    return respond(AccountOutSchema(), services.accounts_of_member(g.org.id, mine.id), many=True)


@bp.get("/my/<int:account_id>/transactions")
@roles_required(*ROLES)
@documented("Her own passbook lines, oldest first (an account that is not hers is a 404)",
            returns=TransactionOutSchema, many=True)
def my_transactions(account_id: int):
    mine = members.member_for_user(g.org.id, current_user.id)
    found = services.get_account(g.org.id, account_id)
    if found.member_id != mine.id:
        raise NotFound("No such savings account.")
    return respond(TransactionOutSchema(), services.transactions(g.org.id, found.id), many=True)
