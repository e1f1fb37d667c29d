from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import READERS, STAFF, roles_required
from ..errors import Invalid
from ..ledger import services as ledger
from ..money import php_text
from ..timeutil import today
from ..web.forms import idempotency_key, load_form
from . import pdf, services
from .models import CLOSED
from .schemas import DepositInSchema, MatchInSchema, SessionCloseSchema, SessionOpenSchema

bp = Blueprint("cash", __name__, url_prefix="/o/<org>/cash")


@bp.get("/")
@roles_required(*READERS)
def index():
    mine = services.open_session_of(g.org.id, current_user.id)
    return render_template("cash/index.html", deposits=services.deposits(g.org.id, 20),
                           sessions=services.sessions(g.org.id, limit=30), to_confirm=services.sessions(g.org.id, CLOSED),
                           mine=services.get_session(g.org.id, mine[0]) if mine else None,
                           expected=services.expected_count, statements=services.statements(g.org.id),
                           accounts=ledger.cash_accounts(g.org.id), today=today())


@bp.post("/deposits")
@roles_required(*STAFF)
def deposit():
    row = services.deposit(g.org.id, current_user.id, **load_form(DepositInSchema()), idempotency_key=idempotency_key())
    flash(_l("Deposit of %(amount)s recorded.", amount=php_text(row.amount)))
    return redirect(url_for("cash.index"), code=303)


@bp.post("/sessions")
@roles_required(*STAFF)
def open_session():
    services.open_session(g.org.id, current_user.id, **load_form(SessionOpenSchema()))
    flash(_l("Your teller session is open."))
    return redirect(url_for("cash.index"), code=303)


@bp.post("/sessions/<int:session_id>/close")
@roles_required(*STAFF)
def close_session(session_id: int):
    services.close_session(g.org.id, session_id, current_user.id, **load_form(SessionCloseSchema()))
    flash(_l("Session closed: another officer confirms the count."))
    return redirect(url_for("cash.index"), code=303)


@bp.post("/sessions/<int:session_id>/confirmation")
@roles_required(*STAFF)
def confirm_session(session_id: int):
    services.confirm_session(g.org.id, session_id, current_user.id)
    flash(_l("Closing count confirmed."))
    return redirect(url_for("cash.index"), code=303)


@bp.post("/statements")
@roles_required(*STAFF)
def import_statement():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Choose the statement's CSV file.", field="file")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("Save the statement as a CSV file (UTF-8).", field="file") from None
    closing = request.form.get("closing_balance", "").strip()
    statement = services.import_statement(
        g.org.id, current_user.id, text, account=request.form.get("account") or "cash_in_bank",
        filename=upload.filename, closing_balance=services.parse_amount(closing) if closing else None)
    flash(_l("Statement imported."))
    return redirect(url_for("cash.statement", statement_id=statement.id), code=303)


@bp.get("/statements/<int:statement_id>")
@roles_required(*READERS)
def statement(statement_id: int):
    return render_template("cash/statement.html", r=services.reconciliation(g.org.id, statement_id))


@bp.get("/statements/<int:statement_id>.pdf")
@roles_required(*READERS)
def statement_pdf(statement_id: int):
    body = pdf.render(g.org.name, services.reconciliation(g.org.id, statement_id))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="reconciliation-{statement_id}.pdf"'})


@bp.post("/statements/<int:statement_id>/auto-match")
@roles_required(*STAFF)
def auto_match(statement_id: int):
    count = services.auto_match(g.org.id, statement_id, current_user.id)
    flash(_l("%(count)s lines matched.", count=count))
    return redirect(url_for("cash.statement", statement_id=statement_id), code=303)


@bp.post("/lines/<int:line_id>/match")
@roles_required(*STAFF)
def match(line_id: int):
    line = services.match(g.org.id, line_id, load_form(MatchInSchema())["journal_line_id"], current_user.id)
    flash(_l("Matched."))
    return redirect(url_for("cash.statement", statement_id=line.statement_id), code=303)


@bp.post("/lines/<int:line_id>/unmatch")
@roles_required(*STAFF)
def unmatch(line_id: int):
    line = services.unmatch(g.org.id, line_id, current_user.id)
    flash(_l("Match undone."))
    return redirect(url_for("cash.statement", statement_id=line.statement_id), code=303)
