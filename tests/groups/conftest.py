"""Groups fixtures: the grants program's NGO and staff, a peer counselor, and helpers for clusters and loans."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from coop.extensions import db
from coop.grants import services as grants
from coop.groups import services

from ..grants.conftest import START, Program

LOAN_SCHEDULE = [{"amount": 1_200_000, "planned_on": START + timedelta(days=10), "condition": "on_signing"}]


@pytest.fixture
def ngo(make_org):
    return make_org("ngo")


@pytest.fixture
def maker(ngo, make_user):
    return make_user(ngo, "grant_staff")


@pytest.fixture
def checker(ngo, make_user):
    return make_user(ngo, "grant_staff")


@pytest.fixture
def peer(ngo, make_user):
    return make_user(ngo, "peer_counselor")


class Groups(Program):
    def cluster(self, kind: str = "center", formed_on: date = START, name: str = "Center cluster"):
        cluster = services.add_cluster(self.org.id, {"name": name, "kind": kind, "formed_on": formed_on,
                                                     "social_worker_id": self.checker.id}, self.maker.id)
        db.session.commit()
        return cluster

    def members(self, cluster, count: int, on: date = START):
        found = [services.add_member(self.org.id, cluster.id, {"beneficiary_id": self.woman(
            ready=False, name=f"Woman {cluster.id}-{n}").id, "joined_on": on}, self.maker.id) for n in range(count)]
        db.session.commit()
        return found

    def loan_moa(self, woman=None, sign: bool = True, enterprise=None, fund=None):
        fund = fund or self.fund(amount=3_000_000)
        plan = self.approved_plan(woman or self.woman(), kind="loan", amount_requested=1_200_000,
                                  lines=[{"item": "Washing machine", "amount": 1_200_000}])
        moa = grants.draft_moa(self.org.id, plan.id, fund_id=fund.id, centre_signatory="Director",
                               actor_id=self.maker.id, tranches=LOAN_SCHEDULE)
        if enterprise is not None:
            services.link_moa(self.org.id, enterprise.id, moa.id, self.maker.id)
        if sign:
            grants.sign_moa(self.org.id, moa.id, on=START + timedelta(days=5), actor_id=self.maker.id)
        db.session.commit()
        return moa, fund

    def released_loan(self, **kw):
        moa, fund = self.loan_moa(**kw)
        self.release(grants.tranches_of(moa.id)[0], START + timedelta(days=10))
        return services.list_loans(self.org.id)[-1], moa, fund


@pytest.fixture
def groups(ngo, maker, checker):
    return Groups(ngo, maker, checker)
