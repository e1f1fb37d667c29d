"""Any sequence of valid posts and reversals keeps the books balanced and every stored balance true."""
from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry, JournalLine
from coop.ledger.records import Entry, Line
from coop.reports import services as reports

ACCOUNTS = ("cash_on_hand", "cash_in_bank", "accounts_receivable_trade", "donations_grants", "office_supplies",
            "other_income")
FIRST_DAY = date(2026, 1, 1)
days = st.integers(min_value=0, max_value=120).map(lambda n: FIRST_DAY + timedelta(days=n))

line_pairs = st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                                st.integers(min_value=1, max_value=10**9), st.sampled_from([None, 0, 1])),
                      min_size=1, max_size=4)
operations = st.lists(st.one_of(st.tuples(st.just("post"), line_pairs, days),
                                st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30), days)),
                      min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations, as_of=days)
def test_posts_and_reversals_keep_the_books_true(make_org, ops, as_of):
    org = make_org()
    parties = [ledger.ensure_party(org.id, "member", n, f"M-{n}") for n in (1, 2)]
    posted, dated = [], {}
    for op, arg, on in ops:
        if op == "post":
            lines = []
            for debit_account, credit_account, amount, party in arg:
                party_id = None if party is None else parties[party]
                lines += [Line(debit_account, debit=amount, party_id=party_id), Line(credit_account, credit=amount)]
            posted.append(ledger.post(Entry(org.id, on, "generated", tuple(lines))).id)
            dated[posted[-1]] = on
        elif posted:
            target = posted[arg % len(posted)]
            if ledger.reversal_of(org.id, target) is None and target not in _reversals(org.id):
                # a reversal is never dated before the entry it reverses
                ledger.reverse(org.id, target, on=max(on, dated[target]), reason="generated")
    db.session.flush()
    assert ledger.recompute_problems(org.id) == []
    for day in (None, as_of):
        trial = reports.trial_balance(org.id, day)
        assert trial.total_debit == trial.total_credit
    assert ledger.balances_as_of(org.id, as_of) == _summed_up_to(org.id, as_of)


def _reversals(org_id):
    return {e.reverses_id for e in ledger.recent_entries(org_id, 1000) if e.reverses_id}


def _summed_up_to(org_id, day):
    """The naive "as of": every line dated up to the day, added up."""
    totals = defaultdict(lambda: [0, 0])
    for account, debit, credit in db.session.execute(
            select(JournalLine.account_id, JournalLine.debit, JournalLine.credit)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.org_id == org_id, JournalEntry.entry_date <= day)):
        totals[account][0] += debit
        totals[account][1] += credit
    return {a: ledger.Balance(d, c) for a, (d, c) in totals.items()}
