"""Issue 20, the tester's defects in the upload flow: a date of the opening balances in the future or in a closed
month, a crafted date, an empty file, raw field keys, an unreadable workbook. Each refused in words, next to its
field, with nothing posted."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from coop.errors import Invalid
from coop.extensions import db
from coop.interchange import imports
from coop.interchange.models import InterchangeRun
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.timeutil import today

SLUG = "upload20"
OPENING = b"account,debit,credit\n11110,1500.00,\n30600,,1500.00\n"


def entries(org_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.org_id == org_id))


def runs(org_id):
    return db.session.scalar(select(func.count()).select_from(InterchangeRun).where(InterchangeRun.org_id == org_id))


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def officer(make_org, make_user, login, app):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug=SLUG)
    login(make_user(org, "officer"))
    return org


def upload(client, kind, filename, content, lang=None):
    query = f"?lang={lang}" if lang else ""
    return client.post(f"/o/{SLUG}/interchange/imports{query}", data={"kind": kind, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data",
                       headers={"Referer": f"http://localhost/o/{SLUG}/interchange/imports{query}"})


def map_form(client, run_id, form):
    url = f"/o/{SLUG}/interchange/imports/{run_id}/map"
    return client.post(url, data=form, headers={"Referer": f"http://localhost{url}"})


OPENING_COLUMNS = {"col_account": "account", "col_debit": "debit", "col_credit": "credit"}


@pytest.mark.parametrize("when", ["future", "closed"])
def test_a_future_or_closed_date_of_the_opening_balances_is_refused_next_to_its_field(officer, client, when):
    if when == "closed":
        ledger.close_period(officer.id, 2025, 6, None)
        db.session.commit()
        as_of = date(2025, 6, 30)
    else:
        as_of = today() + timedelta(days=365)
    response = upload(client, "opening_accounts", "opening.csv", OPENING)
    run_id = int(response.headers["Location"].split("/")[-2])
    response = map_form(client, run_id, dict(OPENING_COLUMNS, as_of=as_of.isoformat()))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/imports/{run_id}/map")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('name="as_of"'):][:600]
    assert 'class="error"' in field
    assert ("cannot be dated" in field) if when == "future" else ("is closed" in field)
    assert db.session.get(InterchangeRun, run_id).status == "draft"  # no dry run started, nothing to confirm
    assert client.post(f"/o/{SLUG}/interchange/imports/{run_id}/confirm").status_code in (303, 422)
    assert entries(officer.id) == 0


def test_a_run_given_a_future_date_some_other_way_fails_its_dry_run_on_the_field(make_org, app):
    """The runner checks the date too (a run queued before the rule, a crafted row): a problem on as_of, no entry."""
    from coop.interchange import runner

    org = make_org(slug=SLUG)
    run = InterchangeRun(org_id=org.id, kind="opening_accounts", status="queued", dry_run=True,
                         filename="opening.csv", content=OPENING, done=0, total=0,
                         mapping={"account": "account", "debit": "debit", "credit": "credit",
                                  "_as_of": (today() + timedelta(days=365)).isoformat()})
    db.session.add(run)
    db.session.commit()
    run_id, org_id = run.id, org.id
    db.session.remove()  # SQLite: one writer; the runner's session is another
    runner.execute(app, run_id)
    db.session.expire_all()
    run = db.session.get(InterchangeRun, run_id)
    assert run.status == "failed" and run.problems[0]["column"] == "as_of"
    assert "cannot be dated" in run.problems[0]["message"]
    assert entries(org_id) == 0


@pytest.mark.parametrize("kind, content", [
    ("opening_accounts", OPENING),
    ("loans", b"ref,member,product,released_on,amount,due_on,principal\n"),
    ("products", b"code,name,sale_price,quantity_on_hand,unit_cost\nP1,Rice,50.00,10,40.00\n"),
    ("members", b"name,subscribed,paid_up\nAna,2000.00,500.00\n"),
])
def test_every_kind_dated_by_the_cut_over_refuses_a_future_one(officer, kind, content):
    future = today() + timedelta(days=365)
    header, _rows = imports.read_table(content, "f.csv")
    mapping = imports.guess_mapping(imports.kind(kind).fields, header)
    for dry_run in (True, False):
        with pytest.raises(Invalid) as refused:
            imports.run(officer.id, kind, content, "f.csv", mapping, dry_run=dry_run, actor_id=None, as_of=future)
        assert refused.value.field == "as_of"
        db.session.rollback()
    assert entries(officer.id) == 0


def test_members_admitted_or_born_after_the_cut_over_are_row_problems(officer):
    content = b"name,birth_date,admitted_on\nAna,2099-01-01,2020-01-01\nBen,1980-01-01,2025-07-01\n"
    header, _rows = imports.read_table(content, "m.csv")
    mapping = imports.guess_mapping(imports.kind("members").fields, header)
    dry = imports.run(officer.id, "members", content, "m.csv", mapping, dry_run=True, actor_id=None,
                      as_of=date(2025, 6, 30))
    assert [(p.row, p.column) for p in dry.problems] == [(2, "birth_date"), (3, "admitted_on")]


@pytest.mark.parametrize("as_of", ["2025-13-45", "31/12/2025", "tomorrow"])
def test_a_crafted_date_on_the_column_page_is_a_message_next_to_the_field(officer, client, as_of):
    response = upload(client, "opening_accounts", "opening.csv", OPENING)
    run_id = int(response.headers["Location"].split("/")[-2])
    response = map_form(client, run_id, dict(OPENING_COLUMNS, as_of=as_of))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "isoformat" not in page and "Row None" not in page
    field = page[page.index('name="as_of"'):][:600]
    assert "Write the date like 2025-03-31." in field
    assert f'value="{as_of}"' in page  # what she typed, kept
    assert 'value="account" selected' in page  # and her choice of columns
    assert db.session.get(InterchangeRun, run_id).status == "draft"


@pytest.mark.parametrize("filename, content, words", [
    ("empty.csv", b"", "The file is empty"),
    ("blank.csv", b"\n\n  \n", "The file is empty"),
    ("header.csv", b"account,debit,credit\n", "header row but no rows"),
    ("header.csv", b"account,debit,credit\n,,\n", "header row but no rows"),
    ("empty.xlsx", xlsx([]), "The file is empty"),
    ("header.xlsx", xlsx([["account", "debit", "credit"]]), "header row but no rows"),
])
def test_an_empty_or_header_only_file_is_refused_at_the_upload(officer, client, filename, content, words):
    response = upload(client, "opening_accounts", filename, content)
    assert response.status_code == 303 and response.headers["Location"].endswith("/interchange/imports")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('name="file"'):][:400]
    assert words in field and 'class="error"' in field
    assert runs(officer.id) == 0


def test_the_column_page_names_the_fields_in_words_in_both_languages(officer, client):
    content = b"name,birth_date,admitted_on\nAna,1980-01-01,2020-01-01\n"
    response = upload(client, "members", "members.csv", content)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<td>Birth date" in page and "<td>Date admitted" in page and "<th>Birth date</th>" in page
    assert "<td>birth_date" not in page and "<th>admitted_on</th>" not in page
    page = client.get(response.headers["Location"] + "?lang=fil").get_data(as_text=True)
    assert "<td>Petsa ng kapanganakan" in page and "<td>Petsa ng pagtanggap" in page
    assert "<td>Birth date" not in page


@pytest.mark.parametrize("lang, words", [(None, "not a readable Excel workbook"),
                                         ("fil", "hindi mabasang Excel workbook")])
def test_an_unreadable_workbook_is_said_in_words(officer, client, lang, words):
    response = upload(client, "opening_accounts", "books.xlsx", b"this is not a workbook at all", lang=lang)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('name="file"'):][:500]
    assert words in field
    assert "zip" not in page.lower()
    assert runs(officer.id) == 0


def bomb(expanded_mb, where="header"):
    """A small .xlsx whose sheet unpacks to `expanded_mb` megabytes: one cell of repeated letters."""
    import zipfile
    source = zipfile.ZipFile(io.BytesIO(xlsx([["account", "debit", "credit"], ["11110", "1500.00", ""]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = '<c r="D{n}" t="inlineStr"><is><t>' + "A" * (expanded_mb * 1024 * 1024) + "</t></is></c>"
                if where == "header":
                    data = data.replace(b'<c r="C1"', cell.format(n=1).encode() + b'<c r="C1"')
                else:
                    data = data.replace(b"</sheetData>", b'<row r="3">' + cell.format(n=3).encode() + b"</row></sheetData>")
            archive.writestr(info.filename, data, compresslevel=6)
    return out.getvalue()


@pytest.mark.parametrize("where", ["header", "rows"])
def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(officer, client, where):
    """Under the 2 MB upload limit, a workbook may still unpack to gigabytes (openpyxl holds a cell's text whole):
    an attacker's 400 KB file took 25 s and 900 MB to read. Refused by the sizes the archive declares."""
    content = bomb(120, where)
    assert len(content) < 2 * 1024 * 1024
    with pytest.raises(Invalid, match="unpacks to more than"):
        imports.read_table(content, "books.xlsx")
    response = upload(client, "opening_accounts", "books.xlsx", content)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('name="file"'):][:500]
    assert "unpacks to more than" in field
    assert runs(officer.id) == 0
    assert imports.read_table(xlsx([["account"], ["11110"]]), "small.xlsx")[0] == ["account"]
