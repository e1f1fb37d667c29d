"""Loans fixtures: a cooperative, two officers, active members, and counts to prove nothing was written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coop.extensions import db

DAY = date(2026, 3, 2)


@pytest.fixture
def coop(make_org):
    return make_org("cooperative")


@pytest.fixture
def officer(coop, make_user):
    return make_user(coop, "officer")


@pytest.fixture
def checker(coop, make_user):
    return make_user(coop, "officer")


@pytest.fixture
def make_member(coop):
    from coop.members.services import create_member

    def make(name="Ana Cruz", mobile="09171234567", status="active", org=None, user_id=None):
        member = create_member((org or coop).id, name=name, actor_id=None, status=status, mobile=mobile,
                               user_id=user_id)
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


@pytest.fixture(autouse=True)
def member_lookup_until_the_members_branch_lands(monkeypatch):
    """Loans pages look members up with members.find_by_number (branch issue-members). Until main has it,
    stand in with the same behaviour so these tests run; with it, this does nothing."""
    from coop.members import services as members

    if hasattr(members, "find_by_number"):
        return
    from coop.errors import Invalid
    from coop.members.models import Member

    def find_by_number(org_id, text, field="member"):
        digits = (text or "").strip().upper().removeprefix("M-").lstrip("0")
        member = db.session.scalar(select(Member).where(Member.org_id == org_id, Member.number == int(digits))) \
            if digits.isdigit() else None
        if member is None:
            raise Invalid(f"No member number {text} in this cooperative.", field=field)
        return member

    monkeypatch.setattr(members, "find_by_number", find_by_number, raising=False)
