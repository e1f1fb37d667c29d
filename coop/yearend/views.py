"""The year end's pages under /o/<org>/yearend: close and reopen years, propose, review, approve, post
and pay out the allocation of the net surplus; each member's slip (page and PDF)."""
from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import READERS, STAFF, roles_required
from ..errors import NotFound
from ..ledger import services as ledger
from ..ledger.schemas import CloseYearSchema, ReopenYearSchema
from ..members import services as members
from ..timeutil import today
from ..web.forms import idempotency_key, load_form
from . import pdf, services
from .schemas import ApprovalSchema, PayoutSchema, PostSchema, ProposalSchema, ReviewSchema

bp = Blueprint("yearend", __name__, url_prefix="/o/<org>/yearend")


@bp.get("/")
@roles_required(*READERS)
def index():
    closed = [row for row in services.years(g.org.id) if row.status == "closed"]
    requests = services.pending_requests(g.org.id)
    asked = {row.payload.get("year") for row in requests if row.kind == services.KIND_CLOSE}
    return render_template("yearend/index.html", years=services.years(g.org.id),
                           closable_options=[(year, year) for year in services.closable_years(g.org.id)
                                             if year not in asked],
                           closed=closed, closed_options=[(row.year, row.year) for row in closed],
                           requests=requests, allocations=services.allocations(g.org.id),
                           defaults=services.proposal_defaults(g.org.id))


@bp.post("/close")
@roles_required(*STAFF)
def request_close():
    data = load_form(CloseYearSchema())
    services.ask_to_close(g.org.id, data["year"], actor_id=current_user.id)
    flash(_l("Closing of %(year)s asked for: another officer approves it.", year=data["year"]))
    return redirect(url_for("yearend.index"), code=303)


@bp.post("/reopen")
@roles_required(*STAFF)
def request_reopen():
    data = load_form(ReopenYearSchema())
    services.ask_to_reopen(g.org.id, data["year"], reason=data["reason"], actor_id=current_user.id)
    flash(_l("Reopening of %(year)s asked for: another officer approves it.", year=data["year"]))
    return redirect(url_for("yearend.index"), code=303)


@bp.post("/allocations")
@roles_required(*STAFF)
def propose():
    allocation = services.propose(g.org.id, actor_id=current_user.id, **load_form(ProposalSchema()))
    flash(_l("Proposal drafted: check it, then the board reviews it."))
    return redirect(url_for("yearend.allocation", allocation_id=allocation.id), code=303)


@bp.get("/allocations/<int:allocation_id>")
@roles_required(*READERS)
def allocation(allocation_id: int):
    found = services.get_allocation(g.org.id, allocation_id)
    return render_template("yearend/allocation.html", a=found, lines=services.schedule(found),
                           waiting=services.waiting_approval(g.org.id, found.id),
                           accounts=ledger.cash_accounts(g.org.id), today=today())


@bp.post("/allocations/<int:allocation_id>/review")
@roles_required(*STAFF)
def review(allocation_id: int):
    services.review(g.org.id, allocation_id, actor_id=current_user.id, **load_form(ReviewSchema()))
    flash(_l("Reviewed by the board."))
    return redirect(url_for("yearend.allocation", allocation_id=allocation_id), code=303)


@bp.post("/allocations/<int:allocation_id>/cancel")
@roles_required(*STAFF)
def cancel(allocation_id: int):
    services.cancel(g.org.id, allocation_id, actor_id=current_user.id)
    flash(_l("Proposal cancelled."))
    return redirect(url_for("yearend.allocation", allocation_id=allocation_id), code=303)


@bp.post("/allocations/<int:allocation_id>/approval")
@roles_required(*STAFF)
def request_approval(allocation_id: int):
    data = load_form(ApprovalSchema())
    services.ask_to_approve(g.org.id, allocation_id, actor_id=current_user.id, **data)
    flash(_l("The general assembly's approval is recorded: another officer confirms it."))
    return redirect(url_for("yearend.allocation", allocation_id=allocation_id), code=303)


@bp.post("/allocations/<int:allocation_id>/post")
@roles_required(*STAFF)
def post(allocation_id: int):
    services.post_allocation(g.org.id, allocation_id, actor_id=current_user.id, idempotency_key=idempotency_key(),
                             **load_form(PostSchema()))
    flash(_l("Allocation posted."))
    return redirect(url_for("yearend.allocation", allocation_id=allocation_id), code=303)


@bp.post("/allocations/<int:allocation_id>/members/<int:member_id>/payout")
@roles_required(*STAFF)
def pay_out(allocation_id: int, member_id: int):
    services.pay_out(g.org.id, allocation_id, member_id, actor_id=current_user.id, idempotency_key=idempotency_key(),
                     **load_form(PayoutSchema()))
    flash(_l("Paid out."))
    return redirect(url_for("yearend.slip", allocation_id=allocation_id, member_id=member_id), code=303)


def _slip(allocation_id: int, member_id: int):
    found = services.get_allocation(g.org.id, allocation_id)
    if found.status != "posted":
        raise NotFound("No such allocation.")
    return found, services.get_line(g.org.id, allocation_id, member_id), members.get_member(g.org.id, member_id)


@bp.get("/allocations/<int:allocation_id>/members/<int:member_id>")
@roles_required(*READERS)
def slip(allocation_id: int, member_id: int):
    found, line, member = _slip(allocation_id, member_id)
    return render_template("yearend/slip.html", a=found, line=line, member=member,
                           accounts=ledger.cash_accounts(g.org.id), today=today(),
                           pdf_url=url_for("yearend.slip_pdf", allocation_id=allocation_id, member_id=member_id))


def _slip_pdf(allocation_id: int, member_id: int) -> Response:
    found, line, member = _slip(allocation_id, member_id)
    return Response(pdf.slip(g.org.name, found, line, member), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="slip-{line.slip_number}.pdf"'})


@bp.get("/allocations/<int:allocation_id>/members/<int:member_id>.pdf")
@roles_required(*READERS)
def slip_pdf(allocation_id: int, member_id: int):
    return _slip_pdf(allocation_id, member_id)


@bp.get("/me/<int:allocation_id>")
@roles_required("member")
def my_slip(allocation_id: int):
    member = members.member_for_user(g.org.id, current_user.id)
    found, line, member = _slip(allocation_id, member.id)
    return render_template("yearend/slip.html", a=found, line=line, member=member, mine=True,
                           pdf_url=url_for("yearend.my_slip_pdf", allocation_id=allocation_id))


@bp.get("/me/<int:allocation_id>.pdf")
@roles_required("member")
def my_slip_pdf(allocation_id: int):
    return _slip_pdf(allocation_id, members.member_for_user(g.org.id, current_user.id).id)
