from coop import demo
from coop.extensions import db
from coop.manifest import plugins
from coop.grants import services
from coop.ledger import services as ledger
from coop.orgs.services import get_by_slug


def test_the_demo_ngo_has_donors_women_at_every_stage_and_a_grant_under_way(app, monkeypatch):
    from coop.grants.demo import seed_demo

    monkeypatch.setattr(plugins(app), "demo_seeders", [seed_demo])  # this domain's seeder alone
    demo.seed()
    db.session.commit()
    ngo = get_by_slug(demo.NGO_SLUG)
    funds = services.list_funds(ngo.id)
    assert len(funds) == 2
    stages = sorted(services.stage_of(ngo.id, b) for b in services.list_beneficiaries(ngo.id, None))
    assert stages == ["MOA drafted", "in counselling", "monitoring", "plan draft", "plan submitted"]
    moa = services.open_moas(ngo.id)[0]
    assert moa.released_total == moa.total and len(services.reports_of(moa.id)) == 2
    assert services.program_summary(ngo.id).reconciles
    assert ledger.recompute_problems(ngo.id) == []
    assert services.open_followups(ngo.id) == [] or all(f.kind in ("monitoring", "tranche")
                                                         for f in services.open_followups(ngo.id))
    demo.seed()  # a second run changes nothing
    assert len(services.list_funds(ngo.id)) == 2
