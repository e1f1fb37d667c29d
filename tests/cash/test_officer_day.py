"""Issue 16, items 5 and 6 end to end as officers meet them, on the pages alone: a teller's day at the desk (count
in, cash taken and paid out, count out, a second officer confirms and the short is posted), the cash taken to the
bank, and the month's bank statement reconciled (upload, automatic and manual matching, the statement as page and
PDF) without a difference."""
import io
from coop.cash import services as cash
from coop.extensions import db
from coop.ledger import services as ledger
from coop.timeutil import today


def _entry(client, org, memo, debit, credit, amount):
    form = {"entry_date": today().isoformat(), "memo": memo,
            "account_id": [ledger.get_account(org.id, debit).id, ledger.get_account(org.id, credit).id],
            "debit": [amount, ""], "credit": ["", amount]}
    assert client.post(f"/o/{org.slug}/ledger/entries", data=form).status_code == 303


def test_a_tellers_day_and_the_bank_reconciliation_on_the_pages(org, make_user, login, app):
    teller_user, checker_user = make_user(org, "officer"), make_user(org, "officer")
    teller, checker = app.test_client(), app.test_client()
    for client, user in ((teller, teller_user), (checker, checker_user)):
        assert client.post("/login", data={"username": user.username, "password": "correct horse battery"}
                           ).status_code == 303
    desk = f"/o/{org.slug}/cash/"
    assert teller.post(f"{desk}sessions", data={"opening_count": "0", "account": "cash_on_hand"}).status_code == 303
    _entry(teller, org, "Donation received at the desk", "cash_on_hand", "other_income", "1,500.00")
    _entry(teller, org, "Pens and paper", "office_supplies", "cash_on_hand", "120.00")
    # paying out more than the drawer holds is refused and written nowhere
    refused = teller.post(f"/o/{org.slug}/ledger/entries", headers={"Referer": f"/o/{org.slug}/ledger/entries/new"},
                          data={"entry_date": today().isoformat(), "memo": "Too much", "debit": ["5000", ""],
                                "account_id": [ledger.get_account(org.id, "office_supplies").id,
                                               ledger.get_account(org.id, "cash_on_hand").id], "credit": ["", "5000"]})
    assert refused.status_code == 303
    assert "below zero" in teller.get(f"/o/{org.slug}/ledger/entries/new").get_data(as_text=True)
    [session] = cash.sessions(org.id)
    assert cash.expected_count(session) == 138_000
    assert teller.post(f"{desk}sessions/{session.id}/close", data={"closing_count": "1,370.00",
                                                                   "note": "short ten"}).status_code == 303
    assert "Another officer" in teller.post(f"{desk}sessions/{session.id}/confirmation", headers={"Referer": desk},
                                            follow_redirects=True).get_data(as_text=True)
    page = checker.post(f"{desk}sessions/{session.id}/confirmation", follow_redirects=True).get_data(as_text=True)
    assert "Closing count confirmed" in page
    db.session.expire_all()
    assert ledger.balance(org.id, "cash_over_short").debit_balance == 1_000
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 137_000

    # the cash goes to the bank; the bank's statement shows it, a charge the books do not have yet, and interest
    assert teller.post(f"{desk}deposits", data={"amount": "1,300.00", "reference": "DS-1",
                                                "deposited_on": today().isoformat()}).status_code == 303
    assert ledger.balance(org.id, "cash_in_bank").debit_balance == 130_000
    day = today().strftime("%m/%d/%Y")
    text = ("Date,Description,Reference,Withdrawal,Deposit,Balance\n"
            f"{day},Cash deposit,DS-1,,\"1,300.00\",\"1,300.00\"\n"
            f"{day},Service charge,,50.00,,\"1,250.00\"\n")
    uploaded = teller.post(f"{desk}statements", data={"file": (io.BytesIO(text.encode()), "bank.csv"),
                                                      "account": "cash_in_bank"}, content_type="multipart/form-data")
    assert uploaded.status_code == 303
    statement_page = uploaded.headers["Location"]
    [statement] = cash.statements(org.id)
    assert teller.post(f"{desk}statements/{statement.id}/auto-match").status_code == 303
    shown = teller.get(statement_page).get_data(as_text=True)
    assert "Service charge" in shown
    r = cash.reconciliation(org.id, statement.id)
    assert r["matched"] == 1 and r["difference"] == 0 and r["book_balance"] == 130_000
    assert [line.description for line in r["bank_debits"]] == ["Service charge"]
    # the officer books the charge; the next automatic match finds it and nothing is left on either side
    _entry(teller, org, "Bank service charge", "bank_charges", "cash_in_bank", "50.00")
    assert teller.post(f"{desk}statements/{statement.id}/auto-match").status_code == 303
    r = cash.reconciliation(org.id, statement.id)
    assert (r["matched"], r["unmatched_bank"], r["unmatched_book"], r["difference"]) == (2, [], [], 0)
    # undo a match and make it by hand from the page
    charge = [line for line in cash.statement_lines(org.id, statement.id) if line.amount == -5_000][0]
    book_line = charge.journal_line_id
    assert teller.post(f"{desk}lines/{charge.id}/unmatch").status_code == 303
    assert f'value="{book_line}"' in teller.get(statement_page).get_data(as_text=True)
    assert teller.post(f"{desk}lines/{charge.id}/match", data={"journal_line_id": book_line}).status_code == 303
    # a book line matched already, or of another amount, is refused with the message on the statement's page
    deposit = [line for line in cash.statement_lines(org.id, statement.id) if line.amount > 0][0]
    assert teller.post(f"{desk}lines/{deposit.id}/unmatch").status_code == 303
    taken = teller.post(f"{desk}lines/{deposit.id}/match", data={"journal_line_id": book_line},
                        headers={"Referer": statement_page}, follow_redirects=True)
    assert "already matched to another statement line" in taken.get_data(as_text=True)
    assert teller.post(f"{desk}lines/{charge.id}/unmatch").status_code == 303
    wrong = teller.post(f"{desk}lines/{deposit.id}/match", data={"journal_line_id": book_line},
                        headers={"Referer": statement_page}, follow_redirects=True)
    assert "The amounts differ" in wrong.get_data(as_text=True)
    assert teller.post(f"{desk}statements/{statement.id}/auto-match").status_code == 303
    pdf = checker.get(f"{desk}statements/{statement.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert cash.reconciliation(org.id, statement.id)["difference"] == 0
    assert cash.reconciliation(org.id, statement.id)["matched"] == 2
