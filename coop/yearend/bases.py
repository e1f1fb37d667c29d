"""What each member's interest and refund are computed on, read from what the books already know.

- Capital: her paid-up share capital through the year, from the ledger's party lines on paid-up share
  capital (payments, transfers, withdrawals all move it), as share-months (the balance at the end of each
  month) or share-days (the balance at the end of each day): a member who withdrew or transferred shares
  is counted for the months she held them.
- Patronage: what she bought or paid the cooperative for in the year, from each domain's own records
  (`coop.<domain>.patronage`), each source weighted by the cooperative's policy.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..consignment import patronage as consignment_patronage
from ..inventory import patronage as store_patronage
from ..ledger import services as ledger
from ..loans import patronage as loans_patronage
from ..members.shares import PAID_UP
from ..orgs.services import get_setting
from ..wellness import patronage as wellness_patronage

# source -> (the function (org_id, start, end) -> ({member_id: centavos}, non-members' centavos), its weight setting)
SOURCES = {
    "store": (store_patronage.patronage, "yearend.weight_store"),
    "loans": (loans_patronage.patronage, "yearend.weight_loans"),
    "wellness": (wellness_patronage.patronage, "yearend.weight_wellness"),
    "consignment": (consignment_patronage.patronage, "yearend.weight_consignment"),
}


@dataclass(frozen=True)
class Capital:
    weights: dict  # member id -> sum of her balances over the periods
    periods: int  # 12 (months) or the days of the year
    parties: dict  # member id -> her party id


@dataclass(frozen=True)
class Patronage:
    weights: dict  # member id -> centavos × weight (bp)
    detail: dict  # member id -> {source: centavos}
    non_member_weight: int
    non_member_centavos: int


def member_parties(org_id: int) -> dict[int, tuple[int, str]]:
    """Party id -> (member id, label) for every member party of the organization."""
    return {party.id: (party.ref_id, party.label) for party in ledger.list_parties(org_id, ("member",))}


def capital(org_id: int, year: int, method: str) -> Capital:
    start, end = date(year, 1, 1), date(year, 12, 31)
    opening, lines = ledger.parties_movements(org_id, PAID_UP, start, end)
    members = member_parties(org_id)
    held = {party: found.credit_balance for party, found in opening.items()}
    weights: dict[int, int] = defaultdict(int)
    if method == "daily":
        periods = (end - start).days + 1
        since = {party: start for party in held}
        for on, party, debit, credit in lines:
            # the balance held through the day before: a payment counts from its own day's end
            days = (on - since.get(party, start)).days
            weights[party] += max(0, held.get(party, 0)) * days
            held[party] = held.get(party, 0) + credit - debit
            since[party] = on
        for party, balance in held.items():
            weights[party] += max(0, balance) * ((end - since.get(party, start)).days + 1)
    else:
        periods = 12
        pending = iter(lines)
        line = next(pending, None)
        for month in range(1, 13):
            month_end = date(year, month, calendar.monthrange(year, month)[1])
            while line is not None and line[0] <= month_end:
                held[line[1]] = held.get(line[1], 0) + line[3] - line[2]
                line = next(pending, None)
            for party, balance in held.items():
                weights[party] += max(0, balance)
    by_member = {members[party][0]: weight for party, weight in weights.items() if party in members and weight > 0}
    parties = {members[party][0]: party for party in members}
    return Capital(weights=by_member, periods=periods, parties=parties)


def patronage(org_id: int, year: int) -> Patronage:
    start, end = date(year, 1, 1), date(year, 12, 31)
    weights: dict[int, int] = defaultdict(int)
    detail: dict[int, dict[str, int]] = defaultdict(dict)
    non_weight = non_centavos = 0
    for source, (read, setting) in SOURCES.items():
        weight_bp = round(float(get_setting(org_id, setting)) * 100)
        by_member, non_members = read(org_id, start, end)
        for member_id, centavos in by_member.items():
            if centavos > 0:
                detail[member_id][source] = centavos
                weights[member_id] += centavos * weight_bp
        non_weight += max(0, non_members) * weight_bp
        non_centavos += max(0, non_members)
    return Patronage(weights={m: w for m, w in weights.items() if w > 0}, detail=dict(detail),
                     non_member_weight=non_weight, non_member_centavos=non_centavos)


