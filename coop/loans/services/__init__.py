"""The loans' verbs: products, applications, release, repayment, reversal, write-off, restructuring.

Plain values and the acting user's id in, records out, CoopErrors raised. Every peso moves through
`coop.ledger.services.post`; a loan's row is locked (SELECT ... FOR UPDATE) before its money moves,
so two officers recording payments at once are applied one after the other.

Split by verb; callers keep `from coop.loans import services` and call `services.x(...)`:
- `base`: reading loans, the checks every way of borrowing shares, writing a schedule;
- `products`: default and admin-made products, a member's cap, the service fee;
- `commodity`: credit sales at the store and goods returned against them;
- `lending`: application, decision, cancellation, release;
- `repayments`: payments with their receipts, and reversals;
- `restructuring`: write-off and restructuring requests (maker-checker);
- `provisioning`: the allowance for probable losses at each month end, write-offs against it, recoveries;
- `daily`: the end of day (penalties, past due, aging, reminders);
- `standing`: the loans' part of a member's good standing;
- `comakers`: the members who guarantee a loan, their guarantees, the texts when it falls behind.
"""
from .base import (
    PAST_DUE_ACCOUNT,
    RESTRUCTURED_ACCOUNT,
    SOURCE,
    NotInGoodStanding,
    aging_bucket_of,
    OverCap,
    Overpayment,
    find_loan,
    get_loan,
    installments,
    loans_of_member,
    next_installment,
    product_of,
    search_loans,
    successor_of,
    transaction_by_key,
    transactions,
)
from .comakers import comakers_of, find_comakers, guarantees_of, notify_comakers
from .commodity import commodity_outstanding, open_commodity_loan, return_commodity_goods
from .daily import MOVE_CHUNK, end_of_day
from .lending import apply, approve, cancel, check_application, disclosure_of, preview_schedule, reject, release
from .opening import OpeningInstallment, check_opening_schedule, loan_imported, open_running_loan
from .products import (
    DEFAULT_PRODUCTS,
    PRODUCT_FIELDS,
    cap_for,
    cbu_for,
    create_product,
    ensure_products,
    fee_for,
    get_product,
    list_products,
    paid_up_capital,
    product_by_code,
    update_product,
)
from .provisioning import (
    BUCKETS,
    CDA_RATES,
    PROVISION_SOURCE,
    month_end_provisioning,
    provide,
    provisioning,
    provisioning_as_of,
    provisions,
    rate_setting,
    recover,
    recovered_so_far,
    written_off,
)
from .repayments import get_transaction, repay, reverse_repayment
from .restructuring import decide_request, pending_requests, request_change, requests_of
from .standing import arrears_check, arrears_reasons

__all__ = [
    "BUCKETS", "CDA_RATES", "PROVISION_SOURCE", "aging_bucket_of", "month_end_provisioning", "provide",
    "provisioning", "provisioning_as_of", "provisions", "rate_setting", "recover", "recovered_so_far", "written_off",
    "DEFAULT_PRODUCTS", "MOVE_CHUNK", "PAST_DUE_ACCOUNT", "PRODUCT_FIELDS", "RESTRUCTURED_ACCOUNT",
    "OpeningInstallment", "SOURCE", "NotInGoodStanding", "OverCap", "Overpayment", "apply", "approve",
    "arrears_check", "arrears_reasons", "cancel", "cap_for", "cbu_for", "check_application", "comakers_of", "commodity_outstanding",
    "create_product", "decide_request", "disclosure_of", "end_of_day", "find_comakers", "guarantees_of",
    "notify_comakers",
    "ensure_products", "fee_for", "find_loan", "get_loan", "get_product", "get_transaction", "installments",
    "check_opening_schedule", "list_products", "loan_imported", "loans_of_member", "next_installment",
    "open_commodity_loan", "open_running_loan", "paid_up_capital",
    "pending_requests", "preview_schedule", "product_by_code", "product_of", "reject", "release", "repay",
    "request_change", "requests_of", "return_commodity_goods", "reverse_repayment", "search_loans", "successor_of",
    "transaction_by_key", "transactions", "update_product",
]
