"""Each financial report as a Table, with labels in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _

from .services import BalanceSheet, GeneralLedger, Operations, PartyStatement, Section, TrialBalance
from .tabular import Column, Table


def trial_balance_table(report: TrialBalance) -> Table:
    return Table(
        _("Trial balance"), _("As of %(date)s", date=report.as_of.isoformat()),
        (Column("code", _("Code")), Column("name", _("Account")), Column("debit", _("Debit"), "money"),
         Column("credit", _("Credit"), "money")),
        tuple((r.code, r.name, r.debit or None, r.credit or None) for r in report.rows),
        ("", _("Total"), report.total_debit, report.total_credit))


def general_ledger_table(report: GeneralLedger) -> Table:
    rows = [(report.start, None, _("Opening balance"), None, None, report.opening)]
    rows += [(line.entry_date, line.entry_id, line.memo, line.debit or None, line.credit or None, line.balance)
             for line in report.lines]
    return Table(
        _("General ledger: %(code)s %(name)s", code=report.account.code, name=report.account.name),
        _("%(start)s to %(end)s", start=report.start.isoformat(), end=report.end.isoformat()),
        (Column("date", _("Date"), "date"), Column("entry", _("Entry"), "number"), Column("memo", _("Memo")),
         Column("debit", _("Debit"), "money"), Column("credit", _("Credit"), "money"),
         Column("balance", _("Balance"), "money")),
        tuple(rows), (report.end, None, _("Closing balance"), None, None, report.closing))


def party_statement_table(report: PartyStatement, who: str | None = None) -> Table:
    rows = [(report.start, None, _("Opening: %(account)s", account=name), code, None, None, value)
            for code, (name, value) in report.opening.items() if value]
    rows += [(line.entry_date, line.entry_id, line.memo, line.account_code, line.debit or None, line.credit or None,
              None) for line in report.lines]
    rows += [(report.end, None, _("Closing: %(account)s", account=name), code, None, None, value)
             for code, (name, value) in report.closing.items() if value]
    return Table(
        _("Statement of account: %(who)s", who=who or report.label),
        _("%(start)s to %(end)s", start=report.start.isoformat(), end=report.end.isoformat()),
        (Column("date", _("Date"), "date"), Column("entry", _("Entry"), "number"), Column("memo", _("Memo")),
         Column("account", _("Account")), Column("debit", _("Debit"), "money"),
         Column("credit", _("Credit"), "money"), Column("balance", _("Balance (debit)"), "money")),
        tuple(rows), notes=(_("Balances are shown on the debit side: a negative balance is owed to the party."),))


def _section_rows(section: Section, title: str) -> list[tuple]:
    rows = [("", title, None)]
    rows += [(line.code, line.name, line.amount) for line in section.lines]
    rows.append(("", _("Total %(section)s", section=title.lower()), section.total))
    return rows


def balance_sheet_table(report: BalanceSheet) -> Table:
    rows = _section_rows(report.assets, _("Assets"))
    rows += _section_rows(report.liabilities, _("Liabilities"))
    rows += _section_rows(report.equity, _("Equity"))
    rows.append(("", _("Net surplus for the period (not yet allocated)"), report.net_surplus))
    return Table(
        _("Statement of financial condition"), _("As of %(date)s", date=report.as_of.isoformat()),
        (Column("code", _("Code")), Column("name", _("Account")), Column("amount", _("Amount"), "money")),
        tuple(rows), ("", _("Total liabilities and equity"), report.liabilities_and_equity))


def operations_table(report: Operations) -> Table:
    rows = _section_rows(report.income, _("Income")) + _section_rows(report.expenses, _("Expenses"))
    return Table(
        _("Statement of operations"),
        _("%(start)s to %(end)s", start=report.start.isoformat(), end=report.end.isoformat()),
        (Column("code", _("Code")), Column("name", _("Account")), Column("amount", _("Amount"), "money")),
        tuple(rows), ("", _("Net surplus"), report.net_surplus))
