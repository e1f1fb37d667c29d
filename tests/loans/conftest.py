"""Loans fixtures: a cooperative, two officers, active members, and counts to prove nothing was written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coop.extensions import db

DAY = date(2026, 3, 2)


@pytest.fixture
def checker(coop, make_user):
    return make_user(coop, "officer")


# the day fixture members applied: before every date a test books (nothing of hers is dated before it)
JOINED = date(2025, 1, 2)


@pytest.fixture
def make_member(coop):
    from coop.members.services import create_member

    def make(name="Ana Cruz", mobile="09171234567", status="active", org=None, user_id=None):
        member = create_member((org or coop).id, name=name, actor_id=None, status=status, mobile=mobile,
                               user_id=user_id, on=JOINED)
        db.session.commit()
        return member

    return make


@pytest.fixture
def member(make_member):
    return make_member()


@pytest.fixture
def counts():
    """Rows in the tables a loan operation writes: equal before and after a refused request."""
    from coop.ledger.models import JournalEntry
    from coop.loans.models import Installment, Loan, LoanTransaction
    from coop.receipts.models import Receipt

    def snapshot():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Loan, Installment, LoanTransaction, JournalEntry, Receipt))

    return snapshot

