from datetime import date

import pytest

from coop.extensions import db
from coop.members import services

DAY = date(2026, 3, 1)
# the day fixture members applied: before every date a test books on their shares (a subscription is
# never dated before her application)
JOINED = date(2025, 1, 2)


@pytest.fixture
def officer2(coop, make_user):
    return make_user(coop, "officer")


@pytest.fixture
def make_member(coop, make_user):
    """An active member, with a portal login when login=True."""

    def make(name="Ana Reyes", login=False, status="active", org=None, **fields):
        org = org or coop
        user = make_user(org, "member") if login else None
        member = services.create_member(org.id, name=name, actor_id=None, status=status,
                                        user_id=user.id if user else None, on=fields.pop("on", JOINED), **fields)
        db.session.commit()
        member.user = user
        return member

    return make
