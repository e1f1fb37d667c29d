"""Two checkers approving the same command at once: it runs once, the other gets a 409."""
import pytest

from coop.approvals import services as approvals
from coop.errors import Conflict
from coop.extensions import db
from coop.ledger import services as ledger
from coop.timeutil import today

pytestmark = pytest.mark.postgres


def test_a_race_of_checkers_posts_the_entry_once(make_org, make_user, concurrently):
    org = make_org()
    maker = make_user(org, "officer")
    checkers = [make_user(org, "officer").id for _ in range(3)]
    cash, gift = ledger.get_account(org.id, "cash_on_hand").id, ledger.get_account(org.id, "donations_grants").id
    payload = {"entry_date": today().isoformat(), "memo": "Gift", "lines": [
        {"account_id": cash, "debit": 100_000_000, "credit": 0, "party_id": None, "memo": None},
        {"account_id": gift, "debit": 0, "credit": 100_000_000, "party_id": None, "memo": None}]}
    held = approvals.run_or_hold(org.id, ledger.MANUAL_ENTRY_KIND, payload, maker_id=maker.id).held
    db.session.commit()
    org_id, approval_id = org.id, held.id

    results, errors = concurrently(lambda n: approvals.approve(org_id, approval_id, checkers[n]).result_ref,
                                   threads=3)
    assert len(results) == 1 and len(errors) == 2 and all(isinstance(e, Conflict) for e in errors), errors
    db.session.expire_all()
    assert ledger.balance(org.id, cash).debit_total == 100_000_000
    assert approvals.get_approval(org.id, approval_id).status == "approved"
    assert ledger.recompute_problems(org.id) == []
