"""Bank reconciliation: a CSV statement, auto-matched by amount within a date window, manual match, the statement."""
import io
from datetime import timedelta

import pytest

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.cash import services as cash
from coop.timeutil import today

DAY = today()


def book(org, centavos, days_ago, memo):
    """A cash-in-bank line: > 0 money in (a deposit), < 0 money out (a check)."""
    on = DAY - timedelta(days=days_ago)
    lines = ((Line("cash_in_bank", debit=centavos), Line("other_income", credit=centavos)) if centavos > 0 else
             (Line("office_supplies", debit=-centavos), Line("cash_in_bank", credit=-centavos)))
    return ledger.post(Entry(org.id, on, memo, lines)).id


def csv_text(*rows, balance=True):
    head = "Date,Description,Reference,Withdrawal,Deposit" + (",Balance" if balance else "")
    return "\n".join([head] + [",".join(f'"{c}"' for c in row) for row in rows]) + "\n"


def d(days_ago):
    return (DAY - timedelta(days=days_ago)).strftime("%m/%d/%Y")


@pytest.fixture
def books(org):
    book(org, 1_000_000, 20, "Opening deposit")
    book(org, 250_000, 10, "Deposit of collections")
    book(org, -80_000, 9, "Check 101 supplies")
    book(org, -30_000, 4, "Check 102 (not yet cleared)")
    book(org, 40_000, 3, "Deposit in transit")
    return org


def statement(org):
    return csv_text(
        (d(20), "Deposit", "", "", "10,000.00", "10,000.00"),
        (d(8), "Deposit", "", "", "2500.00", "12,500.00"),   # two days after the books: in the window
        (d(6), "Check 101", "101", "800.00", "", "11,700.00"),
        (d(3), "Bank service charge", "", "50.00", "", "11,650.00"),
        (d(3), "Interest", "", "", "12.34", "11,662.34"))


def test_import_auto_matches_and_the_statement_reconciles(books):
    org = books
    imported = cash.import_statement(org.id, None, statement(org), filename="march.csv")
    assert imported.closing_balance == 1_166_234
    r = cash.reconciliation(org.id, imported.id)
    assert r["matched"] == 3
    assert [line.description for line in r["unmatched_bank"]] == ["Bank service charge", "Interest"]
    assert [row.memo for row in r["deposits_in_transit"]] == ["Deposit in transit"]
    assert [row.memo for row in r["outstanding_checks"]] == ["Check 102 (not yet cleared)"]
    assert r["book_balance"] == 1_180_000
    assert r["adjusted_bank"] == 1_166_234 + 40_000 - 30_000
    assert r["adjusted_book"] == 1_180_000 - 5_000 + 1_234
    assert r["difference"] == 0


def test_a_line_outside_the_window_is_not_matched_and_manual_matching(books):
    org = books
    late = book(org, 77_700, 15, "Deposit booked late")
    text = csv_text((d(5), "Deposit", "", "", "777.00"), balance=False)
    with pytest.raises(Invalid, match="ending balance"):
        cash.import_statement(org.id, None, text)
    imported = cash.import_statement(org.id, None, text, closing_balance=77_700)
    line = cash.statement_lines(org.id, imported.id)[0]
    assert line.journal_line_id is None  # ten days apart: the window is 3 days
    other = [row for row in ledger.book_lines(org.id, ledger.get_account(org.id, "cash_in_bank").id)
             if row.entry_id != late][0]
    with pytest.raises(Invalid, match="amounts differ"):
        cash.match(org.id, line.id, other.line_id, None)
    late_line = [row for row in ledger.book_lines(org.id, ledger.get_account(org.id, "cash_in_bank").id)
                 if row.entry_id == late][0]
    cash.match(org.id, line.id, late_line.line_id, None)
    assert line.matched_how == "manual"
    with pytest.raises(Conflict):
        cash.match(org.id, line.id, late_line.line_id, None)
    cash.unmatch(org.id, line.id, None)
    assert line.journal_line_id is None
    with pytest.raises(Conflict):
        cash.unmatch(org.id, line.id, None)


def test_bad_files_are_refused_with_the_line_number(org):
    with pytest.raises(Invalid, match="columns"):
        cash.import_statement(org.id, None, "When,What\n2026-01-01,x\n")
    with pytest.raises(Invalid, match="Line 2"):
        cash.import_statement(org.id, None, "Date,Amount,Balance\nyesterday,5,5\n")
    with pytest.raises(Invalid, match="Line 3"):
        cash.import_statement(org.id, None, f"Date,Amount,Balance\n{DAY.isoformat()},5,5\n{DAY.isoformat()},five,5\n")


def test_a_statement_from_the_future_or_imported_twice_is_refused(books, make_user, login):
    """A line dated a year ahead was imported as it came; the same file uploaded twice (a double click) made a
    second statement, its lines counted again."""
    org = books
    ahead = (DAY + timedelta(days=365)).isoformat()
    with pytest.raises(Invalid, match="after today"):
        cash.import_statement(org.id, None, f"Date,Amount,Balance\n{DAY.isoformat()},5,5\n{ahead},5,10\n")
    first = cash.import_statement(org.id, None, statement(org))
    with pytest.raises(Conflict, match="imported already"):
        cash.import_statement(org.id, None, statement(org))
    db.session.commit()
    client = login(make_user(org, "officer"))
    again = client.post(f"/o/{org.slug}/cash/statements", data={
        "file": (io.BytesIO(statement(org).encode()), "march.csv"), "account": "cash_in_bank"},
        content_type="multipart/form-data", headers={"Referer": f"/o/{org.slug}/cash/"}, follow_redirects=True)
    assert f"#{first.id}" in again.get_data(as_text=True) and len(cash.statements(org.id)) == 1


def test_what_is_less_is_shown_as_the_amount_taken_away(books, make_user, login):
    """'Less: outstanding checks -₱300.00' read as a double negative to the treasurer: the line already says less."""
    org = books
    imported = cash.import_statement(org.id, None, statement(org))
    db.session.commit()
    page = login(make_user(org, "officer")).get(f"/o/{org.slug}/cash/statements/{imported.id}").get_data(as_text=True)
    assert 'Less: outstanding checks</td><td class="num">₱300.00<' in page  # check 102, not yet cleared
    assert 'not in the books</td><td class="num">₱50.00<' in page  # the bank's service charge


def test_the_pages_the_pdf_and_the_api(books, make_user, login, api):
    org = books
    db.session.commit()
    client = login(make_user(org, "officer"))
    uploaded = client.post(f"/o/{org.slug}/cash/statements", data={
        "file": (io.BytesIO(statement(org).encode()), "march.csv"), "account": "cash_in_bank"},
        content_type="multipart/form-data")
    assert uploaded.status_code == 303
    page = client.get(uploaded.headers["Location"])
    assert page.status_code == 200 and b"Bank service charge" in page.data and b"Deposit in transit" in page.data
    statement_id = cash.statements(org.id)[0].id
    pdf = client.get(f"/o/{org.slug}/cash/statements/{statement_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    fil = client.get(f"/o/{org.slug}/cash/statements/{statement_id}?lang=fil")
    assert "Pagtutugma sa Bangko".encode() in fil.data
    rest = api(make_user(org, "officer"))
    base = f"/api/v1/orgs/{org.slug}/cash"
    r = rest.get(f"{base}/statements/{statement_id}/reconciliation").json
    assert r["difference_centavos"] == 0 and r["matched"] == 3 and len(r["unmatched_bank"]) == 2
    matched = [line for line in cash.statement_lines(org.id, statement_id) if line.journal_line_id][0]
    undone = rest.post(f"{base}/lines/{matched.id}/unmatch")
    assert undone.status_code == 200 and undone.json["journal_line_id"] is None
    again = rest.post(f"{base}/lines/{matched.id}/match", json={"journal_line_id": 999999})
    assert again.status_code == 404
    created = rest.post(f"{base}/statements", json={"csv": "Date,Amount\n" + DAY.isoformat() + ",1\n",
                                                    "closing_balance": "1.00"})
    assert created.status_code == 201 and created.json["closing_balance_centavos"] == 100
