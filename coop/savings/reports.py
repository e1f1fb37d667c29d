"""The passbook: an account's movements with the balance after each, as a page, CSV and PDF."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..money import php_text
from ..receipts.words import in_her_words
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


# memos that only repeat what the line is
_SAID = {"interest": "Interest", "to_shares": "Share capital payment", "reactivation": "Reactivated"}


def _particulars(txn: SavingsTransaction) -> str:
    """What the line is, and its memo when the memo says more (the opening deposit, the loan, the penalty)."""
    what = kind_label(txn.kind)
    return what if not txn.memo or _SAID.get(txn.kind) == txn.memo else f"{what} · {in_her_words(txn.memo)}"


def passbook(org_id: int, account: SavingsAccount, start: date, end: date) -> Table:
    opening = db.session.scalar(select(SavingsTransaction.balance_after).where(
        SavingsTransaction.account_id == account.id, SavingsTransaction.on_date < start)
        .order_by(SavingsTransaction.id.desc()).limit(1)) or 0
    txns = services.transactions(org_id, account.id, start, end, limit=5000)
    rows = tuple((txn.on_date, _particulars(txn), txn.amount, txn.balance_after) for txn in txns)
    product = services.get_product(org_id, account.product_id)
    notes = [_("In: %(deposits)s; out: %(withdrawals)s.", deposits=php_text(sum(t.amount for t in txns if t.amount > 0)),
               withdrawals=php_text(-sum(t.amount for t in txns if t.amount < 0))),
             _("Balance now: %(amount)s (%(status)s).", amount=php_text(account.balance),
               status=status_label(account.status)),
             _("Interest earned to date: %(amount)s.", amount=php_text(account.interest_total))]
    if account.maturity_on:
        notes.append(_("Matures on %(day)s.", day=format_date(account.maturity_on, "medium")))
    return Table(
        title=_("Savings passbook"),
        subtitle=f"{account.number} · {product.name} · {format_date(start, 'medium')} – {format_date(end, 'medium')}",
        # four columns (an amount in or out, the balance after it) so that her passbook fits a phone
        columns=(Column("date", _("Date"), "date"), Column("what", _("What")), Column("amount", _("Amount"), "money"),
                 Column("balance", _("Balance"), "money")),
        rows=((None, _("Opening balance"), None, opening),) + rows,
        totals=("", _("Total"), sum(r[2] for r in rows), rows[-1][3] if rows else opening),
        notes=tuple(notes))


def totals(org_id: int) -> dict[str, int]:
    """Accounts and the money in them, by status (kept balances: one grouped read)."""
    found = {status: (int(n), int(total)) for status, n, total in db.session.execute(
        select(SavingsAccount.status, func.count(), func.coalesce(func.sum(SavingsAccount.balance), 0))
        .where(SavingsAccount.org_id == org_id).group_by(SavingsAccount.status))}
    return {"accounts": sum(n for n, _ in found.values()), "balance": sum(t for _, t in found.values()),
            "dormant": found.get("dormant", (0, 0))[0]}
