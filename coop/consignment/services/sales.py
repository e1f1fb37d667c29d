"""Money from and to members: the sales she reports, what she remits, the commission paid out to her.

When a member reports a sale she owes its list value (consignment_receivable_members, her party);
the principal is owed the list value less her commission and the cooperative's margin
(due_to_principals); her commission is hers (commissions_payable_members), netted in her
remittance when the policy says so; the cooperative's revenue is its margin (commission_income).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Invalid, Pesos
from ...extensions import db
from ...ledger.records import Line
from ...members import services as members
from ...orgs.services import get_setting
from ...receipts import services as receipts
from ..models import Doc, DocLine, MemberAccount
from .common import (
    SETTING_NET_COMMISSION,
    SOURCE,
    _add_line,
    _check_date,
    _check_payment,
    _items_for,
    _lock,
    _member_account,
    _merge_lines,
    _new_doc,
    _post,
    _replay,
    share,
)
from .goods import _member_and_campaign, _take_from_holdings
from .principals import commission_rate, get_campaign, principal_party


def report_sales(org_id: int, member_id: int, campaign_id: int, lines, *, on: date, actor_id: int | None,
                 key: str | None = None) -> Doc:
    """She sold goods she holds: she owes their list value, her commission is hers, the principal is owed the rest."""
    if (replay := _replay(org_id, key, "sale_report")) is not None:
        return replay
    member, campaign, principal = _member_and_campaign(org_id, member_id, campaign_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id)
    _check_held_on(org_id, member.id, campaign.id, wanted, on)
    taken = _take_from_holdings(org_id, member, campaign, wanted, items, "report as sold")
    account = _member_account(org_id, member.id, campaign.id)
    campaign = get_campaign(org_id, campaign.id, lock=True)
    rate = commission_rate(campaign, principal)
    sold = sum(lot.value for lot in taken)
    commission = share(sold, rate)
    margin = min(share(sold, principal.coop_margin_bp), sold - commission)
    net = sold - commission - margin
    netted = commission if get_setting(org_id, SETTING_NET_COMMISSION) else 0
    doc = _new_doc(org_id, "sale_report", on, actor_id, key, member_id=member.id, principal_id=principal.id,
                   campaign_id=campaign.id, list_value=sold, commission=commission, coop_margin=margin, net=net,
                   rate_bp=rate, commission_netted=netted)
    for lot in taken:
        _add_line(doc, lot.item, lot.qty, lot.unit_price, member_id=member.id, campaign_id=campaign.id)
    owed_before = account.owed
    account.sold_value += sold
    account.commission += commission
    account.commission_netted += netted
    account.last_sale_on = on
    if owed_before <= 0 and account.owed > 0:
        account.oldest_unremitted_on = on
    campaign.sold_value += sold
    campaign.member_commission += commission
    campaign.coop_margin += margin
    campaign.due_to_principal += net
    her = members.member_party(member)
    _post(doc, f"Consigned goods sold by {member.label}, {principal.name} {campaign.code}", [
        Line("consignment_receivable_members", debit=sold, party_id=her),
        Line("due_to_principals", credit=net, party_id=principal_party(principal)),
        Line("commissions_payable_members", credit=commission, party_id=her, memo="commission earned"),
        Line("commission_income", credit=margin),
        Line("commissions_payable_members", debit=netted, party_id=her, memo="commission kept from her remittance"),
        Line("consignment_receivable_members", credit=netted, party_id=her, memo="commission kept from her remittance"),
    ], actor_id)
    db.session.flush()
    audit.record("consignment.sale_report", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"doc": doc.id})
    return doc


def _check_held_on(org_id: int, member_id: int, campaign_id: int, wanted, on: date) -> None:
    """She sells only goods she held that day: not before the first issue to her of each item in the campaign."""
    issued = dict(db.session.execute(
        select(DocLine.item_id, func.min(Doc.on)).join(Doc, Doc.id == DocLine.doc_id).where(
            Doc.org_id == org_id, Doc.kind == "issue", Doc.member_id == member_id, Doc.campaign_id == campaign_id,
            Doc.voided_at.is_(None), DocLine.item_id.in_(sorted(wanted))).group_by(DocLine.item_id)).all())
    first = min(issued.values(), default=None)
    if first is not None and on < first:
        raise Invalid("A sale cannot be dated before the goods were issued to her (%(issued_on)s).", field="on",
                      values={"issued_on": first})


# ---------------------------------------------------------------- money from and to members


@dataclass(frozen=True)
class Payment:
    """A remittance or payout spread over one or more campaigns, posted as one entry."""

    docs: tuple[Doc, ...]
    amount: int
    entry_id: int | None
    receipt_id: int | None

    @property
    def doc(self) -> Doc:
        return self.docs[0]


def _payment_replay(org_id: int, key: str | None, kind: str) -> Payment | None:
    first = _replay(org_id, key, kind)
    if first is None:
        return None
    docs = tuple(db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.kind == kind,
                                                      Doc.entry_id == first.entry_id).order_by(Doc.id)))
    return Payment(docs, sum(d.amount for d in docs), first.entry_id, first.receipt_id)


def _allocate(accounts: list[MemberAccount], amount: int, open_of, what: str) -> list[tuple[MemberAccount, int]]:
    """Spread an amount over her campaigns, oldest debt first; refuse more than she owes in all."""
    total = sum(open_of(a) for a in accounts)
    if amount > total:
        raise Invalid("That is more than %(what)s (%(total)s).", field="amount",
                      values={"what": what, "total": Pesos(total)})
    out, remaining = [], amount
    for account in accounts:
        take = min(open_of(account), remaining)
        if take > 0:
            out.append((account, take))
            remaining -= take
    return out


def _open_accounts(org_id: int, member_id: int, campaign_id: int | None) -> list[MemberAccount]:
    query = select(MemberAccount).where(MemberAccount.org_id == org_id, MemberAccount.member_id == member_id)
    if campaign_id is not None:
        get_campaign(org_id, campaign_id)
        query = query.where(MemberAccount.campaign_id == campaign_id)
    return list(_lock(query.order_by(MemberAccount.id)))


def record_remittance(org_id: int, member_id: int, amount: int, *, on: date, actor_id: int | None,
                      paid_via: str = "cash_on_hand", campaign_id: int | None = None, key: str | None = None) -> Payment:
    """She pays in what she owes for goods sold; an official receipt is issued."""
    if (replay := _payment_replay(org_id, key, "remittance")) is not None:
        return replay
    member = members.get_member(org_id, member_id)
    _check_payment(org_id, on, amount, paid_via)
    accounts = sorted(_open_accounts(org_id, member.id, campaign_id),
                      key=lambda a: (a.oldest_unremitted_on or date.max, a.id))
    portions = _allocate(accounts, amount, lambda a: a.owed, "she owes for goods sold")
    docs = []
    for account, _portion in portions:
        if account.oldest_unremitted_on is not None and on < account.oldest_unremitted_on:
            raise Invalid("A remittance cannot be dated before the sale it pays (%(sold_on)s).", field="on",
                          values={"sold_on": account.oldest_unremitted_on})
    for n, (account, portion) in enumerate(portions):
        docs.append(_new_doc(org_id, "remittance", on, actor_id, key if n == 0 else None, member_id=member.id,
                             campaign_id=account.campaign_id, amount=portion, paid_via=paid_via,
                             principal_id=get_campaign(org_id, account.campaign_id).principal_id))
        account.remitted += portion
        if account.owed == 0:
            account.oldest_unremitted_on = None
    her = members.member_party(member)
    _post(docs[0], f"Remittance for consigned goods sold, {member.label}", [
        Line(paid_via, debit=amount), Line("consignment_receivable_members", credit=amount, party_id=her)], actor_id)
    receipt = receipts.issue(org_id, kind="consignment_remittance", party_id=her, amount=amount, on=on, source=SOURCE,
                             source_id=docs[0].id, description="Remittance for consigned goods sold",
                             actor_id=actor_id, received_from=member.name)
    for doc in docs:
        doc.entry_id, doc.receipt_id = docs[0].entry_id, receipt.id
    db.session.flush()
    audit.record("consignment.remittance", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"doc": docs[0].id})
    return Payment(tuple(docs), amount, docs[0].entry_id, receipt.id)


def pay_commission(org_id: int, member_id: int, amount: int, *, on: date, actor_id: int | None,
                   paid_via: str = "cash_on_hand", campaign_id: int | None = None, key: str | None = None) -> Payment:
    """Pay out commission still owed to her (when it was not kept from her remittance)."""
    if (replay := _payment_replay(org_id, key, "commission_payout")) is not None:
        return replay
    member = members.get_member(org_id, member_id)
    _check_payment(org_id, on, amount, paid_via)
    accounts = _open_accounts(org_id, member.id, campaign_id)
    portions = _allocate(accounts, amount, lambda a: a.commission_due, "the commission owed to her")
    docs = []
    for n, (account, portion) in enumerate(portions):
        docs.append(_new_doc(org_id, "commission_payout", on, actor_id, key if n == 0 else None, member_id=member.id,
                             campaign_id=account.campaign_id, amount=portion, paid_via=paid_via))
        account.commission_paid += portion
    _post(docs[0], f"Commission paid to {member.label}", [
        Line("commissions_payable_members", debit=amount, party_id=members.member_party(member)),
        Line(paid_via, credit=amount)], actor_id)
    for doc in docs:
        doc.entry_id = docs[0].entry_id
    db.session.flush()
    return Payment(tuple(docs), amount, docs[0].entry_id, None)
