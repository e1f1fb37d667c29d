"""Savings pages under /o/<org>/savings: accounts, the desk's forms, products, the passbook, her own statement."""
from decimal import Decimal

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import services as audit
from ..auth.access import READERS, STAFF, roles_required
from ..auth.models import ROLES
from ..errors import NotFound
from ..ledger import services as ledger
from ..loans import services as loans
from ..members import services as members
from ..money import php_text
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from ..web.transactions import writes_when_read
from . import reports, services
from .models import KINDS, PERIODS
from .schemas import (
    AccountsQuerySchema,
    DateInSchema,
    LoanTransferInSchema,
    MoneyInSchema,
    NewProductInSchema,
    OpenInSchema,
    PreterminateInSchema,
    ProductInSchema,
    StatementQuerySchema,
    TransferInSchema,
)

bp = Blueprint("savings", __name__, url_prefix="/o/<org>/savings")

KIND_LABELS = {"regular": _l("Regular savings"), "time": _l("Time deposit"), "youth": _l("Youth savings")}
PERIOD_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly"), "semiannual": _l("Semi-annually"),
                 "annual": _l("Annually")}


def policy(data: dict) -> dict:
    """Form and JSON policy fields as the products keep them: percents to basis points."""
    values = {k: v for k, v in data.items() if k not in ("rate", "penalty", "code", "kind")}
    for name, key in (("rate", "rate_bp"), ("penalty", "penalty_bp")):
        if data.get(name) is not None:
            values[key] = int(Decimal(data[name]) * 100)
    return values


@bp.get("/")
@roles_required(*READERS)
def index():
    args = load_query(AccountsQuerySchema())
    on = today()
    products = services.list_products(g.org.id)
    pick = members.pick(g.org.id, args["member"], on)
    # a member checked at the desk: her accounts, to deposit into or open another
    accounts = services.list_accounts(
        g.org.id, status=args["status"], member_id=pick.chosen.id if pick.chosen else None,
        member_ids=members.member_ids_matching(g.org.id, args["q"]) if args["q"].strip() else None,
        limit=args["limit"], offset=args["offset"])
    return render_template("savings/index.html", accounts=accounts, args=args,
                           owners=members.members_by_id(g.org.id, (a.member_id for a in accounts)),
                           products={p.id: p for p in products}, open_products=[p for p in products if p.active],
                           totals=reports.totals(g.org.id), status=args["status"],
                           status_label=reports.status_label, kind_labels=KIND_LABELS, pick=pick, today=on)


@bp.post("/accounts")
@roles_required(*STAFF)
def open_account():
    data = load_form(OpenInSchema())
    account = services.open_account(g.org.id, data.pop("member_id"), data.pop("product_id"), actor_id=current_user.id,
                                    idempotency_key=idempotency_key(), **data)
    flash(_l("Savings account %(number)s opened.", number=account.number))
    return redirect(url_for("savings.account", account_id=account.id), code=303)


@bp.get("/accounts/<int:account_id>")
@writes_when_read
@roles_required(*READERS)
def account(account_id: int):
    found = services.get_account(g.org.id, account_id)
    member = members.get_member(g.org.id, found.member_id)
    audit.record("savings.view", org_id=g.org.id, user_id=current_user.id, target_type="savings_account",
                 target_id=found.id)
    on = today()
    return render_template(
        "savings/account.html", account=found, member=member, product=services.get_product(g.org.id, found.product_id),
        txns=list(reversed(services.transactions(g.org.id, found.id)[-50:])), kind_label=reports.kind_label,
        status_label=reports.status_label, adb=services.average_daily_balance(found, on),
        loans=[loan for loan in loans.loans_of_member(g.org.id, member.id) if loan.status == "active"],
        cash_accounts=ledger.cash_accounts(g.org.id), today=on)


def _done(account_id: int, message):
    flash(message)
    return redirect(url_for("savings.account", account_id=account_id), code=303)


@bp.post("/accounts/<int:account_id>/deposits")
@roles_required(*STAFF)
def deposit(account_id: int):
    txn = services.deposit(g.org.id, account_id, **load_form(MoneyInSchema()), actor_id=current_user.id,
                           idempotency_key=idempotency_key())
    return _done(account_id, _l("Deposit of %(amount)s recorded.", amount=php_text(txn.amount)))


@bp.post("/accounts/<int:account_id>/withdrawals")
@roles_required(*STAFF)
def withdraw(account_id: int):
    txn = services.withdraw(g.org.id, account_id, **load_form(MoneyInSchema()), actor_id=current_user.id,
                            idempotency_key=idempotency_key())
    return _done(account_id, _l("Withdrawal of %(amount)s recorded.", amount=php_text(-txn.amount)))


@bp.post("/accounts/<int:account_id>/shares")
@roles_required(*STAFF)
def pay_shares(account_id: int):
    txn = services.pay_shares(g.org.id, account_id, **load_form(TransferInSchema()), actor_id=current_user.id,
                              idempotency_key=idempotency_key())
    return _done(account_id, _l("%(amount)s paid to her share capital.", amount=php_text(-txn.amount)))


@bp.post("/accounts/<int:account_id>/loan")
@roles_required(*STAFF)
def pay_loan(account_id: int):
    data = load_form(LoanTransferInSchema())
    txn = services.pay_loan(g.org.id, account_id, data.pop("loan_id"), **data, actor_id=current_user.id,
                            idempotency_key=idempotency_key())
    return _done(account_id, _l("%(amount)s paid to her loan.", amount=php_text(-txn.amount)))


@bp.post("/accounts/<int:account_id>/reactivation")
@roles_required(*STAFF)
def reactivate(account_id: int):
    services.reactivate(g.org.id, account_id, **load_form(DateInSchema()), actor_id=current_user.id)
    return _done(account_id, _l("The account is active again."))


@bp.post("/accounts/<int:account_id>/pretermination")
@roles_required(*STAFF)
def preterminate(account_id: int):
    services.preterminate(g.org.id, account_id, **load_form(PreterminateInSchema()), actor_id=current_user.id,
                          idempotency_key=idempotency_key())
    return _done(account_id, _l("The time deposit was paid out."))


def _passbook(account_id: int, filename: str):
    args = load_query(StatementQuerySchema())
    found = services.get_account(g.org.id, account_id)
    end = args["end"] or today()
    start = args["start"] or found.opened_on
    audit.record("savings.statement.view", org_id=g.org.id, user_id=current_user.id, target_type="savings_account",
                 target_id=found.id)
    return deliver(reports.passbook(g.org.id, found, start, end), args["format"], filename, start=start, end=end,
                   date_filter="range")


@bp.get("/accounts/<int:account_id>/statement")
@writes_when_read
@roles_required(*READERS)
def statement(account_id: int):
    return _passbook(account_id, f"savings-{account_id}")


@bp.get("/my/<int:account_id>/statement")
@writes_when_read
@roles_required(*ROLES)
def my_statement(account_id: int):
    """Her own passbook; an account that is not hers is as invisible as one that does not exist."""
    mine = members.member_for_user(g.org.id, current_user.id)
    found = services.get_account(g.org.id, account_id)
    if found.member_id != mine.id:
        raise NotFound("No such savings account.")
    args = load_query(StatementQuerySchema())
    if args["format"] in ("csv", "pdf"):
        return _passbook(account_id, "my-savings")
    # her page on a phone: one line per movement with the balance after it, not six columns she scrolls sideways
    end = args["end"] or today()
    start = args["start"] or found.opened_on
    audit.record("savings.statement.view", org_id=g.org.id, user_id=current_user.id, target_type="savings_account",
                 target_id=found.id)
    return render_template("savings/my_passbook.html", table=reports.passbook(g.org.id, found, start, end),
                           account=found, product=services.get_product(g.org.id, found.product_id), start=start,
                           end=end)


# ---------------------------------------------------------------- products


@bp.get("/products")
@roles_required(*READERS)
def products():
    return render_template("savings/products.html", products=services.list_products(g.org.id),
                           kind_labels=KIND_LABELS, period_labels=PERIOD_LABELS, kinds=KINDS, periods=PERIODS)


@bp.post("/products")
@roles_required("admin")
def create_product():
    data = load_form(NewProductInSchema())
    services.create_product(g.org.id, data["code"], data["kind"], policy(data), current_user.id)
    flash(_l("Savings product added."))
    return redirect(url_for("savings.products"), code=303)


@bp.post("/products/<int:product_id>")
@roles_required("admin")
def update_product(product_id: int):
    services.update_product(g.org.id, product_id, policy(load_form(ProductInSchema())), current_user.id)
    flash(_l("Savings product saved."))
    return redirect(url_for("savings.products"), code=303)
