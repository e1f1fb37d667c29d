"""A request runs in one database transaction: nothing reads the database after the boundary commits."""
from sqlalchemy import event

from coop.extensions import db


def _begins_during(client, path):
    begins = []
    listener = lambda connection: begins.append(1)  # noqa: E731
    event.listen(db.engine, "begin", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "begin", listener)
    return response, len(begins)


def test_a_logged_in_page_is_one_transaction(make_org, make_user, login, client):
    org = make_org()
    slug = org.slug
    login(make_user(org, "officer"))
    db.session.remove()  # the test's own session starts cold, like a server's
    response, begins = _begins_during(client, f"/o/{slug}/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert begins == 1
