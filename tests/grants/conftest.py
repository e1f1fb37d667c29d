"""Grants fixtures: an NGO with two grant staff, and a helper that walks a woman through the program."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from coop.extensions import db
from coop.grants import services

START = date(2026, 3, 2)
PLAN = {"business_type": "Vegetable vending", "location": "Market stall, San Fernando", "amount_requested": 1_500_000,
        "projected_sales": 1_800_000, "projected_costs": 1_300_000,
        "lines": [{"item": "Scale and crates", "amount": 500_000}, {"item": "First stock", "amount": 1_000_000}]}
REVIEW = {"interviewed_on": START, "interview_note": "Knows the trade.", "visited_on": START,
          "visit_note": "Stall confirmed.", "feasibility_note": "Margins realistic.", "decision": "approved",
          "reason": "Sound plan."}
SCHEDULE = [{"amount": 500_000, "planned_on": START + timedelta(days=10), "condition": "on_signing"},
            {"amount": 500_000, "planned_on": START + timedelta(days=25), "condition": "receipts"},
            {"amount": 500_000, "planned_on": START + timedelta(days=45), "condition": "sales_report"}]


@pytest.fixture
def ngo(make_org):
    return make_org("ngo")


@pytest.fixture
def maker(ngo, make_user):
    return make_user(ngo, "grant_staff")


@pytest.fixture
def checker(ngo, make_user):
    return make_user(ngo, "grant_staff")


class Program:
    """Service calls in the program's order, committed like a request would be."""

    def __init__(self, org, maker, checker):
        self.org, self.maker, self.checker = org, maker, checker

    def fund(self, amount: int = 3_000_000, donor: str = "ILO project", on: date = START):
        fund = services.add_fund(self.org.id, donor, None, self.maker.id)
        if amount:
            services.receive(self.org.id, fund.id, on=on, amount=amount, reference="bank", actor_id=self.maker.id)
        db.session.commit()
        return fund

    def woman(self, ready: bool = True, name: str = "Test Woman"):
        b = services.add_beneficiary(self.org.id, {"name": name, "town": "San Fernando", "province": "La Union"},
                                     self.maker.id)
        if ready:
            services.certify_ready(self.org.id, b.id, on=START, note="Counselling done.", actor_id=self.checker.id)
        db.session.commit()
        return b

    def approved_plan(self, woman, **changes):
        plan = services.create_plan(self.org.id, woman.id, {**PLAN, **changes}, self.maker.id)
        services.submit_plan(self.org.id, plan.id, self.maker.id)
        services.review_plan(self.org.id, plan.id, REVIEW, self.checker.id)
        db.session.commit()
        return plan

    def moa(self, fund, woman=None, sign: bool = True, schedule=None):
        plan = self.approved_plan(woman or self.woman())
        moa = services.draft_moa(self.org.id, plan.id, fund_id=fund.id, centre_signatory="Director",
                                 actor_id=self.maker.id, tranches=SCHEDULE if schedule is None else schedule)
        if sign:
            services.sign_moa(self.org.id, moa.id, on=START + timedelta(days=5), actor_id=self.maker.id)
        db.session.commit()
        return moa

    def release(self, tranche, on: date):
        services.request_release(self.org.id, tranche.id, on=on, actor_id=self.maker.id)
        services.approve_release(self.org.id, tranche.id, actor_id=self.checker.id)
        db.session.commit()
        return tranche


@pytest.fixture
def program(ngo, maker, checker):
    return Program(ngo, maker, checker)

