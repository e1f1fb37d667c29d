"""The books in Odoo 17/18's own import formats (../shared/ODOO.md §6): journals, chart, partners, entries.

Every file is a header and rows of text cells, so the same rows go to a CSV file, into a zip and
into `load` calls over XML-RPC (push.py). External ids are derived from coop's ids, never from
editable codes or names, so a re-export or a re-push updates what Odoo has instead of duplicating:
`coop_<org>_acc_<account id>`, `coop_<org>_partner_<kind>_<record id>`, `coop_<org>_je_<entry id>`,
`coop_<org>_journal_coop`, `coop_<org>_tag_<kind>`. They carry no dot, so Odoo keeps them under
the module `__import__`.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator

from ..consignment import services as consignment
from ..grants import services as grants
from ..inventory import services as inventory
from ..ledger import services as ledger
from ..members import services as members
from ..orgs import services as orgs

# addons/account/models/account_account.py, identical in 17.0 and 18.0 (19 adds expense_other)
ACCOUNT_TYPES = (
    "asset_receivable", "asset_cash", "asset_current", "asset_non_current", "asset_prepayments", "asset_fixed",
    "liability_payable", "liability_credit_card", "liability_current", "liability_non_current", "equity",
    "equity_unaffected", "income", "income_other", "expense", "expense_depreciation", "expense_direct_cost",
    "off_balance",
)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9.]+$")

JOURNALS = "odoo_journals.csv"
CHART = "odoo_chart_of_accounts.csv"
TAGS = "odoo_partner_tags.csv"
PARTNERS = "odoo_partners.csv"
ENTRIES = "odoo_journal_entries.csv"
IMPORT_ORDER = (JOURNALS, CHART, TAGS, PARTNERS, ENTRIES)

HEADERS = {
    JOURNALS: ("id", "name", "code", "type"),
    CHART: ("id", "code", "name", "account_type", "reconcile", "non_trade", "opening_debit", "opening_credit"),
    TAGS: ("id", "name"),
    PARTNERS: ("id", "name", "is_company", "ref", "email", "phone", "mobile", "street", "city", "zip",
               "country_id/id", "lang", "category_id"),
    ENTRIES: ("id", "journal_id/id", "date", "ref", "narration", "line_ids/account_id", "line_ids/partner_id/id",
              "line_ids/name", "line_ids/debit", "line_ids/credit"),
}
MODELS = {JOURNALS: "account.journal", CHART: "account.account", TAGS: "res.partner.category",
          PARTNERS: "res.partner", ENTRIES: "account.move"}

TAG_NAMES = {"member": "Member", "supplier": "Supplier", "principal": "Principal", "donor": "Donor",
             "beneficiary": "Beneficiary", "cluster": "Beneficiary group", "attendant": "Attendant", "client": "Client",
             "savings": "Savings account"}
COMPANY_KINDS = ("supplier", "principal", "donor", "cluster")

# coop account keys with their own Odoo type; the rest follow the coop type (and their heading)
_RECEIVABLE_NON_TRADE = ("loans_receivable_commodity", "loans_receivable_emergency", "loans_receivable_other",
                         "loans_receivable_past_due", "loans_receivable_restructured", "accounts_receivable_members",
                         "consignment_receivable_members", "capital_loans_receivable", "due_from_accountable_officers",
                         "grants_receivable")
_RECEIVABLE_TRADE = ("accounts_receivable_trade",)
_PAYABLE = ("accounts_payable_trade", "accounts_payable", "due_to_principals", "due_to_member_producers")
_BY_KEY = {"prepaid_expenses": "asset_prepayments", "property_equipment": "asset_fixed",
           "accumulated_depreciation": "asset_fixed", "interest_income_deposits": "income_other",
           "cost_of_sales": "expense_direct_cost", "cost_of_services": "expense_direct_cost",
           "inventory_losses": "expense_direct_cost", "depreciation_expense": "expense_depreciation",
           "depreciation": "expense_depreciation"}


def pesos(centavos: int) -> str:
    return f"{centavos // 100}.{centavos % 100:02d}"


def flag(value: bool) -> str:
    return "True" if value else "False"


def xid_org(slug: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")


def odoo_code(code: str) -> str:
    """A code Odoo accepts (^[A-Za-z0-9.]+$): dashes and anything else become dots."""
    return re.sub(r"[^A-Za-z0-9.]", ".", code.strip()) or "0"


def account_type(account, headings: list[str]) -> tuple[str, bool, bool]:
    """(Odoo account_type, reconcile, non_trade) of a coop account; `headings` are its ancestors' names."""
    key, kind = account.key or "", account.type
    if key in _RECEIVABLE_NON_TRADE:
        return "asset_receivable", True, True
    if key in _RECEIVABLE_TRADE:
        return "asset_receivable", True, False
    if key in _PAYABLE:
        return "liability_payable", True, False
    if key in _BY_KEY:
        return _BY_KEY[key], False, False
    above = " ".join(headings).lower()
    if kind == "asset":
        if account.is_cash:
            return "asset_cash", False, False
        if "property" in above:
            return "asset_fixed", False, False
        if "non-current" in above:
            return "asset_non_current", False, False
        return "asset_current", False, False
    if kind == "liability":
        return ("liability_non_current" if "non-current" in above else "liability_current"), False, False
    if kind == "equity":
        return "equity", False, False
    if kind == "income":
        return "income", False, False
    return "expense", False, False


@dataclass(frozen=True)
class Export:
    """The files of one organization's export: name -> (header, rows)."""

    org_slug: str
    files: dict

    def csv_text(self, name: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADERS[name])
        writer.writerows(self.files[name])
        return out.getvalue()


def build(org_id: int, *, since: date | None = None, after_id: int | None = None) -> Export:
    """Every file. With `since`, the chart carries the balances at the end of the day before as opening
    balances and only entries dated from `since` are exported; else the opening columns are zero and the
    whole journal goes out. `after_id` leaves out entries already sent (the push's watermark)."""
    org = orgs.get(org_id)
    slug = xid_org(org.slug)
    files = {JOURNALS: [(f"coop_{slug}_journal_coop", "coop ledger", "COOP", "general")]}
    files[CHART], codes = chart_rows(org_id, slug, since)
    files[TAGS], files[PARTNERS], partner_xids = partner_rows(org_id, slug)
    files[ENTRIES] = list(entry_rows(org_id, slug, codes, partner_xids, since=since, after_id=after_id))
    return Export(org.slug, files)


def chart_rows(org_id: int, slug: str, since: date | None) -> tuple[list[tuple], dict[int, str]]:
    accounts = ledger.list_accounts(org_id)
    by_id = {account.id: account for account in accounts}
    opening = ledger.balances_as_of(org_id, since - timedelta(days=1)) if since else {}
    rows, codes = [], {}
    for account in accounts:
        codes[account.id] = odoo_code(account.code)
        if account.is_group:
            continue  # headings are account.group in Odoo, which derives them from the codes
        headings, parent = [], by_id.get(account.parent_id)
        while parent is not None:
            headings.append(parent.name)
            parent = by_id.get(parent.parent_id)
        kind, reconcile, non_trade = account_type(account, headings)
        balance = opening.get(account.id)
        net = balance.debit_balance if balance else 0
        rows.append((f"coop_{slug}_acc_{account.id}", codes[account.id], account.name, kind, flag(reconcile),
                     flag(non_trade), pesos(max(net, 0)), pesos(max(-net, 0))))
    return rows, codes


def _names(org_id: int, with_member_names: bool) -> dict[tuple[str, int], dict]:
    """Names and contact fields of the parties' records, read through each domain's services."""
    found: dict[tuple[str, int], dict] = {}
    if with_member_names:
        offset = 0
        while True:
            page = members.search_members(org_id, "", limit=200, offset=offset)
            for m in page:
                found[("member", m.id)] = {"name": m.name, "mobile": m.mobile or "", "email": m.email or "",
                                           "city": m.town or ""}
            if len(page) < 200:
                break
            offset += 200
    for s in inventory.list_suppliers(org_id):
        found[("supplier", s.id)] = {"name": s.name, "email": s.email or "", "phone": s.phone or "",
                                     "street": s.address or ""}
    for p in consignment.list_principals(org_id):
        found[("principal", p.id)] = {"name": p.name}
    for f in grants.list_funds(org_id):
        found[("donor", f.id)] = {"name": f.donor_name}
    return found


def partner_rows(org_id: int, slug: str) -> tuple[list[tuple], list[tuple], dict[int, str]]:
    """Tags, partners and the partner external id of each ledger party.

    Members go by number only (the ref and the name both "M-0017") unless the organization's
    setting `interchange.member_names` allows their names and contact fields (RA 10173).
    """
    with_names = bool(orgs.get_setting(org_id, "interchange.member_names"))
    names = _names(org_id, with_names)
    parties = ledger.list_parties(org_id)
    kinds = sorted({party.kind for party in parties}, key=list(TAG_NAMES).index)
    tags = [(f"coop_{slug}_tag_{kind}", TAG_NAMES[kind]) for kind in kinds]
    rows, xids = [], {}
    for party in sorted(parties, key=lambda p: (list(TAG_NAMES).index(p.kind), p.ref_id)):
        xid = f"coop_{slug}_partner_{party.kind}_{party.ref_id}"
        xids[party.id] = xid
        known = names.get((party.kind, party.ref_id), {})
        rows.append((xid, known.get("name") or party.label, flag(party.kind in COMPANY_KINDS), party.label,
                     known.get("email", ""), known.get("phone", ""), known.get("mobile", ""), known.get("street", ""),
                     known.get("city", ""), "", "base.ph", "en_US", TAG_NAMES[party.kind]))
    return tags, rows, xids


def entry_rows(org_id: int, slug: str, codes: dict[int, str], partner_xids: dict[int, str], *,
               since: date | None = None, after_id: int | None = None) -> Iterator[tuple]:
    """One move per entry (reversals are moves of their own), its first line on its row, then a row per line."""
    journal = f"coop_{slug}_journal_coop"
    for entry in ledger.iter_journal(org_id, since=since, after_id=after_id):
        head = (f"coop_{slug}_je_{entry.id}", journal, entry.entry_date.isoformat(), f"JE-{entry.id} {entry.memo}",
                f"{entry.source} {entry.source_id}" if entry.source and entry.source_id else (entry.source or ""))
        for n, (account_id, party_id, debit, credit, memo) in enumerate(entry.lines):
            yield (head if n == 0 else ("",) * 5) + (
                codes[account_id], partner_xids.get(party_id, "") if party_id else "", memo or entry.memo,
                pesos(debit), pesos(credit))


def problems(export: Export) -> list[str]:
    """What Odoo would refuse in the files (checked before anything leaves coop)."""
    found = []
    for row in export.files[CHART]:
        if row[3] not in ACCOUNT_TYPES:
            found.append(f"account {row[1]}: type {row[3]} is not one of Odoo's")
        if not CODE_PATTERN.match(row[1]):
            found.append(f"account {row[1]}: Odoo accepts letters, digits and dots in a code")
        if row[3] in ("asset_receivable", "liability_payable") and row[4] != "True":
            found.append(f"account {row[1]}: receivable and payable accounts are reconcilable")
    codes = [row[1] for row in export.files[CHART]]
    if len(codes) != len(set(codes)):
        found.append("two accounts share a code once dashes became dots")
    return found


def write_dir(export: Export, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in IMPORT_ORDER:
        path = directory / name
        path.write_text(export.csv_text(name), encoding="utf-8", newline="")
        written.append(path)
    return written


def zip_bytes(export: Export) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in IMPORT_ORDER:
            archive.writestr(name, export.csv_text(name))
    return out.getvalue()


def rows_as_lists(rows: Iterable[tuple]) -> list[list]:
    return [list(row) for row in rows]
