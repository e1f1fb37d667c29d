"""Savings fixtures: an active member of the root conftest's cooperative (its `coop` and `officer`)."""
from __future__ import annotations

from datetime import date

import pytest

from coop.extensions import db
from coop.members.services import create_member
from coop.savings import services as savings


@pytest.fixture
def member(coop):
    found = create_member(coop.id, name="Ana Cruz", actor_id=None, status="active", mobile="09171234567",
                          on=date(2025, 1, 2))  # she applied before every date a test books
    db.session.commit()
    return found


@pytest.fixture
def product(coop):
    """Regular savings at 2% a year, posted monthly, PHP 100 minimum balance."""
    return savings.product_by_code(coop.id, "regular")
