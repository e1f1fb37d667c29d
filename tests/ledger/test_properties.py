"""Any sequence of valid posts and reversals keeps the books balanced and every stored balance true."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line

ACCOUNTS = ("cash_on_hand", "cash_in_bank", "accounts_receivable_members", "donations_grants", "office_supplies",
            "other_income")

line_pairs = st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                                st.integers(min_value=1, max_value=10**9), st.sampled_from([None, 0, 1])),
                      min_size=1, max_size=4)
operations = st.lists(st.one_of(st.tuples(st.just("post"), line_pairs),
                                st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30))),
                      min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_posts_and_reversals_keep_the_books_true(make_org, ops):
    org = make_org()
    parties = [ledger.ensure_party(org.id, "member", n, f"M-{n}") for n in (1, 2)]
    posted = []
    for op, arg in ops:
        if op == "post":
            lines = []
            for debit_account, credit_account, amount, party in arg:
                party_id = None if party is None else parties[party]
                lines += [Line(debit_account, debit=amount, party_id=party_id), Line(credit_account, credit=amount)]
            posted.append(ledger.post(Entry(org.id, date(2026, 5, 1), "generated", tuple(lines))).id)
        elif posted:
            target = posted[arg % len(posted)]
            if ledger.reversal_of(org.id, target) is None and target not in _reversals(org.id):
                ledger.reverse(org.id, target, on=date(2026, 5, 2), reason="generated")
    db.session.flush()
    assert ledger.recompute_problems(org.id) == []


def _reversals(org_id):
    return {e.reverses_id for e in ledger.recent_entries(org_id, 1000) if e.reverses_id}
