"""Corrections: a mistaken record is voided, its goods put back where they were and its entry reversed."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...ledger import services as ledger
from ...receipts import services as receipts
from ...timeutil import utcnow
from ..models import Doc, DocLine
from .common import _check_date, _get_locked, _holdings, _items_for, _lock, _member_account, _take_from_coop_stock
from .principals import get_campaign


VOIDABLE = ("issue", "sale_report", "member_return", "remittance", "commission_payout", "settlement",
            "producer_payout")


def void(org_id: int, doc_id: int, *, reason: str, on: date, actor_id: int | None) -> Doc:
    """Undo a mistaken record: its goods go back where they were and its entry is reversed.

    Refused, with nothing written, when later records depend on it (goods from an issue already
    sold, sales already remitted or paid to the principal): void those first.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Give the reason for voiding.", field="reason")
    _check_date(on)
    doc = _get_locked(Doc, org_id, doc_id, "No such record.")
    if doc.kind not in VOIDABLE:
        raise Invalid("This kind of record is corrected with its opposite (a return), not voided.")
    if doc.voided_at is not None:
        raise Invalid("This record is already void.")
    siblings = [doc]
    if doc.kind in ("remittance", "commission_payout") and doc.entry_id:
        siblings = list(_lock(select(Doc).where(Doc.org_id == org_id, Doc.kind == doc.kind,
                                                Doc.entry_id == doc.entry_id).order_by(Doc.id)))
    if doc.kind in ("remittance", "commission_payout"):
        _void_payments(siblings)
    elif doc.kind != "producer_payout":  # her payout is undone by the reversal alone
        {"issue": _void_issue, "sale_report": _void_sale_report, "member_return": _void_member_return,
         "settlement": _void_settlement}[doc.kind](doc)
    reversal = ledger.reverse(org_id, doc.entry_id, on=on, reason=reason, actor_id=actor_id) if doc.entry_id else None
    if doc.kind == "remittance" and doc.receipt_id:
        receipts.cancel(org_id, doc.receipt_id, reason, actor_id)
    for each in siblings:
        each.voided_at, each.voided_by, each.void_reason = utcnow(), actor_id, reason[:300]
        each.void_entry_id = reversal.id if reversal else None
    db.session.flush()
    audit.record("consignment.void", org_id=org_id, user_id=actor_id, target_type="consignment_doc",
                 target_id=doc.id, details={"kind": doc.kind})
    return doc


def _lines_locked(doc: Doc) -> list[DocLine]:
    return list(_lock(select(DocLine).where(DocLine.doc_id == doc.id).order_by(DocLine.id)))


def _void_issue(doc: Doc) -> None:
    lines = _lines_locked(doc)
    if any(line.qty_open != line.qty for line in lines):
        raise Invalid("Some of these goods were already sold or returned: record a return for the rest instead.")
    items = _items_for(doc.org_id, {line.item_id for line in lines}, lock=True)
    holdings = _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines})
    account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
    for line in lines:
        items[line.item_id].qty_at_coop += line.qty
        holdings[line.item_id].qty -= line.qty
        holdings[line.item_id].value -= line.value
        line.qty_open = 0
    account.issued_value -= doc.list_value


def _back_to_her(doc: Doc, lines: list[DocLine]) -> None:
    """Goods of a sale report or return go back into her hands, as lots she holds again."""
    holdings = _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines}, create=True)
    for line in lines:
        holdings[line.item_id].qty += line.qty
        holdings[line.item_id].value += line.value
        line.qty_open = line.qty


def _void_sale_report(doc: Doc) -> None:
    if doc.member_id is None:
        raise Invalid("A sale at the store's till is corrected at the store.")
    lines = _lines_locked(doc)
    # holdings before her account and the campaign: the order every other writer takes them in
    _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines}, create=True)
    account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
    campaign = get_campaign(doc.org_id, doc.campaign_id, lock=True)
    if account.owed < doc.list_value - doc.commission_netted:
        raise Invalid("She already remitted for these sales: void the remittance first.")
    if account.commission_due < doc.commission - doc.commission_netted:
        raise Invalid("Her commission on these sales was already paid out: void that payment first.")
    if campaign.due_to_principal - doc.net < campaign.paid_to_principal:
        raise Invalid("These sales were already paid to the principal: void the settlement first.")
    _back_to_her(doc, lines)
    account.sold_value -= doc.list_value
    account.commission -= doc.commission
    account.commission_netted -= doc.commission_netted
    if account.owed <= 0:
        account.oldest_unremitted_on = None
    campaign.sold_value -= doc.list_value
    campaign.member_commission -= doc.commission
    campaign.coop_margin -= doc.coop_margin
    campaign.due_to_principal -= doc.net


def _void_member_return(doc: Doc) -> None:
    lines = _lines_locked(doc)
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.item_id] += line.qty
    items = _items_for(doc.org_id, wanted, lock=True)
    _take_from_coop_stock(items, dict(wanted))
    _back_to_her(doc, lines)
    _member_account(doc.org_id, doc.member_id, doc.campaign_id).returned_value -= doc.list_value


def _void_payments(docs: list[Doc]) -> None:
    for doc in docs:
        account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
        if doc.kind == "remittance":
            account.remitted -= doc.amount
            if account.owed > 0 and account.oldest_unremitted_on is None:
                account.oldest_unremitted_on = account.last_sale_on
        else:
            account.commission_paid -= doc.amount


def _void_settlement(doc: Doc) -> None:
    get_campaign(doc.org_id, doc.campaign_id, lock=True).paid_to_principal -= doc.amount
