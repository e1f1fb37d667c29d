from datetime import date

from openpyxl import Workbook

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.members import shares
from coop.members.imports import import_members, read_rows
from coop.members.models import Member

GOOD = """Member No,Name,Mobile,Barangay,Town,Date admitted,Subscribed,Paid-up,Status
1,Josefina Dela Cruz,09171234567,San Roque,Marikina,2019-05-12,"2,000",2000,active
2,Maricel Bautista,,Tumana,Marikina,05/20/2020,3000,1250.50,active
7,Lorna Villanueva,,,,2021-01-02,0,0,inactive
"""


def test_a_good_file_imports_every_member_with_one_opening_entry_each(coop):
    rows = read_rows(GOOD.encode(), "members.csv")
    result = import_members(coop.id, rows, as_of=date(2026, 1, 1), actor_id=None)
    assert result.errors == [] and result.imported == 3
    db.session.commit()
    members = {m.number: m for m in db.session.query(Member).all()}
    assert sorted(members) == [1, 2, 7] and members[7].status == "inactive"
    maricel = members[2]
    summary = shares.summary(coop.id, maricel, date(2026, 1, 1))
    assert (summary.paid_up, summary.due) == (1_250_50, 1_749_50)
    assert db.session.query(JournalEntry).filter_by(source="shares.import").count() == 2
    assert ledger.recompute_problems(coop.id) == []


def test_one_bad_row_imports_nothing_and_names_the_row(coop):
    bad = GOOD + "8,Editha Ramos,0917,Malanday,Marikina,2022-13-01,2000,2500,active\n"
    rows = read_rows(bad.encode(), "members.csv")
    result = import_members(coop.id, rows, as_of=date(2026, 1, 1), actor_id=None)
    db.session.rollback()
    assert {(e.line, e.column) for e in result.errors} == {(5, "mobile"), (5, "admitted_on"), (5, "paid_up")}
    assert db.session.query(Member).count() == 0
    assert db.session.query(JournalEntry).count() == 0


def test_xlsx_and_the_cli(coop, app, tmp_path):
    book = Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(next(__import__("csv").reader([line])))
    sheet.append(["3", "", "", "", "", "", "", "", ""])  # a row without a name
    path = tmp_path / "members.xlsx"
    book.save(path)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["members", "import", str(path), "--org", coop.slug, "--dry-run"])
    assert dry.exit_code == 1 and "line 5, name: the name is missing" in dry.output
    assert db.session.query(Member).count() == 0
    sheet.delete_rows(5)
    book.save(path)
    dry = runner.invoke(args=["members", "import", str(path), "--org", coop.slug, "--dry-run"])
    assert dry.exit_code == 0 and "3 rows are fine" in dry.output
    assert db.session.query(Member).count() == 0
    real = runner.invoke(args=["members", "import", str(path), "--org", coop.slug])
    assert real.exit_code == 0 and "3 members imported" in real.output
    db.session.expire_all()
    assert db.session.query(Member).count() == 3


def test_a_number_already_used_names_the_line(coop, make_member):
    make_member("Someone")  # number 1
    result = import_members(coop.id, read_rows(GOOD.encode(), "m.csv"), as_of=date(2026, 1, 1), actor_id=None)
    db.session.rollback()
    assert [(e.line, e.column) for e in result.errors] == [(2, "number")]
    assert db.session.query(Member).count() == 1


