"""Financial statements computed from the ledger's balance rows (as of a date) and lines (for a range)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..audit import services as audit
from ..ledger import services as ledger
from ..ledger.models import Account
from .statements import CLOSING_SOURCES


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalance:
    as_of: date
    rows: tuple[TrialBalanceRow, ...]
    total_debit: int
    total_credit: int


def trial_balance(org_id: int, as_of: date | None = None) -> TrialBalance:
    """Every account with a balance, on its debit or credit side; the two totals are equal."""
    balances = ledger.balances_as_of(org_id, as_of)
    rows = []
    for account in ledger.list_accounts(org_id):
        found = balances.get(account.id)
        if found is None or found.debit_balance == 0:
            continue
        net = found.debit_balance
        rows.append(TrialBalanceRow(account.id, account.code, account.name, max(net, 0), max(-net, 0)))
    return TrialBalance(as_of or date.today(), tuple(rows), sum(r.debit for r in rows), sum(r.credit for r in rows))


@dataclass(frozen=True)
class LedgerLine:
    entry_id: int
    entry_date: date
    memo: str
    party_id: int | None
    debit: int
    credit: int
    balance: int


@dataclass(frozen=True)
class GeneralLedger:
    account: Account
    start: date
    end: date
    opening: int
    lines: tuple[LedgerLine, ...]
    closing: int


def _signed(account: Account, debit: int, credit: int) -> int:
    return debit - credit if account.normal_side == "debit" else credit - debit


def general_ledger(org_id: int, account_id: int, start: date, end: date, party_id: int | None = None) -> GeneralLedger:
    """An account's lines in a date range with the running balance on its normal side."""
    account = ledger.get_account(org_id, account_id)
    opening_balance, rows = ledger.account_activity(org_id, account.id, start, end, party_id)
    running = _signed(account, opening_balance.debit_total, opening_balance.credit_total)
    opening = running
    lines = []
    for entry_id, entry_date, memo, debit, credit, party, _line_memo in rows:
        running += _signed(account, debit, credit)
        lines.append(LedgerLine(entry_id, entry_date, memo, party, debit, credit, running))
    return GeneralLedger(account, start, end, opening, tuple(lines), running)


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    entry_date: date
    memo: str
    account_code: str
    account_name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class PartyStatement:
    party_id: int
    label: str
    start: date
    end: date
    opening: dict  # account code -> (name, debit balance)
    lines: tuple[StatementLine, ...]
    closing: dict


def party_statement(org_id: int, party_id: int, start: date, end: date, *, viewer_id: int | None = None,
                    own: bool = False) -> PartyStatement:
    """What moved for one party (a member, supplier, beneficiary...) on every account, with balances.

    Someone's statement is a personal record: staff opening it (viewer_id, not `own`) is audited.
    """
    party = ledger.get_party(org_id, party_id)
    if viewer_id is not None and not own:
        audit.record("party.statement.view", org_id=org_id, user_id=viewer_id, target_type="party", target_id=party.id)
    accounts = {a.id: a for a in ledger.list_accounts(org_id)}
    opening_by_id, rows = ledger.party_activity(org_id, party_id, start, end)
    closing_by_id = {a: b.debit_balance for a, b in opening_by_id.items()}
    lines = []
    for entry_id, entry_date, memo, account_id, debit, credit in rows:
        account = accounts[account_id]
        lines.append(StatementLine(entry_id, entry_date, memo, account.code, account.name, debit, credit))
        closing_by_id[account_id] = closing_by_id.get(account_id, 0) + debit - credit

    def by_code(values):
        return {accounts[a].code: (accounts[a].name, v) for a, v in sorted(values.items(), key=lambda kv: accounts[kv[0]].code)}

    return PartyStatement(party.id, party.label, start, end,
                          by_code({a: b.debit_balance for a, b in opening_by_id.items()}), tuple(lines),
                          by_code(closing_by_id))


@dataclass(frozen=True)
class SectionLine:
    code: str
    name: str
    amount: int


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[SectionLine, ...]
    total: int


def _section(title: str, accounts, amounts: dict[int, int], types: tuple[str, ...], credit_side: bool) -> Section:
    lines = []
    for account in accounts:
        if account.type not in types or account.is_group or account.id not in amounts:
            continue
        value = -amounts[account.id] if credit_side else amounts[account.id]
        if value:
            lines.append(SectionLine(account.code, account.name, value))
    return Section(title, tuple(lines), sum(line.amount for line in lines))


@dataclass(frozen=True)
class BalanceSheet:
    as_of: date
    assets: Section
    liabilities: Section
    equity: Section
    net_surplus: int  # income less expenses not yet closed to equity

    @property
    def liabilities_and_equity(self) -> int:
        return self.liabilities.total + self.equity.total + self.net_surplus


def balance_sheet(org_id: int, as_of: date) -> BalanceSheet:
    """Statement of financial condition. Contra accounts show as negative amounts in their section."""
    accounts = ledger.list_accounts(org_id)
    amounts = {a: b.debit_balance for a, b in ledger.balances_as_of(org_id, as_of).items()}
    income = _section("Income", accounts, amounts, ("income",), True)
    expenses = _section("Expenses", accounts, amounts, ("expense",), False)
    return BalanceSheet(as_of, _section("Assets", accounts, amounts, ("asset",), False),
                        _section("Liabilities", accounts, amounts, ("liability",), True),
                        _section("Equity", accounts, amounts, ("equity",), True), income.total - expenses.total)


@dataclass(frozen=True)
class Operations:
    start: date
    end: date
    income: Section
    expenses: Section

    @property
    def net_surplus(self) -> int:
        return self.income.total - self.expenses.total


def statement_of_operations(org_id: int, start: date, end: date) -> Operations:
    """Income and expenses from start to end (both inclusive), the year-end closings left out (a closed
    year still shows its income and expense)."""
    accounts = ledger.list_accounts(org_id)
    at_end = ledger.balances_as_of(org_id, end)
    before = ledger.balances_as_of(org_id, date.fromordinal(start.toordinal() - 1))
    closed = ledger.source_totals(org_id, CLOSING_SOURCES, start, end)
    amounts = {a: b.debit_balance - (before[a].debit_balance if a in before else 0)
               - (closed[a].debit_balance if a in closed else 0) for a, b in at_end.items()}
    return Operations(start, end, _section("Income", accounts, amounts, ("income",), True),
                      _section("Expenses", accounts, amounts, ("expense",), False))
