from flask import g, jsonify
from flask_login import current_user

from ..api import blueprint
from ..api.openapi import documented
from ..auth.access import READERS, roles_required
from ..auth.models import ROLES
from ..timeutil import today
from ..web.forms import load_query
from . import schedules, services, statements
from .schemas import AsOfSchema, RangeSchema, YearSchema, resolve_range
from .statement_tables import (
    cash_flows_table,
    changes_in_equity_table,
    financial_condition_table,
    loan_portfolio_table,
    operations_year_table,
    share_capital_table,
    statutory_funds_table,
)
from .tables import (
    balance_sheet_table,
    general_ledger_table,
    operations_table,
    party_statement_table,
    trial_balance_table,
)
from .tabular import to_json
from .views import statement_year, visible_party

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


@bp.get("/statements/financial-condition")
@roles_required(*READERS)
@documented("Statement of financial condition at the end of a year and the year before (?year=YYYY)", query=YearSchema)
def financial_condition():
    year, _fmt = statement_year()
    return jsonify(to_json(financial_condition_table(statements.financial_condition(g.org.id, year))))


@bp.get("/statements/operations")
@roles_required(*READERS)
@documented("Statement of operations of a year and the year before (?year=YYYY)", query=YearSchema)
def year_operations():
    year, _fmt = statement_year()
    return jsonify(to_json(operations_year_table(statements.year_operations(g.org.id, year))))


@bp.get("/statements/changes-in-equity")
@roles_required(*READERS)
@documented("Statement of changes in equity of a year and the year before (?year=YYYY)", query=YearSchema)
def changes_in_equity():
    year, _fmt = statement_year()
    return jsonify(to_json(changes_in_equity_table(statements.changes_in_equity(g.org.id, year))))


@bp.get("/statements/cash-flows")
@roles_required(*READERS)
@documented("Statement of cash flows, indirect method, of a year and the year before (?year=YYYY)", query=YearSchema)
def cash_flows():
    year, _fmt = statement_year()
    return jsonify(to_json(cash_flows_table(statements.cash_flows(g.org.id, year))))


@bp.get("/schedules/share-capital")
@roles_required(*READERS)
@documented("Share capital by class of member at two year ends (?year=YYYY)", query=YearSchema)
def share_capital_schedule():
    year, _fmt = statement_year()
    return jsonify(to_json(share_capital_table(*schedules.share_capital_by_class(g.org.id, year))))


@bp.get("/schedules/loan-portfolio")
@roles_required(*READERS)
@documented("The loan portfolio at two year ends, its aging as of each year end, and the allowance the aging "
            "requires beside the allowance held (?year=YYYY)", query=YearSchema)
def loan_portfolio_schedule():
    year, _fmt = statement_year()
    return jsonify(to_json(loan_portfolio_table(schedules.loan_portfolio(g.org.id, year, today()))))


@bp.get("/schedules/statutory-funds")
@roles_required(*READERS)
@documented("Movement of the statutory funds in a year and the year before (?year=YYYY)", query=YearSchema)
def statutory_funds_schedule():
    year, _fmt = statement_year()
    return jsonify(to_json(statutory_funds_table(schedules.statutory_funds(g.org.id, year))))
