"""Paying each member her interest and refund: her unpaid subscription first, then (policy) her loans, each
through its own domain with its receipt; the rest in cash, as additional share capital or as revolving capital."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from ...audit import services as audit
from ...errors import Conflict, Invalid, Words
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...loans import services as loans
from ...members import services as members
from ...members import shares
from ...orgs.services import get_setting
from ..models import AllocationLine
from .base import (
    INTEREST_PAYABLE,
    REFUND_PAYABLE,
    REVOLVING,
    SETTING_APPLY_TO_LOANS,
    SOURCE_PAYOUT,
    get_allocation,
    get_line,
)

# ---------------------------------------------------------------- paying out


def _pieces(sources: list[list], sinks: list[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """(source account, sink, amount): the sources (interest first, then refund) poured into the sinks in order."""
    pieces = []
    for sink, room in sinks:
        for source in sources:
            if room == 0:
                break
            take = min(source[1], room)
            if take:
                pieces.append((source[0], sink, take))
                source[1] -= take
                room -= take
    return pieces


def pay_out(org_id: int, allocation_id: int, member_id: int, *, choice: str, on: date, actor_id: int | None,
            cash_account: str = "cash_on_hand", idempotency_key: str | None = None) -> AllocationLine:
    """Pay one member her interest and refund: first her unpaid subscription, then (policy) her loans, oldest
    first; the rest in cash, as additional share capital (whole shares; the rest in cash), or as revolving
    capital. Each application is that domain's own payment with its receipt; the rest is one entry."""
    if choice not in ("cash", "share_capital", "revolving"):
        raise Invalid("Choose cash, share capital or revolving capital.", field="choice")
    allocation = get_allocation(org_id, allocation_id)
    if allocation.status != "posted":
        raise Invalid("Only a posted allocation is paid out.")
    line = get_line(org_id, allocation_id, member_id, lock=True)
    if line.paid_on is not None:
        if idempotency_key and line.choice == choice:
            return line
        raise Conflict("Her interest and refund are already paid out.")
    if on < allocation.posted_on:
        raise Invalid("Pay it out on or after the allocation was posted.", field="on")
    ledger.check_date(org_id, on, field="on", what=Words("The payout"))
    if choice == "cash":
        ledger.cash_account(org_id, cash_account)
    member = members.get_member(org_id, member_id)
    sources = [[INTEREST_PAYABLE, line.interest], [REFUND_PAYABLE, line.refund]]
    key = (lambda n: f"{idempotency_key}:{n}") if idempotency_key else (lambda n: None)
    sinks = [("subscription", shares.summary(org_id, member, on).due)]
    if get_setting(org_id, SETTING_APPLY_TO_LOANS):
        sinks += [(f"loan:{loan.id}", loan.outstanding) for loan in sorted(
            loans.loans_of_member(org_id, member_id), key=lambda loan: loan.id) if loan.status == "active"]
    applied = defaultdict(int)
    for n, (source, sink, amount) in enumerate(_pieces(sources, sinks)):
        if sink == "subscription":
            shares.record_payment(org_id, member_id, amount=amount, on=on, actor_id=actor_id,
                                  paid_from=Line(source, debit=amount, party_id=line.party_id), idempotency_key=key(n))
            applied["subscription"] += amount
        else:
            loans.repay(org_id, int(sink.split(":")[1]), amount, on=on, actor_id=actor_id,
                        paid_from=Line(source, debit=amount, party_id=line.party_id), idempotency_key=key(n),
                        received_from=member.name)
            applied["loans"] += amount
    rest = sum(amount for _, amount in sources)
    to_shares = 0
    if choice == "share_capital" and rest:
        par = int(get_setting(org_id, "shares.par_value"))
        count = rest // par
        if count:
            shares.subscribe(org_id, member_id, shares=count, on=on, actor_id=actor_id, kind="additional",
                             idempotency_key=key("subscribe"))
            for n, (source, _sink, amount) in enumerate(_pieces(sources, [("shares", count * par)])):
                shares.record_payment(org_id, member_id, amount=amount, on=on, actor_id=actor_id,
                                      paid_from=Line(source, debit=amount, party_id=line.party_id),
                                      idempotency_key=key(f"shares{n}"))
            to_shares = count * par
    rest = sum(amount for _, amount in sources)
    to_revolving = rest if choice == "revolving" else 0
    to_cash = rest - to_revolving
    if rest:
        lines = [Line(source, debit=amount, party_id=line.party_id) for source, amount in sources if amount]
        lines.append(Line(REVOLVING, credit=rest, party_id=line.party_id) if to_revolving else
                     Line(cash_account, credit=rest))
        posted = ledger.post(Entry(org_id, on, f"Interest and patronage refund {allocation.year}, {line.label}",
                                   tuple(lines), source=SOURCE_PAYOUT, source_id=str(line.id),
                                   idempotency_key=idempotency_key), actor_id)
        line.payout_entry_id = posted.id
    line.paid_on, line.choice, line.paid_by = on, choice, actor_id
    line.to_subscription, line.to_loans = applied["subscription"], applied["loans"]
    line.to_share_capital, line.to_revolving, line.to_cash = to_shares, to_revolving, to_cash
    db.session.flush()
    audit.record("yearend.payout", org_id=org_id, user_id=actor_id, target_type="allocation_line", target_id=line.id,
                 details={"allocation_id": allocation_id, "member_id": member_id, "choice": choice})
    return line


