"""The savings blocks on shared pages: the officers' dashboard and the member's portal."""
from __future__ import annotations

from flask_babel import gettext as _

from sqlalchemy import select

from ..extensions import db
from ..manifest import StatementAccount, StatementLine, Tile
from ..web.filters import money
from . import reports, services
from .models import SavingsTransaction


def dashboard_tiles(org_id: int) -> list[Tile]:
    figures = reports.totals(org_id)
    return [Tile(_("Savings deposits"), money(figures["balance"]), "savings.index",
                 _("%(n)s accounts; %(dormant)s dormant", n=figures["accounts"], dormant=figures["dormant"]))]


def portal_context(org_id: int, member_id: int) -> dict | None:
    """Her savings block, or None when she has no savings account (the portal then leaves it out)."""
    accounts = services.accounts_of_member(org_id, member_id)
    if not accounts:
        return None
    products = {p.id: p for p in services.list_products(org_id)}
    return {"savings_accounts": [(account, products[account.product_id]) for account in accounts],
            "savings_status": reports.status_label}


def statement_accounts(org_id: int, member_id: int, start, end) -> list[StatementAccount]:
    """Her savings accounts on her statement in plain words: each its passbook's lines from start to end, with the
    balance after each, and the balance before start (the passbook keeps the balance after every line)."""
    found = []
    for account in services.accounts_of_member(org_id, member_id):
        before = db.session.scalar(select(SavingsTransaction.balance_after).where(
            SavingsTransaction.account_id == account.id, SavingsTransaction.on_date < start)
            .order_by(SavingsTransaction.on_date.desc(), SavingsTransaction.id.desc()).limit(1)) or 0
        rows = db.session.scalars(select(SavingsTransaction).where(
            SavingsTransaction.account_id == account.id, SavingsTransaction.on_date >= start,
            SavingsTransaction.on_date <= end, SavingsTransaction.amount != 0)
            .order_by(SavingsTransaction.on_date, SavingsTransaction.id))
        lines = tuple(StatementLine(row.on_date, reports.kind_label(row.kind), row.amount, row.balance_after)
                      for row in rows)
        if lines or before:
            product = services.get_product(org_id, account.product_id)
            found.append(StatementAccount(f"{product.name} {account.number}", before, lines))
    return found
