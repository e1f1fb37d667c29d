import cProfile, pstats, io
from datetime import timedelta
from coop.extensions import db
from coop.members import services as members, shares
from coop.timeutil import today
from tests.conftest import _control_problems_now


def test_prof(make_org, make_user):
    org = make_org()
    officer = make_user(org, "officer")
    ana = members.create_member(org.id, name="Ana", actor_id=officer.id, on=today() - timedelta(days=40))
    shares.subscribe(org.id, ana.id, shares=20, on=today() - timedelta(days=30), actor_id=officer.id)
    db.session.commit()
    _control_problems_now()
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5):
        _control_problems_now()
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(40)
    print("\nPROF", s.getvalue()[:6000])
