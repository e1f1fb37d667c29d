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
    keys = ledger.balances_by_key(org_id)
    if DUE_TO_PRINCIPALS not in keys:
        return []
    owed = db.session.scalar(select(func.coalesce(func.sum(
        MemberAccount.sold_value - MemberAccount.commission_netted - MemberAccount.remitted), 0))
        .where(MemberAccount.org_id == org_id))
    found = [(RECEIVABLE, keys[RECEIVABLE].debit_balance, int(owed))]
    due: dict[int, int] = defaultdict(int)
    for principal_id, open_due in db.session.execute(
            select(Campaign.principal_id, func.sum(Campaign.due_to_principal - Campaign.paid_to_principal))
            .where(Campaign.org_id == org_id).group_by(Campaign.principal_id)):
        due[principal_id] = int(open_due or 0)
    principals = list(db.session.execute(select(Principal.id, Principal.party_id).where(Principal.org_id == org_id)
                                         .order_by(Principal.id)))
    held = ledger.parties_balances(org_id, DUE_TO_PRINCIPALS) if principals else {}
    for principal_id, party_id in principals:
        owed_to = held[party_id].credit_balance if party_id in held else 0
        found.append((f"{DUE_TO_PRINCIPALS} (principal {principal_id})", owed_to, due.get(principal_id, 0)))
    found.append((DUE_TO_PRINCIPALS, keys[DUE_TO_PRINCIPALS].credit_balance, sum(due.values())))
    commissions = db.session.scalar(select(func.coalesce(func.sum(
        MemberAccount.commission - MemberAccount.commission_netted - MemberAccount.commission_paid), 0))
        .where(MemberAccount.org_id == org_id))
    found.append((COMMISSIONS, keys[COMMISSIONS].credit_balance, int(commissions)))
    sold, paid = (db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(
        Doc.org_id == org_id, Doc.kind == kind, Doc.voided_at.is_(None)))
        for kind, column in (("producer_sale", Doc.net), ("producer_payout", Doc.amount)))
    found.append((PRODUCERS, keys[PRODUCERS].credit_balance, int(sold) - int(paid)))
    return found
