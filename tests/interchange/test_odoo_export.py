"""The Odoo files: byte for byte against the golden files, and Odoo's own rules."""
import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from coop.extensions import db
from coop.interchange import odoo, services
from coop.orgs.services import set_setting

GOLDEN = Path(__file__).parent / "golden"


def test_the_export_equals_the_golden_files(dawn, tmp_path):
    export = services.export_odoo(dawn.id)
    written = odoo.write_dir(export, tmp_path)
    assert [p.name for p in written] == list(odoo.IMPORT_ORDER)
    for path in written:
        golden = GOLDEN / path.name
        if not golden.exists():  # first run writes them: review, then commit
            golden.write_bytes(path.read_bytes())
        assert path.read_bytes() == golden.read_bytes(), path.name


def test_headers_types_and_codes_follow_odoo(dawn):
    export = odoo.build(dawn.id)
    for name in odoo.IMPORT_ORDER:
        header = export.csv_text(name).splitlines()[0]
        assert header == ",".join(odoo.HEADERS[name])
    assert odoo.problems(export) == []
    types = {row[1]: row[3] for row in export.files[odoo.CHART]}
    assert types["11110"] == "asset_cash" and types["11212"] == "asset_receivable"
    assert types["21210"] == "liability_payable" and types["30130"] == "equity"
    assert types["51000"] == "expense_direct_cost" and types["40610"] == "income_other"
    assert types["14181"] == "asset_fixed" and types["73350"] == "expense_depreciation"
    assert "equity_unaffected" not in types.values()
    assert set(types.values()) <= set(odoo.ACCOUNT_TYPES)
    assert len(odoo.ACCOUNT_TYPES) == 18


def test_dashes_become_dots_and_a_bad_chart_is_refused(dawn):
    from coop.ledger import services as ledger

    ledger.add_account(dawn.id, code="11-90", name="Cash - Branch", type="asset", is_cash=True)
    export = odoo.build(dawn.id)
    assert "11.90" in [row[1] for row in export.files[odoo.CHART]]
    export.files[odoo.CHART].append(("x", "1 2", "bad", "asset_other", "False", "False", "0.00", "0.00"))
    assert len(odoo.problems(export)) == 2


def test_members_go_by_number_unless_the_setting_allows_names(dawn):
    rows = {row[0]: row for row in odoo.build(dawn.id).files[odoo.PARTNERS]}
    maria = rows["coop_dawn_partner_member_1"]
    assert maria[1] == "M-0001" and maria[6] == "" and maria[8] == ""
    set_setting(dawn.id, "interchange.member_names", True)
    db.session.commit()
    maria = {row[0]: row for row in odoo.build(dawn.id).files[odoo.PARTNERS]}["coop_dawn_partner_member_1"]
    assert (maria[1], maria[3], maria[6], maria[8]) == ("Maria Santos", "M-0001", "+639171234567", "Manila")


def test_journal_rows_one_move_per_entry_and_stable_ids(dawn):
    text = odoo.build(dawn.id).csv_text(odoo.ENTRIES)
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [r[0] for r in rows if r[0]] == ["coop_dawn_je_1", "coop_dawn_je_2", "coop_dawn_je_3", "coop_dawn_je_4"]
    assert len(rows) == 8 and all(r[1:5] == ["", "", "", ""] for r in rows if not r[0])
    debit = sum(int(r[8].replace(".", "")) for r in rows)
    credit = sum(int(r[9].replace(".", "")) for r in rows)
    assert debit == credit == 50_000 + 200_000 + 2 * 123_456
    assert odoo.build(dawn.id).files == odoo.build(dawn.id).files  # the same ids every time


def test_since_gives_opening_balances_and_later_entries(dawn):
    export = odoo.build(dawn.id, since=date(2026, 11, 5))
    chart = {row[1]: row for row in export.files[odoo.CHART]}
    assert chart["11110"][6:] == ("0.00", "1500.00")  # 500 in, 2,000 out
    assert chart["11212"][6:] == ("2000.00", "0.00")
    assert [r[0] for r in export.files[odoo.ENTRIES] if r[0]] == ["coop_dawn_je_3", "coop_dawn_je_4"]


def test_the_admin_page_downloads_a_zip(dawn, client, make_user, login):
    admin = make_user(dawn, "admin")
    login(admin)
    assert client.get("/o/dawn/interchange/odoo").status_code == 200
    response = client.get("/o/dawn/interchange/odoo/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == list(odoo.IMPORT_ORDER)


def test_officers_cannot_export(dawn, client, make_user, login):
    login(make_user(dawn, "officer"))
    assert client.get("/o/dawn/interchange/odoo/export.zip").status_code == 403


@pytest.mark.parametrize("args", [["--since", "2026-11-05"], []])
def test_the_command_writes_the_files(dawn, app, tmp_path, args):
    out = tmp_path / "odoo"
    result = app.test_cli_runner().invoke(args=["export", "odoo", "--org", "dawn", str(out), *args])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(odoo.IMPORT_ORDER)


def test_an_ngo_chart_exports_within_odoo_rules(make_org):
    org = make_org("ngo")
    export = services.export_odoo(org.id)
    types = {row[1]: row[3] for row in export.files[odoo.CHART]}
    assert odoo.problems(export) == [] and set(types.values()) <= set(odoo.ACCOUNT_TYPES)
    assert types["1010"] == "asset_cash" and types["2010"] == "liability_payable" and types["1510"] == "asset_fixed"
