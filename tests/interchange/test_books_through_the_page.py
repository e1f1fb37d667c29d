"""Done when: a year of spreadsheet books (members, opening balances, journal rows) comes in through the upload
page with a dry run, then a confirmation; the ledger check passes and the trial balance equals the source's to
the centavo; bad files list their problems and change nothing; the same files again change nothing."""
import io
import re
from collections import defaultdict
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from coop.extensions import db
from coop.interchange import services
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry, JournalLine
from coop.reports.services import trial_balance

SLUG = "harvest"
CUT_OVER = date(2024, 12, 31)
CODES = {"cash_on_hand": "11110", "cash_in_bank": "11130", "accounts_receivable_trade": "11250",
         "office_supplies": "73190", "service_fees": "40120", "reserve_fund": "30810",
         "undivided_net_surplus": "30600", "opening_balance_clearing": "30900", "paid_up": "30130",
         "subscribed": "30110", "receivable": "30120"}


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pesos(centavos):
    return f"{centavos // 100}.{centavos % 100:02d}"


def the_books():
    """The three files of a cooperative's year, and the trial balance they make (code -> debit less credit)."""
    expected = defaultdict(int)
    members = [["Number", "Name", "Subscribed", "Paid Up", "Status", "Admitted On"]]
    for n in range(1, 7):
        subscribed, paid = 200_000, 50_000 * (n % 4 + 1)
        members.append([n, f"Member {n}", pesos(subscribed), pesos(paid), "active", date(2023, n, 10)])
        expected[CODES["opening_balance_clearing"]] += paid
        expected[CODES["paid_up"]] -= paid
        expected[CODES["receivable"]] += subscribed - paid
        expected[CODES["subscribed"]] -= subscribed - paid
    paid_total = -expected[CODES["paid_up"]]
    opening = [["Account", "Debit", "Credit", "Member"],
               ["11110", pesos(123_456), None, None],
               ["cash_in_bank", pesos(1_000_000), None, None],
               ["11250", pesos(45_678), None, "M-0002"],
               ["30810", None, pesos(300_000), None],
               ["30900", None, pesos(paid_total), None],
               ["30600", None, pesos(123_456 + 1_000_000 + 45_678 - 300_000 - paid_total), None]]
    for account, debit, credit, _party in opening[1:]:
        code = CODES.get(account, account)
        expected[code] += int(round(float(debit or 0) * 100)) - int(round(float(credit or 0) * 100))
    journal = ["ref,date,memo,account,debit,credit,party"]
    for n in range(1, 121):
        on = date(2025, 1 + n % 12, 1 + n % 28).isoformat()
        amount = 1_000 + n * 37
        if n % 3 == 0:
            journal += [f"JV-{n},{on},Supplies {n},office_supplies,{pesos(amount)},,",
                        f"JV-{n},{on},Supplies {n},cash_on_hand,,{pesos(amount)},"]
            expected["73190"] += amount
            expected["11110"] -= amount
        elif n % 3 == 1:
            journal += [f"JV-{n},{on},Fees {n},cash_on_hand,{pesos(amount)},,",
                        f"JV-{n},{on},Fees {n},service_fees,,{pesos(amount - 100)},",
                        f"JV-{n},{on},Fees {n},cash_in_bank,,1.00,"]
            expected["11110"] += amount
            expected["40120"] -= amount - 100
            expected["11130"] -= 100
        else:
            journal += [f"JV-{n},{on},Collection {n},cash_on_hand,{pesos(amount)},,",
                        f"JV-{n},{on},Collection {n},accounts_receivable_trade,,{pesos(amount)},M-0002"]
            expected["11110"] += amount
            expected["11250"] -= amount
    return (xlsx(members), xlsx(opening), ("\n".join(journal) + "\n").encode(),
            {code: net for code, net in expected.items() if net})


def through_the_page(client, kind, filename, content, as_of=None):
    """Upload, match the columns as the page guesses them, dry run: (run id, the run's page)."""
    response = client.post(f"/o/{SLUG}/interchange/imports", data={"kind": kind, "file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    run_id = int(response.headers["Location"].split("/")[-2])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    form = {}
    for name, options in re.findall(r'<select name="(col_\w+)">(.*?)</select>', page):
        chosen = re.search(r'<option value="([^"]*)" selected[^>]*>', options)
        if chosen:
            form[name] = chosen.group(1)
    if as_of:
        form["as_of"] = as_of.isoformat()
    client.post(f"/o/{SLUG}/interchange/imports/{run_id}/map", data=form).close()
    return run_id, client.get(f"/o/{SLUG}/interchange/runs/{run_id}").get_data(as_text=True)


def confirm(client, run_id):
    response = client.post(f"/o/{SLUG}/interchange/imports/{run_id}/confirm")
    response.close()
    return response, client.get(f"/o/{SLUG}/interchange/runs/{run_id}").get_data(as_text=True)


def state(org_id):
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.org_id == org_id)),
            db.session.scalar(select(func.count()).select_from(JournalLine).where(JournalLine.org_id == org_id)),
            {row.code: row.debit - row.credit for row in trial_balance(org_id, date(2025, 12, 31)).rows})


def test_a_year_of_spreadsheet_books_through_the_page(make_org, app, client, make_user, login):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug=SLUG)
    login(make_user(org, "officer"))
    members, opening, journal, expected = the_books()

    for kind, filename, content, as_of, count in (("members", "members.xlsx", members, CUT_OVER, 6),
                                                  ("opening_accounts", "opening.xlsx", opening, CUT_OVER, 1),
                                                  ("journal", "journal-2025.csv", journal, None, 120)):
        before = state(org.id)
        run_id, page = through_the_page(client, kind, filename, content, as_of)
        assert f"The file is fine: {count} to import, 0 already there" in page, (kind, page[-2000:])
        assert state(org.id) == before  # a dry run keeps nothing
        response, page = confirm(client, run_id)
        assert response.status_code == 303 and f"Imported: {count}; already there: 0" in page, (kind, page[-2000:])

    entries, lines, balances = state(org.id)
    assert balances == expected  # the source's trial balance, to the centavo
    assert entries == 6 + 1 + 120
    assert ledger.recompute_problems(org.id) == []
    check = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert check.exit_code == 0, check.output

    # the same files again: everything is already there, nothing changes
    for kind, filename, content, as_of, count in (("members", "members.xlsx", members, CUT_OVER, 6),
                                                  ("opening_accounts", "opening.xlsx", opening, CUT_OVER, 1),
                                                  ("journal", "journal-2025.csv", journal, None, 120)):
        run_id, page = through_the_page(client, kind, filename, content, as_of)
        assert f"The file is fine: 0 to import, {count} already there" in page, (kind, page[-2000:])
        _response, page = confirm(client, run_id)
        assert f"Imported: 0; already there: {count}" in page
    assert state(org.id) == (entries, lines, balances)


def test_bad_books_list_their_problems_and_change_nothing(make_org, app, client, make_user, login):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug=SLUG)
    login(make_user(org, "officer"))
    _members, _opening, journal, _expected = the_books()
    run_id, _page = through_the_page(client, "journal", "journal-2025.csv", journal)
    confirm(client, run_id)
    before = state(org.id)

    bad = journal.decode().replace("JV-7,2025-08-08,Fees 7,service_fees", "JV-7,2025-08-08,Fees 7,nosuch")
    bad = bad.replace("JV-9,2025-10-10,Supplies 9,cash_on_hand,,13.33", "JV-9,2025-10-10,Supplies 9,cash_on_hand,,13.34")
    bad = bad.replace("JV-11,2025-12-12,Collection 11,accounts_receivable_trade,,14.07,M-0002",
                      "JV-11,2025-12-12,Collection 11,accounts_receivable_trade,,14.07,M-0999")
    bad += "JV-500,2025-13-01,Wrong day,cash_on_hand,1.00,,\nJV-500,2025-13-01,Wrong day,service_fees,,1.00,\n"
    run_id, page = through_the_page(client, "journal", "journal-2025-fixed.csv", bad.encode())
    assert "Nothing was imported or sent" in page
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>([^<]*)</td></tr>", page)
    problems = {(int(row), column) for row, column, _message in rows}
    line_of = {line.split(",")[0] + line.split(",")[3]: n for n, line in enumerate(bad.splitlines(), start=1)}
    assert (line_of["JV-7nosuch"], "account") in problems
    assert (line_of["JV-9office_supplies"], "credit") in problems  # unbalanced, said on the entry's first row
    assert (line_of["JV-11accounts_receivable_trade"], "party") in problems
    assert (line_of["JV-500cash_on_hand"], "date") in problems
    assert any("Unknown account nosuch" in message for _row, _column, message in rows)
    response, _page = confirm(client, run_id)
    assert response.status_code == 303  # refused: back to the page with the message
    assert state(org.id) == before

    # a members file with a problem: nothing of it either
    members = xlsx([["Number", "Name", "Subscribed", "Paid Up"], [1, "Ana", "2000.00", "500.00"],
                    [2, None, "2000.00", "2500.00"]])
    run_id, page = through_the_page(client, "members", "members.xlsx", members, CUT_OVER)
    assert "<td>3</td><td>name</td>" in page and "<td>3</td><td>paid_up</td>" in page
    confirm(client, run_id)
    assert state(org.id) == before
    from coop.members import services as members_services
    assert members_services.search_members(org.id) == []
    assert services.recent_runs(org.id)[0].status == "failed"


def test_a_beancount_file_skips_the_column_step(make_org, app, client, make_user, login):
    app.config["INTERCHANGE_RUN_INLINE"] = True
    org = make_org(slug=SLUG)
    login(make_user(org, "officer"))
    content = b'2025-01-01 open Assets:Cash-On-Hand PHP\n2025-01-01 open Income:Sales PHP\n'
    response = client.post(f"/o/{SLUG}/interchange/imports", data={
        "kind": "beancount", "file": (io.BytesIO(content), "books.beancount")}, content_type="multipart/form-data")
    assert response.status_code == 303 and "/runs/" in response.headers["Location"]  # no column map to fill in
    response.close()
    run_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    map_page = client.get(f"/o/{SLUG}/interchange/imports/{run_id}/map")
    assert map_page.status_code == 302 and map_page.headers["Location"].endswith(f"/runs/{run_id}")
    # a Beancount file offered as another kind, or another file as Beancount: said at once, by the field
    for kind, filename in (("journal", "books.beancount"), ("beancount", "books.csv")):
        refused = client.post(f"/o/{SLUG}/interchange/imports", data={
            "kind": kind, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")
        assert refused.status_code in (303, 422)
        assert len(services.recent_runs(org.id)) == 1
