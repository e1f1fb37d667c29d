from flask import g, jsonify, request
from flask_login import current_user

from ..api import blueprint
from ..api.openapi import documented
from ..auth.access import READERS, roles_required
from ..auth.models import ROLES
from ..timeutil import today
from ..web.forms import load_query
from . import services
from .schemas import AsOfSchema, RangeSchema, resolve_range
from .tables import (
    balance_sheet_table,
    general_ledger_table,
    operations_table,
    party_statement_table,
    trial_balance_table,
)
from .tabular import to_json
from .views import visible_party

bp = blueprint("reports", __name__, "/orgs/<org>/reports")


@bp.get("/trial-balance")
@roles_required(*READERS)
@documented("Trial balance as of a date (?as_of=YYYY-MM-DD)", query=AsOfSchema)
def trial_balance():
    as_of = load_query(AsOfSchema())["as_of"] or today()
    return jsonify(to_json(trial_balance_table(services.trial_balance(g.org.id, as_of))))


@bp.get("/general-ledger/<int:account_id>")
@roles_required(*READERS)
@documented("An account's lines with running balance (?start=&end=)", query=RangeSchema)
def general_ledger(account_id: int):
    start, end = resolve_range(load_query(RangeSchema()), today())
    return jsonify(to_json(general_ledger_table(services.general_ledger(g.org.id, account_id, start, end))))


@bp.get("/parties/<int:party_id>")
@roles_required(*ROLES)
@documented("A party's statement of account (?start=&end=); a member gets her own only", query=RangeSchema)
def party_statement(party_id: int):
    own = visible_party(party_id)
    start, end = resolve_range(load_query(RangeSchema()), today())
    report = services.party_statement(g.org.id, party_id, start, end, viewer_id=current_user.id, own=own)
    return jsonify(to_json(party_statement_table(report)))


@bp.get("/balance-sheet")
@roles_required(*READERS)
@documented("Statement of financial condition as of a date", query=AsOfSchema)
def balance_sheet():
    as_of = load_query(AsOfSchema())["as_of"] or today()
    return jsonify(to_json(balance_sheet_table(services.balance_sheet(g.org.id, as_of))))


@bp.get("/operations")
@roles_required(*READERS)
@documented("Statement of operations for a date range", query=RangeSchema)
def operations():
    start, end = resolve_range(load_query(RangeSchema()), today())
    return jsonify(to_json(operations_table(services.statement_of_operations(g.org.id, start, end))))
