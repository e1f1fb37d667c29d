"""The allocation of a net surplus under RA 9520 Art. 86 and its IRR (Rule 10), computed as plain numbers.

Nothing here reads the database: `split` takes the net surplus, the rates and the members' bases
and returns every figure and every check, so the order and the limits are tested alone.

The statutory order: (1) reserve fund, at least 10% of the net surplus (50% in the first five years
after registration); (2) education and training fund, at most 10%, of which the part due to the
federation or union (CETF) is a liability; (3) community development fund, at least 3%; (4) optional
fund, at most 7%; (5) what remains goes to interest on share capital and patronage refunds, any amount
left after them to the reserve fund. The IRR adds: the patronage refund is at least 30% of what remains
after the statutory funds, and its rate is at most twice the rate of interest on share capital.

Interest is a year's rate on each member's average paid-up capital: her weight is the sum of her
balances over the periods (share-months, or share-days), so the average is weight / periods. Patronage
weights are centavos times the policy's weight of their source, in basis points. Every total is
rounded once, half up, to the centavo, and shared among the members by the largest remainder, so the
per-member schedule sums to the total exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping

from ..money import php_text

BP = 10_000  # basis points in a whole
NON_MEMBERS = 0  # the key of non-members' patronage among the members' ids (ids start at 1)


@dataclass(frozen=True)
class Rates:
    reserve_bp: int
    education_bp: int
    federation_bp: int  # of the education and training fund
    community_bp: int
    optional_bp: int
    interest_rate_bp: int
    interest_cap_bp: int  # the policy's ceiling on the interest rate
    first_five_years: bool  # registered less than five years before the year closed


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    limit: str  # what the rule asks, in words with the numbers
    actual: str


@dataclass(frozen=True)
class Split:
    net_surplus: int
    reserve: int
    education: int
    federation: int
    community: int
    optional: int
    remainder: int  # after the statutory funds
    interest: int
    refund: int  # to members
    refund_non_members: int
    leftover: int  # to the reserve fund
    interest_by_member: dict
    refund_by_member: dict
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


def share_of(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up to the centavo (amounts here are never negative)."""
    if denominator == 0:
        return 0
    return (2 * amount * numerator + denominator) // (2 * denominator)


def largest_remainder(total: int, weights: Mapping[Hashable, int]) -> dict:
    """`total` centavos shared in proportion to the weights: each gets the floor of her exact share, and
    the centavos left go one each to the largest remainders (ties to the smaller key), so the parts sum
    to the total exactly."""
    whole = sum(weights.values())
    if whole <= 0 or total == 0:
        return {key: 0 for key in weights}
    exact = {key: divmod(total * weight, whole) for key, weight in weights.items()}
    parts = {key: quotient for key, (quotient, _) in exact.items()}
    short = total - sum(parts.values())
    for key in sorted(weights, key=lambda k: (-exact[k][1], k))[:short]:
        parts[key] += 1
    return parts


def _pct(bp: int) -> str:
    return f"{bp / 100:g}%"


def split(net_surplus: int, rates: Rates, capital_weights: Mapping[int, int], periods: int,
          patronage_weights: Mapping[int, int], non_member_weight: int = 0) -> Split:
    """Every figure of the allocation and its checks. `capital_weights`: member id -> the sum of her
    paid-up balances over `periods` periods; `patronage_weights`: member id -> centavos × source weight (bp);
    `non_member_weight` likewise for everyone who is not a member."""
    if net_surplus <= 0:
        raise ValueError("only a net surplus is allocated")
    reserve = share_of(net_surplus, rates.reserve_bp, BP)
    education_fund = share_of(net_surplus, rates.education_bp, BP)
    federation = share_of(education_fund, rates.federation_bp, BP)
    community = share_of(net_surplus, rates.community_bp, BP)
    optional = share_of(net_surplus, rates.optional_bp, BP)
    statutory = reserve + education_fund + community + optional
    remainder = max(0, net_surplus - statutory)

    capital = sum(capital_weights.values())
    wanted_interest = share_of(capital, rates.interest_rate_bp, BP * periods) if periods else 0
    interest = min(wanted_interest, remainder)
    pool = remainder - interest
    patronage = sum(patronage_weights.values()) + non_member_weight  # centavos × bp
    # the refund's rate (refund / patronage) may not pass twice the interest rate
    refund_cap = (2 * rates.interest_rate_bp * patronage) // (BP * BP)
    refund_total = min(pool, refund_cap)
    leftover = pool - refund_total
    refunds = largest_remainder(refund_total, {**patronage_weights, NON_MEMBERS: non_member_weight})
    refund_non_members = refunds.pop(NON_MEMBERS)
    interests = largest_remainder(interest, capital_weights)

    young = rates.first_five_years
    reserve_floor = 5_000 if young else 1_000
    checks = (
        Check("reserve_minimum", rates.reserve_bp >= reserve_floor,
              f"≥ {_pct(reserve_floor)}" + (" (first five years)" if young else ""), _pct(rates.reserve_bp)),
        Check("education_maximum", rates.education_bp <= 1_000, "≤ 10%", _pct(rates.education_bp)),
        Check("community_minimum", rates.community_bp >= 300, "≥ 3%", _pct(rates.community_bp)),
        Check("optional_maximum", rates.optional_bp <= 700, "≤ 7%", _pct(rates.optional_bp)),
        Check("statutory_within_surplus", statutory <= net_surplus, f"≤ {php_text(net_surplus)}", php_text(statutory)),
        Check("interest_rate_cap", rates.interest_rate_bp <= rates.interest_cap_bp,
              f"≤ {_pct(rates.interest_cap_bp)}", _pct(rates.interest_rate_bp)),
        Check("interest_within_remainder", wanted_interest <= remainder, f"≤ {php_text(remainder)}",
              php_text(wanted_interest)),
        # IRR Rule 10: at least 30% of the net surplus after the statutory funds goes to patronage refunds
        Check("refund_minimum", 10 * refund_total >= 3 * remainder, f"≥ {php_text(share_of(remainder, 3, 10))}",
              php_text(refund_total)),
        Check("refund_rate", refund_total * BP * BP <= 2 * rates.interest_rate_bp * patronage,
              f"≤ {_pct(2 * rates.interest_rate_bp)}",
              _pct(share_of(refund_total, BP * BP, patronage)) if patronage else "0%"),
    )
    return Split(net_surplus=net_surplus, reserve=reserve, education=education_fund - federation,
                 federation=federation, community=community, optional=optional, remainder=remainder,
                 interest=interest, refund=refund_total - refund_non_members, refund_non_members=refund_non_members,
                 leftover=leftover, interest_by_member=interests, refund_by_member=refunds, checks=checks)
