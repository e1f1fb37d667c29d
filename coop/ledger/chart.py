"""The chart of accounts (shipped as data in charts/*.csv, seeded per organization) and the parties."""
from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from ..audit import services as audit
from ..errors import Pesos
from ..extensions import db
from ..kernel import get_in_org
from .errors import RefusedEntry, UnknownAccount
from .models import ACCOUNT_TYPES, Account, AccountBalance, JournalLine, Party

def chart_rows(kind: str) -> list[dict]:
    text = resources.files("coop.ledger").joinpath("charts", f"{'cooperative' if kind == 'cooperative' else 'ngo'}.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_chart(org_id: int, kind: str) -> None:
    """Give a new organization the standard chart for its kind (codes editable afterwards)."""
    by_code: dict[str, Account] = {}
    for row in chart_rows(kind):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        account = Account(
            org_id=org_id,
            key=row["key"] or None,
            code=row["code"],
            name=row["name"],
            name_fil=row.get("name_fil") or None,
            type=row["type"],
            parent_id=parent.id if parent else None,
            is_group=row["is_group"] == "1",
            contra=row["contra"] == "1",
            is_cash=row["is_cash"] == "1",
            is_control=row["is_control"] == "1",
            no_overdraft=row["key"] == "cash_on_hand",
        )
        db.session.add(account)
        db.session.flush()
        by_code[account.code] = account


def list_accounts(org_id: int, include_inactive: bool = True) -> list[Account]:
    query = select(Account).where(Account.org_id == org_id).order_by(Account.code)
    if not include_inactive:
        query = query.where(Account.active.is_(True))
    return list(db.session.scalars(query))


def cash_accounts(org_id: int) -> list[Account]:
    """The organization's active cash accounts (on hand, in the bank, petty cash...), by code: what pays or receives."""
    return list(db.session.scalars(select(Account).where(
        Account.org_id == org_id, Account.is_cash.is_(True), Account.active.is_(True), Account.is_group.is_(False))
        .order_by(Account.code)))


def cash_account(org_id: int, key: str, field: str = "cash_account") -> str:
    """`key` if it names an active cash account of the organization, else Invalid on `field`."""
    accounts = cash_accounts(org_id)
    if key not in [account.key for account in accounts]:
        # said with the chart's names ("Cash on Hand, Cash in Bank"), never the stored keys
        names = [account.name for account in accounts if account.key]
        if len(names) == 1:
            raise RefusedEntry("Pay from or into the cash account %(name)s.", field=field, values={"name": names[0]})
        raise RefusedEntry("Pay from or into one of the cash accounts: %(choices)s.",
                           field=field, values={"choices": ", ".join(names)})
    return key


def get_account(org_id: int, account: str | int) -> Account:
    column = Account.id if isinstance(account, int) else Account.key
    found = db.session.scalar(select(Account).where(Account.org_id == org_id, column == account))
    if found is None:
        raise UnknownAccount("Unknown account %(account)s.", field="account", values={"account": account})
    return found


def get_account_by_code(org_id: int, code: str) -> Account:
    found = db.session.scalar(select(Account).where(Account.org_id == org_id, Account.code == code))
    if found is None:
        raise UnknownAccount("Unknown account code %(code)s.", field="account", values={"code": code})
    return found


def add_account(org_id: int, *, code: str, name: str, type: str, parent_id: int | None = None,
                key: str | None = None, is_group: bool = False, contra: bool = False,
                name_fil: str | None = None, is_cash: bool = False, is_control: bool = False,
                actor_id: int | None = None) -> Account:
    if type not in ACCOUNT_TYPES:
        raise RefusedEntry("An account type is one of %(choices)s.", field="type",
                           values={"choices": ', '.join(ACCOUNT_TYPES)})
    if db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.code == code)):
        raise RefusedEntry("Account code %(code)s is already used.", field="code", values={"code": code})
    if key and db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.key == key)):
        raise RefusedEntry("Account key %(key)s is already used.", field="key", values={"key": key})
    if parent_id is not None:
        parent = get_account(org_id, parent_id)
        if parent.type != type:
            raise RefusedEntry("An account has the type of its parent.", field="parent_id")
        # an account under a control heading (a donor's fund under the restricted net assets) is kept alike
        is_control = is_control or (parent.is_group and parent.is_control)
    account = Account(org_id=org_id, code=code, name=name, type=type, parent_id=parent_id, key=key,
                      is_group=is_group, contra=contra, name_fil=name_fil, is_cash=is_cash, is_control=is_control)
    db.session.add(account)
    db.session.flush()
    audit.record("account.add", org_id=org_id, user_id=actor_id, target_type="account", target_id=account.id,
                 details={"code": code, "name": name, "type": type, "parent_id": parent_id})
    return account


def update_account(org_id: int, account_id: int, *, code: str | None = None, name: str | None = None,
                   active: bool | None = None, no_overdraft: bool | None = None,
                   actor_id: int | None = None) -> Account:
    account = get_account(org_id, account_id)
    changes = {}
    if no_overdraft is not None and no_overdraft != account.no_overdraft:
        if not account.is_cash:
            raise RefusedEntry("Only a cash account can refuse payments below zero.", field="no_overdraft")
        changes["account.no_overdraft"] = {"code": account.code, "to": no_overdraft}
        account.no_overdraft = no_overdraft
    if code is not None and code != account.code:
        if db.session.scalar(select(Account.id).where(Account.org_id == org_id, Account.code == code)):
            raise RefusedEntry("Account code %(code)s is already used.", field="code", values={"code": code})
        changes["account.recode"] = {"from": account.code, "to": code}
        account.code = code
    if name is not None and name != account.name:
        changes["account.rename"] = {"from": account.name, "to": name}
        account.name = name
    if active is False and account.active:
        row = db.session.get(AccountBalance, account.id)
        net = (row.debit_total - row.credit_total) if row is not None else 0
        if net:  # an inactive account takes no line: its entries could not be reversed nor the year closed
            raise RefusedEntry("Account %(code)s still has a balance of %(balance)s: move it to another account "
                               "first, then deactivate it.", field="active",
                               values={"code": account.code, "balance": Pesos(abs(net))})
    if active is not None and active != account.active:
        changes["account.activate" if active else "account.deactivate"] = {"code": account.code}
        account.active = active
    db.session.flush()
    for action, details in changes.items():
        audit.record(action, org_id=org_id, user_id=actor_id, target_type="account", target_id=account.id,
                     details=details)
    return account


def has_postings(account_id: int) -> bool:
    return db.session.scalar(select(JournalLine.id).where(JournalLine.account_id == account_id).limit(1)) is not None


def delete_account(org_id: int, account_id: int, actor_id: int | None = None) -> None:
    account = get_account(org_id, account_id)
    if has_postings(account.id):
        raise RefusedEntry("An account with postings is never deleted; deactivate it instead.")
    if db.session.scalar(select(Account.id).where(Account.parent_id == account.id).limit(1)):
        raise RefusedEntry("This account has sub-accounts; move or delete them first.")
    db.session.execute(AccountBalance.__table__.delete().where(AccountBalance.account_id == account.id))
    audit.record("account.delete", org_id=org_id, user_id=actor_id, target_type="account", target_id=account.id,
                 details={"code": account.code, "name": account.name})
    db.session.delete(account)
    db.session.flush()


# ---------------------------------------------------------------- parties


def ensure_party(org_id: int, kind: str, ref_id: int, label: str) -> int:
    """The party id of a domain record, created on first use."""
    party_id = db.session.scalar(
        select(Party.id).where(Party.org_id == org_id, Party.kind == kind, Party.ref_id == ref_id))
    if party_id is None:
        party = Party(org_id=org_id, kind=kind, ref_id=ref_id, label=label)
        db.session.add(party)
        db.session.flush()
        party_id = party.id
    return party_id


def get_party(org_id: int, party_id: int) -> Party:
    return get_in_org(Party, org_id, party_id, "Unknown party.", field="party_id")
