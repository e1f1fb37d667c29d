"""Demo savings: a few members' regular savings with two months of deposits, interest and a withdrawal, a youth
savings account and a time deposit."""
from __future__ import annotations

from datetime import timedelta

from ..errors import NotFound
from ..members.services import member_for_user, search_members
from ..timeutil import today
from . import services


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer = users["officer"].id
    now = today()
    this_month = now.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    before = (last_month - timedelta(days=1)).replace(day=1)
    regular, youth, td = (services.product_by_code(coop_id, code) for code in ("regular", "youth", "td180"))
    savers = search_members(coop_id, status="active", limit=4)
    try:
        mine = member_for_user(coop_id, users["member"].id)
        savers = [mine] + [m for m in savers if m.id != mine.id][:3]
    except NotFound:
        pass
    savers = [m for m in savers if (m.admitted_on or before) <= now]

    def after(day, member):  # nothing is opened before she was admitted, no movement before the opening
        return max(day, member.admitted_on or day)

    accounts = []
    for n, member in enumerate(savers):
        account = services.open_account(coop_id, member.id, regular.id, on=after(before + timedelta(days=2 + n), member),
                                        amount=(1_000_00 + 500_00 * n), actor_id=officer)
        services.deposit(coop_id, account.id, 750_00, on=after(before + timedelta(days=15 + n), member),
                         actor_id=officer)
        accounts.append((account, member))
    services.post_interest(coop_id, regular, last_month)
    for n, (account, member) in enumerate(accounts):
        services.deposit(coop_id, account.id, 300_00 + 100_00 * n, on=after(last_month + timedelta(days=9), member),
                         actor_id=officer)
    services.post_interest(coop_id, regular, this_month)
    if accounts:
        services.withdraw(coop_id, accounts[0][0].id, 200_00, on=now, actor_id=officer)
    if savers:
        services.open_account(coop_id, savers[0].id, youth.id, on=after(before + timedelta(days=5), savers[0]),
                              amount=200_00, holder="Anak (demo)", actor_id=officer)
        services.open_account(coop_id, savers[-1].id, td.id, on=after(before + timedelta(days=3), savers[-1]),
                              amount=10_000_00, on_maturity="payout", actor_id=officer)
