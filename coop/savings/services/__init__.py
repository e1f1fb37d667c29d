"""The savings' verbs, split by what they do; callers write `savings.services.deposit(...)` whatever the file.

- `base`: products, reading accounts and their passbook, the balance-days arithmetic, the control check;
- `desk`: opening, deposits, withdrawals, reactivation, transfers to shares and loans, pre-termination;
- `daily`: the end of day (interest, maturities, dormancy).
"""
from .base import (  # noqa: F401
    DEFAULT_PRODUCTS,
    INTEREST_SOURCE,
    JOB,
    SOURCE,
    accounts_of_member,
    average_daily_balance,
    control_balances,
    ensure_products,
    get_account,
    get_product,
    interest_on,
    list_accounts,
    list_products,
    parties_of_member,
    parties_of_user,
    period_end,
    period_start,
    product_by_code,
    total_of_member,
    transactions,
)
from .daily import dormant_count, end_of_day, post_interest  # noqa: F401
from .desk import (  # noqa: F401
    create_product,
    deposit,
    open_account,
    pay_loan,
    pay_shares,
    preterminate,
    reactivate,
    update_product,
    withdraw,
)
