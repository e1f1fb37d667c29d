"""The demo cooperative's and NGO's whole books out to Odoo's files and through the fake Odoo."""
from coop import demo
from coop.extensions import db
from coop.interchange import odoo, push, services
from coop.orgs.services import get_by_slug

from .fake_odoo import FakeOdoo


def test_the_demo_books_go_out_and_through_the_fake_odoo(app):
    demo.seed()
    db.session.commit()
    for slug in (demo.COOP_SLUG, demo.NGO_SLUG):
        org = get_by_slug(slug)
        export = services.export_odoo(org.id)
        assert odoo.problems(export) == []
        entries = [row for row in export.files[odoo.ENTRIES] if row[0]]
        with FakeOdoo() as fake:
            services.save_connection(org.id, url=fake.url, database="coopdb", login="bot", api_key="secret-key",
                                     secret_key=app.config["SECRET_KEY"])
            run = services.create_run(org.id, "odoo_push", actor_id=None)
            db.session.commit()
            push.push(org.id, run.id, secret_key=app.config["SECRET_KEY"], checkpoint=db.session.commit, pause=0)
            db.session.commit()
            assert run.status == "done", run.problems
            assert len(fake.records.get("account.move", {})) == len(entries) > 0
            assert len(fake.records["account.account"]) == len(export.files[odoo.CHART])
            assert len(fake.records["res.partner"]) == len(export.files[odoo.PARTNERS])
