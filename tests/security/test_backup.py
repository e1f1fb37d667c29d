"""Item 13 of issue 15: `coop backup` and a verified `coop restore`, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from coop.audit import services as audit
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.ledger.records import Entry, Line


def _gift(org, pesos, memo="Gift"):
    ledger.post(Entry(org_id=org.id, entry_date=date(2026, 5, 4), memo=memo, lines=(
        Line(account="cash_on_hand", debit=pesos * 100), Line(account="donations_grants", credit=pesos * 100))))
    db.session.commit()


def _entries():
    return db.session.scalar(select(func.count(JournalEntry.id)))


def test_backup_then_restore_with_verify(app, make_org, tmp_path):
    org = make_org()
    _gift(org, 100)
    _gift(org, 250)
    audit.record("test.event", org_id=org.id, user_id=None)
    db.session.commit()
    runner = app.test_cli_runner()
    file = tmp_path / "coop.backup"
    made = runner.invoke(args=["backup", str(file)])
    assert made.exit_code == 0, made.output
    manifest = json.loads((tmp_path / "coop.backup.manifest.json").read_text())
    assert manifest["tables"]["journal_entry"] == 2
    assert manifest["trial_balances"][org.slug]["total_debit"] == 35_000

    _gift(org, 999, "After the backup")
    assert _entries() == 3
    restored = runner.invoke(args=["restore", str(file), "--verify", "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Verified" in restored.output
    assert _entries() == 2


def test_verify_reports_a_difference(app, make_org, tmp_path):
    org = make_org()
    _gift(org, 100)
    runner = app.test_cli_runner()
    file = tmp_path / "coop.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    manifest_file = tmp_path / "coop.backup.manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["tables"]["journal_entry"] = 7
    manifest["trial_balances"][org.slug]["total_debit"] = 1
    manifest_file.write_text(json.dumps(manifest))
    result = runner.invoke(args=["restore", str(file), "--verify", "--yes"])
    assert result.exit_code == 1
    assert "journal_entry" in result.output and org.slug in result.output


def test_restore_refuses_a_file_that_is_no_backup(app, tmp_path):
    bad = tmp_path / "not-a-backup"
    bad.write_bytes(b"hello" * 100)
    result = app.test_cli_runner().invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0
