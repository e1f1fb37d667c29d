from coop.consignment import demo, reports, services
from coop.ledger import services as ledger


def test_the_demo_seeds_consignment_that_agrees_with_the_ledger(make_org, make_user):
    org = make_org()
    demo.seed(org.id, None, {"officer": make_user(org, "officer")})
    assert ledger.recompute_problems(org.id) == []
    assert {p.name for p in services.list_principals(org.id)} == {"Avon", "Natasha"}
    for principal in services.list_principals(org.id):
        open_due = sum(c.due_to_principal - c.paid_to_principal for c in services.list_campaigns(org.id, principal.id))
        assert services.principal_due(org.id, principal.id) == open_due
    overview = reports.overview(org.id)
    assert overview.goods_out_value > 0 and overview.remittances_owed > 0 and overview.producers_owed > 0
