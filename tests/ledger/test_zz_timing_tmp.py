import os, time
from datetime import timedelta
from coop.extensions import db
from coop.members import services as members, shares
from coop.timeutil import today
from tests.conftest import _control_problems_now


def test_timing(make_org, make_user):
    org = make_org()
    officer = make_user(org, "officer")
    ana = members.create_member(org.id, name="Ana", actor_id=officer.id, on=today() - timedelta(days=40))
    shares.subscribe(org.id, ana.id, shares=20, on=today() - timedelta(days=30), actor_id=officer.id)
    shares.record_payment(org.id, ana.id, amount=50_000, on=today() - timedelta(days=5), actor_id=officer.id)
    db.session.commit()
    t = time.perf_counter(); n = 20
    for _ in range(n):
        assert _control_problems_now() == {}
    per = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for _ in range(n):
        db.session.execute(db.text("SELECT 1")).all()
    one = (time.perf_counter() - t) / n
    print(f"\nCHECK per call {per*1000:.1f} ms; one round trip {one*1000:.2f} ms; load {os.getloadavg()}")
