from datetime import date

import pytest
from sqlalchemy import func, select

from coop.errors import Conflict, Invalid, NotFound
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry, JournalLine
from coop.ledger.records import Entry, Line

DAY = date(2026, 3, 10)


def counts():
    return (db.session.scalar(select(func.count(JournalEntry.id))),
            db.session.scalar(select(func.count(JournalLine.id))))


def cash_donation(org_id, amount=100_000, **kw):
    return Entry(org_id, kw.pop("on", DAY), kw.pop("memo", "Donation"),
                 (Line("cash_on_hand", debit=amount), Line("donations_grants", credit=amount)), **kw)


def test_post_updates_running_balances_and_trial_balance(make_org):
    org = make_org()
    ledger.post(cash_donation(org.id, 250_000))
    ledger.post(Entry(org.id, DAY, "Supplies", (Line("office_supplies", debit=40_050), Line("cash_on_hand", credit=40_050))))
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 209_950
    assert ledger.balance(org.id, "donations_grants").credit_balance == 250_000
    assert ledger.recompute_problems(org.id) == []


@pytest.mark.parametrize("lines, message", [
    ((Line("cash_on_hand", debit=100),), "at least two lines"),
    ((Line("cash_on_hand", debit=100), Line("donations_grants", credit=99)), "unbalanced"),
    ((Line("cash_on_hand", debit=0), Line("donations_grants", credit=0)), "either a debit or a credit"),
    ((Line("cash_on_hand", debit=-5), Line("donations_grants", credit=-5)), "cannot be negative"),
    ((Line("cash_on_hand", debit=100.5), Line("donations_grants", credit=100.5)), "whole centavos"),
    ((Line("cash_on_hand", debit=100, credit=100), Line("donations_grants", credit=0)), "either a debit or a credit"),
    ((Line("no_such_account", debit=100), Line("donations_grants", credit=100)), "unknown account"),
    ((Line("assets_group_heading", debit=100), Line("donations_grants", credit=100)), "unknown account"),
])
def test_refusals_write_nothing(make_org, lines, message):
    org = make_org()
    before = counts()
    with pytest.raises((Invalid, NotFound)) as refused:
        ledger.post(Entry(org.id, DAY, "Bad", lines))
    assert message in refused.value.message
    assert counts() == before


def test_heading_inactive_and_foreign_accounts_are_refused(make_org):
    org, other = make_org(), make_org()
    heading = ledger.get_account_by_code(org.id, "11000")
    with pytest.raises(Invalid, match="heading"):
        ledger.post(Entry(org.id, DAY, "x", (Line(heading.id, debit=1), Line("donations_grants", credit=1))))
    ledger.update_account(org.id, ledger.get_account(org.id, "petty_cash").id, active=False)
    with pytest.raises(Invalid, match="inactive"):
        ledger.post(Entry(org.id, DAY, "x", (Line("petty_cash", debit=1), Line("donations_grants", credit=1))))
    foreign = ledger.get_account(other.id, "cash_on_hand")
    with pytest.raises(NotFound):
        ledger.post(Entry(org.id, DAY, "x", (Line(foreign.id, debit=1), Line("donations_grants", credit=1))))
    assert counts() == (0, 0)


def test_party_of_another_organization_is_refused(make_org):
    org, other = make_org(), make_org()
    stranger = ledger.ensure_party(other.id, "member", 1, "M-0001")
    with pytest.raises(Invalid, match="party"):
        ledger.post(Entry(org.id, DAY, "x", (Line("accounts_receivable_members", debit=1, party_id=stranger),
                                             Line("cash_on_hand", credit=1))))
    assert counts() == (0, 0)


@pytest.mark.controls_disagree  # the ledger alone: a receivable posted with no loan behind it
def test_party_balances_form_a_sub_ledger(make_org):
    org = make_org()
    ana, bea = (ledger.ensure_party(org.id, "member", n, f"M-{n:04d}") for n in (1, 2))
    for party, amount in ((ana, 50_000), (bea, 20_000), (ana, 10_000)):
        ledger.post(Entry(org.id, DAY, "Receivable", (Line("accounts_receivable_members", debit=amount, party_id=party),
                                                      Line("other_income", credit=amount))))
    assert ledger.party_balance(org.id, "accounts_receivable_members", ana).debit_balance == 60_000
    assert ledger.party_balance(org.id, "accounts_receivable_members", bea).debit_balance == 20_000
    assert ledger.party_balances(org.id, ana)["accounts_receivable_members"].debit_total == 60_000
    assert ledger.ensure_party(org.id, "member", 1, "M-0001") == ana


def test_idempotent_retry_returns_first_entry(make_org):
    org = make_org()
    first = ledger.post(cash_donation(org.id, idempotency_key="k-1"))
    again = ledger.post(cash_donation(org.id, idempotency_key="k-1"))
    assert again.id == first.id and again.replayed
    assert counts() == (1, 2)
    with pytest.raises(Conflict, match="different entry"):
        ledger.post(cash_donation(org.id, 999, idempotency_key="k-1"))
    assert ledger.balance(org.id, "cash_on_hand").debit_total == 100_000


def test_same_key_in_two_organizations_is_two_entries(make_org):
    a, b = make_org(), make_org()
    assert ledger.post(cash_donation(a.id, idempotency_key="k")).id != ledger.post(cash_donation(b.id, idempotency_key="k")).id


def test_reversal_restores_balances_and_is_linked_once(make_org):
    org = make_org()
    original = ledger.post(cash_donation(org.id, 70_000))
    mirror = ledger.reverse(org.id, original.id, on=DAY, reason="typed twice")
    assert mirror.reverses_id == original.id
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 0
    assert ledger.balance(org.id, "cash_on_hand").debit_total == 70_000  # history kept, not erased
    assert ledger.reversal_of(org.id, original.id) == mirror.id
    with pytest.raises(Conflict, match="already reversed"):
        ledger.reverse(org.id, original.id, on=DAY, reason="again")
    with pytest.raises(Invalid, match="reason"):
        ledger.reverse(org.id, mirror.id, on=DAY, reason=" ")


def test_closed_period_refuses_posts_until_reopened(make_org):
    org = make_org()
    ledger.close_period(org.id, 2026, 3, None)
    with pytest.raises(Invalid, match="closed"):
        ledger.post(cash_donation(org.id))
    ledger.post(cash_donation(org.id, on=date(2026, 4, 1)))
    with pytest.raises(Invalid, match="reason"):
        ledger.reopen_period(org.id, 2026, 3, None, "")
    ledger.reopen_period(org.id, 2026, 3, None, "late supplier invoice")
    ledger.post(cash_donation(org.id))
    assert counts() == (2, 4)


def test_journal_rows_cannot_be_changed_in_the_database(make_org):
    org = make_org()
    entry = ledger.post(cash_donation(org.id))
    db.session.commit()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(JournalLine.__table__.update().where(JournalLine.entry_id == entry.id).values(debit=1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(JournalEntry.__table__.delete().where(JournalEntry.id == entry.id))
    db.session.rollback()


def test_account_with_postings_is_never_deleted(make_org):
    org = make_org()
    ledger.post(cash_donation(org.id))
    with pytest.raises(Invalid, match="never deleted"):
        ledger.delete_account(org.id, ledger.get_account(org.id, "cash_on_hand").id)
    unused = ledger.add_account(org.id, code="11199", name="Cash in transit", type="asset",
                                parent_id=ledger.get_account_by_code(org.id, "11100").id)
    ledger.delete_account(org.id, unused.id)


def test_new_account_takes_its_parents_type(make_org):
    org = make_org()
    with pytest.raises(Invalid, match="type of its parent"):
        ledger.add_account(org.id, code="11198", name="x", type="income",
                           parent_id=ledger.get_account_by_code(org.id, "11100").id)
    with pytest.raises(Invalid, match="already used"):
        ledger.add_account(org.id, code="11110", name="x", type="asset")


def test_balances_as_of_a_date_exclude_later_entries(make_org):
    org = make_org()
    ledger.post(cash_donation(org.id, 100, on=date(2026, 1, 5)))
    ledger.post(cash_donation(org.id, 300, on=date(2026, 2, 5)))
    cash = ledger.get_account(org.id, "cash_on_hand").id
    assert ledger.balances_as_of(org.id, date(2026, 1, 31))[cash].debit_balance == 100
    assert ledger.balances_as_of(org.id, None)[cash].debit_balance == 400


def test_charts_have_what_the_domains_need(make_org):
    coop, ngo = make_org("cooperative"), make_org("ngo")
    for key in ("cash_on_hand", "subscription_receivable_common", "paid_up_share_capital_common", "merchandise_inventory",
                "loans_receivable_emergency", "allowance_probable_losses", "reserve_fund", "income_from_services"):
        assert ledger.get_account(coop.id, key).active
    assert ledger.get_account(coop.id, "allowance_probable_losses").normal_side == "credit"
    assert ledger.get_account(coop.id, "subscription_receivable_common").normal_side == "debit"
    assert ledger.get_account(ngo.id, "net_assets_restricted").type == "equity"
