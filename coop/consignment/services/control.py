"""`coop ledger check`: the consignment control accounts against the domain's own running figures."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import Campaign, Doc, MemberAccount, Principal

RECEIVABLE, DUE_TO_PRINCIPALS = "consignment_receivable_members", "due_to_principals"
COMMISSIONS, PRODUCERS = "commissions_payable_members", "due_to_member_producers"


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """What members owe for goods they reported sold (sold, less commission kept, less remitted), and what is
    due to each principal (its campaigns' net sales less settlements) against the principal's party balance; the
    members' commissions not yet netted or paid, and the producers' shares of their goods sold less payouts."""
    if not any(a.key == DUE_TO_PRINCIPALS for a in ledger.list_accounts(org_id)):
        return []
    owed = db.session.scalar(select(func.coalesce(func.sum(
        MemberAccount.sold_value - MemberAccount.commission_netted - MemberAccount.remitted), 0))
        .where(MemberAccount.org_id == org_id))
    found = [(RECEIVABLE, ledger.balance(org_id, RECEIVABLE).debit_balance, int(owed))]
    due: dict[int, int] = defaultdict(int)
    for principal_id, open_due in db.session.execute(
            select(Campaign.principal_id, func.sum(Campaign.due_to_principal - Campaign.paid_to_principal))
            .where(Campaign.org_id == org_id).group_by(Campaign.principal_id)):
        due[principal_id] = int(open_due or 0)
    for principal in db.session.scalars(select(Principal).where(Principal.org_id == org_id).order_by(Principal.id)):
        held = 0 if principal.party_id is None else ledger.party_balance(
            org_id, DUE_TO_PRINCIPALS, principal.party_id).credit_balance
        found.append((f"{DUE_TO_PRINCIPALS} (principal {principal.id})", held, due.get(principal.id, 0)))
    found.append((DUE_TO_PRINCIPALS, ledger.balance(org_id, DUE_TO_PRINCIPALS).credit_balance, sum(due.values())))
    commissions = db.session.scalar(select(func.coalesce(func.sum(
        MemberAccount.commission - MemberAccount.commission_netted - MemberAccount.commission_paid), 0))
        .where(MemberAccount.org_id == org_id))
    found.append((COMMISSIONS, ledger.balance(org_id, COMMISSIONS).credit_balance, int(commissions)))
    sold, paid = (db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(
        Doc.org_id == org_id, Doc.kind == kind, Doc.voided_at.is_(None)))
        for kind, column in (("producer_sale", Doc.net), ("producer_payout", Doc.amount)))
    found.append((PRODUCERS, ledger.balance(org_id, PRODUCERS).credit_balance, int(sold) - int(paid)))
    return found
