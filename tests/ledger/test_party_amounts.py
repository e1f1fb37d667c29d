"""ledger.post_party_amounts: one entry of many party lines from a query, with the checks of post."""
from datetime import timedelta

import pytest
from sqlalchemy import literal, select, union_all

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import ClosedPeriodError, FutureDate, RefusedEntry
from coop.timeutil import today

# The ledger's bulk verb alone: savings deposits credited with no savings accounts behind them.
pytestmark = pytest.mark.controls_disagree


def amounts(*pairs):
    return union_all(*(select(literal(party).label("party_id"), literal(amount).label("amount"))
                       for party, amount in pairs))


def test_lines_and_balances_come_from_the_query(coop):
    a, b, c = (ledger.ensure_party(coop.id, "member", n, f"M-{n}") for n in (1, 2, 3))
    day = today()
    posted = ledger.post_party_amounts(coop.id, entry_date=day, memo="Interest", account="savings_deposits",
                                       side="credit", counter_account="interest_expense_deposits",
                                       amounts=amounts((a, 150), (b, 0), (c, 275)), source="test",
                                       idempotency_key="k1")
    db.session.commit()
    entry = ledger.get_entry(coop.id, posted.id)
    assert sorted((line.party_id or 0, line.debit, line.credit) for line in entry.lines) == sorted(
        [(a, 0, 150), (c, 0, 275), (0, 425, 0)])
    assert ledger.party_balance(coop.id, "savings_deposits", c).credit_balance == 275
    assert ledger.balance(coop.id, "interest_expense_deposits").debit_balance == 425
    assert ledger.recompute_problems(coop.id) == []
    again = ledger.post_party_amounts(coop.id, entry_date=day, memo="Interest", account="savings_deposits",
                                      side="credit", counter_account="interest_expense_deposits",
                                      amounts=amounts((a, 150)), idempotency_key="k1")
    assert again.id == posted.id
    assert ledger.post_party_amounts(coop.id, entry_date=day, memo="None", account="savings_deposits", side="credit",
                                     counter_account="interest_expense_deposits", amounts=amounts((a, 0))) is None


def test_refusals(coop, make_org):
    other = make_org("cooperative")
    stranger = ledger.ensure_party(other.id, "member", 1, "M-1")
    mine = ledger.ensure_party(coop.id, "member", 1, "M-1")
    db.session.commit()
    common = dict(memo="x", account="savings_deposits", side="credit", counter_account="interest_expense_deposits")
    with pytest.raises(RefusedEntry, match="party"):
        ledger.post_party_amounts(coop.id, entry_date=today(), amounts=amounts((stranger, 1)), **common)
    with pytest.raises(RefusedEntry, match="below zero"):
        ledger.post_party_amounts(coop.id, entry_date=today(), amounts=amounts((mine, -1)), **common)
    with pytest.raises(RefusedEntry, match="Cash"):
        ledger.post_party_amounts(coop.id, entry_date=today(), amounts=amounts((mine, 1)),
                                  **{**common, "counter_account": "cash_on_hand"})
    with pytest.raises(FutureDate):
        ledger.post_party_amounts(coop.id, entry_date=today() + timedelta(days=5), amounts=amounts((mine, 1)),
                                  **common)
    last_month = today().replace(day=1) - timedelta(days=1)
    ledger.close_period(coop.id, last_month.year, last_month.month, None)
    with pytest.raises(ClosedPeriodError):
        ledger.post_party_amounts(coop.id, entry_date=last_month, amounts=amounts((mine, 1)), **common)
    assert ledger.recompute_problems(coop.id) == []


def grouped(*rows):
    return union_all(*(select(literal(party).label("party_id"), literal(amount).label("amount"),
                              literal(n).label("n")) for party, amount, n in rows))


def test_many_entries_in_one_pass_each_line_in_its_own(coop):
    a, b, c = (ledger.ensure_party(coop.id, "member", n, f"M-{n}") for n in (1, 2, 3))
    heads = [ledger.PartyEntryHead(f"Interest {n}", str(n), f"batch:{n}") for n in range(3)]
    common = dict(entry_date=today(), account="savings_deposits", side="credit",
                  counter_account="interest_expense_deposits", source="test")
    # b is on two lines of two entries; nothing is due on entry 1
    posted = ledger.post_party_entries(coop.id, amounts=grouped((a, 100, 0), (b, 20, 0), (c, 0, 1), (b, 5, 2)),
                                       heads=heads, **common)
    db.session.commit()
    assert posted[1] is None and posted[0].memo == "Interest 0" and posted[2].source_id == "2"
    first, third = (ledger.get_entry(coop.id, entry.id) for entry in (posted[0], posted[2]))
    assert sorted((line.party_id or 0, line.debit, line.credit) for line in first.lines) == [
        (0, 120, 0), (a, 0, 100), (b, 0, 20)]
    assert sorted((line.party_id or 0, line.debit, line.credit) for line in third.lines) == [(0, 5, 0), (b, 0, 5)]
    assert ledger.party_balance(coop.id, "savings_deposits", b).credit_balance == 25
    assert ledger.balance(coop.id, "interest_expense_deposits").debit_balance == 125
    assert ledger.recompute_problems(coop.id) == []
    # a retry returns the entries first posted; a batch part of which is posted is refused
    again = ledger.post_party_entries(coop.id, amounts=grouped((a, 1, 0)), heads=[heads[0], heads[2]], **common)
    assert [entry.id for entry in again] == [posted[0].id, posted[2].id]
    with pytest.raises(RefusedEntry, match="Part of this batch"):
        ledger.post_party_entries(coop.id, amounts=grouped((a, 1, 0)),
                                  heads=[heads[0], ledger.PartyEntryHead("new", None, "batch:new")], **common)
    with pytest.raises(RefusedEntry, match="no entry"):
        ledger.post_party_entries(coop.id, amounts=grouped((a, 1, 3)), heads=[ledger.PartyEntryHead("x")], **common)
    assert ledger.recompute_problems(coop.id) == []
