"""RA 9520 Art. 86 computed as plain numbers: the order, the limits, the IRR checks, and centavo rounding."""
import random

from coop.yearend.allocation import NON_MEMBERS, Rates, largest_remainder, split

LAW = Rates(reserve_bp=1_000, education_bp=1_000, federation_bp=5_000, community_bp=300, optional_bp=700,
            interest_rate_bp=500, interest_cap_bp=1_000, first_five_years=False)


def rates(**changes):
    return Rates(**{**LAW.__dict__, **changes})


def failed(result):
    return {check.code for check in result.checks if not check.passed}


def test_the_statutory_funds_come_first_in_the_order_of_the_law_and_the_rest_goes_to_members():
    # PhP100,000; capital averaging PhP200,000 for 12 months; patronage PhP500,000 at 100%
    result = split(100_000_00, LAW, {1: 120_000_00 * 12, 2: 80_000_00 * 12}, 12, {1: 300_000_00 * 10_000,
                                                                              2: 200_000_00 * 10_000})
    assert (result.reserve, result.education, result.federation, result.community, result.optional) == (
        10_000_00, 5_000_00, 5_000_00, 3_000_00, 7_000_00)
    assert result.remainder == 70_000_00
    assert result.interest == 10_000_00  # 5% of 200,000
    assert result.refund == 50_000_00 and result.leftover == 10_000_00  # 2 × 5% of 500,000 at most
    assert result.interest_by_member == {1: 6_000_00, 2: 4_000_00}
    assert result.refund_by_member == {1: 30_000_00, 2: 20_000_00}
    assert failed(result) == set()
    total = (result.reserve + result.education + result.federation + result.community + result.optional
             + result.interest + result.refund + result.refund_non_members + result.leftover)
    assert total == 100_000_00


def test_the_limits_of_the_law_are_checked():
    too_much = split(100_000_00, rates(reserve_bp=900, education_bp=1_100, community_bp=200, optional_bp=800,
                                       interest_rate_bp=1_200), {1: 100}, 12, {1: 10_000})
    assert failed(too_much) >= {"reserve_minimum", "education_maximum", "community_minimum", "optional_maximum",
                                "interest_rate_cap"}
    young = split(100_000_00, rates(first_five_years=True, reserve_bp=4_000), {1: 100}, 12, {1: 10_000})
    assert "reserve_minimum" in failed(young)
    assert "reserve_minimum" not in failed(split(100_000_00, rates(first_five_years=True, reserve_bp=5_000),
                                                 {1: 100}, 12, {1: 10_000}))


def test_a_patronage_refund_under_30_percent_of_what_remains_fails():
    # a high interest takes nearly everything after the statutory funds
    result = split(100_000_00, rates(interest_rate_bp=1_000), {1: 650_000_00 * 12}, 12,
                   {1: 1_000_000_00 * 10_000})
    assert result.interest == 65_000_00 and result.refund == 5_000_00
    assert "refund_minimum" in failed(result)
    assert "refund_rate" not in failed(result)


def test_non_members_patronage_goes_to_the_general_fund():
    result = split(10_000_00, LAW, {1: 12}, 12, {1: 75 * 10_000}, non_member_weight=25 * 10_000)
    assert result.refund_non_members * 3 == result.refund or abs(result.refund_non_members * 3 - result.refund) <= 3
    assert NON_MEMBERS not in result.refund_by_member


def test_the_schedule_sums_to_the_totals_to_the_centavo():
    generator = random.Random(86)
    for _ in range(200):
        count = generator.randint(1, 40)
        capital = {n: generator.randint(0, 5_000_00) * generator.randint(1, 12) for n in range(1, count + 1)}
        patronage = {n: generator.randint(0, 90_000_00) * generator.choice((5_000, 10_000, 7_500))
                     for n in range(1, count + 1)}
        result = split(generator.randint(1, 2_000_000_00), rates(interest_rate_bp=generator.randint(0, 1_000)),
                       capital, generator.choice((12, 365)), patronage, generator.randint(0, 10_000_00) * 10_000)
        assert sum(result.interest_by_member.values()) == result.interest
        assert sum(result.refund_by_member.values()) + result.refund_non_members == (
            result.refund + result.refund_non_members)
        assert (result.reserve + result.education + result.federation + result.community + result.optional
                + result.interest + result.refund + result.refund_non_members + result.leftover) == result.net_surplus


def test_largest_remainder_gives_the_odd_centavos_to_the_largest_remainders():
    assert largest_remainder(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    assert largest_remainder(10, {1: 2, 2: 1}) == {1: 7, 2: 3}
    assert largest_remainder(0, {1: 5}) == {1: 0}
    assert largest_remainder(5, {1: 0, 2: 0}) == {1: 0, 2: 0}
