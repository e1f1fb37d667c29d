import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.timeutil import today


@pytest.fixture
def org(make_org):
    return make_org(no_overdraft=True)


@pytest.fixture
def fund(app):
    """Put cash into an account of the organization (a gift), as of today."""

    def do(org, centavos: int, account: str = "cash_on_hand", actor_id=None, income: str = "other_income"):
        posted = ledger.post(Entry(org.id, today(), "Gift", (Line(account, debit=centavos),
                                                            Line(income, credit=centavos))), actor_id)
        db.session.commit()
        return posted

    return do
