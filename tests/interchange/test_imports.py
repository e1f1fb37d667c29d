"""Imports: every problem with its row and column, all rows or none, a second run changes nothing; the pages."""
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from coop.extensions import db
from coop.interchange import imports, runner, services
from coop.interchange.models import InterchangeRun
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.reports.services import trial_balance


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode()


def run(org, kind, content, mapping=None, dry_run=False, filename="f.csv", as_of=None):
    spec = imports.kind(kind)
    header, _ = imports.read_table(content, filename)
    mapping = mapping or imports.guess_mapping(spec.fields, header)
    return imports.run(org.id, kind, content, filename, mapping, dry_run=dry_run, actor_id=None, as_of=as_of)


def entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_opening_balances_per_account_and_member(make_org):
    from coop.members import services as members

    org = make_org()
    maria = members.create_member(org.id, name="Maria", actor_id=None)
    members.member_party(maria)
    db.session.commit()
    content = csv_bytes("Account,Dr,Cr,Member", "11110,1500.00,,", "30300,,1000.00,M-0001", "30600,,500.00,")
    mapping = {"account": "Account", "debit": "Dr", "credit": "Cr", "party": "Member"}
    dry = run(org, "opening_accounts", content, mapping, dry_run=True, as_of=date(2025, 12, 31))
    assert (dry.done, dry.problems) == (1, [])
    assert entries() == 0
    run(org, "opening_accounts", content, mapping, as_of=date(2025, 12, 31))
    db.session.commit()
    again = run(org, "opening_accounts", content, mapping, as_of=date(2025, 12, 31))
    assert (again.done, again.skipped) == (0, 1) and entries() == 1
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 150_000
    party = members.member_party(maria)
    assert ledger.party_balance(org.id, "deposit_for_share_capital_subscription", party).credit_balance == 100_000


def test_an_opening_balance_on_a_control_account_is_a_problem_of_its_row(make_org):
    """Paid-up capital, loans, stock... come in through their own domain's import, with their records."""
    org = make_org()
    content = csv_bytes("account,debit,credit", "11110,1500.00,", "30130,,1500.00")
    with pytest.raises(imports.ImportProblems) as refused:
        run(org, "opening_accounts", content, as_of=date(2025, 12, 31))
    [problem] = refused.value.outcome.problems
    assert (problem.row, problem.column) == (3, "account") and "control account" in str(problem.message)
    db.session.rollback()
    assert entries() == 0


def test_a_bad_opening_file_lists_its_problems_and_changes_nothing(make_org):
    org = make_org()
    content = csv_bytes("account,debit,credit", "11110,1500.00,", "9999,,1000.00", "30600,,abc")
    with pytest.raises(imports.ImportProblems) as refused:
        run(org, "opening_accounts", content, as_of=date(2025, 12, 31))
    assert [(p.row, p.column) for p in refused.value.outcome.problems] == [(3, "account"), (4, "credit")]
    db.session.rollback()
    assert entries() == 0


def test_suppliers_and_products_from_xlsx_and_csv(make_org):
    from coop.inventory import services as inventory

    org = make_org()
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Phone", "TIN"])
    sheet.append(["Avon Cosmetics Inc.", "02 555 1234", "123-456-789"])
    sheet.append(["Natasha", None, None])
    out = io.BytesIO()
    book.save(out)
    xlsx = out.getvalue()
    mapping = {"name": "Name", "phone": "Phone", "tin": "TIN"}
    assert run(org, "suppliers", xlsx, mapping, filename="s.xlsx").done == 2
    db.session.commit()
    again = run(org, "suppliers", xlsx, mapping, filename="s.xlsx")
    assert (again.done, again.skipped) == (0, 2)
    assert sorted(s.name for s in inventory.list_suppliers(org.id)) == ["Avon Cosmetics Inc.", "Natasha"]
    products = csv_bytes("code,name,sale_price,unit", "RICE5,Rice 5 kg,275.00,sack", "SOAP,Soap,x,pc",
                         "RICE5,Rice again,1,pc")
    dry = run(org, "products", products, dry_run=True)
    assert [(p.row, p.column) for p in dry.problems] == [(3, "sale_price"), (4, "code")]
    fine = csv_bytes("code,name,sale_price,unit", "RICE5,Rice 5 kg,275.00,sack", "SOAP,Soap,25.50,pc")
    assert run(org, "products", fine).done == 2
    db.session.commit()
    assert run(org, "products", fine).skipped == 2
    assert {p.code: p.sale_price for p in inventory.list_products(org.id)} == {"RICE5": 27_500, "SOAP": 2_550}


def test_products_with_stock_on_hand_at_cost_open_the_inventory_and_its_moving_average(make_org):
    from coop.inventory import services as inventory

    org = make_org()
    content = csv_bytes("code,name,sale_price,unit,quantity on hand,unit cost", "RICE5,Rice 5 kg,275.00,sack,12,238.50",
                        "SOAP,Soap,25.50,pc,,", "OIL,Oil 1 L,90.00,bottle,1.5,")
    dry = run(org, "products", content, dry_run=True, as_of=date(2025, 12, 31))
    assert [(p.row, p.column) for p in dry.problems] == [(4, "unit_cost")]
    assert run(org, "products", content, dry_run=True).problems[0].column == "quantity_on_hand"  # no count date
    fine = content.replace(b"1.5,\n", b"1.5,60.00\n")
    assert run(org, "products", fine, as_of=date(2025, 12, 31)).done == 3
    db.session.commit()
    assert run(org, "products", fine, as_of=date(2025, 12, 31)).skipped == 3 and entries() == 2
    stock = {p.code: (p.qty_on_hand, p.stock_value) for p in inventory.list_products(org.id)}
    assert stock == {"RICE5": (12_000, 286_200), "SOAP": (0, 0), "OIL": (1_500, 9_000)}
    assert ledger.balance(org.id, "merchandise_inventory").debit_balance == 295_200
    assert ledger.balance(org.id, "opening_balance_clearing").credit_balance == 295_200


def test_running_loans_come_with_their_remaining_schedule_and_reconcile(make_org):
    from coop.loans import services as loans
    from coop.members import services as members

    org = make_org()
    ana = members.create_member(org.id, name="Ana", actor_id=None, status="active")
    db.session.commit()
    loans.ensure_products(org.id)
    header = "ref,member,product,released_on,amount,due_on,principal,interest,principal_paid,interest_paid"
    content = csv_bytes(header,
                        "OLD-7,M-0001,emergency,2025-10-31,\"3,000.00\",2025-11-30,1000.00,60.00,1000.00,60.00",
                        "OLD-7,M-0001,emergency,2025-10-31,\"3,000.00\",2025-12-31,1000.00,60.00,400.00,60.00",
                        "OLD-7,M-0001,emergency,2025-10-31,\"3,000.00\",2026-01-31,1000.00,60.00,,",
                        "OLD-8,M-0099,nosuch,2025-10-31,500.00,2025-11-30,400.00,,,")
    dry = run(org, "loans", content, dry_run=True, as_of=date(2025, 12, 31))
    assert [(p.row, p.column) for p in dry.problems] == [(5, "member"), (5, "product")]
    good = b"\n".join(content.split(b"\n")[:4]) + b"\n"
    assert run(org, "loans", good, as_of=date(2025, 12, 31)).done == 1
    db.session.commit()
    assert run(org, "loans", good, as_of=date(2025, 12, 31)).skipped == 1 and entries() == 1
    (loan,) = loans.loans_of_member(org.id, ana.id)
    assert (loan.status, loan.principal_outstanding, loan.next_due_on) == ("active", 160_000, date(2025, 12, 31))
    assert [i.settled for i in loans.installments(loan.id)] == [True, False, False]
    party = members.member_party(ana)
    assert ledger.party_balance(org.id, loan.receivable_account, party).debit_balance == 160_000
    assert ledger.recompute_problems(org.id) == []
    payment = loans.repay(org.id, loan.id, 66_000, on=date(2026, 1, 5), actor_id=None)
    assert (payment.principal, payment.interest) == (60_000, 6_000) and loan.principal_outstanding == 100_000


BEANCOUNT = """option "operating_currency" "PHP"
2025-01-01 open Assets:Cash-On-Hand PHP
2025-01-01 open Equity:Opening
  code: "30900"
2025-01-01 open Income:Sales PHP

2025-01-02 * "Opening cash"
  Assets:Cash-On-Hand   1500.00 PHP
  Equity:Opening

2025-01-03 * "Sari-sari store" "Sales of the day"
  Assets:Cash-On-Hand   250.50 PHP
  Income:Sales

2025-01-03 * "Sari-sari store" "Sales of the day"
  Assets:Cash-On-Hand   250.50 PHP
  Income:Sales

2025-01-04 balance Assets:Cash-On-Hand  2001.00 PHP
"""


def test_a_beancount_ledger_comes_in_with_its_balance_assertions(make_org):
    pytest.importorskip("beancount")
    org = make_org()
    content = BEANCOUNT.encode()
    dry = run(org, "beancount", content, dry_run=True, filename="books.beancount")
    assert (dry.done, dry.problems) == (3, [])
    assert run(org, "beancount", content, filename="books.beancount").done == 3
    db.session.commit()
    assert run(org, "beancount", content, filename="books.beancount").skipped == 3 and entries() == 3
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 200_100
    assert ledger.balance(org.id, "sales").credit_balance == 50_100
    wrong = BEANCOUNT.replace("2001.00 PHP", "2000.00 PHP").replace("Income:Sales\n\n2025-01-04", "Income:Nope\n\n2025-01-04")
    with pytest.raises(imports.ImportProblems) as refused:
        run(org, "beancount", wrong.encode(), filename="books.beancount")
    messages = [(p.row, p.column, p.message) for p in refused.value.outcome.problems]
    assert [(row, column) for row, column, _ in messages] == [(19, "file"), (15, "file")]
    assert messages[0][2].startswith("Balance failed for 'Assets:Cash-On-Hand'")
    assert entries() == 3


def test_amounts_in_a_file_are_read_strictly(make_org):
    org = make_org()
    content = csv_bytes("ref,date,memo,account,debit,credit", "A,2025-01-02,x,11110,\"1,50\",",
                        "A,2025-01-02,x,30600,,1.50", "B,2025-01-02,x,11110,\"1,234.50\",",
                        "B,2025-01-02,x,30600,,\"1,234.50\"")
    dry = run(org, "journal", content, dry_run=True)
    assert [(p.row, p.column) for p in dry.problems] == [(2, "debit")]


def test_members_with_share_capital_through_the_members_import(make_org):
    from coop.members import services as members

    org = make_org()
    content = csv_bytes("number,name,subscribed,paid_up,status,admitted_on", "1,Maria Santos,2000,500,active,2024-01-05",
                        "2,Ana Reyes,2000,2000,active,2024-02-01")
    dry = run(org, "members", content, dry_run=True, as_of=date(2025, 12, 31))
    assert (dry.done, dry.problems) == (2, [])
    run(org, "members", content, as_of=date(2025, 12, 31))
    db.session.commit()
    assert len(members.search_members(org.id)) == 2
    again = run(org, "members", content, as_of=date(2025, 12, 31))
    assert (again.done, again.skipped) == (0, 2)


def test_a_year_of_books_through_the_page(make_org, app, client, make_user, login):
    """Upload, map, dry run, confirm, progress; then the trial balance equals the source's to the centavo."""
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug="sunrise")
    login(make_user(org, "officer"))
    lines = ["Ref,Date,Memo,Account,Debit,Credit,Member"]
    totals = {"11110": 0, "40120": 0, "30900": 0}
    for n in range(1, 601):
        amount = 1000 + n
        on = date(2025, 1 + n % 12, 1 + n % 28).isoformat()
        lines += [f"E{n},{on},Fee {n},11110,{amount // 100}.{amount % 100:02d},,",
                  f"E{n},{on},Fee {n},service_fees,,{amount // 100}.{amount % 100:02d},"]
        totals["11110"] += amount
        totals["40120"] += amount
    content = csv_bytes(*lines)
    response = client.post("/o/sunrise/interchange/imports", data={
        "kind": "journal", "file": (io.BytesIO(content), "books-2025.csv")}, content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and b"E1" in page.data  # the first rows, before any choice
    run_id = int(response.headers["Location"].split("/")[-2])
    response = client.post(f"/o/sunrise/interchange/imports/{run_id}/map", data={
        "col_ref": "Ref", "col_date": "Date", "col_memo": "Memo", "col_account": "Account", "col_debit": "Debit",
        "col_credit": "Credit", "col_party": "Member"})
    assert response.status_code == 303
    response.close()
    page = client.get(f"/o/sunrise/interchange/runs/{run_id}")
    assert b"The file is fine: 600 to import" in page.data and entries() == 0
    assert services.column_map(org.id, "journal")["ref"] == "Ref"  # remembered for the next file
    response = client.post(f"/o/sunrise/interchange/imports/{run_id}/confirm")
    assert response.status_code == 303
    response.close()
    page = client.get(f"/o/sunrise/interchange/runs/{run_id}")
    assert b"Imported: 600" in page.data
    db.session.expire_all()
    assert entries() == 600 and ledger.recompute_problems(org.id) == []
    report = {row.code: (row.debit, row.credit) for row in trial_balance(org.id, date(2025, 12, 31)).rows}
    assert report["11110"] == (totals["11110"], 0) and report["40120"] == (0, totals["40120"])
    assert client.get(f"/api/v1/orgs/sunrise/interchange/runs/{run_id}").status_code in (200, 401)


def test_a_bad_file_through_the_page_lists_its_problems(make_org, app, client, make_user, login):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug="dusk")
    login(make_user(org, "officer"))
    content = csv_bytes("ref,date,memo,account,debit,credit", "A,2025-01-01,x,11110,1.00,", "A,2025-01-01,x,nope,,1.00")
    response = client.post("/o/dusk/interchange/imports", data={
        "kind": "journal", "file": (io.BytesIO(content), "bad.csv")}, content_type="multipart/form-data")
    run_id = int(response.headers["Location"].split("/")[-2])
    form = {f"col_{name}": name for name in ("ref", "date", "memo", "account", "debit", "credit")}
    client.post(f"/o/dusk/interchange/imports/{run_id}/map", data=form).close()
    page = client.get(f"/o/dusk/interchange/runs/{run_id}")
    assert b"Unknown account nope" in page.data and b"<td>3</td><td>account</td>" in page.data
    assert client.post(f"/o/dusk/interchange/imports/{run_id}/confirm").status_code in (303, 422)
    assert entries() == 0


def test_a_run_cut_off_by_a_restart_is_started_again(make_org, app):
    org = make_org()
    content = csv_bytes("account,debit,credit", "11110,10.00,", "30900,,10.00")
    row = services.create_run(org.id, "opening_accounts", actor_id=None, filename="o.csv", content=content,
                              mapping={"account": "account", "debit": "debit", "credit": "credit",
                                       "_as_of": "2025-12-31"})
    row.status, row.dry_run, row.heartbeat_at = "running", False, date(2025, 1, 1)  # its thread died long ago
    db.session.commit()
    assert services.runs_to_start() == [row.id]
    db.session.remove()  # SQLite: one writer; the runner's session is another
    runner.execute(app, row.id)
    db.session.expire_all()
    assert db.session.get(InterchangeRun, row.id).status == "done" and entries() == 1
    assert services.runs_to_start() == []


def test_the_resume_command_runs_what_is_left(make_org, app):
    org = make_org()
    content = csv_bytes("account,debit,credit", "11110,10.00,", "30900,,10.00")
    services.create_run(org.id, "opening_accounts", actor_id=None, filename="o.csv", content=content,
                        mapping={"account": "account", "debit": "debit", "credit": "credit", "_as_of": "2025-12-31"})
    db.session.commit()
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["interchange", "resume"])
    assert result.exit_code == 0 and "done" in result.output, result.output


def test_a_beancount_file_and_running_loans_through_the_page(make_org, app, client, make_user, login):
    pytest.importorskip("beancount")
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug="dawnbc")
    login(make_user(org, "officer"))
    response = client.post("/o/dawnbc/interchange/imports", data={
        "kind": "beancount", "file": (io.BytesIO(BEANCOUNT.encode()), "books.beancount")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    response.close()
    run_id = int(response.headers["Location"].rsplit("/", 1)[-1])  # no columns to match: straight to the dry run
    assert b"The file is fine: 3 to import" in client.get(f"/o/dawnbc/interchange/runs/{run_id}").data
    client.post(f"/o/dawnbc/interchange/imports/{run_id}/confirm").close()
    assert b"Imported: 3" in client.get(f"/o/dawnbc/interchange/runs/{run_id}").data
    page = client.get("/o/dawnbc/interchange/imports?lang=fil")
    assert "Mga tumatakbong pautang".encode() in page.data and b"Beancount" in page.data
