from flask import g, request
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..approvals import services as approvals
from ..approvals.schemas import ApprovalOutSchema
from ..auth.access import READERS, STAFF, roles_required
from ..web.forms import idempotency_key, load_json
from . import services
from .schemas import (
    AccountInSchema,
    AccountOutSchema,
    AccountUpdateSchema,
    BalanceOutSchema,
    EntryInSchema,
    EntryOutSchema,
    ReverseSchema,
)
from .views import document_of

bp = blueprint("ledger", __name__, "/orgs/<org>/ledger")
HELD = "Held for a second officer's approval (coop.approvals): the pending request"
# The posting path's schemas, built once: a marshmallow Schema deep-copies its declared fields (and its nested
# schemas') when made, a tenth of a posting request's Python; loading and dumping keep no state in the instance.
_ENTRY_IN, _ENTRY_OUT = EntryInSchema(), EntryOutSchema()


@bp.get("/accounts")
@roles_required(*READERS)
@documented("The chart of accounts", returns=AccountOutSchema, many=True)
def accounts():
    return respond(AccountOutSchema(), services.list_accounts(g.org.id), many=True)


@bp.post("/accounts")
@roles_required("admin")
@documented("Add an account", body=AccountInSchema, returns=AccountOutSchema, status=201)
def add_account():
    return respond(AccountOutSchema(), services.add_account(g.org.id, **load_json(AccountInSchema()),
                                                                 actor_id=current_user.id), 201)


@bp.patch("/accounts/<int:account_id>")
@roles_required("admin")
@documented("Rename, recode, activate or deactivate an account", body=AccountUpdateSchema, returns=AccountOutSchema)
def update_account(account_id: int):
    return respond(AccountOutSchema(), services.update_account(
        g.org.id, account_id, **load_json(AccountUpdateSchema()), actor_id=current_user.id))


@bp.get("/accounts/<int:account_id>/balance")
@roles_required(*READERS)
@documented("The running balance of an account (or of one party on it with ?party_id=)", returns=BalanceOutSchema)
def balance(account_id: int):
    party_id = request.args.get("party_id", type=int)
    account = services.get_account(g.org.id, account_id)
    found = (services.party_balance(g.org.id, account_id, party_id) if party_id
             else services.balance(g.org.id, account_id))
    signed = found.debit_balance if account.normal_side == "debit" else found.credit_balance
    return respond(BalanceOutSchema(), {"account_id": account_id, "party_id": party_id,
                                        "debit_total": found.debit_total, "credit_total": found.credit_total,
                                        "balance_centavos": signed})


@bp.post("/entries")
@roles_required(*STAFF)
@documented("Post a journal entry (send an Idempotency-Key header to make retries safe); over the policy amount "
            "ledger.approval_threshold it is held for a second officer (202)", body=EntryInSchema,
            returns=EntryOutSchema, status=201, also={202: (HELD, ApprovalOutSchema)})
def post_entry():
    done = approvals.run_or_hold(g.org.id, services.MANUAL_ENTRY_KIND, services.manual_payload(load_json(_ENTRY_IN)),
                                 maker_id=current_user.id, idempotency_key=idempotency_key())
    if done.held:  # over the policy amount: 202, the request waiting for a second officer
        return respond(ApprovalOutSchema(), done.held, 202)
    return respond(_ENTRY_OUT, done.result, 200 if done.result.replayed else 201)


@bp.get("/entries/<int:entry_id>")
@roles_required(*READERS)
@documented("One journal entry with its lines", returns=EntryOutSchema)
def entry(entry_id: int):
    return respond(_ENTRY_OUT, services.get_entry(g.org.id, entry_id))


@bp.post("/entries/<int:entry_id>/reversal")
@roles_required(*STAFF)
@documented("Reverse a manual entry (once); an entry a domain posted is refused (409, naming its document); over the "
            "policy amount it is held for a second officer (202)", body=ReverseSchema, returns=EntryOutSchema,
            status=201, also={202: (HELD, ApprovalOutSchema)})
def reverse(entry_id: int):
    data = load_json(ReverseSchema())
    payload = services.reversal_payload(entry_id, data["on"], data["reason"],
                                        document_of(services.get_entry(g.org.id, entry_id)))
    done = approvals.run_or_hold(g.org.id, services.REVERSAL_KIND, payload, maker_id=current_user.id,
                                 subject=f"entry:{entry_id}", idempotency_key=idempotency_key())
    if done.held:  # over the policy amount: 202, the request waiting for a second officer
        return respond(ApprovalOutSchema(), done.held, 202)
    return respond(_ENTRY_OUT, done.result, 200 if done.result.replayed else 201)
