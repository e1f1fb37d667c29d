from coop import demo
from coop.consignment import queries, services
from coop.ledger import services as ledger
from coop.orgs.services import get_by_slug


def test_the_demo_seeds_consignment_that_agrees_with_the_ledger(app):
    demo.seed()
    org = get_by_slug(demo.COOP_SLUG)
    assert ledger.recompute_problems(org.id) == []
    names = {p.name for p in services.list_principals(org.id)}
    assert {"Avon", "Natasha"} <= names
    for principal in services.list_principals(org.id):
        open_due = sum(c.due_to_principal - c.paid_to_principal for c in services.list_campaigns(org.id, principal.id))
        assert services.principal_due(org.id, principal.id) == open_due
    overview = queries.overview(org.id)
    assert overview.goods_out_value > 0 and overview.remittances_owed > 0 and overview.producers_owed > 0
    demo.seed()  # a second run changes nothing
    assert len(services.list_principals(org.id)) == len(names)
