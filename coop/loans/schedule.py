"""Amortization schedules and penalties: pure functions of numbers and dates, no database.

Rates are basis points per month. Every split rounds to whole centavos and the last installment
takes the remainder, so a schedule always sums to the loan exactly.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

# months in one period of each frequency (a lump sum's period is its term in days / 30)
PERIOD_MONTHS = {"weekly": Fraction(12, 52), "semi_monthly": Fraction(1, 2), "monthly": Fraction(1)}


@dataclass(frozen=True)
class Row:
    number: int
    due_on: date
    principal: int
    interest: int

    @property
    def total(self) -> int:
        return self.principal + self.interest


def round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2) if value >= 0 else -round_half_up(-value)


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(start: date, frequency: str, count: int, term_days: int = 0) -> list[date]:
    """Due dates after a release on `start`. Semi-monthly: every half month, the 15th day after each monthly date."""
    if frequency == "lump_sum":
        return [start + timedelta(days=term_days)]
    if frequency == "weekly":
        return [start + timedelta(days=7 * k) for k in range(1, count + 1)]
    if frequency == "monthly":
        return [add_months(start, k) for k in range(1, count + 1)]
    if frequency == "semi_monthly":
        return [add_months(start, k // 2) + timedelta(days=15) if k % 2 else add_months(start, k // 2)
                for k in range(1, count + 1)]
    raise ValueError(f"frequency {frequency}")


def period_rate(rate_bp: int, frequency: str, term_days: int = 0) -> Fraction:
    months = Fraction(term_days, 30) if frequency == "lump_sum" else PERIOD_MONTHS[frequency]
    return Fraction(rate_bp, 10_000) * months


def split_evenly(total: int, count: int) -> list[int]:
    """Equal whole-centavo parts; the last takes the remainder."""
    part = total // count
    return [part] * (count - 1) + [total - part * (count - 1)]


def build(principal: int, start: date, *, frequency: str, count: int, method: str, rate_bp: int,
          term_days: int = 0) -> list[Row]:
    if principal <= 0:
        raise ValueError("principal must be positive")
    count = 1 if frequency == "lump_sum" else count
    if count < 1:
        raise ValueError("at least one installment")
    dates = due_dates(start, frequency, count, term_days)
    rate = period_rate(rate_bp, frequency, term_days)
    if method == "flat" or rate == 0:
        principals = split_evenly(principal, count)
        interests = split_evenly(round_half_up(principal * rate * count), count)
        return [Row(k + 1, dates[k], principals[k], interests[k]) for k in range(count)]
    if method != "diminishing":
        raise ValueError(f"interest method {method}")
    # equal payments (annuity): each period's interest on the balance still owed, the rest is principal
    payment = round_half_up(principal * rate / (1 - (1 + rate) ** -count))
    rows, balance = [], principal
    for k in range(count):
        interest = round_half_up(balance * rate)
        part = balance if k == count - 1 else min(balance, max(payment - interest, 0))
        rows.append(Row(k + 1, dates[k], part, interest))
        balance -= part
    return rows


def penalty_periods(days_past_due: int, *, grace_days: int, period_days: int) -> int:
    """Periods charged by `days_past_due`: the first one the day after the grace period ends."""
    late = days_past_due - grace_days
    if late <= 0:
        return 0
    return -(-late // max(period_days, 1))


def penalty_for_period(overdue_amount: int, *, method: str, rate_bp: int, fixed_amount: int) -> int:
    if overdue_amount <= 0 or method == "none":
        return 0
    if method == "fixed":
        return fixed_amount
    return round_half_up(Fraction(overdue_amount * rate_bp, 10_000))


# Days past due of the oldest unpaid installment. Past 90 days the CDA's schedule of allowance for probable
# losses tells loans up to twelve months late from older ones, so the aging does too.
AGING_BUCKETS = (("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-180", 91, 180), ("181-365", 181, 365),
                 ("over 365", 366, None))


def aging_bucket(days_past_due: int) -> str | None:
    for label, low, high in AGING_BUCKETS:
        if days_past_due >= low and (high is None or days_past_due <= high):
            return label
    return None


@dataclass(frozen=True)
class Allocation:
    installment_id: int
    principal: int
    interest: int
    penalty: int
    accrued_penalty: int  # the part of `penalty` that settles an accrued penalty receivable

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.penalty


def allocate(amount: int, installments) -> list[Allocation]:
    """Apply a payment oldest installment first; within one: penalty, then interest, then principal.

    This is Fineract's default order: the oldest arrears are cleared whole before the next
    installment gets anything. `installments` are the unsettled ones, oldest first.
    """
    remaining, result = amount, []
    for inst in installments:
        if remaining == 0:
            break
        parts = []
        for component in ("penalty", "interest", "principal"):
            part = min(getattr(inst, f"{component}_due") - getattr(inst, f"{component}_paid"), remaining)
            parts.append(max(part, 0))
            remaining -= max(part, 0)
        penalty, interest, principal = parts
        if penalty + interest + principal:
            accrued = min(penalty, inst.penalty_accrued - inst.penalty_accrued_paid)  # accrued ones are settled first
            result.append(Allocation(inst.id, principal, interest, penalty, accrued))
    if remaining:
        raise ValueError("payment exceeds what is owed")
    return result
