"""ledger.post_selected: many entries whose heads and lines come from queries, with every check of post."""
from datetime import timedelta

import pytest
from sqlalchemy import String, func, literal, select, union_all

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import ClosedPeriodError, FutureDate, RefusedEntry, UnbalancedEntry, UnknownAccount
from coop.ledger.models import JournalEntry
from coop.timeutil import today

# The ledger's verb alone: receivables moved with no loans behind them.
pytestmark = pytest.mark.controls_disagree


def heads(*rows):
    return union_all(*(select(literal(key).label("key"), literal(memo).label("memo"),
                              literal(source_id, String).label("source_id"), literal(n).label("sort"))
                       for n, (key, memo, source_id) in enumerate(rows)))


def lines(*rows):
    return union_all(*(select(literal(key).label("key"), literal(account).label("account"),
                              literal(party, db.Integer).label("party_id"), literal(debit).label("debit"),
                              literal(credit).label("credit"), literal(memo, String).label("memo"),
                              literal(n).label("sort"))
                       for n, (key, account, party, debit, credit, memo) in enumerate(rows)))


def counts():
    return (db.session.scalar(select(func.count()).select_from(JournalEntry)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def test_entries_lines_totals_and_audit_come_from_the_queries(coop):
    a, b = (ledger.ensure_party(coop.id, "member", n, f"M-{n}") for n in (1, 2))
    day = today()
    posted = ledger.post_selected(
        coop.id, entry_date=day, source="test",
        entries=heads(("k1", "First", "7"), ("k2", "Second", None)),
        lines=lines(("k1", "loans_receivable_past_due", a, 500, 0, "L-1"), ("k1", "loans_receivable_other", a, 0, 500, "L-1"),
                    ("k2", "loans_receivable_past_due", b, 300, 0, None), ("k2", "fines_penalties", b, 0, 200, None),
                    ("k2", "fines_penalties", None, 0, 100, None)))
    db.session.commit()
    assert posted == 2
    first = ledger.find_by_idempotency_key(coop.id, "k1")
    assert (first.memo, first.source, first.source_id) == ("First", "test", "7")
    assert [(line.party_id, line.debit, line.credit, line.memo) for line in first.lines] == [
        (a, 500, 0, "L-1"), (a, 0, 500, "L-1")]
    assert ledger.party_balance(coop.id, "loans_receivable_past_due", b).debit_balance == 300
    assert ledger.party_balance(coop.id, "fines_penalties", b).credit_balance == 200
    assert ledger.balance(coop.id, "fines_penalties").credit_balance == 300
    assert ledger.balance(coop.id, "loans_receivable_past_due").debit_balance == 800
    assert ledger.recompute_problems(coop.id) == []
    audited = db.session.scalars(select(AuditEvent.target_id).where(
        AuditEvent.org_id == coop.id, AuditEvent.action == "ledger.post")).all()
    assert sorted(audited) == sorted([str(first.id), str(ledger.find_by_idempotency_key(coop.id, "k2").id)])
    # the same keys again: refused, nothing posted twice
    with pytest.raises(RefusedEntry):
        ledger.post_selected(coop.id, entry_date=day, source="test", entries=heads(("k1", "First", "7")),
                             lines=lines(("k1", "fines_penalties", a, 1, 0, None), ("k1", "fines_penalties", a, 0, 1, None)))


@pytest.mark.parametrize("problem, error", [
    ("unbalanced", UnbalancedEntry), ("one line", RefusedEntry), ("both sides", RefusedEntry),
    ("negative", RefusedEntry), ("stranger", RefusedEntry), ("unknown account", UnknownAccount),
    ("cash", RefusedEntry), ("no memo", RefusedEntry), ("orphan line", RefusedEntry), ("shared key", RefusedEntry),
    ("closed month", ClosedPeriodError), ("future", FutureDate)])
def test_a_batch_with_anything_wrong_is_refused_whole(coop, make_org, problem, error):
    a = ledger.ensure_party(coop.id, "member", 1, "M-1")
    stranger = ledger.ensure_party(make_org("cooperative").id, "member", 1, "M-1")
    day = today()
    good = [("k1", "fines_penalties", a, 100, 0, None), ("k1", "loans_receivable_other", a, 0, 100, None)]
    bad = {
        "unbalanced": [("k2", "fines_penalties", a, 100, 0, None), ("k2", "loans_receivable_other", a, 0, 99, None)],
        "one line": [("k2", "fines_penalties", a, 0, 0, None)],
        "both sides": [("k2", "fines_penalties", a, 100, 100, None), ("k2", "loans_receivable_other", a, 0, 0, None)],
        "negative": [("k2", "fines_penalties", a, -100, 0, None), ("k2", "loans_receivable_other", a, 0, -100, None)],
        "stranger": [("k2", "fines_penalties", stranger, 100, 0, None), ("k2", "loans_receivable_other", a, 0, 100, None)],
        "unknown account": [("k2", "no_such_account", a, 100, 0, None), ("k2", "loans_receivable_other", a, 0, 100, None)],
        "cash": [("k2", "cash_on_hand", None, 100, 0, None), ("k2", "loans_receivable_other", a, 0, 100, None)],
        "orphan line": [("k2", "fines_penalties", a, 1, 0, None), ("k2", "fines_penalties", a, 0, 1, None),
                        ("k9", "fines_penalties", a, 1, 0, None)],
    }.get(problem, [("k2", "fines_penalties", a, 100, 0, None), ("k2", "loans_receivable_other", a, 0, 100, None)])
    memo = "" if problem == "no memo" else "Second"
    second = "k1" if problem == "shared key" else "k2"
    on = day + timedelta(days=1) if problem == "future" else day
    if problem == "closed month":
        ledger.close_period(coop.id, day.year, day.month, None)
    db.session.commit()
    before = counts()
    with pytest.raises(error):
        ledger.post_selected(coop.id, entry_date=on, source="test", entries=heads(("k1", "First", None), (second, memo, None)),
                             lines=lines(*good, *bad))
    db.session.rollback()
    assert counts() == before


def test_nothing_selected_posts_nothing(coop):
    nothing = select(literal("k1").label("key"), literal("First").label("memo"), literal(None, String).label("source_id"),
                     literal(0).label("sort")).where(literal(1) == 0)
    assert ledger.post_selected(coop.id, entry_date=today(), entries=nothing,
                                lines=lines(("k1", "fines_penalties", None, 1, 0, None))) == 0
    assert db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.org_id == coop.id)) == 0
