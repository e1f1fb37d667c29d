"""Cash JSON under /api/v1/orgs/<org>/cash. Posting calls take an Idempotency-Key header."""
from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..web.forms import idempotency_key, load_json
from . import services
from .schemas import (
    BankLineOutSchema,
    DepositInSchema,
    DepositOutSchema,
    MatchInSchema,
    ReconciliationOutSchema,
    SessionCloseSchema,
    SessionOpenSchema,
    SessionOutSchema,
    StatementInSchema,
    StatementOutSchema,
)

bp = blueprint("cash", __name__, "/orgs/<org>/cash")


@bp.get("/deposits")
@roles_required(*READERS)
@documented("Bank deposits from the cash box, newest first", returns=DepositOutSchema, many=True)
def deposits():
    return respond(DepositOutSchema(), services.deposits(g.org.id), many=True)


@bp.post("/deposits")
@roles_required(*STAFF)
@documented("Deposit cash from the cash box to the bank (refused when the cash box holds less)",
            body=DepositInSchema, returns=DepositOutSchema, status=201)
def deposit():
    return respond(DepositOutSchema(), services.deposit(g.org.id, current_user.id, **load_json(DepositInSchema()),
                                                        idempotency_key=idempotency_key()), 201)


@bp.get("/sessions")
@roles_required(*READERS)
@documented("Teller sessions, newest first", returns=SessionOutSchema, many=True)
def sessions():
    return respond(SessionOutSchema(), services.sessions(g.org.id), many=True)


@bp.post("/sessions")
@roles_required(*STAFF)
@documented("Open your teller session with the opening count", body=SessionOpenSchema, returns=SessionOutSchema,
            status=201)
def open_session():
    return respond(SessionOutSchema(), services.open_session(g.org.id, current_user.id,
                                                             **load_json(SessionOpenSchema())), 201)


@bp.get("/sessions/<int:session_id>")
@roles_required(*READERS)
@documented("One teller session", returns=SessionOutSchema)
def session(session_id: int):
    return respond(SessionOutSchema(), services.get_session(g.org.id, session_id))


@bp.post("/sessions/<int:session_id>/close")
@roles_required(*STAFF)
@documented("Close your session with the closing count", body=SessionCloseSchema, returns=SessionOutSchema)
def close_session(session_id: int):
    return respond(SessionOutSchema(), services.close_session(g.org.id, session_id, current_user.id,
                                                              **load_json(SessionCloseSchema())))


@bp.post("/sessions/<int:session_id>/confirmation")
@roles_required(*STAFF)
@documented("Confirm another officer's closing count (posts the over or short)", returns=SessionOutSchema)
def confirm_session(session_id: int):
    return respond(SessionOutSchema(), services.confirm_session(g.org.id, session_id, current_user.id))


@bp.get("/statements")
@roles_required(*READERS)
@documented("Imported bank statements", returns=StatementOutSchema, many=True)
def statements():
    return respond(StatementOutSchema(), services.statements(g.org.id), many=True)


@bp.post("/statements")
@roles_required(*STAFF)
@documented("Import a bank statement CSV (matched automatically)", body=StatementInSchema, returns=StatementOutSchema,
            status=201)
def import_statement():
    data = load_json(StatementInSchema())
    return respond(StatementOutSchema(), services.import_statement(
        g.org.id, current_user.id, data["csv"], account=data["account"], filename=data["filename"],
        closing_balance=data["closing_balance"]), 201)


@bp.get("/statements/<int:statement_id>/reconciliation")
@roles_required(*READERS)
@documented("The bank reconciliation statement with the unmatched lines", returns=ReconciliationOutSchema)
def reconciliation(statement_id: int):
    return respond(ReconciliationOutSchema(), services.reconciliation(g.org.id, statement_id))


@bp.post("/lines/<int:line_id>/match")
@roles_required(*STAFF)
@documented("Match a statement line to a cash-in-bank line of the same amount", body=MatchInSchema,
            returns=BankLineOutSchema)
def match(line_id: int):
    return respond(BankLineOutSchema(), services.match(g.org.id, line_id, load_json(MatchInSchema())["journal_line_id"],
                                                       current_user.id))


@bp.post("/lines/<int:line_id>/unmatch")
@roles_required(*STAFF)
@documented("Undo a statement line's match", returns=BankLineOutSchema)
def unmatch(line_id: int):
    return respond(BankLineOutSchema(), services.unmatch(g.org.id, line_id, current_user.id))
