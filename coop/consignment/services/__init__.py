"""The consignment verbs: goods move in this domain's tables, money through the ledger.

The cooperative sells consigned goods as an agent. Goods received from a principal (Avon, Natasha)
or a member-producer stay off the balance sheet, counted in quantities and list value. When a
member reports a sale she owes its list value (consignment_receivable_members, her party); the
principal is owed the list value less the member's commission and the cooperative's margin
(due_to_principals, the principal's party); the member's commission is hers
(commissions_payable_members, her party), netted in her remittance when the policy says so; the
cooperative's revenue is its margin only (commission_income). A member-producer's goods sold at
the store leave her share owed to her (due_to_member_producers) and the fee as the cooperative's
income (consignment_fee_income).

Locks are always taken in one order (items, holdings, member accounts, campaigns, then the ledger's
balance rows) so that two officers recording at once wait for each other instead of deadlocking.

The verbs live in one module each by topic; their public names are re-exported here, so callers
write `from coop.consignment import services; services.report_sales(...)`:

- `common`: policy keys, rates and checks, documents and the rows goods move through
- `principals`: principals and campaigns        - `items`: member-producers and items
- `goods`: orders, receipts, issues and returns  - `sales`: sales reports, remittances, commission payouts
- `settlements`: paying principals               - `producers`: a member-producer's goods and payouts
- `counter`: consigned goods sold at the store's till
- `voids`: voiding a mistaken record
"""
from .common import (
    SETTING_COMMISSION,
    SETTING_GOODS_OUT_DAYS,
    SETTING_NET_COMMISSION,
    SETTING_PRODUCER_FEE,
    SETTING_REMIT_DAYS,
    SOURCE,
    Taken,
    check_rate,
    doc_lines,
    get_doc,
    percent_to_bp,
    share,
)
from .counter import counter_sale_lines, record_counter_sale
from .goods import cancel_order, issue_to_member, place_order, receive_goods, return_from_member, return_to_principal
from .items import (
    add_item,
    add_producer,
    get_item,
    get_producer,
    list_items,
    list_producers,
    producer_of_member,
    update_item,
    update_producer,
)
from .principals import (
    commission_rate,
    create_campaign,
    create_principal,
    get_campaign,
    get_principal,
    list_campaigns,
    list_principals,
    payment_due_on,
    principal_party,
    set_campaign_status,
    update_principal,
)
from .producers import pay_producer, producer_due, producer_intake, producer_return
from .sales import Payment, pay_commission, record_remittance, report_sales
from .settlements import principal_due, settle_campaign
from .voids import VOIDABLE, void

__all__ = [
    "SETTING_COMMISSION", "SETTING_GOODS_OUT_DAYS", "SETTING_NET_COMMISSION", "SETTING_PRODUCER_FEE",
    "SETTING_REMIT_DAYS", "SOURCE", "VOIDABLE", "Payment", "Taken", "add_item", "add_producer", "cancel_order",
    "check_rate", "commission_rate", "counter_sale_lines", "create_campaign", "create_principal", "doc_lines",
    "get_campaign", "get_doc", "get_item", "get_principal", "get_producer", "issue_to_member", "list_campaigns",
    "list_items", "list_principals", "list_producers", "pay_commission", "pay_producer", "payment_due_on",
    "percent_to_bp", "place_order", "principal_due", "principal_party", "producer_due", "producer_intake",
    "producer_of_member", "producer_return", "receive_goods", "record_counter_sale", "record_remittance",
    "report_sales", "return_from_member", "return_to_principal", "set_campaign_status", "settle_campaign", "share",
    "update_item", "update_principal", "update_producer", "void",
]
