"""The passbook: an account's movements with the balance after each, as a page, CSV and PDF."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..money import php_text
from ..reports.tabular import Column, Table
from . import services
from .models import SavingsAccount, SavingsTransaction

KIND_LABELS = {
    "deposit": _l("Deposit"), "withdrawal": _l("Withdrawal"), "interest": _l("Interest"),
    "to_shares": _l("Paid to share capital"), "to_loan": _l("Paid to a loan"), "maturity": _l("Time deposit matured"),
    "rollover": _l("Rolled over"), "pretermination": _l("Pre-terminated"), "reactivation": _l("Reactivated"),
}
STATUS_LABELS = {"active": _l("Active"), "dormant": _l("Dormant"), "matured": _l("Matured"), "closed": _l("Closed")}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def passbook(org_id: int, account: SavingsAccount, start: date, end: date) -> Table:
    opening = db.session.scalar(select(SavingsTransaction.balance_after).where(
        SavingsTransaction.account_id == account.id, SavingsTransaction.on_date < start)
        .order_by(SavingsTransaction.id.desc()).limit(1)) or 0
    rows = tuple((txn.on_date, kind_label(txn.kind), txn.memo or "", max(txn.amount, 0), max(-txn.amount, 0),
                  txn.balance_after) for txn in services.transactions(org_id, account.id, start, end, limit=5000))
    product = services.get_product(org_id, account.product_id)
    notes = [_("Balance now: %(amount)s (%(status)s).", amount=php_text(account.balance),
               status=status_label(account.status)),
             _("Interest earned to date: %(amount)s.", amount=php_text(account.interest_total))]
    if account.maturity_on:
        notes.append(_("Matures on %(day)s.", day=account.maturity_on.isoformat()))
    return Table(
        title=_("Savings passbook"),
        subtitle=f"{account.number} · {product.name} · {start.isoformat()} – {end.isoformat()}",
        columns=(Column("date", _("Date"), "date"), Column("what", _("What")), Column("memo", _("Note")),
                 Column("deposit", _("Deposit"), "money"), Column("withdrawal", _("Withdrawal"), "money"),
                 Column("balance", _("Balance"), "money")),
        rows=((None, _("Opening balance"), "", 0, 0, opening),) + rows,
        totals=("", _("Total"), "", sum(r[3] for r in rows), sum(r[4] for r in rows),
                rows[-1][5] if rows else opening),
        notes=tuple(notes))


def totals(org_id: int) -> dict[str, int]:
    """Accounts and the money in them, by status (kept balances: one grouped read)."""
    found = {status: (int(n), int(total)) for status, n, total in db.session.execute(
        select(SavingsAccount.status, func.count(), func.coalesce(func.sum(SavingsAccount.balance), 0))
        .where(SavingsAccount.org_id == org_id).group_by(SavingsAccount.status))}
    return {"accounts": sum(n for n, _ in found.values()), "balance": sum(t for _, t in found.values()),
            "dormant": found.get("dormant", (0, 0))[0]}
