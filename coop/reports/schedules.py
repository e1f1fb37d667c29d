"""The schedules of the CDA annual report, with comparative columns: share capital by member class, the
loan portfolio with its allowance, the statutory funds' movement. Read from the kept party and account
balances (and, for "as of" a past year end, only the lines dated after it)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..ledger import services as ledger
from ..loans import services as loans
from ..members import services as members
from .statements import YearFigures, comparative_years, year_figures

# Share capital accounts by what they hold; each class of share (common, preferred) has all three.
SHARE_ACCOUNTS = {
    "subscribed": ("subscribed_share_capital_common", "subscribed_share_capital_preferred"),
    "receivable": ("subscription_receivable_common", "subscription_receivable_preferred"),
    "paid_up": ("paid_up_share_capital_common", "paid_up_share_capital_preferred"),
}
LOAN_ACCOUNTS = ("loans_receivable_commodity", "loans_receivable_emergency", "loans_receivable_other",
                 "loans_receivable_past_due", "loans_receivable_restructured")
LOAN_CONTRAS = ("unearned_interest", "allowance_probable_losses")
STATUTORY_FUNDS = ("reserve_fund", "education_training_fund", "community_development_fund", "optional_fund",
                   "due_to_union_federation")
OTHER_CLASS = "other"  # a party on the share accounts that is no member (an import's opening party)


@dataclass(frozen=True)
class ShareClass:
    membership_type: str
    members: tuple[int, ...]  # per year: members with share capital subscribed or paid up
    subscribed: tuple[int, ...]  # subscribed share capital (the unpaid subscription plus what is paid up)
    receivable: tuple[int, ...]
    paid_up: tuple[int, ...]


def _accounts(org_id: int, keys) -> list:
    by_key = {a.key: a for a in ledger.list_accounts(org_id) if a.key}
    return [by_key[k] for k in keys if k in by_key]


def share_capital_by_class(org_id: int, year: int) -> tuple[tuple[int, ...], tuple[ShareClass, ...]]:
    years = comparative_years(year)
    kinds = members.membership_types_by_party(org_id)
    ids = {what: [a.id for a in _accounts(org_id, keys)] for what, keys in SHARE_ACCOUNTS.items()}
    every = tuple(i for found in ids.values() for i in found)
    per_year = []
    for y in years:
        totals = ledger.party_totals_as_of(org_id, every, date(y, 12, 31))
        sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        holders: dict[str, set] = defaultdict(set)
        for (account, party), balance in totals.items():
            kind = kinds.get(party, OTHER_CLASS)
            what = next(w for w, found in ids.items() if account in found)
            amount = balance.debit_balance if what == "receivable" else balance.credit_balance
            sums[kind][what] += amount
            if amount and what in ("subscribed", "paid_up"):
                holders[kind].add(party)
        per_year.append((sums, holders))
    classes = sorted({k for sums, _h in per_year for k in sums}, key=lambda k: (k == OTHER_CLASS, k))
    rows = []
    for kind in classes:
        paid = tuple(sums[kind]["paid_up"] for sums, _h in per_year)
        rows.append(ShareClass(
            kind, tuple(len(holders[kind]) for _s, holders in per_year),
            tuple(sums[kind]["subscribed"] + sums[kind]["paid_up"] for sums, _h in per_year),
            tuple(sums[kind]["receivable"] for sums, _h in per_year), paid))
    return years, tuple(rows)


@dataclass(frozen=True)
class AccountLine:
    code: str
    name: str
    name_fil: str | None
    amounts: tuple[int, ...]


@dataclass(frozen=True)
class AgingLine:
    bucket: str  # "current", "1-30", ..., "over 365"
    loans: tuple[int, ...]  # per year end
    outstanding: tuple[int, ...]
    rate: tuple[float, ...]  # percent
    required: tuple[int, ...]


@dataclass(frozen=True)
class LoanPortfolio:
    years: tuple[int, ...]
    receivables: tuple[AccountLine, ...]  # debit balances
    contras: tuple[AccountLine, ...]  # unearned interest and the allowance, as amounts deducted
    days: tuple[date, ...] = ()  # the day each year's aging is read (the year end, or today in a year not over)
    aging: tuple[AgingLine, ...] = ()
    required: tuple[int, ...] = ()  # the allowance the aging requires at the policy's rates
    held: tuple[int, ...] = ()  # the allowance the books hold that day

    @property
    def shortfall(self) -> tuple[int, ...]:
        """Required less held: to provide (> 0) or in excess (< 0)."""
        return tuple(r - h for r, h in zip(self.required, self.held))

    @property
    def gross(self) -> tuple[int, ...]:
        return tuple(sum(v) for v in zip(*(line.amounts for line in self.receivables))) or (0,) * len(self.years)

    @property
    def net(self) -> tuple[int, ...]:
        less = tuple(sum(v) for v in zip(*(line.amounts for line in self.contras))) or (0,) * len(self.years)
        return tuple(g - c for g, c in zip(self.gross, less))


def _lines(accounts, figures: tuple[YearFigures, ...], sign: int) -> tuple[AccountLine, ...]:
    return tuple(AccountLine(a.code, a.name, a.name_fil, tuple(sign * f.closing.get(a.id, 0) for f in figures))
                 for a in accounts)


def loan_portfolio(org_id: int, year: int, today: date | None = None) -> LoanPortfolio:
    """The loans receivable and their contras at each year end, with the aging of the principal AS OF that
    year end (rebuilt from the loans' transactions, not today's state) and the allowance it requires at the
    policy's rates beside the allowance held."""
    figures = year_figures(org_id, comparative_years(year))
    days = tuple(min(date(f.year, 12, 31), today) if today else date(f.year, 12, 31) for f in figures)
    computed = [loans.provisioning_as_of(org_id, day) for day in days]
    aging = tuple(AgingLine(lines[0].bucket, tuple(line.loans for line in lines),
                            tuple(line.outstanding for line in lines), tuple(line.rate for line in lines),
                            tuple(line.required for line in lines))
                  for lines in zip(*(c.lines for c in computed)))
    return LoanPortfolio(tuple(f.year for f in figures), _lines(_accounts(org_id, LOAN_ACCOUNTS), figures, 1),
                         _lines(_accounts(org_id, LOAN_CONTRAS), figures, -1), days, aging,
                         tuple(c.required for c in computed), tuple(c.allowance for c in computed))


@dataclass(frozen=True)
class FundMovement:
    code: str
    name: str
    name_fil: str | None
    opening: int
    additions: int  # allocations from the net surplus and other credits
    uses: int
    closing: int


def statutory_funds(org_id: int, year: int) -> tuple[tuple[int, tuple[FundMovement, ...]], ...]:
    """Each statutory fund (and the CETF share due to the federation) from its opening to its closing balance."""
    accounts = _accounts(org_id, STATUTORY_FUNDS)
    out = []
    for f in year_figures(org_id, comparative_years(year)):
        lines = []
        for a in accounts:
            moved, closed = f.movement.get(a.id, ledger.Balance()), f.closed.get(a.id, ledger.Balance())
            lines.append(FundMovement(a.code, a.name, a.name_fil, -f.opening.get(a.id, 0),
                                      moved.credit_total + closed.credit_total, moved.debit_total + closed.debit_total,
                                      -f.closing.get(a.id, 0)))
        out.append((f.year, tuple(lines)))
    return tuple(out)
