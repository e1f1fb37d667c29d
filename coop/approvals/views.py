"""The checker's inbox: what waits for a second person, in plain words, with the buttons for those who may decide."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import roles_required
from ..web.forms import load_form, load_query
from . import services
from .schemas import ApprovalQuerySchema, ApproveSchema, RejectSchema

bp = Blueprint("approvals", __name__, url_prefix="/o/<org>/approvals")

# Who sees the inbox: everyone who may check some kind, and the auditor (who decides nothing).
INBOX_READERS = ("admin", "officer", "grant_staff", "auditor")


@bp.get("/")
@roles_required(*INBOX_READERS)
def index():
    query = load_query(ApprovalQuerySchema())
    status = None if query["status"] == "all" else query["status"]
    rows = services.approvals(g.org.id, status, 50, query["before"])
    return render_template("approvals/index.html", rows=rows, status=query["status"], label_of=services.label_of,
                           may_decide=lambda row: services.may_decide(g.org.id, row, current_user.id),
                           pending=services.count_pending(g.org.id))


@bp.get("/<int:approval_id>")
@roles_required(*INBOX_READERS)
def show(approval_id: int):
    row = services.get_approval(g.org.id, approval_id)
    link = services.link_of(row)
    return render_template("approvals/show.html", row=row, label=services.label_of(row), details=services.describe(row),
                           href=url_for(link[0], **link[1]) if link else None, endpoint=link[0] if link else None,
                           may_decide=services.may_decide(g.org.id, row, current_user.id))


@bp.post("/<int:approval_id>/approve")
@roles_required(*INBOX_READERS)
def approve(approval_id: int):
    data = load_form(ApproveSchema())
    services.approve(g.org.id, approval_id, current_user.id, on=data["on"], note=data["note"])
    flash(_l("Approved and carried out."))
    return redirect(url_for("approvals.show", approval_id=approval_id), code=303)


@bp.post("/<int:approval_id>/reject")
@roles_required(*INBOX_READERS)
def reject(approval_id: int):
    data = load_form(RejectSchema())
    services.reject(g.org.id, approval_id, current_user.id, data["reason"], on=data["on"])
    flash(_l("Turned down."))
    return redirect(url_for("approvals.show", approval_id=approval_id), code=303)
