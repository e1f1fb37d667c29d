from calendar import monthrange
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..approvals import services as approvals
from ..jobs import services as jobs
from ..auth.access import READERS, STAFF, roles_required
from ..manifest import plugins
from ..timeutil import today
from ..web.forms import idempotency_key, load_form
from . import services
from .schemas import AccountInSchema, AccountUpdateSchema, EntryInSchema, PeriodSchema, ReverseSchema

bp = Blueprint("ledger", __name__, url_prefix="/o/<org>/ledger")
MANUAL_LINES = 4


def document_of(entry) -> dict | None:
    """The document a domain posted this entry for (kind, id, label, href), None for a manual entry."""
    if not services.owned_by_domain(entry):
        return None
    found = {"kind": entry.source, "id": entry.source_id, "label": entry.source, "href": None}
    spec = plugins().documents.get(entry.source)
    if spec is not None:
        found["label"] = str(spec.label)
        if spec.endpoint and entry.source_id and entry.source_id.isdigit():
            args = spec.find(entry.org_id, entry.source_id) if spec.find else {spec.arg: int(entry.source_id)}
            found["href"] = url_for(spec.endpoint, **args) if args else None
    return found


@bp.get("/accounts")
@roles_required(*READERS)
def accounts():
    rows = services.list_accounts(g.org.id)
    balances = services.balances_as_of(g.org.id)
    depth: dict[int, int] = {}
    for account in rows:
        depth[account.id] = depth.get(account.parent_id, -1) + 1 if account.parent_id else 0
    groups = [(a.id, f"{a.code} {a.name}") for a in rows if a.is_group]
    return render_template("ledger/accounts.html", accounts=rows, balances=balances, depth=depth, groups=groups)


@bp.get("/accounts/<int:account_id>/edit")
@roles_required("admin")
def edit_account(account_id: int):
    account = services.get_account(g.org.id, account_id)
    return render_template("ledger/edit_account.html", account=account, has_postings=services.has_postings(account.id))


@bp.post("/accounts")
@roles_required("admin")
def add_account():
    data = load_form(AccountInSchema())
    account = services.add_account(g.org.id, **data, actor_id=current_user.id)
    flash(_l("Account %(code)s added.", code=account.code))
    return redirect(url_for("ledger.accounts"), code=303)


@bp.post("/accounts/<int:account_id>")
@roles_required("admin")
def update_account(account_id: int):
    data = load_form(AccountUpdateSchema())
    account = services.update_account(g.org.id, account_id, **data, actor_id=current_user.id)
    flash(_l("Account %(code)s saved.", code=account.code))
    return redirect(url_for("ledger.accounts"), code=303)


@bp.post("/accounts/<int:account_id>/delete")
@roles_required("admin")
def delete_account(account_id: int):
    services.delete_account(g.org.id, account_id, actor_id=current_user.id)
    flash(_l("Account deleted."))
    return redirect(url_for("ledger.accounts"), code=303)


@bp.get("/entries")
@roles_required(*READERS)
def entries():
    before = request.args.get("before", type=int)
    return render_template("ledger/entries.html", entries=services.recent_entries(g.org.id, 50, before))


@bp.get("/entries/new")
@roles_required(*STAFF)
def new_entry():
    accounts = [a for a in services.list_accounts(g.org.id, include_inactive=False) if not a.is_group]
    return render_template("ledger/new_entry.html", accounts=accounts, line_count=MANUAL_LINES, today=today())


@bp.post("/entries")
@roles_required(*STAFF)
def post_entry():
    form = request.form
    lines = [
        {"account_id": account, "debit": debit or "0", "credit": credit or "0"}
        for account, debit, credit in zip(form.getlist("account_id"), form.getlist("debit"), form.getlist("credit"))
        if account and (debit.strip() or credit.strip())
    ]
    data = EntryInSchema().load({"entry_date": form.get("entry_date", ""), "memo": form.get("memo", ""),
                                 "lines": lines})
    done = approvals.run_or_hold(g.org.id, services.MANUAL_ENTRY_KIND, services.manual_payload(data),
                                 maker_id=current_user.id, idempotency_key=idempotency_key())
    if done.held:
        flash(_l("The entry is over the policy amount: it waits for a second officer's approval."))
        return redirect(url_for("approvals.show", approval_id=done.held.id), code=303)
    flash(_l("Entry %(id)s posted.", id=done.result.id))
    return redirect(url_for("ledger.entry", entry_id=done.result.id), code=303)


@bp.get("/entries/<int:entry_id>")
@roles_required(*READERS)
def entry(entry_id: int):
    posted = services.get_entry(g.org.id, entry_id)
    return render_template("ledger/entry.html", entry=posted, reversed_by=services.reversal_of(g.org.id, entry_id),
                           document=document_of(posted), today=today())


@bp.post("/entries/<int:entry_id>/reverse")
@roles_required(*STAFF)
def reverse(entry_id: int):
    data = load_form(ReverseSchema())
    payload = services.reversal_payload(entry_id, data["on"], data["reason"],
                                        document_of(services.get_entry(g.org.id, entry_id)))
    done = approvals.run_or_hold(g.org.id, services.REVERSAL_KIND, payload, maker_id=current_user.id,
                                 subject=f"entry:{entry_id}", idempotency_key=idempotency_key())
    if done.held:
        flash(_l("The reversal is over the policy amount: it waits for a second officer's approval."))
        return redirect(url_for("approvals.show", approval_id=done.held.id), code=303)
    flash(_l("Entry %(id)s reversed by entry %(mirror)s.", id=entry_id, mirror=done.result.id))
    return redirect(url_for("ledger.entry", entry_id=done.result.id), code=303)


@bp.get("/periods")
@roles_required(*READERS)
def periods():
    return render_template("ledger/periods.html", periods=services.closed_periods(g.org.id), today=today())


@bp.post("/periods/close")
@roles_required(*STAFF)
def close_period():
    data = load_form(PeriodSchema())
    month_end = date(data["year"], data["month"], monthrange(data["year"], data["month"])[1])
    jobs.check_caught_up(g.org.id, month_end, today(), field="month")
    services.close_period(g.org.id, data["year"], data["month"], current_user.id)
    flash(_l("%(month)s is closed.", month=format_date(date(data["year"], data["month"], 1), "MMMM y")))
    return redirect(url_for("ledger.periods"), code=303)


@bp.post("/periods/reopen")
@roles_required("admin")
def reopen_period():
    data = load_form(PeriodSchema())
    services.reopen_period(g.org.id, data["year"], data["month"], current_user.id, data.get("reason") or "")
    flash(_l("%(month)s is open again.", month=format_date(date(data["year"], data["month"], 1), "MMMM y")))
    return redirect(url_for("ledger.periods"), code=303)
