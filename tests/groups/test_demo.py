from datetime import date

from coop import demo
from coop.extensions import db
from coop.grants.demo import seed_demo as seed_grants
from coop.groups import services
from coop.groups.demo import seed_demo
from coop.ledger import services as ledger
from coop.manifest import plugins
from coop.orgs.services import get_by_slug
from coop.timeutil import today


def test_the_demo_ngo_has_clusters_a_course_and_a_group_loan_that_reconcile(app, monkeypatch):
    monkeypatch.setattr(plugins(app), "demo_seeders", [seed_grants, seed_demo])  # groups builds on the grants demo
    demo.seed()
    db.session.commit()
    ngo = get_by_slug(demo.NGO_SLUG)
    kinds = sorted(c.kind for c in services.list_clusters(ngo.id))
    assert kinds == ["center", "children", "community"]
    loan = services.list_loans(ngo.id)[0]
    assert loan.cluster_id is not None and loan.repaid > 0
    balance, schedules = services.control_balances(ngo.id)[0][1:]
    assert balance == schedules == loan.outstanding
    assert ledger.recompute_problems(ngo.id) == []
    counts = services.outcome_counts(ngo.id, date(today().year - 1, 1, 1), today())
    assert counts["women_in_clusters"] >= 12 and counts["group_sessions"] == 5
    assert counts["trainings_completed"] == 4 and counts["coaching_sessions"] == 3
    assert services.search_catalogue(ngo.id, "legal")


def test_the_groups_lines_in_the_donor_outcome_report(groups, ngo, maker, app):
    from coop.manifest import OutcomeScope

    cluster = groups.cluster()
    members = groups.members(cluster, 2)
    services.record_session(ngo.id, cluster.id, {"module": "orientation", "held_on": date(2026, 3, 9),
                                                 "present": [members[0].id]}, maker.id)
    loan, moa, fund = groups.released_loan()
    lines = {i.key: i for i in plugins(app).indicators if i.key.startswith("groups.")}
    assert set(lines) == {f"groups.{key}" for key in services.OUTCOME_KEYS}
    year = OutcomeScope(ngo.id, date(2026, 1, 1), date(2026, 12, 31))
    assert lines["groups.women_in_clusters"].compute(year).count == 2
    assert lines["groups.capital_loans_active"].compute(year).count == 1
    one = OutcomeScope(ngo.id, date(2026, 1, 1), date(2026, 12, 31), beneficiary_ids=frozenset({
        members[1].beneficiary_id}))
    assert lines["groups.women_in_clusters"].compute(one).count == 1
    assert lines["groups.group_sessions"].compute(one).count == 0  # she missed it
    other_fund = OutcomeScope(ngo.id, date(2026, 1, 1), date(2026, 12, 31), fund_id=fund.id + 1000)
    assert lines["groups.capital_loans_active"].compute(other_fund).count == 0
