"""post_many: the same checks as post, all before anything is written; balances updated once per batch."""
from datetime import date

import pytest
from sqlalchemy import func, select

from coop.audit.models import AuditEvent
from coop.errors import Conflict, Invalid, NotFound
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry, JournalLine
from coop.ledger.records import Entry, Line

# The ledger's bulk path alone: paid-up capital is posted with no subscription behind it.
pytestmark = pytest.mark.controls_disagree


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in (JournalEntry, JournalLine, AuditEvent))


def dues(org_id, party, amount, on, **kw):
    return Entry(org_id, on, "Share capital", (Line("cash_on_hand", debit=amount),
                                               Line("paid_up_share_capital_common", credit=amount, party_id=party)), **kw)


def test_a_batch_posts_like_one_entry_at_a_time(make_org):
    org = make_org()
    ana, bea = (ledger.ensure_party(org.id, "member", n, f"M-{n}") for n in (1, 2))
    batch = [dues(org.id, ana, 10_000, date(2026, 1, 31)), dues(org.id, bea, 2_500, date(2026, 2, 1)),
             dues(org.id, ana, 500, date(2026, 2, 14))]
    posted = ledger.post_many(batch, actor_id=None)
    assert [p.entry_date for p in posted] == [date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 14)]
    assert posted[0].lines[1].account_code == ledger.get_account(org.id, "paid_up_share_capital_common").code
    assert ledger.get_entry(org.id, posted[2].id).lines == posted[2].lines
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 13_000
    assert ledger.party_balance(org.id, "paid_up_share_capital_common", ana).credit_balance == 10_500
    cash = ledger.get_account(org.id, "cash_on_hand").id
    assert ledger.balances_as_of(org.id, date(2026, 1, 31))[cash].debit_balance == 10_000
    assert ledger.recompute_problems(org.id) == []
    assert counts() == (3, 6, 3)  # every post is in the audit log


@pytest.mark.parametrize("bad, message", [
    (lambda org_id, party: Entry(org_id, date(2026, 2, 2), "x", (Line("cash_on_hand", debit=5),
                                                                Line("other_income", credit=4))), "Entry 2: The entry is unbalanced"),
    (lambda org_id, party: Entry(org_id, date(2026, 2, 2), "x", (Line("cash_on_hand", debit=5),
                                                                Line("no_such_account", credit=5))), "Entry 2: Line 2: unknown account"),
    (lambda org_id, party: dues(org_id, party, 5, date(2026, 3, 3)), "Entry 2: March 2026 is closed"),
])
def test_one_refused_entry_refuses_the_batch_and_writes_nothing(make_org, bad, message):
    org = make_org()
    party = ledger.ensure_party(org.id, "member", 1, "M-1")
    ledger.close_period(org.id, 2026, 3, None)
    db.session.commit()
    before = counts()
    with pytest.raises((Invalid, NotFound)) as refused:
        ledger.post_many([dues(org.id, party, 100, date(2026, 2, 1)), bad(org.id, party)])
    assert refused.value.message.startswith(message)
    assert counts() == before
    assert ledger.balance(org.id, "cash_on_hand").debit_total == 0


def test_keys_in_a_batch_replay_or_conflict(make_org):
    org = make_org()
    party = ledger.ensure_party(org.id, "member", 1, "M-1")
    first = ledger.post(dues(org.id, party, 100, date(2026, 2, 1), idempotency_key="a"))
    again = ledger.post_many([dues(org.id, party, 100, date(2026, 2, 1), idempotency_key="a"),
                              dues(org.id, party, 200, date(2026, 2, 1), idempotency_key="b")])
    assert again[0].id == first.id and again[0].replayed and not again[1].replayed
    assert ledger.balance(org.id, "cash_on_hand").debit_total == 300
    before = counts()
    with pytest.raises(Conflict, match="Entry 1: This idempotency key was already used"):
        ledger.post_many([dues(org.id, party, 999, date(2026, 2, 1), idempotency_key="a")])
    with pytest.raises(Invalid, match="share an idempotency key"):
        ledger.post_many([dues(org.id, party, 1, date(2026, 2, 1), idempotency_key="c"),
                          dues(org.id, party, 1, date(2026, 2, 1), idempotency_key="c")])
    assert counts() == before


def test_a_batch_belongs_to_one_organization(make_org):
    org, other = make_org(), make_org()
    with pytest.raises(Invalid, match="one organization"):
        ledger.post_many([dues(org.id, None, 1, date(2026, 2, 1)), dues(other.id, None, 1, date(2026, 2, 1))])
    assert counts()[:2] == (0, 0)
    assert ledger.post_many([]) == []
