"""The year end's verbs: close a year, allocate its net surplus under RA 9520 Art. 86, pay it out.

1. Closing a year posts its income and expense to Undivided Net Surplus (or Net Loss) in one entry dated
   31 December and closes its months, so the ledger's open-period check refuses any posting into it.
   Reopening reverses that entry and reopens the months. Both are maker-checker acts through
   coop.approvals: one officer asks (`ask_to_close`, `ask_to_reopen`, `ask_to_approve`), another approves,
   which runs the executor (`close_year`, `reopen_year`, `approve_allocation`): plain functions taking
   plain values, with both officers' ids.
2. An allocation is proposed (a draft with every figure, the per-member schedule and the Art. 86 and IRR
   checks), reviewed by the board, approved by the general assembly (resolution number and date, recorded
   by one officer and confirmed by another), then posted: one entry for the funds and the payables, each
   member's interest and refund on her own party.
3. Paying out applies each member's interest and refund to her unpaid subscription, then (policy) to
   what she owes on loans, and the rest in cash, as additional share capital, or as revolving capital.
"""
from .allocating import (
    approve_allocation,
    ask_to_approve,
    cancel,
    check_approval,
    control_balances,
    execute_approval,
    post_allocation,
    propose,
    review,
    waiting_approval,
)
from .base import (
    ACTIVE,
    KIND_APPROVE,
    KIND_CLOSE,
    KIND_REOPEN,
    KINDS,
    SETTING_APPLY_TO_LOANS,
    SETTING_CAPITAL_METHOD,
    SETTING_INTEREST_CAP,
    SETTING_REGISTRATION_YEAR,
    SOURCE_ALLOCATION,
    SOURCE_CLOSE,
    SOURCE_PAYOUT,
    NotSecondOfficer,
    allocations,
    failed_checks,
    get_allocation,
    get_line,
    get_year,
    is_year_closed,
    lines_of_member,
    proposal_defaults,
    schedule,
    slip_of_payout,
    year_result,
    years,
)
from .closing import (
    ask_to_close,
    ask_to_reopen,
    check_close,
    check_reopen,
    closable_years,
    close_year,
    closing_lines,
    execute_close,
    execute_reopen,
    pending_requests,
    reopen_year,
)
from .paying import pay_out
