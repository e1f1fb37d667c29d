"""ledger.import_entries: post's checks on a stream, all rows or none, idempotent by reference."""
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from coop.audit.models import AuditEvent
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry, JournalLine


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in (JournalEntry, JournalLine, AuditEvent))


def rows_for(n, party="M-1", start=1):
    """n entries of three lines each: cash 30.00 in, 20.00 shares (party), 10.00 income."""
    out, row = [], start
    for i in range(n):
        ref = f"JE-{i}"
        on = date(2026, 1 + i % 2, 1 + i % 28).isoformat()
        out += [(row, ref, on, f"Entry {i}", "11110", "30.00", "", ""),
                (row + 1, ref, on, f"Entry {i}", "deposit_for_share_capital_subscription", "", "20.00", party),
                (row + 2, ref, on, "fee", "service_fees", "", "10", "")]
        row += 3
    return out


def test_imports_in_batches_and_updates_balances(make_org):
    org = make_org()
    ledger.ensure_party(org.id, "member", 1, "M-1")
    db.session.commit()
    summary = ledger.import_entries(org.id, iter(rows_for(25)), batch_size=10)
    db.session.commit()
    assert (summary.entries, summary.lines, summary.batches, summary.skipped) == (25, 75, 3, 0)
    assert counts() == (25, 75, 3)  # one audit row per batch
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 25 * 3000
    party = ledger.list_parties(org.id, ("member",))[0].id
    assert ledger.party_balance(org.id, "deposit_for_share_capital_subscription", party).credit_balance == 25 * 2000
    assert ledger.recompute_problems(org.id) == []
    entry = ledger.get_entry(org.id, summary.first_id)
    assert entry.memo == "Entry 0" and [line.memo for line in entry.lines] == [None, None, "fee"]
    jan = ledger.balances_as_of(org.id, date(2026, 1, 31))[ledger.get_account(org.id, "cash_on_hand").id]
    assert jan.debit_balance == 13 * 3000
    # the same file again changes nothing
    again = ledger.import_entries(org.id, iter(rows_for(25)), batch_size=10)
    db.session.commit()
    assert (again.entries, again.skipped) == (0, 25)
    assert counts() == (25, 75, 3)


def test_every_problem_is_listed_with_row_and_column_and_nothing_is_written(make_org, app):
    org = make_org()
    ledger.ensure_party(org.id, "member", 1, "M-1")
    ledger.close_period(org.id, 2025, 12, None)
    db.session.commit()
    before = counts()
    rows = rows_for(3) + [
        (10, "B1", "2026-13-01", "bad date", "11110", "1.00", "", ""),
        (11, "B1", "2026-13-01", "bad date", "nope", "", "1.00", ""),
        (12, "B2", "2026-01-05", "unbalanced", "11110", "1.00", "", ""),
        (13, "B2", "2026-01-05", "unbalanced", "service_fees", "", "2.00", ""),
        (14, "B3", "2025-12-05", "closed", "11110", "1.00", "", "M-9"),
        (15, "B3", "2025-12-05", "closed", "service_fees", "-1", "", ""),
        (16, "B4", "2026-01-05", "", "10000", "1.00", "", ""),
        (17, "JE-0", "2026-01-05", "again", "11110", "1.00", "", ""),
    ]
    dry = ledger.import_entries(org.id, iter(rows), dry_run=True)
    assert [(p.row, p.column) for p in dry.problems] == [
        (10, "date"), (11, "account"), (12, "credit"), (14, "date"), (14, "party"), (15, "debit"),
        (16, "memo"), (16, None), (16, "account"), (17, "ref"), (17, None)]
    assert "unbalanced" in str(dry.problems[2].message) and "heading" in str(dry.problems[8].message)
    # the run's page says them in the language of whoever reads it, with her pesos and dates
    with app.test_request_context(), force_locale("fil"):
        assert str(dry.problems[2].message) == "Hindi balanse ang entry: debit ₱1.00 at credit ₱2.00."
        assert str(dry.problems[8].message).startswith("Heading ang 10000 ")
    assert str(dry.problems[2].message) == "The entry is unbalanced: debits ₱1.00 and credits ₱2.00."
    assert counts() == before
    with pytest.raises(ledger.ImportRefused) as refused:
        ledger.import_entries(org.id, iter(rows), batch_size=2)
    assert len(refused.value.problems) == len(dry.problems)
    db.session.rollback()
    assert counts() == before
    assert ledger.balance(org.id, "cash_on_hand").debit_total == 0


def test_a_reference_imported_with_other_content_is_a_problem(make_org):
    org = make_org()
    ledger.ensure_party(org.id, "member", 1, "M-1")
    db.session.commit()
    ledger.import_entries(org.id, iter(rows_for(2)))
    db.session.commit()
    changed = rows_for(2)
    changed[0] = changed[0][:5] + ("31.00",) + changed[0][6:]
    changed[2] = changed[2][:6] + ("11.00",) + changed[2][7:]
    dry = ledger.import_entries(org.id, iter(changed), dry_run=True)
    assert [(p.row, p.column) for p in dry.problems] == [(1, "ref")]
    assert "other content" in str(dry.problems[0].message)


def test_the_command_imports_a_csv_all_or_none(make_org, app, tmp_path):
    org = make_org(slug="cli")
    good = tmp_path / "good.csv"
    good.write_text("ref,date,memo,account,debit,credit\nA1,2026-01-02,Opening cash,11110,\"1,000.00\",\n"
                    "A1,2026-01-02,Opening cash,30900,,1000.00\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("ref,date,memo,account,debit,credit\nB1,2026-01-02,x,11110,5.00,\nB1,2026-01-02,x,nope,,5.00\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ledger", "import", str(good), "--org", "cli", "--dry-run"])
    assert result.exit_code == 0 and "would be imported" in result.output
    assert counts()[0] == 0
    result = runner.invoke(args=["ledger", "import", str(good), "--org", "cli"])
    assert result.exit_code == 0 and "1 entries of 2 lines imported" in result.output
    result = runner.invoke(args=["ledger", "import", str(bad), "--org", "cli"])
    assert result.exit_code == 1 and "row 3, account: Unknown account nope." in result.output
    db.session.expire_all()
    assert counts()[:2] == (1, 2)
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 100_000


def test_the_long_way_and_the_fast_way_agree_and_a_future_date_is_refused(make_org):
    """Rows the fast path does not take (spaces, a line's own memo, a party's label with spaces) make the same
    entries as clean rows, so a re-run of the tidied file finds them; a date after today is a problem, as in post."""
    from coop.timeutil import today

    org = make_org()
    ledger.ensure_party(org.id, "member", 1, "M-1")
    db.session.commit()
    untidy = [(1, " U1 ", "2026-01-05", " Cash in ", " 11110", " 1,000.00 ", "", ""),
              (2, " U1 ", "2026-01-05", "Cash in", "deposit_for_share_capital_subscription", "", "1000.00", " M-1 "),
              (3, "U2", "2026-01-06", "Fee", "11110", "5.00", "", ""),
              (4, "U2", "2026-01-06", "Fee", "service_fees", "", "5.00", "")]
    summary = ledger.import_entries(org.id, iter(untidy))
    db.session.commit()
    assert (summary.entries, summary.lines) == (2, 4)
    tidy = [(1, "U1", "2026-01-05", "Cash in", "11110", "1000.00", "", ""),
            (2, "U1", "2026-01-05", "Cash in", "deposit_for_share_capital_subscription", "", "1000.00", "M-1"),
            (3, "U2", "2026-01-06", "Fee", "11110", "5.00", "", ""),
            (4, "U2", "2026-01-06", "Fee", "service_fees", "", "5.00", "")]
    again = ledger.import_entries(org.id, iter(tidy), dry_run=True)
    assert (again.entries, again.skipped, again.problems) == (0, 2, ())
    later = (today().replace(day=1) + __import__("datetime").timedelta(days=62)).isoformat()
    future = [(1, "F1", later, "Too soon", "11110", "1.00", "", ""),
              (2, "F1", later, "Too soon", "service_fees", "", "1.00", "")]
    dry = ledger.import_entries(org.id, iter(future), dry_run=True)
    assert [(p.row, p.column) for p in dry.problems] == [(1, "date")] and "latest date" in str(dry.problems[0].message)


def test_an_error_in_the_writer_is_raised_and_nothing_is_kept(make_org, monkeypatch):
    from coop.ledger import bulk

    org = make_org()
    ledger.ensure_party(org.id, "member", 1, "M-1")
    db.session.commit()
    before = counts()

    def broken(self, n):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk._Writer, "_reserve", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        ledger.import_entries(org.id, iter(rows_for(25)), batch_size=10)
    db.session.rollback()
    assert counts() == before
