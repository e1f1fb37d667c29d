
from flask import Blueprint, Response, abort, g, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..auth.access import READERS, current_role, roles_required
from ..auth.models import ROLES
from ..manifest import parties_of
from ..manifest import plugins
from ..timeutil import today
from ..web.forms import load_query
from . import services
from . import activities, schedules, statements
from .schemas import AsOfSchema, RangeSchema, YearSchema, resolve_range
from .statement_tables import (
    activities_table,
    financial_position_table,
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
from .tabular import Table, to_csv, to_pdf

bp = Blueprint("reports", __name__, url_prefix="/o/<org>/reports")


def deliver(table: Table, fmt: str, filename: str, **context):
    """The same table as a page, a CSV file or a PDF."""
    if fmt == "csv":
        return Response(to_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if fmt == "pdf":
        locale = "fil_PH" if str(get_locale()) == "fil" else "en_PH"
        return Response(to_pdf(table, g.org.name, locale), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
    return render_template("reports/table.html", table=table, **context)


def visible_party(party_id: int) -> bool:
    """Staff may open any party's statement; anyone else only her own (404 otherwise). True if it is her own."""
    own = party_id in parties_of(g.org.id, current_user.id)
    if not own and current_role() not in READERS:
        abort(404)
    return own


@bp.get("/")
@roles_required(*READERS)
def index():
    role = current_role()
    links = [item for item in plugins().reports if role in item.roles and g.org.kind in item.org_kinds]
    return render_template("reports/index.html", report_links=links)


@bp.get("/trial-balance")
@roles_required(*READERS)
def trial_balance():
    args = load_query(AsOfSchema())
    as_of = args["as_of"] or today()
    return deliver(trial_balance_table(services.trial_balance(g.org.id, as_of)), args["format"],
                   f"trial-balance-{as_of}", as_of=as_of, date_filter="as_of")


@bp.get("/general-ledger/<int:account_id>")
@roles_required(*READERS)
def general_ledger(account_id: int):
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    report = services.general_ledger(g.org.id, account_id, start, end)
    return deliver(general_ledger_table(report), args["format"], f"ledger-{report.account.code}-{start}-{end}",
                   start=start, end=end, date_filter="range")


@bp.get("/parties/<int:party_id>")
@roles_required(*ROLES)
def party_statement(party_id: int):
    own = visible_party(party_id)
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    report = services.party_statement(g.org.id, party_id, start, end, viewer_id=current_user.id, own=own)
    return deliver(party_statement_table(report), args["format"],
                   f"statement-{party_id}-{start}-{end}", start=start, end=end, date_filter="range")


@bp.get("/balance-sheet")
@roles_required(*READERS)
def balance_sheet():
    args = load_query(AsOfSchema())
    as_of = args["as_of"] or today()
    return deliver(balance_sheet_table(services.balance_sheet(g.org.id, as_of)), args["format"],
                   f"balance-sheet-{as_of}", as_of=as_of, date_filter="as_of")


@bp.get("/operations")
@roles_required(*READERS)
def operations():
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    return deliver(operations_table(services.statement_of_operations(g.org.id, start, end)), args["format"],
                   f"operations-{start}-{end}", start=start, end=end, date_filter="range")


# ---------------------------------------------------------------- the year's statements (CDA), this year and last


def statement_year() -> tuple[int, str]:
    """The year asked for (this year by default) and the format; the CDA statements are a cooperative's."""
    if g.org.kind != "cooperative":
        abort(404)
    args = load_query(YearSchema())
    return args["year"] or today().year, args["format"]


def deliver_year(table: Table, fmt: str, name: str, year: int):
    return deliver(table, fmt, f"{name}-{year}", year=year, date_filter="year")


@bp.get("/statements/financial-condition")
@roles_required(*READERS)
def financial_condition():
    year, fmt = statement_year()
    return deliver_year(financial_condition_table(statements.financial_condition(g.org.id, year)), fmt,
                        "financial-condition", year)


@bp.get("/statements/operations")
@roles_required(*READERS)
def year_operations():
    year, fmt = statement_year()
    return deliver_year(operations_year_table(statements.year_operations(g.org.id, year)), fmt, "operations", year)


@bp.get("/statements/changes-in-equity")
@roles_required(*READERS)
def changes_in_equity():
    year, fmt = statement_year()
    return deliver_year(changes_in_equity_table(statements.changes_in_equity(g.org.id, year)), fmt,
                        "changes-in-equity", year)


@bp.get("/statements/cash-flows")
@roles_required(*READERS)
def cash_flows():
    year, fmt = statement_year()
    return deliver_year(cash_flows_table(statements.cash_flows(g.org.id, year)), fmt, "cash-flows", year)


@bp.get("/schedules/share-capital")
@roles_required(*READERS)
def share_capital_schedule():
    year, fmt = statement_year()
    return deliver_year(share_capital_table(*schedules.share_capital_by_class(g.org.id, year)), fmt,
                        "share-capital", year)


@bp.get("/schedules/loan-portfolio")
@roles_required(*READERS)
def loan_portfolio_schedule():
    year, fmt = statement_year()
    return deliver_year(loan_portfolio_table(schedules.loan_portfolio(g.org.id, year, today())), fmt,
                        "loan-portfolio", year)


@bp.get("/schedules/statutory-funds")
@roles_required(*READERS)
def statutory_funds_schedule():
    year, fmt = statement_year()
    return deliver_year(statutory_funds_table(schedules.statutory_funds(g.org.id, year)), fmt, "statutory-funds", year)


# ---------------------------------------------------------------- the NGO's statements by class of net assets

NGO_READERS = (*READERS, "grant_staff")


def ngo_year() -> tuple[int, str]:
    if g.org.kind != "ngo":
        abort(404)
    args = load_query(YearSchema())
    return args["year"] or today().year, args["format"]


@bp.get("/statements/activities")
@roles_required(*NGO_READERS)
def statement_of_activities():
    year, fmt = ngo_year()
    return deliver_year(activities_table(activities.activities(g.org.id, year)), fmt, "activities", year)


@bp.get("/statements/financial-position")
@roles_required(*NGO_READERS)
def financial_position():
    year, fmt = ngo_year()
    return deliver_year(financial_position_table(activities.financial_position(g.org.id, year)), fmt,
                        "financial-position", year)
