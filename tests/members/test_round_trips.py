"""The member's summary is the hottest page of the API: counted in statements, not guessed."""
from coop.extensions import db
from coop.members import shares
from coop.timeutil import today
from tests.conftest import statements_sent


def test_my_summary_with_her_good_standing_takes_five_statements_authentication_included(coop, officer, make_member, api):
    ana = make_member("Ana", login=True)
    shares.subscribe(coop.id, ana.id, shares=20, on=today(), installments=4, actor_id=officer.id)
    shares.record_payment(coop.id, ana.id, amount=500_00, on=today(), actor_id=officer.id)
    db.session.commit()
    client = api(ana.user)
    url = f"/api/v1/orgs/{coop.slug}/me/summary"
    assert client.get(url).status_code == 200  # the first marks the token used (a write, once a minute)
    db.session.expire_all()
    response, statements, _, _ = statements_sent(lambda: client.get(url))
    assert response.status_code == 200 and response.json["good_standing"] is True
    # 1 organization + token + user + role; 2 member; 3 open installments; 4 her balances;
    # 5 her good standing: her status, the shares check with its grace setting and the loans check together
    assert len(statements) <= 5, "\n".join(statements)


def test_a_page_knows_who_is_asking_from_one_statement(coop, officer, login, client):
    login(officer)
    url = f"/o/{coop.slug}/members/"
    db.session.expire_all()
    response, statements, _, _ = statements_sent(lambda: client.get(url))
    assert response.status_code == 200
    identity = [s for s in statements if "user_session" in s or "\nFROM user " in s or "\nFROM organization" in s
                or s.startswith("SELECT org_role.role")]
    assert len(identity) == 1, "\n".join(identity)  # organization, session, user and role together
