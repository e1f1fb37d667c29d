"""The member's own page: her shares block (first of the portal sections) and her statement."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..ledger import services as ledger
from ..manifest import plugins
from ..web.filters import money
from ..receipts.words import in_her_words
from ..reports import services as reports
from ..reports.tables import party_statement_table
from ..reports.tabular import Table
from ..timeutil import today
from . import fees, services, shares
from .models import Member


RECENT_PAID = 3  # on a phone, the schedule shows what is still open and only the last few paid


def shares_section(org_id: int, member_id: int) -> dict:
    member = services.get_member(org_id, member_id)
    on = today()
    installments = shares.installments_of(org_id, member.id)
    paid = [row for row in installments if not row.open]
    shown = paid[-RECENT_PAID:] + [row for row in installments if row.open]
    return {"member": member, "summary": shares.summary(org_id, member, on), "today": on,
            "installments": shown, "earlier_paid": len(paid) - len(paid[-RECENT_PAID:]),
            "subscriptions": shares.subscriptions_of(org_id, member.id),
            "payments": shares.payments_of(org_id, member.id, limit=5),
            "standing": services.standing(org_id, member.id, on)}


def statement_table(org_id: int, member: Member, start: date, end: date) -> Table:
    """Everything that moved on her accounts (shares, loans, commissions...) from start to end."""
    if member.party_id is None:
        services.member_party(member)
    report = reports.party_statement(org_id, member.party_id, start, end)
    return party_statement_table(report, who=f"{member.label} {member.name}")


def installment_rows(installments, on: date):
    """(installment, state) with state paid | overdue | due | part-paid, for the schedule."""
    rows = []
    for row in installments:
        if row.paid >= row.amount:
            state = "paid"
        elif row.open and row.due_on < on:
            state = "overdue"
        elif not row.open:
            state = "closed"
        else:
            state = "part" if row.paid else "due"
        rows.append((row, state))
    return rows


STATE_LABELS = {"paid": "Paid", "overdue": "Overdue", "due": "Due", "part": "Part paid", "closed": "Closed"}


def state_label(state: str) -> str:
    return _(STATE_LABELS[state])


# ---------------------------------------------------------------- her statement, in plain words


@dataclass(frozen=True)
class PlainLine:
    on: date
    text: str
    amount: int  # the change, signed: + raises the first balance of the track
    balances: tuple[int, ...]  # after this line


@dataclass(frozen=True)
class Track:
    """One thing whose balance she follows: her share capital, one loan, her commissions..."""

    title: str
    labels: tuple[str, ...]  # what each balance is, in her words
    opening: tuple[int, ...]
    lines: tuple[PlainLine, ...]

    @property
    def closing(self) -> tuple[int, ...]:
        return self.lines[-1].balances if self.lines else self.opening


@dataclass(frozen=True)
class PlainStatement:
    member: Member
    start: date
    end: date
    tracks: tuple[Track, ...]


_LOAN_NUMBER = re.compile(r"\bL-\d+")
# Her accounts in her words (the chart's names are for the bookkeeper).
_PLAIN_TITLES = {
    "loans_receivable_commodity": _l("Store credit (commodity loans)"),
    "loans_receivable_emergency": _l("Emergency loans"),
    "loans_receivable_other": _l("Other loans"),
    "loans_receivable_past_due": _l("Loans past due"),
    "loans_receivable_restructured": _l("Restructured loans"),
    "accounts_receivable_members": _l("Other amounts I owe"),
    "consignment_receivable_members": _l("Consigned goods I sold, to hand in"),
    "due_to_member_producers": _l("My products sold, owed to me"),
    "commissions_payable_members": _l("My commissions"),
    "attendants_earnings_payable": _l("My Wellness Center earnings"),
    "withdrawable_share_capital_payable": _l("Share capital to be refunded to me"),
    "accounts_payable_non_trade": _l("My refundable membership fee"),
    "savings_deposits": _l("My savings"),
    "time_deposits": _l("My time deposits"),
    "interest_on_share_capital_payable": _l("Interest on my share capital"),
    "patronage_refund_payable": _l("My patronage refund"),
}


def plain_statement(org_id: int, member: Member, start: date, end: date) -> PlainStatement:
    """Her statement as she reads it: one line per transaction and thing (no double legs, no account codes),
    with a running balance per thing: her shares (paid-up and still to pay), each loan, each other account.

    Income lines that name her (the interest and fees she paid) are told inside the line, not as balances.
    A loan account that also moved outside the loans' own entries (a credit sale at the store opens a
    commodity loan) is followed as one account, so its balance stays whole."""
    party = member.party_id or services.member_party(member)
    accounts = {a.id: a for a in ledger.list_accounts(org_id)}
    opening, rows = ledger.party_lines(org_id, party, start, end)
    moved = [(account_id, source) for account_id, source, *_rest in opening]
    moved += [(account_id, source) for _e, _d, _m, source, _s, account_id, *_rest in rows]
    mixed = {account_id for account_id, source in moved if source != "loans"}

    def is_balance(account_id: int) -> bool:
        return accounts[account_id].type in ("asset", "liability", "equity")

    def track_of(account_id: int, source: str | None, source_id: str | None):
        key = accounts[account_id].key
        if key == shares.SUBSCRIBED:
            return None  # the mirror of what she still has to pay: shown once, as "still to pay"
        if key in (shares.PAID_UP, shares.RECEIVABLE):
            return ("shares",)
        if source == "loans" and source_id and (account_id not in mixed or not is_balance(account_id)):
            return ("loan", source_id)
        if source == fees.SOURCE:
            return ("fees",)  # her membership fee: income of the cooperative, but a payment she made
        if not is_balance(account_id):
            return ("income", account_id)
        return ("account", account_id)

    def deltas(track, account_id: int, debit: int, credit: int) -> tuple[int, ...]:
        account = accounts[account_id]
        if track == ("shares",):
            return (credit - debit, 0) if account.key == shares.PAID_UP else (0, debit - credit)
        if track == ("fees",):
            return (credit - debit,)
        return (debit - credit,) if account.normal_side == "debit" else (credit - debit,)

    def add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(x + y for x, y in zip(a, b)) if a else b

    subs, moves = shares.subscription_moves(org_id, member.id)
    moved_entries: dict[int, list] = {}
    for move in moves:
        moved_entries.setdefault(move.entry_id, []).append(move)
    move_dates = ledger.entry_dates(org_id, moved_entries)
    opening_sub = next((sub.id for sub in subs.values() if sub.kind == "opening"), None)

    balances: dict[tuple, tuple[int, ...]] = {}
    for account_id, source, source_id, debit, credit in opening:
        track = track_of(account_id, source, source_id)
        if track is not None and track[0] != "income" and is_balance(account_id):
            balances[track] = add(balances.get(track, ()), deltas(track, account_id, int(debit), int(credit)))
    for entry_id, entry_moves in moved_entries.items():  # her subscriptions one by one, before start
        if move_dates.get(entry_id, end) < start:
            for move in entry_moves:
                track = ("subscription", move.subscription_id)
                balances[track] = add(balances.get(track, ()), (move.paid, move.due))
                balances[("shares",)] = add(balances.get(("shares",), ()), (-move.paid, -move.due))
    opened = dict(balances)
    titles: dict[tuple, str] = {}
    by_entry: dict[tuple, dict] = {}
    for entry_id, on, memo, source, source_id, account_id, debit, credit in rows:
        track = track_of(account_id, source, source_id)
        if track is None:
            continue
        if track[0] == "income":  # a fee or interest that names her but is no balance of hers: skip
            continue
        if track == ("shares",) and entry_id in moved_entries:
            by_entry.setdefault((entry_id, "subscriptions"), {"on": on, "memo": memo, "source": source})
            continue
        if track[0] == "loan" and track not in titles:
            found = _LOAN_NUMBER.search(memo or "")
            titles[track] = _("Loan %(number)s", number=found.group(0) if found else track[1])
        line = by_entry.setdefault((entry_id, track), {"on": on, "memo": memo, "delta": (), "charges": 0,
                                                       "source": source})
        if is_balance(account_id) or track == ("fees",):
            line["delta"] = add(line["delta"], deltas(track, account_id, int(debit), int(credit)))
        else:
            line["charges"] += int(credit) - int(debit)
    lines: dict[tuple, list[PlainLine]] = {}
    for (entry_id, track), line in list(by_entry.items()):
        if track != "subscriptions":
            continue
        del by_entry[(entry_id, track)]
        for move in moved_entries[entry_id]:
            sub_track = ("subscription", move.subscription_id)
            told = by_entry.setdefault((entry_id, sub_track), {"on": line["on"], "memo": line["memo"], "delta": (0, 0),
                                                               "charges": 0, "source": line["source"], "move": move})
            told["delta"] = add(told["delta"], (move.paid, move.due))  # one payment on two installments: one line
    by_entry = dict(sorted(by_entry.items(), key=lambda item: (item[1]["on"], item[0][0])))
    for (entry_id, track), line in by_entry.items():
        if track == ("shares",) and opening_sub is not None:
            track = ("subscription", opening_sub)  # what has no record of its own: the imported subscription
        delta = line["delta"] or ((0, 0) if track[0] in ("shares", "subscription") else (0,))
        if not any(delta) and not line["charges"]:
            continue
        balances[track] = add(balances.get(track, ()), delta)
        amount = delta[0] if delta[0] else delta[-1]
        if "move" in line and line["move"].kind in ("subscribed", "withdrawn") and delta[-1]:
            amount = delta[-1]
        text = _share_text(line["move"], subs, line["memo"]) if "move" in line else _plain(line["memo"], member)
        if line["charges"] and amount < 0:  # a payment: the interest and fees she paid go with it
            amount -= line["charges"]
            text = _("%(text)s (of which interest and fees %(amount)s)", text=text, amount=money(line["charges"]))
        elif line["charges"] and amount > 0:  # a release: the service fee kept out of what she received
            text = _("%(text)s (less the service fee %(amount)s)", text=text, amount=money(line["charges"]))
        if track == ("shares",) and line["source"] == "loans" and "move" not in line:
            text = _("Capital build-up retained at the %(text)s", text=text[:1].lower() + text[1:])
        lines.setdefault(track, []).append(PlainLine(line["on"], text, amount, balances[track]))

    def describe(track) -> tuple[str, tuple[str, ...]]:
        if track == ("shares",):
            return _("My share capital"), (_("Paid-up"), _("Still to pay"))
        if track[0] == "subscription":
            return _subscription_title(subs.get(track[1])), (_("Paid-up"), _("Still to pay"))
        if track == ("fees",):
            return _("My membership fee"), (_("Paid"),)
        if track[0] == "loan":
            return titles.get(track, _("Loan")), (_("Still owed"),)
        account = accounts[track[1]]
        plain = _PLAIN_TITLES.get(account.key)
        return (str(plain) if plain else account.name), (_("I owe") if account.normal_side == "debit" else _("Owed to me"),)

    if opening_sub is not None and ("shares",) in opened:  # the imported subscription's balance before start
        track = ("subscription", opening_sub)
        opened[track] = add(opened.get(track, ()), opened.pop(("shares",)))
    order = {"shares": 0, "subscription": 0, "loan": 1, "account": 2, "fees": 3}

    def sort_key(track):
        if track[0] == "subscription" and track[1] in subs:
            return (0, subs[track[1]].subscribed_on.toordinal(), track[1])
        return (order[track[0]], 0, str(track[1:]))

    tracks = []
    for track in sorted(set(opened) | set(lines), key=sort_key):
        start_balances = opened.get(track) or ((0, 0) if track[0] in ("shares", "subscription") else (0,))
        if not lines.get(track) and not any(start_balances):
            continue
        title, labels = describe(track)
        tracks.append(Track(title, labels, start_balances, tuple(lines.get(track, ()))))
    for source in plugins().statement_sources:  # her accounts kept apart (her savings): each its own balance
        for account in source(org_id, member.id, start, end):
            tracks.append(Track(account.title, (_("Balance"),), (account.opening,),
                                tuple(PlainLine(line.on, line.text, line.amount, (line.balance,))
                                      for line in account.lines)))
    return PlainStatement(member, start, end, tuple(tracks))


def _subscription_title(sub) -> str:
    if sub is None:
        return _("My share capital")
    on = format_date(sub.subscribed_on, "medium")
    if sub.kind == "transfer":
        return _("Shares received by transfer, %(day)s (%(number)s)", day=on, number=sub.certificate_number)
    if sub.kind == "retention":
        return _("Capital build-up, %(day)s (%(number)s)", day=on, number=sub.certificate_number)
    if sub.kind == "opening":
        return _("Share capital brought forward (%(number)s)", number=sub.certificate_number)
    return _("Shares subscribed %(day)s (%(number)s)", day=on, number=sub.certificate_number)


def _share_text(move, subs, memo: str | None) -> str:
    """What an entry did to one subscription, in her words."""
    sub = subs.get(move.subscription_id)
    loan = _LOAN_NUMBER.search(memo or "")
    if move.kind == "build-up" and loan:
        return _("Capital build-up kept from loan %(number)s", number=loan.group(0))
    if move.kind == "subscribed":
        count = move.due // sub.par_value if sub is not None and sub.par_value else 0
        return _("Subscribed to %(n)s shares", n=count) if count else _("Subscribed")
    return {"paid": _("Payment on my shares"), "build-up": _("Capital build-up kept from a loan"),
            "transferred-in": _("Shares received by transfer"), "transferred-out": _("Shares transferred to another member"),
            "withdrawn": _("Withdrawn from the cooperative")}.get(move.kind, _("Transaction"))


def _plain(memo: str | None, member: Member) -> str:
    """The entry's description without her own number, which she knows."""
    text = memo or ""
    for mine in (f" by {member.label}", f" to {member.label}", f" for {member.label}", f", {member.label}",
                 f" {member.label}"):
        text = text.replace(mine, "")
    return in_her_words(text)
