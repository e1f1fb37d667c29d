from datetime import timedelta

import pytest

from coop.approvals.services import NotTheChecker

from coop.errors import Conflict, CoopError, Invalid
from coop.extensions import db
from coop.grants import services
from coop.grants.models import BusinessPlan, Moa, MonitoringReport, Tranche
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.orgs.services import set_setting

from .conftest import PLAN, REVIEW, SCHEDULE, START


def books_agree(org_id: int, fund) -> None:
    """The fund's position, the MOAs' running totals and the ledger say the same thing."""
    position = services.fund_position(fund)
    released = sum(m.released_total for m in services.all_moas(org_id) if m.fund_id == fund.id)
    assert position.released == released
    # what is left: the fund account (less releases) and the year's gifts, revenue with donor restrictions
    assert (ledger.balance(org_id, fund.account_id).credit_balance
            + ledger.party_balance(org_id, "donor_contributions_restricted", fund.party_id).credit_balance) == position.left
    assert ledger.party_balance(org_id, "donor_contributions_restricted", fund.party_id).credit_balance \
        == position.received
    assert ledger.balance(org_id, "livelihood_grants_expense").debit_balance == released
    assert ledger.balance(org_id, "releases_from_restriction").credit_balance == released
    assert services.program_summary(org_id).reconciles
    assert ledger.recompute_problems(org_id) == []


def test_a_full_grant_from_readiness_to_closing(program, ngo):
    fund = program.fund(2_000_000)
    woman = program.woman()
    plan = services.create_plan(ngo.id, woman.id, PLAN, program.maker.id)
    services.submit_plan(ngo.id, plan.id, program.maker.id)
    services.review_plan(ngo.id, plan.id, REVIEW, program.checker.id)
    moa = services.draft_moa(ngo.id, plan.id, fund_id=fund.id, centre_signatory="Director", actor_id=program.maker.id,
                             tranches=SCHEDULE)
    assert moa.total == 1_500_000 and moa.status == "draft"
    services.sign_moa(ngo.id, moa.id, on=START + timedelta(days=5), actor_id=program.maker.id)
    assert services.fund_position(fund).committed == 1_500_000
    assert services.fund_position(fund).available == 500_000
    books_agree(ngo.id, fund)

    first, second, third = services.tranches_of(moa.id)
    program.release(first, START + timedelta(days=10))
    assert services.fund_position(fund).left == 1_500_000 and services.fund_position(fund).committed == 1_000_000
    party = services.get_beneficiary(ngo.id, woman.id).party_id
    assert ledger.party_balance(ngo.id, "livelihood_grants_expense", party).debit_balance == 500_000
    books_agree(ngo.id, fund)

    assert "receipts" in str(services.release_blocker(ngo.id, moa, second))
    services.add_purchase(ngo.id, first.id, {"bought_on": START + timedelta(days=11), "item": "Scale", "supplier": "Market",
                                             "amount": 500_000, "receipt_no": "OR-1"}, program.maker.id)
    program.release(second, START + timedelta(days=25))
    books_agree(ngo.id, fund)

    assert "sales report" in str(services.release_blocker(ngo.id, moa, third))
    for month in (1, 2, 3):
        if month == 2:
            program.release(third, START + timedelta(days=45))
        services.record_monitoring(ngo.id, moa.id, {"visited_on": START + timedelta(days=10 + 30 * month),
                                                    "sales": 1_700_000, "costs": 1_300_000, "savings": 100_000 * month,
                                                    "visit_note": "Busy stall."}, program.checker.id)
    db.session.commit()
    assert services.get_moa(ngo.id, moa.id).released_total == 1_500_000
    books_agree(ngo.id, fund)

    services.close_moa(ngo.id, moa.id, outcome="enterprise", note="Delivers to two eateries.",
                       on=START + timedelta(days=110), actor_id=program.maker.id)
    db.session.commit()
    summary = services.program_summary(ngo.id)
    assert summary.outcomes == {"enterprise": 1} and summary.reports_recorded == 3
    assert summary.released_total == 1_500_000 and summary.purchases_total == 500_000
    assert services.fund_position(fund).committed == 0 and services.fund_position(fund).left == 500_000
    books_agree(ngo.id, fund)
    # the fund's ledger lines name the donor's party; the beneficiary's name appears nowhere in the ledger
    assert all(line.party_id in (None, fund.party_id, party) for e in ledger.recent_entries(ngo.id)
               for line in ledger.get_entry(ngo.id, e.id).lines)
    assert all("Test Woman" not in e.memo for e in ledger.recent_entries(ngo.id))


def nothing_written(ngo_id: int, before: tuple) -> None:
    db.session.rollback()
    assert counts(ngo_id) == before


def counts(ngo_id: int) -> tuple:
    return (db.session.query(JournalEntry).count(), db.session.query(BusinessPlan).count(),
            db.session.query(Moa).count(), db.session.query(Tranche).filter(Tranche.status != "planned").count(),
            db.session.query(MonitoringReport).count())


def refused(ngo_id: int, error, call, match: str):
    before = counts(ngo_id)
    with pytest.raises(error, match=match):
        call()
    nothing_written(ngo_id, before)


def test_releasing_before_signing_is_refused(program, ngo):
    moa = program.moa(program.fund(), sign=False)
    first = services.tranches_of(moa.id)[0]
    refused(ngo.id, Invalid, lambda: services.request_release(ngo.id, first.id, on=START, actor_id=program.maker.id),
            "signed MOA")


def test_tranche_two_waits_for_tranche_ones_condition(program, ngo):
    moa = program.moa(program.fund())
    first, second, _third = services.tranches_of(moa.id)
    refused(ngo.id, Invalid, lambda: services.request_release(ngo.id, second.id, on=START + timedelta(days=9),
                                                              actor_id=program.maker.id), "not released yet")
    program.release(first, START + timedelta(days=10))
    services.add_purchase(ngo.id, first.id, {"bought_on": START + timedelta(days=10), "item": "Scale",
                                             "amount": 200_000, "receipt_no": "OR-9"}, program.maker.id)
    db.session.commit()
    refused(ngo.id, Invalid, lambda: services.request_release(ngo.id, second.id, on=START + timedelta(days=20),
                                                              actor_id=program.maker.id),
            r"2,000.00 of ₱5,000.00 recorded")


def test_the_same_person_cannot_approve_her_own_release(program, ngo):
    moa = program.moa(program.fund())
    first = services.tranches_of(moa.id)[0]
    services.request_release(ngo.id, first.id, on=START + timedelta(days=10), actor_id=program.maker.id)
    db.session.commit()
    refused(ngo.id, NotTheChecker, lambda: services.approve_release(ngo.id, first.id, actor_id=program.maker.id),
            "maker-checker")  # the one refusal of coop.approvals, 403 as in every domain
    assert services.get_tranche(ngo.id, first.id).status == "pending"


def test_a_tranche_beyond_the_moa_total_is_refused(program, ngo):
    moa = program.moa(program.fund(), sign=False, schedule=SCHEDULE[:2])
    refused(ngo.id, Invalid, lambda: services.add_tranche(ngo.id, moa.id, amount=500_001, planned_on=START + timedelta(days=60),
                                                          condition="receipts", actor_id=program.maker.id),
            "more than the MOA")
    refused(ngo.id, Invalid, lambda: services.sign_moa(ngo.id, moa.id, on=START, actor_id=program.maker.id),
            "Complete the schedule")


def test_a_tranche_beyond_what_the_fund_has_left_is_refused(program, ngo):
    fund = program.fund(1_500_000)
    second_gift = services.receive(ngo.id, fund.id, on=START, amount=1_500_000, reference="check",
                                   actor_id=program.maker.id)
    db.session.commit()
    one, two = program.moa(fund), program.moa(fund)
    # the check bounced: the fund now has less than the two signed MOAs promised
    ledger.reverse(ngo.id, second_gift.entry_id, on=START + timedelta(days=6), reason="Check bounced")
    db.session.commit()
    program.release(services.tranches_of(one.id)[0], START + timedelta(days=10))
    services.add_purchase(ngo.id, services.tranches_of(one.id)[0].id, {
        "bought_on": START + timedelta(days=10), "item": "Stock", "amount": 500_000, "receipt_no": "1"}, program.maker.id)
    program.release(services.tranches_of(one.id)[1], START + timedelta(days=11))
    program.release(services.tranches_of(two.id)[0], START + timedelta(days=12))
    assert services.fund_position(fund).left == 0
    first_of_three = services.tranches_of(one.id)[2]
    services.record_monitoring(ngo.id, one.id, {"visited_on": START + timedelta(days=40), "sales": 1, "costs": 1,
                                                "savings": 0, "visit_note": "Month one."}, program.maker.id)
    services.request_release(ngo.id, first_of_three.id, on=START + timedelta(days=41), actor_id=program.maker.id)
    db.session.commit()
    refused(ngo.id, Invalid, lambda: services.approve_release(ngo.id, first_of_three.id, actor_id=program.checker.id),
            "has ₱0.00 left")


def test_signing_beyond_what_the_fund_can_promise_is_refused(program, ngo):
    fund = program.fund(2_000_000)
    program.moa(fund)
    second = program.moa(fund, sign=False)
    refused(ngo.id, Invalid, lambda: services.sign_moa(ngo.id, second.id, on=START, actor_id=program.maker.id),
            "not yet promised")


@pytest.mark.parametrize("amount", [599_999, 1_500_001])
def test_a_plan_outside_the_program_bounds_is_refused(program, ngo, amount):
    woman = program.woman()
    refused(ngo.id, Invalid, lambda: services.create_plan(ngo.id, woman.id, {**PLAN, "amount_requested": amount},
                                                          program.maker.id), "outside")


def test_the_bounds_are_a_program_setting(program, ngo):
    set_setting(ngo.id, services.MAX_GRANT, 2_000_000)
    woman = program.woman()
    plan = services.create_plan(ngo.id, woman.id, {**PLAN, "amount_requested": 2_000_000,
                                                   "lines": [{"item": "Oven", "amount": 2_000_000}]}, program.maker.id)
    assert plan.amount_requested == 2_000_000


def test_no_plan_before_she_is_certified_ready(program, ngo):
    woman = program.woman(ready=False)
    refused(ngo.id, Invalid, lambda: services.create_plan(ngo.id, woman.id, PLAN, program.maker.id),
            "not yet certified ready")


def test_a_submitted_plan_is_frozen_and_revise_opens_a_new_draft(program, ngo):
    woman = program.woman()
    plan = services.create_plan(ngo.id, woman.id, {**PLAN, "lines": PLAN["lines"][:1]}, program.maker.id)
    with pytest.raises(Invalid, match="add up to ₱5,000.00"):
        services.submit_plan(ngo.id, plan.id, program.maker.id)
    services.update_plan(ngo.id, plan.id, {"lines": PLAN["lines"]}, program.maker.id)
    services.submit_plan(ngo.id, plan.id, program.maker.id)
    with pytest.raises(Conflict, match="frozen"):
        services.update_plan(ngo.id, plan.id, {"business_type": "Other"}, program.maker.id)
    services.review_plan(ngo.id, plan.id, {**REVIEW, "decision": "revise", "reason": "Price the stock again."},
                         program.checker.id)
    revised = services.plans_of(ngo.id, woman.id)[-1]
    assert revised.revision_of == plan.id and revised.status == "draft"
    assert [(line.item, line.amount) for line in services.plan_lines(revised.id)] == [
        (line["item"], line["amount"]) for line in PLAN["lines"]]
    assert services.get_plan(ngo.id, plan.id).status == "revise"


def test_first_tranche_is_on_signing_and_schedules_go_forward(program, ngo):
    moa = program.moa(program.fund(), sign=False, schedule=[])
    with pytest.raises(Invalid, match="first tranche"):
        services.add_tranche(ngo.id, moa.id, amount=500_000, planned_on=START, condition="receipts",
                             actor_id=program.maker.id)


def test_monitoring_months_come_due_and_the_daily_job_lists_them_once(program, ngo):
    moa = program.moa(program.fund())
    first = services.tranches_of(moa.id)[0]
    program.release(first, START + timedelta(days=10))
    day = START + timedelta(days=10)
    assert [m.due_on for m in services.monitoring_schedule(ngo.id, services.get_moa(ngo.id, moa.id))] == [
        day.replace(month=4), day.replace(month=5), day.replace(month=6)]
    assert services.monitoring_due(ngo.id, day.replace(month=4)) != []
    assert "listed" in services.list_due_followups(ngo.id, day.replace(month=4, day=20))
    services.list_due_followups(ngo.id, day.replace(month=4, day=21))
    kinds = sorted((f.kind, f.ref) for f in services.open_followups(ngo.id))
    assert kinds == [("monitoring", 1), ("tranche", 2), ("tranche", 3)]
    services.record_monitoring(ngo.id, moa.id, {"visited_on": day.replace(month=4, day=22), "sales": 100, "costs": 50,
                                                "savings": 10, "visit_note": "Fine."}, program.maker.id)
    assert [(f.kind, f.ref) for f in services.open_followups(ngo.id)] == [("tranche", 2), ("tranche", 3)]


def test_the_daily_job_runs_through_the_jobs_runner(program, ngo):
    from coop.jobs.services import run_daily

    moa = program.moa(program.fund())
    program.release(services.tranches_of(moa.id)[0], START + timedelta(days=10))
    done = run_daily(START + timedelta(days=50), only="grants.followups")
    assert any(slug == ngo.slug for slug, *_ in done)
    assert services.open_followups(ngo.id)


def test_stopping_a_grant_returns_its_unreleased_money_to_the_fund(program, ngo):
    fund = program.fund(2_000_000)
    moa = program.moa(fund)
    program.release(services.tranches_of(moa.id)[0], START + timedelta(days=10))
    with pytest.raises(Invalid, match="not released"):
        services.close_moa(ngo.id, moa.id, outcome="livelihood", note="n/a", on=START, actor_id=program.maker.id)
    services.close_moa(ngo.id, moa.id, outcome="stopped", note="Moved back to her province.",
                       on=START + timedelta(days=40), actor_id=program.maker.id)
    position = services.fund_position(fund)
    assert position.committed == 0 and position.available == 1_500_000
    assert {t.status for t in services.tranches_of(moa.id)} == {"released", "cancelled"}


def test_approving_twice_with_the_same_key_releases_once(program, ngo):
    moa = program.moa(program.fund())
    first = services.tranches_of(moa.id)[0]
    services.request_release(ngo.id, first.id, on=START + timedelta(days=10), actor_id=program.maker.id)
    services.approve_release(ngo.id, first.id, actor_id=program.checker.id, idempotency_key="k1")
    db.session.commit()
    again = services.approve_release(ngo.id, first.id, actor_id=program.checker.id, idempotency_key="k1")
    assert again.status == "released"
    with pytest.raises(CoopError):
        services.approve_release(ngo.id, first.id, actor_id=program.checker.id, idempotency_key="k2")
    assert len(ledger.entries_for_source(ngo.id, "grants.tranche", str(first.id))) == 1


def test_a_capital_loan_moa_is_released_by_its_release_kind(program, ngo):
    """The `loan` kind is a plug-in (coop.groups): the tranche becomes a receivable, not a grant expense."""
    fund = program.fund()
    plan = program.approved_plan(program.woman(), kind="loan")
    moa = services.draft_moa(ngo.id, plan.id, fund_id=fund.id, centre_signatory="Director", actor_id=program.maker.id,
                             tranches=SCHEDULE)
    services.sign_moa(ngo.id, moa.id, on=START, actor_id=program.maker.id)
    first = services.tranches_of(moa.id)[0]
    services.request_release(ngo.id, first.id, on=START + timedelta(days=1), actor_id=program.maker.id)
    db.session.commit()
    released = services.approve_release(ngo.id, first.id, actor_id=program.checker.id)
    assert released.status == "released"
    assert ledger.balance(ngo.id, "capital_loans_receivable").debit_balance == first.amount
    assert ledger.balance(ngo.id, "livelihood_grants_expense").debit_balance == 0


def test_views_of_her_record_are_audited(program, ngo):
    from coop.audit import services as audit

    woman = program.woman()
    services.view_beneficiary(ngo.id, woman.id, program.maker.id)
    events = audit.events(ngo.id, target_type="beneficiary", target_id=woman.id, action="grants.beneficiary.view")
    assert len(events) == 1 and events[0].user_id == program.maker.id


def test_the_program_summary_for_one_donor_counts_only_what_its_fund_paid_for(program, ngo):
    ilo, parish = program.fund(2_000_000, "ILO"), program.fund(2_000_000, "Parish")
    one = program.moa(ilo)
    program.moa(parish)
    program.woman(name="Only counselling")
    program.release(services.tranches_of(one.id)[0], START + timedelta(days=10))
    whole, ilo_only = services.program_summary(ngo.id), services.program_summary(ngo.id, ilo.id)
    assert (whole.beneficiaries, whole.committed_total) == (3, 3_000_000)
    assert (ilo_only.beneficiaries, ilo_only.committed_total, ilo_only.released_total) == (1, 1_500_000, 500_000)
    assert [f.id for f, _ in ilo_only.funds] == [ilo.id] and ilo_only.reconciles and whole.reconciles
    assert services.program_summary(ngo.id, parish.id).released_total == 0
