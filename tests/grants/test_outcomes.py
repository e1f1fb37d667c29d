"""The grants program's lines of the donor outcome report: businesses running after 3 and 12 months where known,
savings reported and grants released, reconciled with the MOA's own records."""
from __future__ import annotations

from datetime import timedelta

from coop.extensions import db
from coop.grants import services
from coop.grants.services import outcomes
from coop.manifest import OutcomeScope, plugins

from .conftest import START


def test_running_after_three_months_savings_and_releases(program, ngo, checker):
    fund = program.fund()
    moa = program.moa(fund)
    first = services.tranches_of(moa.id)[0]
    program.release(first, START + timedelta(days=10))
    for month, sales, savings in ((1, 1_000_000, 100_000), (2, 900_000, 50_000), (3, 1_200_000, 70_000)):
        services.record_monitoring(ngo.id, moa.id, {"visited_on": START + timedelta(days=10 + 31 * month),
                                                    "sales": sales, "costs": 500_000, "savings": savings,
                                                    "visit_note": "Visited."}, checker.id)
    db.session.commit()
    year = OutcomeScope(ngo.id, START, START + timedelta(days=400))
    running = outcomes.running_after(3)(year)
    assert (running.count, running.known) == (1, 1)
    later = outcomes.running_after(12)(year)
    assert (later.count, later.known) == (0, 0)  # not known: nobody reported a twelfth month
    savings = outcomes.savings_reported(year)
    assert (savings.count, savings.amount) == (3, 220_000)
    released = outcomes.grants_released(year)
    assert (released.count, released.amount) == (1, moa.released_total) == (1, first.amount)
    other_donor = OutcomeScope(ngo.id, START, START + timedelta(days=400), fund_id=fund.id + 1)
    assert outcomes.savings_reported(other_donor).count == 0
    other_women = OutcomeScope(ngo.id, START, START + timedelta(days=400), beneficiary_ids=frozenset())
    assert outcomes.grants_released(other_women).count == 0
    assert {"grants.running_3m", "grants.running_12m", "grants.savings", "grants.released"} <= {
        i.key for i in plugins().indicators}
