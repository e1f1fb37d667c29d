"""The year's financial statements with comparative columns (this year and last), read from the kept
balances: three "as of" reads (the ends of the last three years, whole months from `account_month`) and
the lines of the year-end closing entries, nothing else of the journal.

Every figure is a movement or a balance of a ledger account, so each statement reconciles with the trial
balance by construction; the tests check it to the centavo anyway.

- the statement of financial condition: balances at each year's end, the chart's groups with subtotals;
  income less expenses not yet closed shows in equity as the net surplus not yet closed;
- the statement of operations: each income and expense account's movement in the year, leaving out the
  year-end closing (which empties them into equity);
- the statement of changes in equity: each equity account from its opening to its closing balance;
- the statement of cash flows, indirect method: the net surplus, the non-cash items added back, the
  change of every other account by activity (`cash_flow.csv`), which add up to the change in cash.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..ledger import services as ledger
from ..ledger.models import Account

# The year-end closing entries (coop.yearend's, and the NGO's closing into net assets by class): a
# statement of the year's operations leaves them out, the balances at the year's end include them.
CLOSING_SOURCES = ("yearend.close", "grants.closing")

CASH_FLOW_SECTIONS = ("adjustment", "operating", "investing", "financing")


@dataclass(frozen=True)
class Row:
    """A line of a statement: an account, a group heading, a group's total, or a computed line."""

    kind: str  # account | group | total | line
    code: str
    name: str  # the account's name, or a key the tables put in words (kind "line")
    name_fil: str | None
    amounts: tuple[int, ...] | None  # one per year, this year first; None on a heading

    def named(self, fil: bool) -> str:
        return (self.name_fil or self.name) if fil else self.name


@dataclass(frozen=True)
class YearFigures:
    """What one year's statements read: debit balances at its start and end, its movements without the closing."""

    year: int
    opening: dict[int, int]
    closing: dict[int, int]
    movement: dict[int, ledger.Balance]  # debit and credit totals of the year, closing entries left out
    closed: dict[int, ledger.Balance]  # what the year-end closing entries moved

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    def change(self, account_id: int) -> int:
        """Debit movement of the year without the closing."""
        return self.movement.get(account_id, ledger.Balance()).debit_balance


def year_figures(org_id: int, years: tuple[int, ...]) -> tuple[YearFigures, ...]:
    """Figures of each year (this year first), reading each year end's balances once."""
    ends = sorted({y for y in years} | {y - 1 for y in years})
    totals = {y: ledger.balances_as_of(org_id, date(y, 12, 31)) for y in ends}
    out = []
    for year in years:
        before, after = totals[year - 1], totals[year]
        closed = ledger.source_totals(org_id, CLOSING_SOURCES, date(year, 1, 1), date(year, 12, 31))
        movement = {}
        for account in set(before) | set(after) | set(closed):
            b, a, c = before.get(account, ledger.Balance()), after.get(account, ledger.Balance()), \
                closed.get(account, ledger.Balance())
            movement[account] = ledger.Balance(a.debit_total - b.debit_total - c.debit_total,
                                               a.credit_total - b.credit_total - c.credit_total)
        out.append(YearFigures(year, {a: b.debit_balance for a, b in before.items()},
                               {a: b.debit_balance for a, b in after.items()}, movement, closed))
    return tuple(out)


def comparative_years(year: int) -> tuple[int, int]:
    return year, year - 1


# ---------------------------------------------------------------- the chart as a tree


def _children(accounts: list[Account]) -> dict[int | None, list[Account]]:
    ids = {a.id for a in accounts}
    found: dict[int | None, list[Account]] = defaultdict(list)
    for account in accounts:
        found[account.parent_id if account.parent_id in ids else None].append(account)
    return found


def tree(accounts: list[Account], types: tuple[str, ...], values: tuple[dict[int, int], ...],
         credit_side: bool) -> tuple[list[Row], tuple[int, ...]]:
    """The accounts of some types as the chart groups them: each group a heading, its accounts with an
    amount in any column, and its total; groups with nothing in them are left out. Amounts are on the
    section's side (credits positive for liabilities, equity and income), so contra accounts are negative."""
    chosen = [a for a in accounts if a.type in types]
    children = _children(chosen)
    sign = -1 if credit_side else 1
    zero = tuple(0 for _ in values)

    def walk(account: Account) -> tuple[list[Row], tuple[int, ...]]:
        if not account.is_group:
            amounts = tuple(sign * v.get(account.id, 0) for v in values)
            if not any(amounts):
                return [], amounts
            return [Row("account", account.code, account.name, account.name_fil, amounts)], amounts
        rows, total = [], zero
        for child in sorted(children.get(account.id, ()), key=lambda a: a.code):
            child_rows, child_total = walk(child)
            rows += child_rows
            total = tuple(x + y for x, y in zip(total, child_total))
        if not rows:
            return [], total
        return ([Row("group", account.code, account.name, account.name_fil, None)] + rows
                + [Row("total", "", account.name, account.name_fil, total)]), total

    rows, total = [], zero
    for root in sorted(children.get(None, ()), key=lambda a: a.code):
        root_rows, root_total = walk(root)
        rows += root_rows
        total = tuple(x + y for x, y in zip(total, root_total))
    return rows, total


def _add(*columns: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sum(values) for values in zip(*columns))


# ---------------------------------------------------------------- statement of financial condition


@dataclass(frozen=True)
class FinancialCondition:
    years: tuple[int, ...]
    assets: list[Row]
    total_assets: tuple[int, ...]
    liabilities: list[Row]
    total_liabilities: tuple[int, ...]
    equity: list[Row]
    net_surplus_unclosed: tuple[int, ...]  # income less expenses not yet closed into equity
    total_equity: tuple[int, ...]  # with the net surplus not yet closed

    @property
    def total_liabilities_and_equity(self) -> tuple[int, ...]:
        return _add(self.total_liabilities, self.total_equity)


def unclosed_surplus(accounts: list[Account], balances: dict[int, int]) -> int:
    """Income less expenses still in their accounts (a debit balance is a net loss)."""
    return -sum(balances.get(a.id, 0) for a in accounts if a.type in ("income", "expense"))


def financial_condition(org_id: int, year: int) -> FinancialCondition:
    figures = year_figures(org_id, comparative_years(year))
    return financial_condition_of(ledger.list_accounts(org_id), figures)


def financial_condition_of(accounts: list[Account], figures: tuple[YearFigures, ...]) -> FinancialCondition:
    ends = tuple(f.closing for f in figures)
    assets, total_assets = tree(accounts, ("asset",), ends, False)
    liabilities, total_liabilities = tree(accounts, ("liability",), ends, True)
    equity, total_equity_accounts = tree(accounts, ("equity",), ends, True)
    unclosed = tuple(unclosed_surplus(accounts, end) for end in ends)
    return FinancialCondition(tuple(f.year for f in figures), assets, total_assets, liabilities, total_liabilities,
                              equity, unclosed, _add(total_equity_accounts, unclosed))


# ---------------------------------------------------------------- statement of operations


@dataclass(frozen=True)
class YearOperations:
    years: tuple[int, ...]
    income: list[Row]
    total_income: tuple[int, ...]
    expenses: list[Row]
    total_expenses: tuple[int, ...]

    @property
    def net_surplus(self) -> tuple[int, ...]:
        return tuple(i - e for i, e in zip(self.total_income, self.total_expenses))


def year_operations(org_id: int, year: int) -> YearOperations:
    figures = year_figures(org_id, comparative_years(year))
    return year_operations_of(ledger.list_accounts(org_id), figures)


def year_operations_of(accounts: list[Account], figures: tuple[YearFigures, ...]) -> YearOperations:
    moves = tuple({a: b.debit_balance for a, b in f.movement.items()} for f in figures)
    income, total_income = tree(accounts, ("income",), moves, True)
    expenses, total_expenses = tree(accounts, ("expense",), moves, False)
    return YearOperations(tuple(f.year for f in figures), income, total_income, expenses, total_expenses)


def net_surplus_of(accounts: list[Account], figures: YearFigures) -> int:
    return -sum(figures.change(a.id) for a in accounts if a.type in ("income", "expense"))


# ---------------------------------------------------------------- statement of changes in equity


@dataclass(frozen=True)
class EquityLine:
    code: str
    name: str
    name_fil: str | None
    opening: int
    net_surplus: int  # the year's net surplus closed into this account (or, on the unclosed line, kept there)
    increases: int
    decreases: int
    closing: int


@dataclass(frozen=True)
class EquityYear:
    year: int
    lines: tuple[EquityLine, ...]

    def total(self, field: str) -> int:
        return sum(getattr(line, field) for line in self.lines)


UNCLOSED = "net surplus not yet closed"  # the key of the computed line (the tables put it in words)


def changes_in_equity(org_id: int, year: int) -> tuple[EquityYear, ...]:
    accounts = ledger.list_accounts(org_id)
    return changes_in_equity_of(accounts, year_figures(org_id, comparative_years(year)))


def changes_in_equity_of(accounts: list[Account], figures: tuple[YearFigures, ...]) -> tuple[EquityYear, ...]:
    """Each equity account from its opening to its closing balance (credit side): what the closing brought
    in, other credits, debits. The unclosed net surplus is a line of its own, so the totals are total equity."""
    out = []
    for f in figures:
        lines = []
        for account in accounts:
            if account.type != "equity" or account.is_group:
                continue
            moved, closed = f.movement.get(account.id, ledger.Balance()), f.closed.get(account.id, ledger.Balance())
            line = EquityLine(account.code, account.name, account.name_fil, -f.opening.get(account.id, 0),
                              closed.credit_balance, moved.credit_total, moved.debit_total,
                              -f.closing.get(account.id, 0))
            if any((line.opening, line.net_surplus, line.increases, line.decreases, line.closing)):
                lines.append(line)
        closed_from_income = sum(f.closed.get(a.id, ledger.Balance()).debit_balance  # income less expenses closed
                                 for a in accounts if a.type in ("income", "expense"))
        lines.append(EquityLine("", UNCLOSED, None, unclosed_surplus(accounts, f.opening),
                                net_surplus_of(accounts, f) - closed_from_income, 0, 0,
                                unclosed_surplus(accounts, f.closing)))
        out.append(EquityYear(f.year, tuple(lines)))
    return tuple(out)


# ---------------------------------------------------------------- statement of cash flows (indirect)


@lru_cache(maxsize=1)
def cash_flow_classes() -> dict[str, str]:
    """Account key (or code) -> its cash-flow section, shipped as data; unlisted accounts follow their type."""
    with open(Path(__file__).with_name("cash_flow.csv"), newline="", encoding="utf-8") as handle:
        return {row["account"]: row["section"] for row in csv.DictReader(handle)}


def cash_flow_section(account: Account) -> str:
    classes = cash_flow_classes()
    found = classes.get(account.key or "") or classes.get(account.code)
    if found:
        return found
    return "financing" if account.type == "equity" else "operating"


@dataclass(frozen=True)
class CashFlows:
    years: tuple[int, ...]
    net_surplus: tuple[int, ...]
    sections: dict[str, list[Row]]  # adjustment, operating, investing, financing: account rows
    cash_opening: tuple[int, ...]
    cash_closing: tuple[int, ...]

    def section_total(self, name: str) -> tuple[int, ...]:
        return _add(*(row.amounts for row in self.sections[name])) if self.sections[name] else \
            tuple(0 for _ in self.years)

    @property
    def operating_total(self) -> tuple[int, ...]:
        return _add(self.net_surplus, self.section_total("adjustment"), self.section_total("operating"))

    @property
    def net_change(self) -> tuple[int, ...]:
        return _add(self.operating_total, self.section_total("investing"), self.section_total("financing"))


def cash_flows(org_id: int, year: int) -> CashFlows:
    accounts = ledger.list_accounts(org_id)
    return cash_flows_of(accounts, year_figures(org_id, comparative_years(year)))


def cash_flows_of(accounts: list[Account], figures: tuple[YearFigures, ...]) -> CashFlows:
    """Indirect method: the net surplus, then every non-cash balance sheet account's change with the sign it
    has on cash (an asset that grew used cash; a liability or equity that grew brought it in)."""
    sections: dict[str, list[Row]] = {name: [] for name in CASH_FLOW_SECTIONS}
    for account in accounts:
        if account.is_group or account.is_cash or account.type in ("income", "expense"):
            continue
        amounts = tuple(-f.change(account.id) for f in figures)
        if any(amounts):
            sections[cash_flow_section(account)].append(
                Row("account", account.code, account.name, account.name_fil, amounts))
    cash = [a.id for a in accounts if a.is_cash and not a.is_group]
    return CashFlows(tuple(f.year for f in figures), tuple(net_surplus_of(accounts, f) for f in figures), sections,
                     tuple(sum(f.opening.get(a, 0) for a in cash) for f in figures),
                     tuple(sum(f.closing.get(a, 0) for a in cash) for f in figures))
