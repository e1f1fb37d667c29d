"""The year's statements and the CDA schedules as Tables (page, CSV, PDF, JSON), in the reader's language."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from .activities import Activities, FinancialPosition
from .schedules import OTHER_CLASS, LoanPortfolio, ShareClass
from .statements import UNCLOSED, CashFlows, EquityYear, FinancialCondition, Row, YearOperations
from .tabular import Column, Table


def _fil() -> bool:
    return str(get_locale()) == "fil"


def _year_columns(years: tuple[int, ...]) -> tuple[Column, ...]:
    return (Column("code", _("Code")), Column("name", _("Account")),
            *(Column(f"year_{y}", str(y), "money") for y in years))


def _rows(rows: list[Row]) -> list[tuple]:
    fil, out = _fil(), []
    for row in rows:
        if row.kind == "group":
            out.append((row.code, row.named(fil)))
        elif row.kind == "total":
            out.append(("", _("Total %(group)s", group=row.named(fil)), *row.amounts))
        else:
            out.append((row.code, row.named(fil), *row.amounts))
    return out


def _pad(rows: list[tuple], width: int) -> tuple[tuple, ...]:
    return tuple(row + (None,) * (width - len(row)) for row in rows)


def _subtitle(years: tuple[int, ...]) -> str:
    return _("Years ended December 31, %(this)s and %(last)s", this=years[0], last=years[1])


def financial_condition_table(report: FinancialCondition) -> Table:
    columns = _year_columns(report.years)
    rows = _rows(report.assets)
    rows.append(("", _("TOTAL ASSETS"), *report.total_assets))
    rows += _rows(report.liabilities)
    rows.append(("", _("Total liabilities"), *report.total_liabilities))
    rows += _rows(report.equity)
    rows.append(("", _("Net surplus not yet closed (income less expenses in their accounts)"),
                 *report.net_surplus_unclosed))
    rows.append(("", _("Total equity"), *report.total_equity))
    return Table(_("Statement of financial condition"),
                 _("As of December 31, %(this)s and %(last)s", this=report.years[0], last=report.years[1]),
                 columns, _pad(rows, len(columns)), ("", _("TOTAL LIABILITIES AND EQUITY"),
                                                     *report.total_liabilities_and_equity),
                 notes=(_("Contra accounts (allowances, accumulated depreciation, unearned interest, subscriptions "
                          "receivable) are shown as negative amounts in their section."),))


def operations_year_table(report: YearOperations) -> Table:
    columns = _year_columns(report.years)
    rows = [("", _("Revenues"))] + _rows(report.income) + [("", _("Total revenues"), *report.total_income)]
    rows += [("", _("Costs and expenses"))] + _rows(report.expenses)
    rows.append(("", _("Total costs and expenses"), *report.total_expenses))
    return Table(_("Statement of operations"), _subtitle(report.years), columns, _pad(rows, len(columns)),
                 ("", _("NET SURPLUS (NET LOSS)"), *report.net_surplus),
                 notes=(_("The year-end closing entries are left out: each account shows what it earned or spent "
                          "in the year."),))


def changes_in_equity_table(report: tuple[EquityYear, ...]) -> Table:
    fil = _fil()
    columns = (Column("code", _("Code")), Column("component", _("Component of equity")),
               Column("opening", _("Beginning balance"), "money"),
               Column("net_surplus", _("Net surplus for the year"), "money"),
               Column("increases", _("Increases"), "money"), Column("decreases", _("Decreases"), "money"),
               Column("closing", _("Ending balance"), "money"))
    rows = []
    for block in report:
        rows.append(("", _("Year %(year)s", year=block.year), None, None, None, None, None))
        for line in block.lines:
            name = _("Net surplus not yet closed") if line.name == UNCLOSED else (
                (line.name_fil or line.name) if fil else line.name)
            rows.append((line.code, name, line.opening, line.net_surplus, line.increases or None,
                         line.decreases or None, line.closing))
        rows.append(("", _("Total equity, %(year)s", year=block.year), block.total("opening"),
                     block.total("net_surplus"), block.total("increases"), block.total("decreases"),
                     block.total("closing")))
    years = tuple(block.year for block in report)
    return Table(_("Statement of changes in equity"), _subtitle(years), columns, tuple(rows),
                 notes=(_("Net surplus for the year: what the year-end closing brought into each account; on the "
                          "line of the net surplus not yet closed, the part still in the income and expense "
                          "accounts."),))


def cash_flows_table(report: CashFlows) -> Table:
    columns = _year_columns(report.years)
    fil = _fil()

    def accounts(name: str) -> list[tuple]:
        return [(row.code, row.named(fil), *row.amounts) for row in report.sections[name]]

    rows = [("", _("CASH FLOWS FROM OPERATING ACTIVITIES")), ("", _("Net surplus"), *report.net_surplus),
            ("", _("Adjustments for items that moved no cash"))]
    rows += accounts("adjustment")
    rows += [("", _("Changes in operating assets and liabilities"))] + accounts("operating")
    rows.append(("", _("Net cash from operating activities"), *report.operating_total))
    rows += [("", _("CASH FLOWS FROM INVESTING ACTIVITIES"))] + accounts("investing")
    rows.append(("", _("Net cash from investing activities"), *report.section_total("investing")))
    rows += [("", _("CASH FLOWS FROM FINANCING ACTIVITIES"))] + accounts("financing")
    rows.append(("", _("Net cash from financing activities"), *report.section_total("financing")))
    rows.append(("", _("Net increase (decrease) in cash"), *report.net_change))
    rows.append(("", _("Cash at the beginning of the year"), *report.cash_opening))
    return Table(_("Statement of cash flows"), _subtitle(report.years), columns, _pad(rows, len(columns)),
                 ("", _("Cash at the end of the year"), *report.cash_closing),
                 notes=(_("Indirect method: the net surplus, then each account's change with its effect on cash (an "
                          "asset that grew used cash, a liability or equity that grew brought cash in)."),))


def _class_name(kind: str) -> str:
    return {"regular": _("Regular members"), "associate": _("Associate members"),
            OTHER_CLASS: _("Not a member (opening balances)")}.get(kind, kind)


def share_capital_table(years: tuple[int, ...], classes: tuple[ShareClass, ...]) -> Table:
    columns = [Column("class", _("Class of member"))]
    for n, y in enumerate(years):
        columns += [Column(f"members_{y}", _("Members, %(year)s", year=y), "number"),
                    Column(f"subscribed_{y}", _("Subscribed, %(year)s", year=y), "money"),
                    Column(f"receivable_{y}", _("Subscriptions receivable, %(year)s", year=y), "money"),
                    Column(f"paid_up_{y}", _("Paid-up, %(year)s", year=y), "money")]
    rows = []
    for c in classes:
        row = [_class_name(c.membership_type)]
        for n in range(len(years)):
            row += [c.members[n], c.subscribed[n], c.receivable[n], c.paid_up[n]]
        rows.append(tuple(row))
    totals = [_("Total")]
    for n in range(len(years)):
        totals += [sum(c.members[n] for c in classes), sum(c.subscribed[n] for c in classes),
                   sum(c.receivable[n] for c in classes), sum(c.paid_up[n] for c in classes)]
    return Table(_("Schedule of share capital by class of member"),
                 _("As of December 31, %(this)s and %(last)s", this=years[0], last=years[1]), tuple(columns),
                 tuple(rows), tuple(totals),
                 notes=(_("Common and preferred shares together; from each member's own share capital accounts."),))


def _bucket_name(key: str) -> str:
    return _("Current") if key == "current" else _("%(days)s days past due", days=key)


def loan_portfolio_table(report: LoanPortfolio) -> Table:
    fil = _fil()
    columns = _year_columns(report.years)
    width = len(columns)
    rows = [("", _("Loans receivable"))]
    rows += [(line.code, (line.name_fil or line.name) if fil else line.name, *line.amounts) for line in report.receivables]
    rows.append(("", _("Total loans receivable"), *report.gross))
    rows.append(("", _("Less")))
    rows += [(line.code, (line.name_fil or line.name) if fil else line.name, *line.amounts) for line in report.contras]
    days = " / ".join(day.isoformat() for day in report.days)
    rows.append(("", _("Aging of the principal outstanding on %(days)s", days=days)))
    rows += [("", _bucket_name(line.bucket), *line.outstanding) for line in report.aging]
    rows.append(("", _("Total principal outstanding"), *(sum(v) for v in zip(*(line.outstanding for line in report.aging)))))
    rows.append(("", _("Allowance for probable losses required by the aging")))
    rows += [("", _("%(bucket)s at %(rate)s", bucket=_bucket_name(line.bucket),
                    rate=" / ".join(f"{rate:g}%" for rate in line.rate)), *line.required)
             for line in report.aging]
    rows.append(("", _("Allowance required"), *report.required))
    rows.append(("", _("Allowance held"), *report.held))
    rows.append(("", _("To provide (excess to reverse if negative)"), *report.shortfall))
    return Table(_("Schedule of the loan portfolio"),
                 _("As of December 31, %(this)s and %(last)s", this=report.years[0], last=report.years[1]),
                 columns, _pad(rows, width), ("", _("Loans receivable, net"), *report.net),
                 notes=(_("Aging: days past due, on each year's end (today in a year not over), of each loan's oldest "
                          "installment its payments up to that day had not covered, rebuilt from the loans' "
                          "transactions; the required allowance applies the policy's rate per bucket."),))


def statutory_funds_table(report) -> Table:
    fil = _fil()
    columns = (Column("code", _("Code")), Column("fund", _("Fund")),
               Column("opening", _("Beginning balance"), "money"),
               Column("additions", _("Allocated and other additions"), "money"),
               Column("uses", _("Used"), "money"), Column("closing", _("Ending balance"), "money"))
    rows = []
    for year, lines in report:
        rows.append(("", _("Year %(year)s", year=year), None, None, None, None))
        rows += [(line.code, (line.name_fil or line.name) if fil else line.name, line.opening, line.additions or None,
                  line.uses or None, line.closing) for line in lines]
        rows.append(("", _("Total, %(year)s", year=year), sum(x.opening for x in lines),
                     sum(x.additions for x in lines), sum(x.uses for x in lines), sum(x.closing for x in lines)))
    years = tuple(year for year, _lines in report)
    return Table(_("Schedule of statutory funds"), _subtitle(years), columns, tuple(rows),
                 notes=(_("The CETF share due to the federation or union is a liability, shown with the funds."),))


# ---------------------------------------------------------------- the NGO's statements by class of net assets


def activities_table(report: Activities) -> Table:
    this, last = report.years
    columns = (Column("code", _("Code")), Column("name", _("Account")),
               Column("without", _("Without donor restrictions, %(year)s", year=this), "money"),
               Column("with", _("With donor restrictions, %(year)s", year=this), "money"),
               Column("total", _("Total, %(year)s", year=this), "money"),
               Column("total_last", _("Total, %(year)s", year=last), "money"))
    rows = [("", _("REVENUE AND SUPPORT"))] + _rows(report.revenue)
    rows.append(("", _("Net assets released from restriction"), *report.releases))
    rows += [("", _("EXPENSES"))] + _rows(report.expenses)
    rows.append(("", _("Total expenses"), report.total_expenses[0], None, report.total_expenses[2],
                 report.total_expenses[3]))
    if any(report.other_changes):
        rows.append(("", _("Other changes in net assets (recorded directly)"), *report.other_changes))
    rows.append(("", _("CHANGE IN NET ASSETS"), *report.line("change")))
    rows.append(("", _("Net assets at the beginning of the year"), *report.line("opening")))
    return Table(_("Statement of activities"), _subtitle(report.years), columns, _pad(rows, len(columns)),
                 ("", _("Net assets at the end of the year"), *report.line("closing")),
                 notes=(_("A donor's gift to her fund is revenue with donor restrictions; each grant released from "
                          "the fund moves it to the net assets without restrictions, which bear the expense."),))


def financial_position_table(report: FinancialPosition) -> Table:
    columns = _year_columns(report.years)
    fil = _fil()
    rows = _rows(report.assets) + [("", _("TOTAL ASSETS"), *report.total_assets)]
    rows += _rows(report.liabilities) + [("", _("Total liabilities"), *report.total_liabilities)]
    rows += [("", _("NET ASSETS")), ("", _("Without donor restrictions"), *report.without),
             ("", _("With donor restrictions"))]
    rows += [(row.code, row.named(fil), *row.amounts) for row in report.funds]
    if any(report.restricted_unclosed):
        rows.append(("", _("Gifts with donor restrictions of the year, not yet closed into the funds"),
                     *report.restricted_unclosed))
    rows.append(("", _("Total with donor restrictions"), *report.with_restrictions))
    rows.append(("", _("Total net assets"), *report.total_net_assets))
    return Table(_("Statement of financial position"),
                 _("As of December 31, %(this)s and %(last)s", this=report.years[0], last=report.years[1]),
                 columns, _pad(rows, len(columns)),
                 ("", _("TOTAL LIABILITIES AND NET ASSETS"), *report.total_liabilities_and_net_assets))
