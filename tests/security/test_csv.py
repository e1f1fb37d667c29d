"""Item 10 of issue 15: no CSV cell the application writes is a spreadsheet formula."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.reports.tabular import Column, Table, csv_safe, to_csv


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  "=cmd|' /C calc'!A0"])
def test_formula_cells_are_neutralised(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Gift", "-12.50", "1,234.50", "12", 12, -5, None, "a=b"])
def test_other_cells_are_left_alone(value):
    assert csv_safe(value) == value


def test_table_csv_has_no_formula(make_org):
    table = Table(title="t", subtitle="s", columns=(Column("label", "=Label"), Column("amount", "Amount", "money")),
                  rows=(("=HYPERLINK(\"http://evil\",\"click\")", -1250), ("@x", 5)))
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows == [["'=Label", "Amount"], ["'=HYPERLINK(\"http://evil\",\"click\")", "-12.50"], ["'@x", "0.05"]]


def test_general_ledger_csv_neutralises_a_memo(make_org, make_user, login):
    org = make_org()
    cash = ledger.get_account(org.id, "cash_on_hand")
    ledger.post(Entry(org_id=org.id, entry_date=date(2026, 5, 4), memo='=HYPERLINK("http://evil","Gift")', lines=(
        Line(account="cash_on_hand", debit=500), Line(account="donations_grants", credit=500))))
    db.session.commit()
    client = login(make_user(org, "officer"))
    response = client.get(f"/o/{org.slug}/reports/general-ledger/{cash.id}?start=2026-05-01&end=2026-05-31"
                          "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "HYPERLINK" in text
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
