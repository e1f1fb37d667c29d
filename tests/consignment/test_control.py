"""`coop ledger check` proves the consignment control accounts against the domain's records: what members owe
for goods they reported sold, and what is due to each principal."""
from datetime import date

from coop.cli.ledger import control_problems
from coop.consignment import services
from coop.consignment.models import Campaign, MemberAccount
from coop.consignment.services.control import control_balances
from coop.extensions import db

from .conftest import issue
from .test_services import sell


def test_receivables_and_each_principal_agree_and_drift_is_named(world):
    w = world
    issue(w)
    sell(w)
    services.record_remittance(w.org.id, w.ana.id, 100_000, on=date(2026, 3, 12), actor_id=w.officer.id)
    db.session.commit()
    checks = {key: (ledger, own) for key, ledger, own in control_balances(w.org.id)}
    assert checks["consignment_receivable_members"] == (87_500, 87_500)
    assert checks[f"due_to_principals (principal {w.avon.id})"] == (187_500, 187_500)
    assert control_problems(w.org.id) == []

    db.session.query(MemberAccount).update({"remitted": 0})
    db.session.query(Campaign).update({"paid_to_principal": 1})
    problems = control_problems(w.org.id)
    assert any("consignment_receivable_members" in p for p in problems)
    assert any(f"principal {w.avon.id}" in p for p in problems)
    db.session.rollback()
