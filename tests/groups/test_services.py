from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.errors import Conflict, Invalid, NotFound
from coop.extensions import db
from coop.grants import services as grants
from coop.groups import services
from coop.groups.services.base import ClusterFull, Overpayment
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.orgs.services import set_setting
from coop.receipts import services as receipts
from coop.timeutil import today

from .conftest import START


def _lines(org_id: int, entry_id: int) -> dict[str, tuple[int, int, int | None]]:
    entry = ledger.get_entry(org_id, entry_id)
    keys = {a.id: a.key or a.code for a in ledger.list_accounts(org_id)}
    return {keys[line.account_id]: (line.debit, line.credit, line.party_id) for line in entry.lines}


def test_a_cluster_holds_at_most_sixteen_women_with_one_coordinator(groups, ngo, maker):
    cluster = groups.cluster()
    members = groups.members(cluster, 16)
    assert services.headcount(cluster.id) == 16
    extra = groups.woman(ready=False, name="Seventeenth")
    with pytest.raises(ClusterFull):
        services.add_member(ngo.id, cluster.id, {"beneficiary_id": extra.id, "joined_on": START}, maker.id)
    with pytest.raises(Conflict):
        services.add_member(ngo.id, cluster.id, {"beneficiary_id": members[0].beneficiary_id, "joined_on": START},
                            maker.id)
    small = groups.cluster(name="Second")
    services.add_member(ngo.id, small.id, {"beneficiary_id": extra.id, "joined_on": START, "role": "coordinator"},
                        maker.id)
    other = groups.woman(ready=False, name="Another")
    with pytest.raises(Conflict, match="coordinator"):
        services.add_member(ngo.id, small.id, {"beneficiary_id": other.id, "joined_on": START, "role": "coordinator"},
                            maker.id)
    with pytest.raises(Invalid, match="on or after"):
        services.add_member(ngo.id, small.id, {"beneficiary_id": other.id, "joined_on": START - timedelta(days=1)},
                            maker.id)


def test_the_supervisor_is_staff_and_a_peer_counselor_login_has_her_role(groups, ngo, maker, peer, make_user):
    with pytest.raises(Invalid, match="social worker"):
        services.add_cluster(ngo.id, {"name": "X", "kind": "center", "formed_on": START,
                                      "social_worker_id": peer.id}, maker.id)
    cluster = groups.cluster()
    woman = groups.woman(ready=False)
    with pytest.raises(Invalid, match="peer counselor role"):
        services.add_member(ngo.id, cluster.id, {"beneficiary_id": woman.id, "role": "peer_counselor",
                                                 "user_id": maker.id, "joined_on": START}, maker.id)
    with pytest.raises(Invalid, match="Only a peer counselor"):
        services.add_member(ngo.id, cluster.id, {"beneficiary_id": woman.id, "user_id": peer.id,
                                                 "joined_on": START}, maker.id)
    services.add_member(ngo.id, cluster.id, {"beneficiary_id": woman.id, "role": "peer_counselor",
                                             "user_id": peer.id, "joined_on": START}, maker.id)
    assert services.headcount(cluster.id) == 0  # she leads the group; she is not counted in its size


def test_the_four_group_work_sessions_with_attendance(groups, ngo, maker, peer):
    cluster = groups.cluster()
    members = groups.members(cluster, 12)
    counselor = services.add_member(ngo.id, cluster.id, {"beneficiary_id": groups.woman(ready=False).id,
                                                         "role": "peer_counselor", "user_id": peer.id,
                                                         "joined_on": START}, maker.id)
    session = services.record_session(ngo.id, cluster.id, {
        "module": "orientation", "held_on": START + timedelta(days=7), "facilitator_id": counselor.id,
        "present": [m.id for m in members[:10]] + [members[0].id]}, maker.id)
    assert session.present == 10
    assert services.attendance_of(cluster.id)[session.id] == {m.id for m in members[:10]}
    with pytest.raises(Conflict, match="already held"):
        services.record_session(ngo.id, cluster.id, {"module": "orientation", "held_on": START + timedelta(days=8)},
                                maker.id)
    with pytest.raises(Invalid, match="facilitator"):
        services.record_session(ngo.id, cluster.id, {"module": "life_planning", "held_on": START + timedelta(days=9),
                                                     "facilitator_id": members[0].id}, maker.id)
    stranger = groups.members(groups.cluster(name="Other"), 1)[0]
    with pytest.raises(Invalid, match="Attendance"):
        services.record_session(ngo.id, cluster.id, {"module": "life_planning", "held_on": START + timedelta(days=9),
                                                     "present": [stranger.id]}, maker.id)
    with pytest.raises(Invalid, match="after today"):
        services.record_session(ngo.id, cluster.id, {"module": "life_planning", "held_on": today() + timedelta(days=1)},
                                maker.id)
    for module, day in (("life_planning", 14), ("follow_up", 21), ("self_centering", 28)):
        services.record_session(ngo.id, cluster.id, {"module": module, "held_on": START + timedelta(days=day),
                                                     "present": [m.id for m in members]}, maker.id)
    assert [s.module for s in services.sessions_of(cluster.id)] == ["orientation", "life_planning", "follow_up",
                                                                    "self_centering"]


def test_children_of_migrants_are_listed_by_first_name(groups, ngo, maker):
    children = groups.cluster(kind="children", name="Children")
    with pytest.raises(Invalid, match="first name"):
        services.add_member(ngo.id, children.id, {"joined_on": START}, maker.id)
    kid = services.add_member(ngo.id, children.id, {"alias": "Migo", "joined_on": START}, maker.id)
    services.record_session(ngo.id, children.id, {"module": "orientation", "held_on": START + timedelta(days=3),
                                                  "present": [kid.id]}, maker.id)
    counts = services.outcome_counts(ngo.id, START, START + timedelta(days=30))
    assert counts["children_in_groups"] == 1 and counts["women_in_clusters"] == 0 and counts["group_sessions"] == 1


def test_a_peer_counselor_sees_only_her_own_cluster_and_a_look_elsewhere_is_audited(groups, ngo, maker, peer):
    mine, other = groups.cluster(name="Mine"), groups.cluster(name="Other")
    services.add_member(ngo.id, mine.id, {"beneficiary_id": groups.woman(ready=False).id, "role": "peer_counselor",
                                          "user_id": peer.id, "joined_on": START}, maker.id)
    db.session.commit()
    assert [c.id for c in services.clusters_of_peer(ngo.id, peer.id)] == [mine.id]
    assert services.peer_attendance(ngo.id, mine.id, peer.id)["cluster"].id == mine.id
    with pytest.raises(NotFound):
        services.peer_attendance(ngo.id, other.id, peer.id)
    db.session.commit()
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "groups.cluster.refused")).all()
    assert [(e.user_id, e.target_id) for e in refused] == [(peer.id, str(other.id))]


def test_a_training_program_with_days_enrollment_attendance_and_completion(groups, ngo, maker):
    program = services.add_program(ngo.id, {"title": "Entrepreneurship", "starts_on": START,
                                            "ends_on": START + timedelta(days=71), "days": 3,
                                            "days_to_complete": 2, "venues": "Quezon City; La Union"}, maker.id)
    with pytest.raises(Invalid, match="between"):
        services.add_day(ngo.id, program.id, {"held_on": START - timedelta(days=1), "topic": "Early"}, maker.id)
    days = [services.add_day(ngo.id, program.id, {"held_on": START + timedelta(days=7 * n), "topic": f"Day {n}"},
                             maker.id) for n in range(3)]
    with pytest.raises(Conflict, match="3 days"):
        services.add_day(ngo.id, program.id, {"held_on": START + timedelta(days=30), "topic": "Fourth"}, maker.id)
    ana, bea = groups.woman(name="Ana"), groups.woman(name="Bea")
    first = services.enroll(ngo.id, program.id, {"beneficiary_id": ana.id, "enrolled_on": START}, maker.id)
    second = services.enroll(ngo.id, program.id, {"beneficiary_id": bea.id, "enrolled_on": START}, maker.id)
    with pytest.raises(Conflict):
        services.enroll(ngo.id, program.id, {"beneficiary_id": ana.id, "enrolled_on": START}, maker.id)
    services.record_attendance(ngo.id, program.id, days[0].id, [first.id, second.id], maker.id)
    services.record_attendance(ngo.id, program.id, days[0].id, [first.id], maker.id)  # the same day again: once
    services.record_attendance(ngo.id, program.id, days[1].id, [first.id], maker.id)
    assert (first.days_attended, second.days_attended) == (2, 1)
    with pytest.raises(Invalid, match="attended 1 of the 2"):
        services.complete(ngo.id, second.id, START + timedelta(days=20), maker.id)
    services.complete(ngo.id, first.id, START + timedelta(days=20), maker.id)
    services.drop(ngo.id, second.id, maker.id)
    with pytest.raises(Invalid, match="enrolled"):
        services.record_attendance(ngo.id, program.id, days[2].id, [second.id], maker.id)
    coaching = services.add_coaching(ngo.id, {"beneficiary_id": bea.id, "held_on": START + timedelta(days=21),
                                              "topic": "Costing", "minutes": 60, "note": "At home."}, maker.id)
    assert coaching.coach_id == maker.id
    counts = services.outcome_counts(ngo.id, START, START + timedelta(days=60))
    assert counts["trainings_completed"] == 1 and counts["coaching_sessions"] == 1
    assert [t.id for _e, t in services.trainings_of_woman(ngo.id, ana.id)] == [program.id]


def test_the_catalogue_is_searched_by_words_and_kind(ngo, maker):
    services.add_offering(ngo.id, {"kind": "training", "title": "Dressmaking NC II", "partner": "TESDA",
                                   "place": "La Union"}, maker.id)
    services.add_offering(ngo.id, {"kind": "service", "title": "Legal aid", "partner": "Public Attorney's Office",
                                   "description": "Cases against recruiters"}, maker.id)
    gone = services.add_offering(ngo.id, {"kind": "livelihood", "title": "Seed capital", "partner": "DSWD"}, maker.id)
    services.set_offering_active(ngo.id, gone.id, False, maker.id)
    assert [o.title for o in services.search_catalogue(ngo.id, "recruiters")] == ["Legal aid"]
    assert [o.title for o in services.search_catalogue(ngo.id, "tesda union")] == ["Dressmaking NC II"]
    assert [o.title for o in services.search_catalogue(ngo.id, kind="training")] == ["Dressmaking NC II"]
    assert services.search_catalogue(ngo.id, "seed") == []
    assert [o.title for o in services.search_catalogue(ngo.id, "seed", include_inactive=True)] == ["Seed capital"]


def test_a_capital_loan_release_posts_a_receivable_and_releases_the_restriction(groups, ngo):
    loan, moa, fund = groups.released_loan()
    woman = grants.get_beneficiary(ngo.id, moa.beneficiary_id)
    tranche = grants.tranches_of(moa.id)[0]
    assert tranche.status == "released" and loan.tranche_id == tranche.id and loan.party_id == woman.party_id
    lines = _lines(ngo.id, tranche.entry_id)
    fund_key = next(a.key or a.code for a in ledger.list_accounts(ngo.id) if a.id == fund.account_id)
    assert lines["capital_loans_receivable"] == (1_200_000, 0, woman.party_id)
    assert lines["cash_in_bank"] == (0, 1_200_000, None)
    assert lines[fund_key] == (1_200_000, 0, fund.party_id)
    assert lines["releases_from_restriction"] == (0, 1_200_000, fund.party_id)
    assert "livelihood_grants_expense" not in lines
    installments = services.installments_of(loan.id)
    assert len(installments) == 10 and sum(i.amount for i in installments) == 1_200_000
    assert installments[0].due_on == date(2026, 5, 12)  # released 12 March, a month's grace, then monthly
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_200_000, 1_200_000)]


def test_repayments_post_to_cash_with_a_receipt_until_the_loan_is_repaid(groups, ngo, maker):
    loan, _moa, _fund = groups.released_loan()
    paid = services.repay(ngo.id, loan.id, amount=150_000, on=date(2026, 5, 12), cash_account="cash_on_hand",
                          actor_id=maker.id, received_from="Her", idempotency_key="repay-1")
    db.session.commit()
    assert _lines(ngo.id, paid.entry_id) == {"cash_on_hand": (150_000, 0, None),
                                             "capital_loans_receivable": (0, 150_000, loan.party_id)}
    receipt = receipts.get(ngo.id, paid.receipt_id)
    assert (receipt.amount, receipt.party_id, receipt.kind) == (150_000, loan.party_id, "capital_loan_repayment")
    again = services.repay(ngo.id, loan.id, amount=150_000, on=date(2026, 5, 12), cash_account="cash_on_hand",
                           actor_id=maker.id, idempotency_key="repay-1")
    assert again.id == paid.id and services.get_loan(ngo.id, loan.id).repaid == 150_000
    first, second = services.installments_of(loan.id)[:2]
    assert (first.paid, second.paid) == (120_000, 30_000)
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_050_000, 1_050_000)]
    with pytest.raises(Overpayment):
        services.repay(ngo.id, loan.id, amount=1_050_001, on=date(2026, 6, 1), cash_account="cash_on_hand",
                       actor_id=maker.id)
    with pytest.raises(Invalid, match="before the loan"):
        services.repay(ngo.id, loan.id, amount=100, on=date(2026, 3, 1), cash_account="cash_on_hand",
                       actor_id=maker.id)
    with pytest.raises(Invalid):
        services.repay(ngo.id, loan.id, amount=100, on=date(2026, 6, 1), cash_account="capital_loans_receivable",
                       actor_id=maker.id)
    services.repay(ngo.id, loan.id, amount=1_050_000, on=date(2026, 6, 1), cash_account="cash_in_bank",
                   actor_id=maker.id)
    db.session.commit()
    assert services.get_loan(ngo.id, loan.id).status == "repaid"
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 0, 0)]
    assert services.revolving_fund(ngo.id) == {"lent": 1_200_000, "repaid": 1_200_000, "outstanding": 0}
    counts = services.outcome_counts(ngo.id, date(2026, 1, 1), date(2026, 12, 31))
    assert counts["capital_loans_repaid"] == 1 and counts["capital_loans_active"] == 0
    with pytest.raises(Conflict):
        services.repay(ngo.id, loan.id, amount=100, on=date(2026, 6, 2), cash_account="cash_in_bank",
                       actor_id=maker.id)


def test_the_receivable_is_a_control_account_the_check_catches_drift(groups, ngo, maker):
    loan, _moa, _fund = groups.released_loan()
    cash, receivable = (ledger.get_account(ngo.id, key) for key in ("cash_in_bank", "capital_loans_receivable"))
    assert receivable.is_control
    with pytest.raises(Invalid, match="control account"):
        ledger.post_manual(ngo.id, {"entry_date": date(2026, 4, 1), "memo": "by hand", "lines": [
            {"account_id": receivable.id, "debit": 100, "credit": 0},
            {"account_id": cash.id, "debit": 0, "credit": 100}]}, maker.id)
    # an installment changed behind the ledger's back is caught by `coop ledger check`
    services.installments_of(loan.id)[0].paid = 1
    db.session.flush()
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_200_000, 1_199_999)]
    db.session.rollback()


def test_a_group_loan_is_owed_by_the_cluster(groups, ngo, maker):
    cluster = groups.cluster(kind="community", name="Laundry")
    signer = groups.woman(name="Coordinator")
    services.add_member(ngo.id, cluster.id, {"beneficiary_id": signer.id, "role": "coordinator",
                                             "joined_on": START}, maker.id)
    outsider_enterprise = services.add_enterprise(ngo.id, groups.cluster(name="Other").id,
                                                  {"name": "Burger shop", "started_on": START}, maker.id)
    enterprise = services.add_enterprise(ngo.id, cluster.id, {"name": "Laundry shop", "started_on": START}, maker.id)
    db.session.commit()
    moa, _fund = groups.loan_moa(woman=signer, sign=False)
    with pytest.raises(Invalid, match="member of the cluster"):
        services.link_moa(ngo.id, outsider_enterprise.id, moa.id, maker.id)
    services.link_moa(ngo.id, enterprise.id, moa.id, maker.id)
    grants.sign_moa(ngo.id, moa.id, on=START + timedelta(days=5), actor_id=maker.id)
    db.session.commit()
    groups.release(grants.tranches_of(moa.id)[0], START + timedelta(days=10))
    loan = services.list_loans(ngo.id)[-1]
    cluster = services.get_cluster(ngo.id, cluster.id)
    assert loan.cluster_id == cluster.id and loan.party_id == cluster.party_id != signer.party_id
    assert ledger.party_balance(ngo.id, "capital_loans_receivable", cluster.party_id).debit_balance == 1_200_000
    with pytest.raises(Conflict, match="before the first release"):
        services.link_moa(ngo.id, outsider_enterprise.id, moa.id, maker.id)


def test_aging_sorts_what_is_owed_by_days_past_due(groups, ngo, maker):
    loan, _moa, _fund = groups.released_loan()
    rows = services.aging(ngo.id, date(2026, 7, 20))  # due 12 May, 12 June, 12 July, nothing paid
    assert rows[0].buckets == {"current": 840_000, "1-30": 120_000, "31-60": 120_000, "61-90": 120_000,
                               "over-90": 0}
    services.repay(ngo.id, loan.id, amount=120_000, on=date(2026, 6, 1), cash_account="cash_in_bank",
                   actor_id=maker.id)
    assert services.aging(ngo.id, date(2026, 7, 20))[0].buckets["61-90"] == 0


def test_installments_and_grace_follow_the_policy(groups, ngo):
    set_setting(ngo.id, services.LOAN_INSTALLMENTS, 4, None)
    set_setting(ngo.id, services.LOAN_GRACE_MONTHS, 0, None)
    db.session.commit()
    loan, _moa, _fund = groups.released_loan()
    assert [(i.due_on, i.amount) for i in services.installments_of(loan.id)] == [
        (date(2026, 4, 12), 300_000), (date(2026, 5, 12), 300_000), (date(2026, 6, 12), 300_000),
        (date(2026, 7, 12), 300_000)]
    assert services.schedule(1_000, date(2026, 1, 31), 3) == [(1, date(2026, 1, 31), 333), (2, date(2026, 2, 28), 333),
                                                             (3, date(2026, 3, 31), 334)]


def test_the_ledger_check_runs_the_groups_control(groups, ngo, app):
    groups.released_loan()
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(JournalEntry.id).where(JournalEntry.org_id == ngo.id)) is not None


def test_a_mistaken_repayment_is_voided_and_entered_again(groups, ngo, maker):
    loan, _moa, _fund = groups.released_loan()
    first = services.repay(ngo.id, loan.id, amount=120_000, on=date(2026, 5, 12), cash_account="cash_in_bank",
                           actor_id=maker.id)
    wrong = services.repay(ngo.id, loan.id, amount=200_000, on=date(2026, 6, 12), cash_account="cash_in_bank",
                           actor_id=maker.id)
    db.session.commit()
    with pytest.raises(Conflict, match="latest"):
        services.void_repayment(ngo.id, first.id, on=date(2026, 6, 13), reason="Typed twice", actor_id=maker.id)
    void = services.void_repayment(ngo.id, wrong.id, on=date(2026, 6, 13), reason="Amount mistyped",
                                   actor_id=maker.id)
    db.session.commit()
    assert _lines(ngo.id, void.reversal_id) == {"cash_in_bank": (0, 200_000, None),
                                                "capital_loans_receivable": (200_000, 0, loan.party_id)}
    assert receipts.get(ngo.id, wrong.receipt_id).cancelled_at is not None
    assert [i.paid for i in services.installments_of(loan.id)[:3]] == [120_000, 0, 0]
    assert services.get_loan(ngo.id, loan.id).repaid == 120_000
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_080_000, 1_080_000)]
    with pytest.raises(Conflict, match="already void"):
        services.void_repayment(ngo.id, wrong.id, on=date(2026, 6, 13), reason="Again", actor_id=maker.id)
    services.void_repayment(ngo.id, first.id, on=date(2026, 6, 13), reason="Wrong loan", actor_id=maker.id)
    assert services.control_balances(ngo.id) == [("capital_loans_receivable", 1_200_000, 1_200_000)]
