"""The Truth in Lending disclosure (RA 3765, BSP Circular 730): pure arithmetic on a loan's terms, no database.

Every finance charge is shown in pesos and as an effective rate: the rate at which the cash she
actually takes home grows into what she pays back, with each payment on its due date (an internal
rate of return, per month, and compounded over a year). The capital build-up is not a finance charge
(it stays hers, as share capital), so it is shown as a deduction apart and left out of the rates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .schedule import PERIOD_MONTHS, Row


@dataclass(frozen=True)
class Disclosure:
    principal: int
    interest: int
    service_fee: int
    cbu_retention: int
    net_proceeds: int  # cash in hand at release
    installments: tuple[Row, ...]
    interest_rate_monthly: float | None  # effective, of the interest alone
    fee_rate_monthly: float | None  # effective, of the service fee alone
    total_rate_monthly: float | None  # effective, of every finance charge together (the EIR)

    @property
    def finance_charges(self) -> int:
        return self.interest + self.service_fee

    @property
    def total_to_repay(self) -> int:
        return sum(row.total for row in self.installments)


def annual(rate_monthly: float | None) -> float | None:
    return None if rate_monthly is None else (1 + rate_monthly) ** 12 - 1


def _months_from(start: date, rows: tuple[Row, ...], frequency: str) -> list[float]:
    """When each payment falls, in months after the release (by its period; a lump sum by its days)."""
    if frequency in PERIOD_MONTHS:
        return [float(PERIOD_MONTHS[frequency] * row.number) for row in rows]
    return [float(Fraction((row.due_on - start).days, 30)) for row in rows]


def effective_monthly_rate(received: int, payments: list[int], months: list[float]) -> float | None:
    """The monthly rate r with received = sum(payment / (1 + r) ** month); None when nothing is charged."""
    if received <= 0 or sum(payments) <= received:
        return None

    def present_value(rate: float) -> float:
        return sum(p / (1 + rate) ** t for p, t in zip(payments, months))

    low, high = 0.0, 1.0
    while present_value(high) > received and high < 1e6:
        high *= 2
    for _ in range(200):  # bisection: the present value falls as the rate rises
        middle = (low + high) / 2
        if present_value(middle) > received:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def disclose(amount: int, fee: int, cbu: int, rows: list[Row], start: date, frequency: str) -> Disclosure:
    rows = tuple(rows)
    months = _months_from(start, rows, frequency)
    with_interest = [row.total for row in rows]
    principal_only = [row.principal for row in rows]
    return Disclosure(
        principal=amount, interest=sum(row.interest for row in rows), service_fee=fee, cbu_retention=cbu,
        net_proceeds=amount - fee - cbu, installments=rows,
        interest_rate_monthly=effective_monthly_rate(amount, with_interest, months),
        fee_rate_monthly=effective_monthly_rate(amount - fee, principal_only, months),
        total_rate_monthly=effective_monthly_rate(amount - fee, with_interest, months))
