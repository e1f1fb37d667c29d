from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import current_user

from ..auth.access import READERS, current_role, roles_required
from ..auth.models import ROLES
from ..manifest import parties_of
from ..manifest import plugins
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
from .tabular import Table, to_csv, to_pdf

bp = Blueprint("reports", __name__, url_prefix="/o/<org>/reports")


def deliver(table: Table, fmt: str, filename: str, **context):
    """The same table as a page, a CSV file or a PDF."""
    if fmt == "csv":
        return Response(to_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if fmt == "pdf":
        return Response(to_pdf(table, g.org.name), mimetype="application/pdf",
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
