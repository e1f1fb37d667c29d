"""Settling with principals: paying what a campaign's sales left due to them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Invalid, Pesos
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Line
from ..models import Doc
from .common import _check_payment, _new_doc, _post, _replay
from .principals import get_campaign, get_principal, principal_party


def settle_campaign(org_id: int, campaign_id: int, amount: int, *, on: date, actor_id: int | None,
                    paid_via: str = "cash_in_bank", reference: str | None = None, key: str | None = None) -> Doc:
    """Pay a principal what the campaign's sales left due to it."""
    if (replay := _replay(org_id, key, "settlement")) is not None:
        return replay
    _check_payment(org_id, on, amount, paid_via)
    campaign = get_campaign(org_id, campaign_id, lock=True)
    principal = get_principal(org_id, campaign.principal_id)
    first_sale = db.session.scalar(select(func.min(Doc.on)).where(
        Doc.org_id == org_id, Doc.campaign_id == campaign.id, Doc.kind.in_(("sale_report", "counter_sale")),
        Doc.voided_at.is_(None)))
    if first_sale is not None and on < first_sale:
        raise Invalid("A payment to the principal cannot be dated before the sales it pays for (%(sold_on)s).",
                      field="on", values={"sold_on": first_sale})
    open_due = campaign.due_to_principal - campaign.paid_to_principal
    if amount > open_due:
        raise Invalid("Only %(open_due)s is due to %(name)s for %(code)s.",
                      field="amount",
                      values={"open_due": Pesos(open_due), "name": principal.name, "code": campaign.code})
    doc = _new_doc(org_id, "settlement", on, actor_id, key, principal_id=principal.id, campaign_id=campaign.id,
                   amount=amount, paid_via=paid_via, reference=(reference or "").strip() or None)
    campaign.paid_to_principal += amount
    _post(doc, f"Payment to {principal.name} for campaign {campaign.code}", [
        Line("due_to_principals", debit=amount, party_id=principal_party(principal)), Line(paid_via, credit=amount)],
        actor_id)
    db.session.flush()
    audit.record("consignment.settlement", org_id=org_id, user_id=actor_id, target_type="consignment_campaign",
                 target_id=campaign.id, details={"doc": doc.id})
    return doc


def principal_due(org_id: int, principal_id: int) -> int:
    """What the cooperative owes the principal now, read from the ledger's running balance."""
    principal = get_principal(org_id, principal_id)
    return ledger.party_balance(org_id, "due_to_principals", principal_party(principal)).credit_balance
