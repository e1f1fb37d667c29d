from datetime import timedelta

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.groups import services
from coop.groups.models import ClusterMember, GroupSession, Repayment
from coop.ledger.models import JournalEntry

from .conftest import START


def _cluster_with_peer(groups, ngo, maker, peer, name="Rosa Halimbawa"):
    cluster = groups.cluster()
    member = services.add_member(ngo.id, cluster.id, {"beneficiary_id": groups.woman(ready=False, name=name).id,
                                                      "joined_on": START}, maker.id)
    services.add_member(ngo.id, cluster.id, {"beneficiary_id": groups.woman(ready=False, name="Peer Woman").id,
                                             "role": "peer_counselor", "user_id": peer.id, "joined_on": START},
                        maker.id)
    services.record_session(ngo.id, cluster.id, {"module": "orientation", "held_on": START + timedelta(days=3),
                                                 "present": [member.id]}, maker.id)
    db.session.commit()
    return cluster


def test_staff_pages_render_and_a_look_at_a_cluster_is_audited(groups, ngo, maker, peer, login, client):
    cluster = _cluster_with_peer(groups, ngo, maker, peer)
    loan, _moa, _fund = groups.released_loan()
    program = services.add_program(ngo.id, {"title": "Course", "starts_on": START, "ends_on": START + timedelta(
        days=10), "days": 2}, maker.id)
    db.session.commit()
    login(maker)
    base = f"/o/{ngo.slug}/groups"
    for url in ("/", f"/clusters/{cluster.id}", "/trainings", f"/trainings/{program.id}", "/coaching", "/catalogue",
                "/loans", f"/loans/{loan.id}", "/reports/aging", "/reports/outcomes", "/reports/aging?format=csv",
                "/reports/outcomes?format=pdf", "/?lang=fil", f"/clusters/{cluster.id}?lang=fil"):
        assert client.get(base + url).status_code == 200, url
    page = client.get(f"{base}/clusters/{cluster.id}?lang=en").get_data(as_text=True)
    assert "Rosa Halimbawa" in page and "1. Orientation" in page
    assert db.session.query(AuditEvent).filter_by(action="groups.cluster.view", target_id=str(cluster.id)).count() >= 2


def test_who_sees_what(groups, ngo, maker, peer, login, client, make_user, make_org):
    cluster = _cluster_with_peer(groups, ngo, maker, peer)
    other = groups.cluster(name="Other")
    loan, _moa, _fund = groups.released_loan()
    base = f"/o/{ngo.slug}/groups"
    login(peer)
    assert client.get(f"{base}/mine").status_code == 200
    mine = client.get(f"{base}/mine/{cluster.id}").get_data(as_text=True)
    assert "Rosa Halimbawa" in mine and "✓" in mine
    assert client.get(f"{base}/mine/{other.id}").status_code == 404
    for url in ("/", f"/clusters/{cluster.id}", "/coaching", "/trainings", "/loans", "/reports/outcomes"):
        assert client.get(base + url).status_code == 403, url
    assert client.get(f"{base}/catalogue").status_code == 200
    assert client.post(f"{base}/catalogue", data={"kind": "service", "title": "X", "partner": "Y"}).status_code == 403
    client.post("/logout")
    login(make_user(ngo, "auditor"))
    for url in ("/loans", f"/loans/{loan.id}", "/reports/aging", "/reports/outcomes", "/catalogue"):
        response = client.get(base + url)
        assert response.status_code == 200 and "Halimbawa" not in response.get_data(as_text=True), url
    for url in ("/", f"/clusters/{cluster.id}", "/coaching", f"/mine/{cluster.id}"):
        assert client.get(base + url).status_code == 403, url
    assert client.post(f"{base}/loans/{loan.id}/repayments", data={"amount": "100", "paid_on": "2026-05-12"}
                       ).status_code == 403
    client.post("/logout")
    login(make_user(make_org("cooperative"), "officer"))
    assert client.get(f"{base}/loans").status_code == 404


def test_staff_use_the_forms(groups, ngo, maker, peer, login, client):
    loan, _moa, _fund = groups.released_loan()
    login(maker)
    base = f"/o/{ngo.slug}/groups"
    response = client.post(f"{base}/clusters", data={"name": "Bauang", "kind": "community",
                                                     "formed_on": START.isoformat(), "social_worker_id": maker.id})
    assert response.status_code == 303
    cluster = services.list_clusters(ngo.id)[-1]
    woman = groups.woman(ready=False)
    assert client.post(f"{base}/clusters/{cluster.id}/members", data={
        "beneficiary_id": woman.id, "role": "coordinator", "joined_on": START.isoformat()}).status_code == 303
    member = db.session.query(ClusterMember).filter_by(cluster_id=cluster.id).one()
    assert client.post(f"{base}/clusters/{cluster.id}/sessions", data={
        "module": "orientation", "held_on": (START + timedelta(days=1)).isoformat(),
        "present[]": [str(member.id)]}).status_code == 303
    assert db.session.query(GroupSession).filter_by(cluster_id=cluster.id).one().present == 1
    response = client.post(f"{base}/loans/{loan.id}/repayments", data={
        "amount": "1,200.00", "paid_on": "2026-05-12", "cash_account": "cash_in_bank", "idempotency_key": "f-1"})
    assert response.status_code == 303
    assert "OR no." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.query(Repayment).count() == 1


def test_bad_input_comes_back_with_a_message_and_writes_nothing(groups, ngo, maker, login, client):
    loan, _moa, _fund = groups.released_loan()
    cluster = groups.cluster()
    login(maker)
    base = f"/o/{ngo.slug}/groups"
    entries = db.session.query(JournalEntry).count()
    response = client.post(f"{base}/loans/{loan.id}/repayments", data={
        "amount": "99,999.00", "paid_on": "2026-05-12", "cash_account": "cash_in_bank", "idempotency_key": "b-1"},
        headers={"Referer": f"{base}/loans/{loan.id}"})
    assert response.status_code == 303 and db.session.query(JournalEntry).count() == entries
    assert "more than" in client.get(f"{base}/loans/{loan.id}").get_data(as_text=True)
    response = client.post(f"{base}/clusters/{cluster.id}/sessions", data={"module": "nonsense", "held_on": "x"},
                           headers={"Referer": f"{base}/clusters/{cluster.id}"})
    assert response.status_code == 303 and db.session.query(GroupSession).count() == 0
    response = client.post(f"{base}/clusters/{cluster.id}/members", data={"joined_on": START.isoformat()},
                           headers={"Referer": f"{base}/clusters/{cluster.id}"})
    assert response.status_code == 303 and db.session.query(ClusterMember).count() == 0
    assert "beneficiary number" in client.get(f"{base}/clusters/{cluster.id}").get_data(as_text=True)
    assert client.get(f"{base}/reports/outcomes?start=2026-05-01&end=2026-04-01").status_code in (400, 422)


def test_dashboard_tiles(groups, ngo, maker, peer, login, client):
    _cluster_with_peer(groups, ngo, maker, peer)
    groups.released_loan()
    login(maker)
    page = client.get(f"/o/{ngo.slug}/").get_data(as_text=True)
    assert "Capital loans outstanding" in page and "Clusters" in page
    client.post("/logout")
    login(peer)
    assert "My clusters" in client.get(f"/o/{ngo.slug}/").get_data(as_text=True)


def test_the_training_page_says_when_a_course_is_completed_in_natural_filipino(ngo, maker, login, client):
    """'tapos pagkatapos dumalo ng 2 araw' was the Filipino on the training program's page."""
    import re

    program = services.add_program(ngo.id, {"title": "Course", "starts_on": START, "ends_on": START + timedelta(
        days=10), "days": 2}, maker.id)
    db.session.commit()
    login(maker)
    url = f"/o/{ngo.slug}/groups/trainings/{program.id}"
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert re.search(r"completed after attending \d+ days", english)
    filipino = client.get(url + "?lang=fil").get_data(as_text=True)
    assert "tapos pagkatapos" not in filipino and re.search(r"tapos na kapag nakadalo ng \d+ araw", filipino)
