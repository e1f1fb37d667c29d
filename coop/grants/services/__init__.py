"""The grants program's verbs, one module per verb group; this package re-exports them, so callers write
`from coop.grants import services` and `services.sign_moa(...)` whatever module holds it.

Ledger design (one restricted fund per donor, net assets by class of restriction):
- each donor fund is its own account under Net Assets with Donor Restrictions (3200);
- money received:   Dr Cash in Bank / Cr Donor Contributions - Restricted (donor party): revenue with
                    donor restrictions, so the statement of activities shows the gift;
- a tranche:        Dr Livelihood Grants (beneficiary party) / Cr Cash in Bank, and in the same entry
                    Dr the donor's fund account / Cr Net Assets Released from Restriction (donor party):
                    the release reclassifies the restricted net assets into the unrestricted ones, which
                    bear the expense;
- the year's closing (`closing`): each donor's restricted contributions into her fund's account, every
  other income and expense into Net Assets without Donor Restrictions.
  What a fund has left is its account's balance plus its gifts of the year not yet closed (two rows).

- `base`: setting and account keys, the program's errors, small helpers
- `beneficiaries`: the women's records, readiness and trainings
- `funds`: donor funds and gifts received
- `plans`: business plans and their review
- `moas`: the MOA and its tranche schedule, signed against a fund
- `releases`: releasing tranches (maker and checker) and purchases from them
- `monitoring`: monthly monitoring and closing a grant
- `closing`: the year-end closing into net assets by class of restriction
- `followups`: what is due and the staff's follow-up list (the daily job)
- `program`: the program in numbers
"""
from __future__ import annotations

from .base import (
    CASH,
    CENTRE_ROLE,
    MAX_GRANT,
    MIN_GRANT,
    MONITORING_MONTHS,
    RESTRICTED_GROUP_KEY,
    NotReady,
    ReleaseRefused,
    add_months,
    bounds,
    check_bounds,
    mark_done,
    next_number,
    pesos,
)
from .beneficiaries import (
    add_beneficiary,
    add_training,
    certify_ready,
    find_beneficiary,
    get_beneficiary,
    is_ready,
    list_beneficiaries,
    readiness,
    readiness_marks,
    trainings_of,
    update_beneficiary,
    view_beneficiary,
)
from .closing import (
    SOURCE as SOURCE_CLOSING,
    KIND_CLOSE,
    KIND_REOPEN,
    NotSecondPerson,
    ask_to_close,
    ask_to_reopen,
    check_close,
    check_reopen,
    closable_years,
    close_year,
    closed_years,
    closing_lines,
    closing_of,
    execute_close,
    execute_reopen,
    pending_requests,
    reopen_year,
)
from .followups import (
    TrancheDue,
    list_due_followups,
    monitoring_due,
    open_followups,
    open_moas,
    pending_approvals,
    tranches_due,
)
from .funds import (FundPosition, add_fund, control_balances, fund_position, get_fund, list_funds, receipts_of,
                    receive)
from .moas import (add_tranche, draft_moa, get_moa, get_tranche, moas_of, remove_last_tranche, sign_moa, tranches_of,
                   void_moa)
from .monitoring import MonthDue, close_moa, monitoring_months, monitoring_schedule, record_monitoring, reports_of
from .plans import (
    create_plan,
    get_plan,
    moa_of_plan,
    plan_lines,
    plans_of,
    review_of,
    review_plan,
    submit_plan,
    update_plan,
)
from .program import (FundYear, MoaExpense, ProgramSummary, all_moas, all_plans, fund_years, program_expenses,
                      program_summary, stage_of)
from .releases import (
    RELEASE_KIND,
    ReleaseLines,
    add_purchase,
    approve_release,
    record_holder,
    execute_rejection,
    execute_release,
    grant_release,
    purchases_of,
    release_blocker,
    request_release,
    withdraw_request,
)

__all__ = [
    "RELEASE_KIND", "control_balances", "record_holder", "execute_rejection", "execute_release",
    "CASH", "CENTRE_ROLE", "MAX_GRANT", "MIN_GRANT", "MONITORING_MONTHS", "RESTRICTED_GROUP_KEY", "FundPosition",
    "MonthDue", "NotReady", "ProgramSummary", "ReleaseLines", "ReleaseRefused", "TrancheDue",
    "close_year", "closing_lines", "closing_of", "reopen_year", "KIND_CLOSE", "KIND_REOPEN", "NotSecondPerson",
    "ask_to_close", "ask_to_reopen", "check_close", "check_reopen", "closable_years", "closed_years",
    "execute_close", "execute_reopen", "pending_requests", "SOURCE_CLOSING", "FundYear", "MoaExpense", "fund_years",
    "program_expenses",
    "add_beneficiary", "add_fund", "add_months", "add_purchase", "add_training", "add_tranche", "all_moas",
    "all_plans", "approve_release", "bounds", "certify_ready", "check_bounds", "close_moa", "create_plan",
    "draft_moa", "void_moa", "fund_position", "find_beneficiary", "get_beneficiary", "is_ready", "readiness", "readiness_marks", "get_fund", "get_moa", "get_plan", "get_tranche",
    "grant_release", "list_beneficiaries", "list_due_followups", "list_funds", "mark_done", "moa_of_plan",
    "moas_of", "monitoring_due", "monitoring_months", "monitoring_schedule", "next_number", "open_followups",
    "open_moas", "pending_approvals", "pesos", "plan_lines", "plans_of", "program_summary", "purchases_of",
    "receipts_of", "receive", "record_monitoring", "release_blocker", "remove_last_tranche", "reports_of",
    "request_release", "review_of", "review_plan", "sign_moa", "stage_of", "submit_plan", "trainings_of",
    "tranches_due", "tranches_of", "update_beneficiary", "update_plan", "view_beneficiary", "withdraw_request",
]
