"""Case work fixtures: an NGO with an admin, two case workers, grant staff and an auditor; a helper for intake."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coop.cases import services
from coop.extensions import db
from coop.timeutil import today

DAY = today()
NAME = "Zenaida Testcase"
NOTE = "She spoke of the recruiter in Dubai"


@pytest.fixture
def ngo(make_org):
    org = make_org("ngo")
    services.ensure_default_categories(org.id)
    db.session.commit()
    return org


@pytest.fixture
def admin(ngo, make_user):
    return make_user(ngo, "admin")


@pytest.fixture
def worker(ngo, make_user):
    return make_user(ngo, "case_worker")


@pytest.fixture
def other_worker(ngo, make_user):
    return make_user(ngo, "case_worker")


@pytest.fixture
def grant_staff(ngo, make_user):
    return make_user(ngo, "grant_staff")


@pytest.fixture
def auditor(ngo, make_user):
    return make_user(ngo, "auditor")


@pytest.fixture
def agency(ngo, admin):
    found = services.add_agency(ngo.id, {"name": "DSWD Field Office", "kind": "government"}, admin.id)
    db.session.commit()
    return found


@pytest.fixture
def intake(ngo, worker):
    """Open a case as a worker (committed), `days` ago."""

    def make(days: int = 30, actor=None, **changes):
        categories = [c.id for c in services.categories(ngo.id)][:2]
        data = {"client_name": NAME, "referrer_kind": "government", "referred_by": "OWWA", "mobile": "09171234567",
                "opened_on": DAY - timedelta(days=days), "category_ids": categories, **changes}
        case = services.open_case(ngo.id, data, (actor or worker).id)
        db.session.commit()
        return case

    return make
