"""What officers and members read: holdings, running figures, statements and the officer reports.

Figures a user looks at come from running rows (holdings, member accounts, campaigns, ledger
balances); statements and reports list the documents of one member, campaign or period.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..ledger import services as ledger
from ..members import services as members
from ..money import php_text
from ..orgs.services import get_setting
from ..reports.tabular import Column, Table
from . import services
from .models import Campaign, Doc, DocLine, Holding, Item, MemberAccount, Principal

# ---------------------------------------------------------------- one member


@dataclass(frozen=True)
class HeldItem:
    item: Item
    campaign: Campaign
    qty: int
    value: int


@dataclass(frozen=True)
class MemberSummary:
    held: tuple[HeldItem, ...]
    held_value: int
    owed: int  # the ledger's consignment receivable for her
    commission_earned: int  # every commission she earned, ever (voided sales left out)
    commission_due: int  # commission still owed to her in cash
    producer_due: int  # her share of her own goods sold, not yet paid
    accounts: tuple[tuple[Campaign, MemberAccount], ...]


def member_summary(org_id: int, member_id: int) -> MemberSummary:
    member = members.get_member(org_id, member_id)
    rows = db.session.execute(
        select(Holding, Item, Campaign).join(Item, Item.id == Holding.item_id)
        .join(Campaign, Campaign.id == Holding.campaign_id)
        .where(Holding.org_id == org_id, Holding.member_id == member.id, Holding.qty > 0)
        .order_by(Campaign.starts_on, Item.code)).all()
    held = tuple(HeldItem(item, campaign, holding.qty, holding.value) for holding, item, campaign in rows)
    balances = ledger.party_balances(org_id, member.party_id) if member.party_id else {}
    zero = ledger.Balance()
    commissions = balances.get("commissions_payable_members", zero)
    accounts = tuple(db.session.execute(
        select(Campaign, MemberAccount).join(MemberAccount, MemberAccount.campaign_id == Campaign.id)
        .where(MemberAccount.org_id == org_id, MemberAccount.member_id == member.id)
        .order_by(Campaign.starts_on.desc())).all())
    return MemberSummary(
        held=held, held_value=sum(h.value for h in held),
        owed=balances.get("consignment_receivable_members", zero).debit_balance,
        commission_earned=sum(account.commission for _campaign, account in accounts),
        commission_due=commissions.credit_balance,
        producer_due=balances.get("due_to_member_producers", zero).credit_balance, accounts=accounts)


STATEMENT_KINDS = ("issue", "sale_report", "member_return", "remittance", "commission_payout")


def member_statement(org_id: int, member_id: int, start: date, end: date, campaign_id: int | None = None) -> Table:
    """Her commission statement: goods received, sold, returned, remitted and commission earned, per document."""
    member = members.get_member(org_id, member_id)
    query = (select(Doc, Campaign, Principal).join(Campaign, Campaign.id == Doc.campaign_id)
             .join(Principal, Principal.id == Campaign.principal_id)
             .where(Doc.org_id == org_id, Doc.member_id == member.id, Doc.kind.in_(STATEMENT_KINDS),
                    Doc.voided_at.is_(None), Doc.on >= start, Doc.on <= end))
    campaign = None
    if campaign_id is not None:
        campaign = services.get_campaign(org_id, campaign_id)
        query = query.where(Doc.campaign_id == campaign.id)
    docs = db.session.execute(query.order_by(Doc.on, Doc.id)).all()
    seen_payments: set[int] = set()
    rows = []
    for doc, camp, principal in docs:
        received = doc.list_value if doc.kind == "issue" else 0
        sold = doc.list_value if doc.kind == "sale_report" else 0
        returned = doc.list_value if doc.kind == "member_return" else 0
        remitted = doc.amount if doc.kind == "remittance" else 0
        earned = doc.commission if doc.kind == "sale_report" else 0
        paid = doc.amount if doc.kind == "commission_payout" else 0
        rows.append((doc.on, f"{principal.name} {camp.code}", kind_label(doc.kind), received, sold, returned, earned,
                     paid, remitted))
        if doc.entry_id:
            seen_payments.add(doc.entry_id)
    totals = ("", _("Total"), "", *(sum(r[i] for r in rows) for i in range(3, 9)))
    summary = member_summary(org_id, member.id)
    period = f"{start.isoformat()} – {end.isoformat()}"
    subtitle = f"{member.label} · {period}" + (f" · {_('campaign')} {campaign.code}" if campaign else "")
    notes = (
        _("Holding now: %(value)s at list price.", value=php_text(summary.held_value)),
        _("Owes now for goods sold: %(value)s.", value=php_text(summary.owed)),
        _("Commission earned to date: %(value)s; still owed to her: %(due)s.",
          value=php_text(summary.commission_earned), due=php_text(summary.commission_due)),
    )
    return Table(
        title=_("Commission statement"), subtitle=subtitle,
        columns=(Column("date", _("Date"), "date"), Column("campaign", _("Campaign")), Column("what", _("What")),
                 Column("received", _("Goods received"), "money"), Column("sold", _("Sold"), "money"),
                 Column("returned", _("Returned"), "money"), Column("commission", _("Commission earned"), "money"),
                 Column("commission_paid", _("Commission paid"), "money"),
                 Column("remitted", _("Remitted"), "money")),
        rows=tuple(rows), totals=totals, notes=notes)


def kind_label(kind: str) -> str:
    return {
        "issue": _("Goods received"), "sale_report": _("Sales reported"), "member_return": _("Goods returned"),
        "remittance": _("Remittance"), "commission_payout": _("Commission paid"), "receipt": _("Goods received"),
        "order": _("Order"), "counter_sale": _("Sold at the store"), "principal_return": _("Returned to principal"), "settlement": _("Payment"),
        "producer_intake": _("Goods brought in"), "producer_sale": _("Sold at the store"),
        "producer_return": _("Goods given back"), "producer_payout": _("Share paid"),
    }.get(kind, kind)


def producer_statement(org_id: int, producer_id: int, start: date, end: date) -> Table:
    producer = services.get_producer(org_id, producer_id)
    member = members.get_member(org_id, producer.member_id)
    docs = db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.producer_id == producer.id,
                                                Doc.voided_at.is_(None), Doc.on >= start, Doc.on <= end)
                              .order_by(Doc.on, Doc.id)).all()
    rows = []
    for doc in docs:
        rows.append((doc.on, kind_label(doc.kind),
                     doc.list_value if doc.kind == "producer_intake" else 0,
                     doc.list_value if doc.kind == "producer_sale" else 0,
                     doc.list_value if doc.kind == "producer_return" else 0,
                     doc.commission if doc.kind == "producer_sale" else 0,
                     doc.net if doc.kind == "producer_sale" else 0,
                     doc.amount if doc.kind == "producer_payout" else 0))
    totals = (None, _("Total"), *(sum(r[i] for r in rows) for i in range(2, 8)))
    return Table(
        title=_("Member-producer statement"), subtitle=f"{member.label} · {start.isoformat()} – {end.isoformat()}",
        columns=(Column("date", _("Date"), "date"), Column("what", _("What")),
                 Column("brought_in", _("Brought in"), "money"), Column("sold", _("Sold"), "money"),
                 Column("given_back", _("Given back"), "money"), Column("fee", _("Cooperative's fee"), "money"),
                 Column("share", _("Her share"), "money"), Column("paid", _("Paid to her"), "money")),
        rows=tuple(rows), totals=totals,
        notes=(_("Owed to her now: %(value)s.", value=php_text(services.producer_due(org_id, producer.id))),))


# ---------------------------------------------------------------- one principal, one campaign


def open_orders(org_id: int, principal_id: int) -> list[tuple[Doc, list[tuple[Item, DocLine]]]]:
    orders = db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.principal_id == principal_id,
                                                  Doc.kind == "order", Doc.status == "open").order_by(Doc.on)).all()
    out = []
    for order in orders:
        lines = db.session.execute(select(Item, DocLine).join(DocLine, DocLine.item_id == Item.id)
                                   .where(DocLine.doc_id == order.id).order_by(DocLine.id)).all()
        out.append((order, [tuple(row) for row in lines]))
    return out



@dataclass(frozen=True)
class CampaignGoods:
    item: Item
    received: int
    issued: int
    sold: int
    returned_by_members: int
    returned_to_principal: int


def campaign_goods(org_id: int, campaign_id: int) -> list[CampaignGoods]:
    """Quantities per item that moved in this campaign."""
    campaign = services.get_campaign(org_id, campaign_id)
    sums = db.session.execute(
        select(DocLine.item_id, Doc.kind, func.sum(DocLine.qty)).join(Doc, Doc.id == DocLine.doc_id)
        .where(Doc.org_id == org_id, Doc.campaign_id == campaign.id, Doc.voided_at.is_(None),
               Doc.kind.in_(("receipt", "issue", "sale_report", "counter_sale", "member_return",
                                 "principal_return")))
        .group_by(DocLine.item_id, Doc.kind)).all()
    by_item: dict[int, dict[str, int]] = {}
    for item_id, kind, qty in sums:
        by_item.setdefault(item_id, {})[kind] = int(qty)
    items = {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(list(by_item))))} if by_item else {}
    return [CampaignGoods(items[i], k.get("receipt", 0), k.get("issue", 0),
                          k.get("sale_report", 0) + k.get("counter_sale", 0),
                          k.get("member_return", 0), k.get("principal_return", 0))
            for i, k in sorted(by_item.items(), key=lambda kv: items[kv[0]].code)]


def campaign_statement(org_id: int, campaign_id: int) -> Table:
    """The settlement statement for a principal: what sold, what is due, what was paid."""
    campaign = services.get_campaign(org_id, campaign_id)
    principal = services.get_principal(org_id, campaign.principal_id)
    rows = [(g.item.code, g.item.name, g.received, g.issued, g.sold, g.returned_by_members, g.returned_to_principal,
             g.sold * g.item.list_price) for g in campaign_goods(org_id, campaign.id)]
    payments = db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.campaign_id == campaign.id,
                                                    Doc.kind == "settlement", Doc.voided_at.is_(None))
                              .order_by(Doc.on, Doc.id)).all()
    due_on = services.payment_due_on(campaign, principal)
    notes = [
        _("Sold at list price: %(v)s.", v=php_text(campaign.sold_value)),
        _("Members' commissions: %(v)s. Cooperative's commission and margin: %(m)s.",
          v=php_text(campaign.member_commission), m=php_text(campaign.coop_margin)),
        _("Due to %(p)s: %(v)s; paid: %(paid)s; balance: %(bal)s.", p=principal.name,
          v=php_text(campaign.due_to_principal), paid=php_text(campaign.paid_to_principal),
          bal=php_text(campaign.due_to_principal - campaign.paid_to_principal)),
    ]
    if due_on:
        notes.append(_("Payment due by %(d)s (%(n)s days after the campaign ends).", d=due_on.isoformat(),
                       n=principal.payment_terms_days))
    notes += [_("Paid %(v)s on %(d)s%(ref)s.", v=php_text(p.amount), d=p.on.isoformat(),
                ref=" (%s)" % p.reference if p.reference else "") for p in payments]
    period = campaign.starts_on.isoformat() + " – " + (campaign.ends_on.isoformat() if campaign.ends_on else "")
    return Table(
        title=_("Campaign statement"), subtitle=f"{principal.name} · {campaign.code} {campaign.name} · {period}",
        columns=(Column("code", _("Item")), Column("name", _("Name")), Column("received", _("Received"), "number"),
                 Column("issued", _("Issued to members"), "number"), Column("sold", _("Sold"), "number"),
                 Column("returned_by_members", _("Returned by members"), "number"),
                 Column("returned_to_principal", _("Returned to principal"), "number"),
                 Column("sold_value", _("Sold (list value)"), "money")),
        rows=tuple(rows), totals=("", _("Total"), *(sum(r[i] for r in rows) for i in range(2, 8))) if rows else None,
        notes=tuple(notes))


# ---------------------------------------------------------------- officer reports


def _member_names(org_id: int, member_ids) -> dict:
    return {m_id: members.get_member(org_id, m_id) for m_id in set(member_ids)}


@dataclass
class _GoodsOut:
    """What one member holds, summed while the lots are read: pieces, value by age bucket, total, oldest issue."""

    oldest: date
    qty: int = 0
    by_age: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    total: int = 0


def goods_out(org_id: int, on: date) -> Table:
    """Goods in members' hands, each lot aged by the days since it was issued."""
    lots = db.session.execute(
        select(DocLine, Item, Campaign).join(Item, Item.id == DocLine.item_id)
        .join(Campaign, Campaign.id == DocLine.campaign_id)
        .join(Doc, Doc.id == DocLine.doc_id)
        .where(DocLine.org_id == org_id, DocLine.member_id.is_not(None), DocLine.qty_open > 0)
        .order_by(DocLine.member_id, DocLine.on, DocLine.id)).all()
    people = _member_names(org_id, [lot.member_id for lot, _i, _c in lots])
    alert = int(get_setting(org_id, services.SETTING_GOODS_OUT_DAYS))
    buckets = ((0, 30), (31, 60), (61, 90), (91, None))
    per_member: dict[int, _GoodsOut] = {}
    for lot, item, campaign in lots:
        days = (on - lot.on).days
        held = per_member.setdefault(lot.member_id, _GoodsOut(oldest=lot.on))
        value = lot.qty_open * lot.unit_price
        held.qty += lot.qty_open
        for n, (low, high) in enumerate(buckets):
            if days >= low and (high is None or days <= high):
                held.by_age[n] += value
        held.total += value
        held.oldest = min(held.oldest, lot.on)
    rows = []
    for member_id, held in sorted(per_member.items(), key=lambda kv: kv[1].oldest):
        member = people[member_id]
        rows.append((member.label, member.name, held.qty, held.oldest, (on - held.oldest).days, *held.by_age,
                     held.total))
    totals = ("", _("Total"), sum(r[2] for r in rows), None, None, *(sum(r[i] for r in rows) for i in range(5, 10)))
    return Table(
        title=_("Goods out with members"), subtitle=_("At list price, aged by days since issue, as of %(d)s",
                                                      d=on.isoformat()),
        columns=(Column("member", _("Member")), Column("name", _("Name")), Column("qty", _("Pieces"), "number"),
                 Column("oldest", _("Oldest issue"), "date"), Column("days", _("Days out"), "number"),
                 Column("age_0_30", _("0–30 days"), "money"), Column("age_31_60", _("31–60 days"), "money"),
                 Column("age_61_90", _("61–90 days"), "money"), Column("age_over_90", _("Over 90 days"), "money"),
                 Column("total", _("Total"), "money")),
        rows=tuple(rows), totals=totals if rows else None,
        notes=(_("Goods out longer than %(n)s days should be sold, returned or followed up.", n=alert),))


def remittances_due(org_id: int, on: date) -> Table:
    """Who owes for goods she sold, since when, and whether she is late."""
    within = int(get_setting(org_id, services.SETTING_REMIT_DAYS))
    accounts = db.session.execute(
        select(MemberAccount, Campaign, Principal).join(Campaign, Campaign.id == MemberAccount.campaign_id)
        .join(Principal, Principal.id == Campaign.principal_id)
        .where(MemberAccount.org_id == org_id,
               MemberAccount.sold_value - MemberAccount.commission_netted - MemberAccount.remitted > 0)
        .order_by(MemberAccount.oldest_unremitted_on, MemberAccount.id)).all()
    people = _member_names(org_id, [a.member_id for a, _c, _p in accounts])
    rows = []
    for account, campaign, principal in accounts:
        member = people[account.member_id]
        since = account.oldest_unremitted_on or account.last_sale_on
        due_on = since + timedelta(days=within) if since else None
        late = max(0, (on - due_on).days) if due_on else 0
        rows.append((member.label, member.name, f"{principal.name} {campaign.code}", since, due_on, late,
                     account.sold_value, account.commission, account.remitted, account.owed))
    totals = ("", _("Total"), "", None, None, None, *(sum(r[i] for r in rows) for i in range(6, 10)))
    return Table(
        title=_("Remittances due"), subtitle=_("Sold and not yet paid in, as of %(d)s (due %(n)s days after the sale)",
                                               d=on.isoformat(), n=within),
        columns=(Column("member", _("Member")), Column("name", _("Name")), Column("campaign", _("Campaign")),
                 Column("since", _("Owed since"), "date"), Column("due_on", _("Due"), "date"),
                 Column("days_late", _("Days late"), "number"), Column("sold", _("Sold"), "money"),
                 Column("commission", _("Commission"), "money"), Column("remitted", _("Remitted"), "money"),
                 Column("owed", _("Owed"), "money")),
        rows=tuple(rows), totals=totals if rows else None)


def commissions(org_id: int, start: date, end: date) -> Table:
    """Commission earned per member and campaign in a period, from the sales reported in it."""
    sums = db.session.execute(
        select(Doc.member_id, Doc.campaign_id, func.sum(Doc.list_value), func.sum(Doc.commission))
        .where(Doc.org_id == org_id, Doc.kind == "sale_report", Doc.member_id.is_not(None),
               Doc.voided_at.is_(None), Doc.on >= start, Doc.on <= end)
        .group_by(Doc.member_id, Doc.campaign_id)).all()
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.org_id == org_id))}
    principals = {p.id: p for p in services.list_principals(org_id)}
    people = _member_names(org_id, [m for m, *_ in sums])
    rows = []
    for member_id, campaign_id, sold, commission in sorted(sums, key=lambda r: (people[r[0]].number, r[1])):
        campaign = campaigns[campaign_id]
        member = people[member_id]
        rows.append((member.label, member.name, f"{principals[campaign.principal_id].name} {campaign.code}",
                     int(sold), int(commission)))
    return Table(
        title=_("Commissions by member and campaign"), subtitle=f"{start.isoformat()} – {end.isoformat()}",
        columns=(Column("member", _("Member")), Column("name", _("Name")), Column("campaign", _("Campaign")),
                 Column("sold", _("Sold"), "money"), Column("commission", _("Commission"), "money")),
        rows=tuple(rows), totals=("", _("Total"), "", sum(r[3] for r in rows), sum(r[4] for r in rows)) if rows else None)


def due_to_principals(org_id: int, on: date) -> Table:
    """What the cooperative owes each principal (the ledger) and the goods it must account for (off the books)."""
    rows = []
    for principal in services.list_principals(org_id):
        at_coop = db.session.scalar(select(func.coalesce(func.sum(Item.qty_at_coop * Item.list_price), 0))
                                    .where(Item.org_id == org_id, Item.principal_id == principal.id))
        with_members = db.session.scalar(
            select(func.coalesce(func.sum(Holding.value), 0)).join(Item, Item.id == Holding.item_id)
            .where(Holding.org_id == org_id, Item.principal_id == principal.id))
        open_campaigns = db.session.scalars(select(Campaign).where(
            Campaign.org_id == org_id, Campaign.principal_id == principal.id,
            Campaign.due_to_principal > Campaign.paid_to_principal)).all()
        due_dates = [d for d in (services.payment_due_on(c, principal) for c in open_campaigns) if d]
        rows.append((principal.name, int(at_coop), int(with_members), services.principal_due(org_id, principal.id),
                     min(due_dates) if due_dates else None))
    return Table(
        title=_("Amount due to principals"), subtitle=_("As of %(d)s", d=on.isoformat()),
        columns=(Column("principal", _("Principal")), Column("at_coop", _("Goods at the cooperative"), "money"),
                 Column("with_members", _("Goods with members"), "money"), Column("due", _("Due (ledger)"), "money"),
                 Column("next_due", _("Next payment due"), "date")),
        rows=tuple(rows), totals=(_("Total"), *(sum(r[i] for r in rows) for i in range(1, 4)), None) if rows else None,
        notes=(_("Goods are at list price and off the balance sheet; only the amount due is a liability."),))


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Overview:
    goods_out_value: int
    members_holding: int
    remittances_owed: int
    due_to_principals: int
    producers_owed: int


def overview(org_id: int) -> Overview:
    goods_out_value, members_holding = db.session.execute(
        select(func.coalesce(func.sum(Holding.value), 0), func.count(func.distinct(Holding.member_id)))
        .where(Holding.org_id == org_id, Holding.qty > 0)).one()
    return Overview(int(goods_out_value), int(members_holding),
                    ledger.balance(org_id, "consignment_receivable_members").debit_balance,
                    ledger.balance(org_id, "due_to_principals").credit_balance,
                    ledger.balance(org_id, "due_to_member_producers").credit_balance)


def recent_docs(org_id: int, member_id: int, limit: int = 15) -> list[Doc]:
    """Her latest records, for the officer who may need to void a mistake."""
    return list(db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.member_id == member_id)
                                   .order_by(Doc.id.desc()).limit(limit)))
