"""The demo seeder leaves loans in the states an officer meets: closed, late with a penalty, running, to decide."""
from sqlalchemy import select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.loans.models import Loan


def test_demo_loans_in_various_states(app):
    from coop.demo import seed
    from coop.orgs.services import get_by_slug

    seed()
    db.session.commit()
    coop = get_by_slug("dawn-mpc")
    found = list(db.session.scalars(select(Loan).where(Loan.org_id == coop.id)))
    states = {loan.status for loan in found}
    assert {"closed", "active", "applied"} <= states
    assert any(loan.days_past_due > 0 and loan.penalty_due > 0 for loan in found)
    assert any(loan.receivable_account == "loans_receivable_past_due" for loan in found)
    assert ledger.recompute_problems(coop.id) == []
    seed()  # running it again changes nothing
    assert len(list(db.session.scalars(select(Loan).where(Loan.org_id == coop.id)))) == len(found)
