"""Property tests of schedules, penalties and allocation: pure functions, no database."""
from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from coop.loans import schedule as sched

frequencies = st.sampled_from(["weekly", "semi_monthly", "monthly", "lump_sum"])
methods = st.sampled_from(["flat", "diminishing"])
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(principal=st.integers(1, 50_000_000), count=st.integers(1, 60), frequency=frequencies, method=methods,
       rate=st.integers(0, 1_000), start=starts, term_days=st.integers(1, 90))
def test_a_schedule_sums_to_the_loan_exactly_and_never_goes_negative(principal, count, frequency, method, rate,
                                                                     start, term_days):
    rows = sched.build(principal, start, frequency=frequency, count=count, method=method, rate_bp=rate,
                       term_days=term_days)
    assert sum(r.principal for r in rows) == principal
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)
    assert len(rows) == (1 if frequency == "lump_sum" else count)
    dates = [r.due_on for r in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates) and dates[0] > start
    if rate == 0:
        assert all(r.interest == 0 for r in rows)


@given(principal=st.integers(1, 50_000_000), count=st.integers(1, 60), rate=st.integers(1, 1_000), start=starts,
       frequency=st.sampled_from(["weekly", "semi_monthly", "monthly"]))
def test_flat_installments_are_equal_but_the_last_and_diminishing_interest_falls(principal, count, rate, start,
                                                                                  frequency):
    flat = sched.build(principal, start, frequency=frequency, count=count, method="flat", rate_bp=rate)
    assert len({r.principal for r in flat[:-1]}) <= 1 and len({r.interest for r in flat[:-1]}) <= 1
    assert 0 <= flat[-1].principal - flat[0].principal < count
    diminishing = sched.build(principal, start, frequency=frequency, count=count, method="diminishing", rate_bp=rate)
    interests = [r.interest for r in diminishing]
    assert interests == sorted(interests, reverse=True)
    assert sum(interests) <= sum(r.interest for r in flat) + count


@given(owed=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 10_000), st.integers(0, 5_000)),
                     min_size=1, max_size=12), data=st.data())
def test_allocation_takes_penalty_interest_principal_oldest_first_and_never_more_than_owed(owed, data):
    rows = [SimpleNamespace(id=n, principal_due=p, interest_due=i, penalty_due=f, principal_paid=0, interest_paid=0,
                            penalty_paid=0, penalty_accrued=f // 2, penalty_accrued_paid=0)
            for n, (p, i, f) in enumerate(owed)]
    total = sum(p + i + f for p, i, f in owed)
    amount = data.draw(st.integers(0, total))
    parts = sched.allocate(amount, rows)
    assert sum(p.total for p in parts) == amount
    by_id = {p.installment_id: p for p in parts}
    for n, (p, i, f) in enumerate(owed):
        got = by_id.get(n)
        if got is None:
            continue
        assert got.principal <= p and got.interest <= i and got.penalty <= f and got.accrued_penalty <= got.penalty
        if got.interest:
            assert got.penalty == f  # interest only after the penalty is cleared
        if got.principal:
            assert got.interest == i
        earlier = [by_id.get(k) for k in range(n)]
        assert all(e is not None and e.total == sum(owed[k]) for k, e in enumerate(earlier) if sum(owed[k]))


@given(days=st.integers(-30, 400), grace=st.integers(0, 10), period=st.integers(1, 31))
def test_penalty_periods_start_after_grace_and_grow_one_per_period(days, grace, period):
    n = sched.penalty_periods(days, grace_days=grace, period_days=period)
    assert n == 0 if days <= grace else n == (days - grace - 1) // period + 1
    assert sched.penalty_periods(days + period, grace_days=grace, period_days=period) >= n


def test_aging_buckets():
    assert [sched.aging_bucket(d) for d in (0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 400)] == [
        None, "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "91-180", "91-180", "181-365", "181-365",
        "over 365", "over 365"]  # past 90 days split as the CDA's allowance schedule needs
