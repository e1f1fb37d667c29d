"""Donor funds: one restricted account each under Net Assets with Donor Restrictions, and gifts received."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ..models import DonorFund, FundReceipt, Moa, Tranche
from .base import CASH, RELEASES, RESTRICTED_GROUP_KEY, RESTRICTED_REVENUE


@dataclass(frozen=True)
class FundPosition:
    received: int
    released: int
    committed: int

    @property
    def left(self) -> int:
        return self.received - self.released

    @property
    def available(self) -> int:
        """What may still be promised: what is left less what signed MOAs will still release."""
        return self.left - self.committed


def add_fund(org_id: int, donor_name: str, purpose: str | None, actor_id: int | None) -> DonorFund:
    if db.session.scalar(select(DonorFund.id).where(DonorFund.org_id == org_id, DonorFund.donor_name == donor_name)):
        raise Invalid("There is already a fund for %(donor_name)s.", field="donor_name",
                      values={"donor_name": donor_name})
    group = ledger.get_account(org_id, RESTRICTED_GROUP_KEY)
    account = ledger.add_account(org_id, code=_next_child_code(org_id, group), name=f"Restricted fund: {donor_name}",
                                 type=group.type, parent_id=group.id, actor_id=actor_id)
    fund = DonorFund(org_id=org_id, donor_name=donor_name, purpose=purpose, account_id=account.id)
    db.session.add(fund)
    db.session.flush()
    fund.party_id = ledger.ensure_party(org_id, "donor", fund.id, fund.label)
    db.session.flush()
    audit.record("grants.fund.add", org_id=org_id, user_id=actor_id, target_type="fund", target_id=fund.id)
    return fund


def _next_child_code(org_id: int, group) -> str:
    used = {a.code for a in ledger.list_accounts(org_id)}
    base = int(group.code) if group.code.isdigit() else 3200
    code = base + 1
    while str(code) in used:
        code += 1
    return str(code)


def get_fund(org_id: int, fund_id: int, *, lock: bool = False) -> DonorFund:
    return get_in_org(DonorFund, org_id, fund_id, "No such fund.", lock=lock)


def list_funds(org_id: int) -> list[DonorFund]:
    return list(db.session.scalars(select(DonorFund).where(DonorFund.org_id == org_id).order_by(DonorFund.id)))


def fund_position(fund: DonorFund) -> FundPosition:
    """Three balance rows, whether the year is closed (or reopened) or not. What is left is the fund account's
    balance (gifts closed into it, less releases) plus the donor's gifts still in contribution revenue with
    donor restrictions; what was released is the donor's releases from restriction (the closing empties that
    account without naming the donor, so her party row keeps every release). Received is their sum, so a
    reversed gift (a bounced check) lowers it."""
    this_year = ledger.party_balance(fund.org_id, RESTRICTED_REVENUE, fund.party_id).credit_balance
    left = ledger.balance(fund.org_id, fund.account_id).credit_balance + this_year
    released = ledger.party_balance(fund.org_id, RELEASES, fund.party_id).credit_balance
    return FundPosition(received=left + released, released=released, committed=fund.committed)


def receive(org_id: int, fund_id: int, *, on: date, amount: int, reference: str | None, actor_id: int | None,
            idempotency_key: str | None = None) -> FundReceipt:
    """Money in from the donor, restricted to this fund: contribution revenue with donor restrictions, the
    donor's party on it, so the statement of activities shows the gift and the closing takes it to her fund."""
    fund = get_fund(org_id, fund_id)
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.source == "grants.receipt":
            return get_in_org(FundReceipt, org_id, int(replay.source_id), "No such receipt.")
    receipt = FundReceipt(org_id=org_id, fund_id=fund.id, received_on=on, amount=amount, reference=reference,
                          recorded_by=actor_id)
    db.session.add(receipt)
    db.session.flush()
    entry = ledger.post(Entry(org_id, on, f"Restricted gift received for {fund.label}", (
        Line(CASH, debit=amount),
        Line(RESTRICTED_REVENUE, credit=amount, party_id=fund.party_id)),
        source="grants.receipt", source_id=str(receipt.id), idempotency_key=idempotency_key), actor_id)
    receipt.entry_id = entry.id
    db.session.flush()
    audit.record("grants.fund.receive", org_id=org_id, user_id=actor_id, target_type="fund", target_id=fund.id,
                 details={"entry_id": entry.id})
    return receipt


def receipts_of(org_id: int, fund_id: int) -> list[FundReceipt]:
    return list(db.session.scalars(select(FundReceipt).where(
        FundReceipt.org_id == org_id, FundReceipt.fund_id == fund_id).order_by(FundReceipt.received_on, FundReceipt.id)))


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """`coop ledger check`: each donor fund's balance in the ledger against the fund's own records: the gifts
    received (a reversed one, a bounced check, counts nothing) less the tranches released from it."""
    funds = list_funds(org_id)
    if not funds:
        return []
    reversed_ids = ledger.reversed_ids(org_id)
    received: dict[int, int] = {}
    for fund_id, amount, entry_id in db.session.execute(select(FundReceipt.fund_id, FundReceipt.amount,
                                                               FundReceipt.entry_id).where(FundReceipt.org_id == org_id)):
        if entry_id is not None and entry_id not in reversed_ids:
            received[fund_id] = received.get(fund_id, 0) + amount
    released = dict(db.session.execute(
        select(Moa.fund_id, func.coalesce(func.sum(Tranche.amount), 0)).join(Moa, Moa.id == Tranche.moa_id)
        .where(Moa.org_id == org_id, Tranche.status == "released").group_by(Moa.fund_id)).all())
    # the ledger's side: the fund account with the donor's gifts not yet closed into it (fund_position)
    return [(f"donor fund {fund.label}", fund_position(fund).left,
             received.get(fund.id, 0) - int(released.get(fund.id, 0))) for fund in funds]
