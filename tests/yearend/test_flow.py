"""A year closed, allocated and paid out through the services, and every refusal on the way."""
from datetime import date

import pytest

from coop.approvals import services as approvals
from coop.errors import Conflict, Forbidden, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import ClosedPeriodError, RefusedEntry
from coop.ledger.records import Entry, Line
from coop.members import shares
from coop.orgs.services import set_setting
from coop.reports import services as reports
from coop.timeutil import today
from coop.yearend import services as yearend

from .conftest import d

LAW = dict(reserve_bp=1_000, education_bp=1_000, federation_bp=5_000, community_bp=300, optional_bp=700)


def carried_out(books, asked):
    """Another officer approves the request (coop.approvals runs the year end's executor)."""
    return approvals.approve(books.org.id, asked.id, books.checker.id).outcome


def close(books):
    return carried_out(books, yearend.ask_to_close(books.org.id, books.year, actor_id=books.maker.id))


def approve(books, allocation, resolution="GA-2026-07", on=None):
    return carried_out(books, yearend.ask_to_approve(books.org.id, allocation.id, resolution_number=resolution,
                                                     assembly_date=on or today(), actor_id=books.maker.id))


def test_a_year_is_closed_by_a_second_officer_into_undivided_net_surplus_and_refuses_postings(books):
    org = books.org
    asked = yearend.ask_to_close(org.id, books.year, actor_id=books.maker.id)
    with pytest.raises(Conflict):  # one request at a time
        yearend.ask_to_close(org.id, books.year, actor_id=books.checker.id)
    with pytest.raises(Forbidden):
        approvals.approve(org.id, asked.id, books.maker.id)
    year = carried_out(books, asked)
    assert year.status == "closed" and year.net_surplus == 5_000_00
    entry = ledger.get_entry(org.id, year.closing_entry_id)
    assert entry.entry_date == date(books.year, 12, 31) and entry.source == "yearend.close"
    # the year's statement of operations still shows the year, before its closing
    assert reports.statement_of_operations(org.id, d(1), date(books.year, 12, 31)).net_surplus == 5_000_00
    for key in ("sales", "cost_of_sales", "rent"):
        assert ledger.balances_as_of(org.id, date(books.year, 12, 31)).get(
            ledger.get_account(org.id, key).id).debit_balance == 0
    assert ledger.balance(org.id, "undivided_net_surplus").credit_balance == 5_000_00
    with pytest.raises(ClosedPeriodError):
        ledger.post(Entry(org.id, d(6, 30), "Late bill", (Line("rent", debit=100), Line("cash_on_hand", credit=100))))
    with pytest.raises(Conflict):
        yearend.ask_to_close(org.id, books.year, actor_id=books.maker.id)
    with pytest.raises(Invalid):
        yearend.ask_to_close(org.id, today().year, actor_id=books.maker.id)
    with pytest.raises(RefusedEntry, match="year-end page"):  # the ledger's own reopening leaves it to the year
        ledger.reopen_period(org.id, books.year, 6, books.maker.id, "a late bill")


def test_reopening_reverses_the_closing_and_opens_the_months(books):
    org = books.org
    year = close(books)
    closing = year.closing_entry_id
    with pytest.raises(Invalid):
        yearend.ask_to_reopen(org.id, books.year, reason=" ", actor_id=books.maker.id)
    year = carried_out(books, yearend.ask_to_reopen(org.id, books.year, reason="a supplier's bill came late",
                                                    actor_id=books.maker.id))
    assert year.status == "open" and year.times_reopened == 1
    assert ledger.reversal_of(org.id, closing) is not None
    assert ledger.balance(org.id, "undivided_net_surplus").credit_balance == 0
    ledger.post(Entry(org.id, d(6, 30), "Late bill", (Line("rent", debit=500_00),
                                                        Line("cash_on_hand", credit=500_00))))
    assert close(books).net_surplus == 4_500_00


def test_the_whole_flow_with_its_refusals(books):
    org = books.org
    with pytest.raises(Invalid, match="Close"):
        yearend.propose(org.id, books.year, actor_id=books.maker.id, interest_rate_bp=500, **LAW)
    close(books)
    # an interest rate that leaves the members' patronage less than 30% of what remains
    set_setting(org.id, "yearend.interest_cap", 50)
    greedy = yearend.propose(org.id, books.year, actor_id=books.maker.id, interest_rate_bp=4_500, **LAW)
    assert "refund_minimum" in yearend.failed_checks(greedy)
    yearend.review(org.id, greedy.id, board_resolution="BR-1", actor_id=books.maker.id)
    with pytest.raises(Invalid, match="refund_minimum"):
        yearend.ask_to_approve(org.id, greedy.id, resolution_number="GA-1", assembly_date=today(),
                               actor_id=books.maker.id)
    with pytest.raises(Conflict):
        yearend.propose(org.id, books.year, actor_id=books.maker.id, interest_rate_bp=500, **LAW)
    yearend.cancel(org.id, greedy.id, actor_id=books.maker.id)

    allocation = yearend.propose(org.id, books.year, actor_id=books.maker.id, interest_rate_bp=500, **LAW)
    assert allocation.passed and allocation.net_surplus == 5_000_00
    lines = {line.member_id: line for line in yearend.schedule(allocation)}
    # share-months: Ana 2,000 all year; Bea 1,200 from July; Cora 3,000 then 5,000 from the end of March
    assert lines[books.ana.id].average_capital == 2_000_00
    assert lines[books.bea.id].average_capital == 600_00
    assert lines[books.cora.id].average_capital == 4_666_66
    assert sum(line.interest for line in lines.values()) == allocation.interest == 363_33
    assert sum(line.refund for line in lines.values()) == allocation.refund
    assert allocation.refund + allocation.refund_non_members == 3_000_00  # 2 × 5% of 30,000 of patronage
    assert allocation.refund_non_members == 500_00  # the walk-in bought a sixth
    assert (allocation.reserve, allocation.education, allocation.federation, allocation.community,
            allocation.optional, allocation.leftover) == (500_00, 250_00, 250_00, 150_00, 350_00, 136_67)

    with pytest.raises(Invalid, match="approved"):
        yearend.post_allocation(org.id, allocation.id, on=today(), actor_id=books.maker.id)
    with pytest.raises(Conflict):  # the board reviews first
        approve(books, allocation)
    yearend.review(org.id, allocation.id, board_resolution="BR-2", actor_id=books.maker.id)
    with pytest.raises(Invalid):  # an assembly before the year ended
        approve(books, allocation, on=date(books.year, 12, 1))
    approve(books, allocation)
    assert allocation.status == "approved" and allocation.resolution_number == "GA-2026-07"
    with pytest.raises(Conflict):
        yearend.ask_to_reopen(org.id, books.year, reason="late", actor_id=books.maker.id)
    yearend.post_allocation(org.id, allocation.id, on=today(), actor_id=books.maker.id, idempotency_key="post-1")
    assert yearend.post_allocation(org.id, allocation.id, on=today(), actor_id=books.maker.id,
                                   idempotency_key="post-1").id == allocation.id
    entry = ledger.get_entry(org.id, allocation.entry_id)
    assert sum(line.debit for line in entry.lines) == 5_000_00
    assert ledger.balance(org.id, "undivided_net_surplus").credit_balance == 0
    assert ledger.balance(org.id, "reserve_fund").credit_balance == 636_67
    assert ledger.balance(org.id, "due_to_union_federation").credit_balance == 250_00
    assert ledger.balance(org.id, "general_fund_non_members").credit_balance == 500_00
    ana = lines[books.ana.id]
    assert ledger.party_balance(org.id, "interest_on_share_capital_payable", ana.party_id).credit_balance == ana.interest
    assert ledger.party_balance(org.id, "patronage_refund_payable", ana.party_id).credit_balance == ana.refund
    assert yearend.control_balances(org.id) == [
        ("interest_on_share_capital_payable", 363_33, 363_33),
        ("patronage_refund_payable", allocation.refund, allocation.refund), ("revolving_capital", 0, 0)]

    # Ana owes PhP1,000 on her subscription: her interest and refund pay it first, the rest in cash
    due_before = shares.summary(org.id, books.ana, today()).due
    paid = yearend.pay_out(org.id, allocation.id, books.ana.id, choice="cash", on=today(), actor_id=books.maker.id)
    assert paid.to_subscription == min(due_before, ana.total) and paid.to_cash == ana.total - paid.to_subscription
    assert shares.summary(org.id, books.ana, today()).due == due_before - paid.to_subscription
    with pytest.raises(Conflict):
        yearend.pay_out(org.id, allocation.id, books.ana.id, choice="cash", on=today(), actor_id=books.maker.id)
    cora = yearend.pay_out(org.id, allocation.id, books.cora.id, choice="revolving", on=today(),
                           actor_id=books.maker.id)
    assert cora.to_subscription == 0 and cora.to_revolving == lines[books.cora.id].total
    assert ledger.party_balance(org.id, "revolving_capital", cora.party_id).credit_balance == cora.to_revolving
    for key, in_ledger, own in yearend.control_balances(org.id):
        assert in_ledger == own, key
    db.session.commit()


def test_her_interest_and_refund_pay_what_she_owes_on_loans_before_cash(books):
    from coop.inventory import services as store
    from coop.loans import services as loans

    org = books.org
    close(books)
    allocation = yearend.propose(org.id, books.year, actor_id=books.maker.id, interest_rate_bp=500, **LAW)
    yearend.review(org.id, allocation.id, board_resolution=None, actor_id=books.maker.id)
    approve(books, allocation)
    yearend.post_allocation(org.id, allocation.id, on=today(), actor_id=books.maker.id)
    rice = store.list_products(org.id)[0]
    sale = store.record_sale(org.id, items=[store.SaleItem(store.product_ref(rice.id), 8_000)], on=today(),
                             payment="credit", actor_id=books.maker.id, member_id=books.cora.id)
    loan = loans.get_loan(org.id, sale.loan_id)
    owed = loan.outstanding
    line = yearend.get_line(org.id, allocation.id, books.cora.id)
    assert line.total > owed == 400_00
    paid = yearend.pay_out(org.id, allocation.id, books.cora.id, choice="cash", on=today(), actor_id=books.maker.id)
    assert (paid.to_subscription, paid.to_loans, paid.to_cash) == (0, owed, line.total - owed)
    assert loans.get_loan(org.id, loan.id).outstanding == 0
    assert ledger.party_balance(org.id, "interest_on_share_capital_payable", line.party_id).credit_balance == 0
    assert ledger.party_balance(org.id, "patronage_refund_payable", line.party_id).credit_balance == 0


def test_average_daily_balances_count_each_day_a_share_was_held(books):
    from coop.yearend import bases

    capital = bases.capital(books.org.id, books.year, "daily")
    days = capital.periods
    assert days in (365, 366)
    averages = {member: weight // days for member, weight in capital.weights.items()}
    july = (date(books.year, 12, 31) - d(7)).days + 1
    march = (d(3, 31) - d(1)).days
    assert averages[books.ana.id] == 2_000_00
    assert averages[books.bea.id] == 1_200_00 * july // days
    assert averages[books.cora.id] == (3_000_00 * march + 5_000_00 * (days - march)) // days
    monthly = bases.capital(books.org.id, books.year, "month_end")
    assert monthly.periods == 12 and monthly.weights[books.cora.id] == 3_000_00 * 2 + 5_000_00 * 10


def test_patronage_comes_from_the_store_weighted_by_policy_and_non_members_apart(books):
    from coop.yearend import bases

    found = bases.patronage(books.org.id, books.year)
    assert found.detail[books.bea.id] == {"store": 15_000_00}
    assert found.weights[books.ana.id] == 5_000_00 * 10_000 and found.non_member_centavos == 5_000_00
    set_setting(books.org.id, "yearend.weight_store", 50)
    halved = bases.patronage(books.org.id, books.year)
    assert halved.weights[books.ana.id] == 5_000_00 * 5_000 and halved.non_member_weight == 5_000_00 * 5_000


def test_a_year_closes_only_after_the_daily_jobs_ran_through_31_december(books, monkeypatch):
    from coop.jobs.models import JobRun

    monkeypatch.setattr("coop.yearclosing.today", lambda: d(12, 31).replace(year=books.year + 1, month=1, day=10))
    db.session.add(JobRun(org_id=books.org.id, job="loans.end_of_day", day=d(12, 20), summary=""))
    db.session.commit()
    with pytest.raises(Invalid, match="daily jobs have not run") as refused:
        yearend.ask_to_close(books.org.id, books.year, actor_id=books.maker.id)
    assert refused.value.field == "year"
    db.session.add(JobRun(org_id=books.org.id, job="loans.end_of_day", day=d(12, 31), summary=""))
    db.session.commit()
    assert close(books).status == "closed"
