"""Chart rows say which accounts hold cash and which a domain keeps; typed errors chosen where found."""
import importlib.util
from datetime import date
from pathlib import Path

import pytest

import coop
from coop.errors import Invalid
from coop.ledger import checks, errors
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line


def _migration(name: str = "0007_account_flags"):
    path = Path(coop.__file__).parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["cooperative", "ngo"])
def test_the_migration_flags_existing_charts_as_the_shipped_charts_flag_new_ones(kind):
    migration = _migration()
    rows = ledger.chart_rows(kind)
    keys = {row["key"] for row in rows if row["key"]}
    assert {row["key"] for row in rows if row["is_cash"] == "1"} == set(migration.CASH) & keys
    control = set(migration.CONTROL) | set(_migration("0100_savings").CONTROL) | set(
        _migration("0120_yearend").CONTROL) | set(_migration("0180_control16_allowance").CONTROL) | {
        "capital_loans_receivable"}  # later migrations flag more (0170_groups)
    assert {row["key"] for row in rows if row["is_control"] == "1"} == control & keys


def test_cash_accounts_are_the_active_cash_accounts_by_code(make_org):
    coop_org, ngo = make_org(), make_org("ngo")
    assert [a.key for a in ledger.cash_accounts(coop_org.id)] == ["cash_on_hand", "cash_in_bank", "petty_cash",
                                                                 "e_wallet_fund"]
    assert [a.key for a in ledger.cash_accounts(ngo.id)] == ["cash_in_bank", "cash_on_hand", "petty_cash"]
    ledger.update_account(coop_org.id, ledger.get_account(coop_org.id, "petty_cash").id, active=False)
    assert "petty_cash" not in [a.key for a in ledger.cash_accounts(coop_org.id)]
    assert ledger.get_account(coop_org.id, "merchandise_inventory").is_control
    assert not ledger.get_account(coop_org.id, "sales").is_control


def test_cash_account_refuses_what_is_not_cash(make_org):
    org = make_org()
    assert ledger.cash_account(org.id, "cash_in_bank") == "cash_in_bank"
    for key in ("sales", "no_such_account", "petty_cash_x"):
        with pytest.raises(Invalid) as refused:
            ledger.cash_account(org.id, key, field="paid_from")
        assert refused.value.field == "paid_from"


def test_a_donor_fund_under_the_restricted_heading_is_a_control_account(make_org):
    org = make_org("ngo")
    group = ledger.get_account(org.id, "net_assets_restricted")
    fund = ledger.add_account(org.id, code="3201", name="Restricted fund: X", type=group.type, parent_id=group.id)
    assert fund.is_control and not fund.is_cash


def test_the_balance_check_names_its_own_error():
    entry = Entry(1, date(2026, 1, 1), "x", (Line("a", debit=2), Line("b", credit=1)))
    [problem] = checks.structural_problems(entry)
    assert problem.error is errors.UnbalancedEntry and problem.field == "lines"
    [problem] = checks.structural_problems(Entry(1, date(2026, 1, 1), " ", entry.lines))
    assert problem.error is errors.RefusedEntry and problem.field == "memo"


def test_posting_raises_the_typed_error(make_org):
    org = make_org()
    with pytest.raises(errors.UnbalancedEntry, match="unbalanced"):
        ledger.post(Entry(org.id, date(2026, 1, 1), "x", (Line("cash_on_hand", debit=2), Line("sales", credit=1))))
    with pytest.raises(errors.RefusedEntry, match="at least two lines"):
        ledger.post(Entry(org.id, date(2026, 1, 1), "x", (Line("cash_on_hand", debit=2),)))
    with pytest.raises(errors.UnknownEntry):
        ledger.get_entry(org.id, 999_999)
