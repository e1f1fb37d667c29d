from datetime import timedelta

import pytest

from coop.errors import CoopError
from coop.extensions import db
from coop.grants import services
from coop.ledger import services as ledger

from .conftest import START

pytestmark = pytest.mark.postgres


def test_two_staff_releasing_from_the_same_fund_at_once_never_overdraw_it(program, ngo, concurrently):
    fund = program.fund(1_500_000)
    bounced = services.receive(ngo.id, fund.id, on=START, amount=1_500_000, reference="check", actor_id=program.maker.id)
    db.session.commit()
    schedule = [{"amount": 1_500_000, "planned_on": START + timedelta(days=10), "condition": "on_signing"}]
    moas = [program.moa(fund, schedule=schedule), program.moa(fund, schedule=schedule)]
    ledger.reverse(ngo.id, bounced.entry_id, on=START + timedelta(days=6), reason="Check bounced")
    tranche_ids = []
    for moa in moas:
        tranche = services.tranches_of(moa.id)[0]
        services.request_release(ngo.id, tranche.id, on=START + timedelta(days=10), actor_id=program.maker.id)
        tranche_ids.append(tranche.id)
    db.session.commit()
    org_id, checker_id = ngo.id, program.checker.id

    results, errors = concurrently(lambda n: services.approve_release(org_id, tranche_ids[n], actor_id=checker_id).id)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], CoopError)
    db.session.expire_all()
    position = services.fund_position(services.get_fund(ngo.id, fund.id))
    assert position.left == 0 and position.released == 1_500_000
    # what is left is the fund account (less releases) plus the donor's gifts still in restricted revenue
    assert (ledger.balance(ngo.id, fund.account_id).credit_balance
            + ledger.party_balance(ngo.id, "donor_contributions_restricted", fund.party_id).credit_balance) == 0
    assert ledger.recompute_problems(ngo.id) == []


def test_two_checkers_approving_the_same_release_post_it_once(program, ngo, concurrently):
    moa = program.moa(program.fund())
    tranche = services.tranches_of(moa.id)[0]
    services.request_release(ngo.id, tranche.id, on=START + timedelta(days=10), actor_id=program.maker.id)
    db.session.commit()
    org_id, tranche_id, checker_id = ngo.id, tranche.id, program.checker.id

    results, errors = concurrently(lambda n: services.approve_release(org_id, tranche_id, actor_id=checker_id).id,
                                   threads=3)
    assert len(results) == 1 and len(errors) == 2
    db.session.expire_all()
    assert len(ledger.entries_for_source(ngo.id, "grants.tranche", str(tranche_id))) == 1
    assert services.get_moa(ngo.id, moa.id).released_total == 500_000


def test_two_staff_signing_against_the_same_fund_never_overpromise_it(program, ngo, concurrently):
    fund = program.fund(2_000_000)
    moas = [program.moa(fund, sign=False), program.moa(fund, sign=False)]
    org_id, ids, maker_id = ngo.id, [m.id for m in moas], program.maker.id

    results, errors = concurrently(lambda n: services.sign_moa(org_id, ids[n], on=START, actor_id=maker_id).id)
    assert len(results) == 1 and len(errors) == 1
    db.session.expire_all()
    assert services.fund_position(services.get_fund(ngo.id, fund.id)).committed == 1_500_000
