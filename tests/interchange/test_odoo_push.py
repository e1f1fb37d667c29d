"""Pushing to Odoo over XML-RPC, against a fake Odoo on 127.0.0.1."""
from datetime import date

from sqlalchemy import select

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.interchange import crypto, push, services
from coop.interchange.models import OdooConnection
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line

from .fake_odoo import FakeOdoo

SECRET = "test-only-secret-key"


def connect(org, fake, **kw):
    services.save_connection(org.id, url=fake.url, database="coopdb", login="bot", api_key="secret-key",
                             secret_key=SECRET, **kw)
    db.session.commit()


def run_push(org, dry_run=False, **kw):
    run = services.create_run(org.id, "odoo_push", actor_id=None, dry_run=dry_run)
    db.session.commit()
    text = push.push(org.id, run.id, secret_key=SECRET, checkpoint=db.session.commit, pause=0, **kw)
    db.session.commit()
    return run, text


def test_the_api_key_is_stored_encrypted(dawn):
    with FakeOdoo() as fake:
        connect(dawn, fake)
    row = db.session.scalar(select(OdooConnection))
    assert "secret-key" not in row.api_key_encrypted
    assert services.api_key(row, SECRET) == "secret-key"
    assert crypto.decrypt(SECRET, crypto.encrypt(SECRET, "x")) == "x"


def test_a_push_loads_everything_once_and_a_second_push_sends_only_new_entries(dawn):
    with FakeOdoo() as fake:
        connect(dawn, fake, auto_post=True)
        run, text = run_push(dawn)
        assert run.status == "done", text
        assert [c[0] for c in fake.calls if c[1] == "load"] == [
            "account.journal", "account.account", "res.partner.category", "res.partner", "account.move"]
        assert set(fake.records["account.move"]) == {f"coop_dawn_je_{n}" for n in (1, 2, 3, 4)}
        assert fake.records["account.move"]["coop_dawn_je_2"]["line_ids"][0]["line_ids/partner_id/id"] == \
            "coop_dawn_partner_member_2"
        assert len(fake.posted) == 4 and run.done == run.total
        assert services.connection(dawn.id).last_entry_id == 4
        ledger.post(Entry(dawn.id, date(2026, 11, 9), "Fee", (Line("cash_on_hand", debit=100),
                                                               Line("service_fees", credit=100))))
        db.session.commit()
        fake.calls.clear()
        run2, _ = run_push(dawn)
        moves = [c for c in fake.calls if c[0] == "account.move" and c[1] == "load"]
        assert [row[0] for row in moves[0][2][1] if row[0]] == ["coop_dawn_je_5"]
        assert run2.summary["sent"]["account.move"] == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "interchange.odoo_push")).all()
    assert len(events) == 2


def test_retries_survive_a_flaky_network_and_do_not_duplicate(dawn):
    with FakeOdoo(fail_first=2) as fake:
        connect(dawn, fake)
        run, text = run_push(dawn)
        assert run.status == "done", text
        assert len(fake.records["account.move"]) == 4
        # a push cut off before its watermark moved: Odoo has the moves, coop sends none of them again
        services.connection(dawn.id).last_entry_id = 0
        db.session.commit()
        fake.calls.clear()
        run_push(dawn)
        assert not [c for c in fake.calls if c[0] == "account.move" and c[1] == "load"]
        assert len(fake.records["account.move"]) == 4


def test_a_dry_run_sends_nothing_and_prints_the_rows(dawn):
    lines = []
    with FakeOdoo() as fake:
        connect(dawn, fake)
        run, text = run_push(dawn, dry_run=True, echo=lines.append)
        assert fake.calls == []
    assert run.status == "done" and "would send" in text
    assert lines[0].startswith("account.journal load ['id', 'name', 'code', 'type']")
    assert services.connection(dawn.id).last_entry_id == 0


def test_a_wrong_key_or_a_dead_server_fails_the_run_with_the_reason(dawn):
    with FakeOdoo(api_key="other") as fake:
        connect(dawn, fake)
        run, text = run_push(dawn)
    assert run.status == "failed" and "refused the login" in run.problems[0]["message"]
    run, text = run_push(dawn, timeout=2)  # the fake is gone
    assert run.status == "failed" and "did not answer" in text


def test_the_page_pushes_in_the_background_and_shows_progress(dawn, app, client, make_user, login):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    login(make_user(dawn, "admin"))
    with FakeOdoo() as fake:
        response = client.post("/o/dawn/interchange/odoo/settings", data={
            "url": fake.url, "database": "coopdb", "login": "bot", "api_key": "secret-key", "version": "17"})
        assert response.status_code == 303
        response = client.post("/o/dawn/interchange/odoo/push", data={})
        assert response.status_code == 303
        response.close()  # the server closes the response after the commit: the run starts then
        page = client.get(response.headers["Location"])
        assert page.status_code == 200 and b"account.move: 4" in page.data, page.data.decode().split("<main>")[1][:1500]
        assert len(fake.records["account.move"]) == 4


def test_odoo_19_gets_the_same_rows_over_json_2(dawn):
    from .fake_odoo import FakeOdooJson2

    with FakeOdooJson2() as fake:
        connect(dawn, fake, version="19", auto_post=True)
        run, text = run_push(dawn)
        assert run.status == "done", text
        assert set(fake.records["account.move"]) == {f"coop_dawn_je_{n}" for n in (1, 2, 3, 4)}
        assert len(fake.posted) == 4
    with FakeOdooJson2(api_key="other") as fake:
        connect(dawn, fake, version="19")
        run, text = run_push(dawn)
    assert run.status == "failed" and "Invalid apikey" in text
