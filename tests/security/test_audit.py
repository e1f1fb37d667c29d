"""Item 9 of issue 15: chart-of-accounts changes and refusals are audited; the trail is chained by hash."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from coop.audit import services as audit
from coop.audit.models import AuditEvent
from coop.extensions import db
from tests.conftest import ON_POSTGRES


def _actions(org_id, target_type="account"):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.org_id == org_id, AuditEvent.target_type == target_type).order_by(AuditEvent.id))]


def test_chart_of_accounts_changes_are_audited_api(make_org, make_user, api):
    org = make_org()
    admin = make_user(org, "admin")
    client = api(admin)
    base = f"/api/v1/orgs/{org.slug}/ledger/accounts"
    added = client.post(base, json={"code": "1999", "name": "Petty cash 2", "type": "asset"})
    assert added.status_code == 201, added.json
    account_id = added.json["id"]
    assert client.patch(f"{base}/{account_id}", json={"name": "Petty cash two"}).status_code == 200
    assert client.patch(f"{base}/{account_id}", json={"code": "1998"}).status_code == 200
    assert client.patch(f"{base}/{account_id}", json={"active": False}).status_code == 200
    assert _actions(org.id) == ["account.add", "account.rename", "account.recode", "account.deactivate"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.recode")).one()
    assert event.user_id == admin.id and event.details == {"from": "1999", "to": "1998"}


def test_chart_of_accounts_form_changes_are_audited(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "admin"))
    assert client.post(f"/o/{org.slug}/ledger/accounts", data={"code": "1999", "name": "Petty", "type": "asset"}
                       ).status_code == 303
    account_id = int(db.session.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "account.add")).one())
    assert client.post(f"/o/{org.slug}/ledger/accounts/{account_id}/delete").status_code == 303
    assert _actions(org.id) == ["account.add", "account.delete"]


def test_refused_requests_on_records_are_logged(make_org, make_user, api, login):
    org, other = make_org(), make_org()
    auditor = make_user(org, "auditor")
    stranger = make_user(other, "officer")
    assert api(auditor).post(f"/api/v1/orgs/{org.slug}/ledger/entries", json={}).status_code == 403
    assert api(stranger).get(f"/api/v1/orgs/{org.slug}/ledger/entries/5").status_code == 404
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("refused.%"))).all()
    assert {(e.action, e.user_id) for e in refused} == {("refused.403", auditor.id), ("refused.404", stranger.id)}
    assert all(e.details["path"].startswith("/api/v1/orgs/") for e in refused)


def test_the_chain_detects_a_removed_and_an_altered_row(app, make_org):
    org = make_org()
    for n in range(5):
        audit.record("test.event", org_id=org.id, user_id=None, target_type="thing", target_id=n, details={"n": n})
        db.session.commit()
    assert audit.verify() == []
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    ids = list(db.session.scalars(select(AuditEvent.id).where(AuditEvent.action == "test.event")
                                  .order_by(AuditEvent.id)))
    _tamper(f"DELETE FROM audit_event WHERE id = {ids[2]}")
    problems = audit.verify()
    assert len(problems) == 1 and str(ids[3]) in problems[0]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and str(ids[3]) in result.output
    _tamper(f"UPDATE audit_event SET details = '{{\"n\": 9}}' WHERE id = {ids[0]}")
    assert any(str(ids[0]) in p for p in audit.verify())


def test_a_batch_of_rows_is_chained_and_kept_as_recorded(make_org):
    """A batch job's many rows (written from arrays on PostgreSQL) keep their content and the chain."""
    org = make_org()
    audit.record("test.before", org_id=org.id, user_id=None)
    audit.record_many([{"action": "test.batch", "org_id": org.id, "user_id": None, "target_type": "thing",
                        "target_id": n, "details": {"n": n, "text": "Ñ \"quoted\""} if n % 3 else None}
                       for n in range(audit.MANY + 5)])
    db.session.commit()
    rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.org_id == org.id,
                                                            AuditEvent.action == "test.batch").order_by(AuditEvent.id)))
    assert [(row.target_id, row.details) for row in rows] == [
        (str(n), {"n": n, "text": "Ñ \"quoted\""} if n % 3 else None) for n in range(audit.MANY + 5)]
    assert audit.verify(org.id, every_chain=False) == []
    _tamper(f"UPDATE audit_event SET target_id = 'x' WHERE id = {rows[7].id}")
    assert any(str(rows[7].id) in problem for problem in audit.verify(org.id, every_chain=False))


def test_recorded_rows_are_seen_before_the_commit(make_org):
    org = make_org()
    audit.record("test.event", org_id=org.id, user_id=None)
    assert [e.action for e in audit.events(org.id)] == ["test.event"]
    db.session.rollback()
    assert audit.events(org.id) == []


def _tamper(sql):
    """What someone with the owner's access could do behind the application's back."""
    db.session.rollback()
    with db.engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
            conn.execute(text(sql))
    db.session.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["audit_event", "journal_entry", "journal_line"])
def test_truncate_is_refused(app, table):
    with pytest.raises(Exception, match="TRUNCATE is refused"):
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))


@pytest.mark.postgres
def test_the_application_role_owns_nothing(app):
    """`coop init --app-role NAME`: the role reads and writes rows, but cannot empty or unguard a table."""
    from sqlalchemy.exc import DBAPIError

    from coop.dbroles import create_app_role

    role = "coop_app_input_test"
    create_app_role(role, password="s3cret-for-test")
    db.session.commit()
    try:
        for statement in ("TRUNCATE audit_event", "ALTER TABLE audit_event DISABLE TRIGGER USER",
                          "DELETE FROM journal_line", "UPDATE audit_event SET action = 'x'",
                          "DROP TABLE journal_entry CASCADE"):
            with db.engine.connect() as conn:
                conn.execute(text(f'SET ROLE "{role}"'))
                with pytest.raises(DBAPIError):
                    conn.execute(text(statement))
                conn.rollback()
        with db.engine.connect() as conn:
            conn.execute(text(f'SET ROLE "{role}"'))
            conn.execute(text("SELECT count(*) FROM audit_event"))
            conn.execute(text("INSERT INTO audit_event (action, at) VALUES ('test.role', now())"))
            conn.rollback()
        result = app.test_cli_runner().invoke(args=["init", "--app-role", role])
        assert result.exit_code == 0, result.output
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
