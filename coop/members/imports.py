"""Bring an existing cooperative in: members and their share capital from a CSV or XLSX file.

Every row is checked first; a dry run reports every bad row (line, column, reason); a real run
imports all rows or none, posting one opening entry per member.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from ..errors import CoopError
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..money import to_centavos
from ..orgs.services import get_setting
from .models import MEMBER_STATUSES, MEMBERSHIP_TYPES, ShareInstallment, ShareSubscription
from .services import create_member, member_party
from .shares import PAID_UP, RECEIVABLE, SUBSCRIBED

OPENING = "opening_balance_clearing"
COLUMNS = ("number", "name", "mobile", "email", "barangay", "town", "province", "birth_date", "admitted_on",
           "membership_type", "status", "beneficiary_name", "beneficiary_relation", "subscribed", "paid_up", "due_on")
ALIASES = {"member_no": "number", "member_number": "number", "no": "number", "full_name": "name",
           "mobile_number": "mobile", "cellphone": "mobile", "city": "town", "municipality": "town",
           "date_admitted": "admitted_on", "type": "membership_type", "subscribed_capital": "subscribed",
           "paid_up_capital": "paid_up", "paid": "paid_up", "beneficiary": "beneficiary_name"}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(content: bytes, filename: str) -> list[tuple[int, dict]]:
    """(line number as the officer sees it in her spreadsheet, row by column name)."""
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        text = content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        return []
    header = [_column(h) for h in table[0]]
    rows = []
    for n, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((n, {h: v for h, v in zip(header, values) if h}))
    return rows


def _column(title) -> str:
    key = str(title or "").strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _date(value) -> date | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d-%b-%Y", "%B %d, %Y"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError("a date like 2024-03-15 or 03/15/2024")


def _text(value) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def check_rows(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[RowError]]:
    """Every problem of every row, without touching the database (numbers are checked on import)."""
    errors: list[RowError] = []
    clean: list[dict] = []
    if rows and "name" not in rows[0][1]:
        return [], [RowError(1, "name", "the header row has no 'name' column")]
    seen_numbers: dict[int, int] = {}
    for line, raw in rows:
        unknown = set(raw) - set(COLUMNS)
        for column in sorted(unknown):
            errors.append(RowError(line, column, f"unknown column (known: {', '.join(COLUMNS)})"))
        row: dict = {"line": line}
        name = _text(raw.get("name"))
        if not name:
            errors.append(RowError(line, "name", "the name is missing"))
        row["name"] = name
        for column in ("mobile", "email", "barangay", "town", "province", "beneficiary_name", "beneficiary_relation"):
            row[column] = _text(raw.get(column))
        if row["mobile"]:
            row["mobile"] = row["mobile"].replace(" ", "").replace("-", "")
            if not (len(row["mobile"]) == 11 and row["mobile"].startswith("09") and row["mobile"].isdigit()) and not (
                    len(row["mobile"]) == 13 and row["mobile"].startswith("+639") and row["mobile"][1:].isdigit()):
                errors.append(RowError(line, "mobile", "a mobile number looks like 09171234567"))
        number = _text(raw.get("number"))
        row["number"] = None
        if number:
            digits = number.upper().removeprefix("M-").split(".")[0]
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 9) or int(digits) < 1:
                errors.append(RowError(line, "number", "a member number is a whole number"))
            elif int(digits) in seen_numbers:
                errors.append(RowError(line, "number", f"number {int(digits)} is also on line {seen_numbers[int(digits)]}"))
            else:
                seen_numbers[int(digits)] = line
                row["number"] = int(digits)
        for column in ("birth_date", "admitted_on", "due_on"):
            try:
                row[column] = _date(raw.get(column))
            except ValueError as exc:
                errors.append(RowError(line, column, str(exc)))
                row[column] = None
        row["membership_type"] = (_text(raw.get("membership_type")) or "regular").lower()
        if row["membership_type"] not in MEMBERSHIP_TYPES:
            errors.append(RowError(line, "membership_type", f"one of {', '.join(MEMBERSHIP_TYPES)}"))
        row["status"] = (_text(raw.get("status")) or "active").lower()
        if row["status"] not in MEMBER_STATUSES:
            errors.append(RowError(line, "status", f"one of {', '.join(MEMBER_STATUSES)}"))
        amounts = {}
        for column in ("subscribed", "paid_up"):
            try:
                amounts[column] = to_centavos(raw.get(column) or 0)
                if amounts[column] < 0:
                    raise ValueError("cannot be negative")
            except ValueError as exc:
                errors.append(RowError(line, column, str(exc)))
                amounts[column] = 0
        if amounts["paid_up"] > amounts["subscribed"]:
            errors.append(RowError(line, "paid_up", "paid-up is more than subscribed"))
        row.update(amounts)
        clean.append(row)
    return clean, errors


def import_members(org_id: int, rows: list[tuple[int, dict]], *, as_of: date, actor_id: int | None,
                   progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import every row, or report why not. The caller commits only when `errors` is empty."""
    result = ImportResult(rows=len(rows))
    clean, result.errors = check_rows(rows)
    if result.errors:
        return result
    for row in clean:
        try:
            _import_one(org_id, row, as_of, actor_id)
        except CoopError as exc:
            result.errors.append(RowError(row["line"], exc.field or "row", exc.message))
            return result
        result.imported += 1
        if progress:
            progress(1)
    return result


def _import_one(org_id: int, row: dict, as_of: date, actor_id: int | None) -> None:
    fields = {k: row[k] for k in ("mobile", "email", "barangay", "town", "province", "birth_date",
                                  "membership_type", "beneficiary_name", "beneficiary_relation")}
    if row["number"]:
        fields["number"] = row["number"]
    member = create_member(org_id, name=row["name"], actor_id=actor_id, status=row["status"],
                           on=row["admitted_on"] or as_of, admitted_on=row["admitted_on"],
                           application_source="import", **fields)
    subscribed, paid = row["subscribed"], row["paid_up"]
    if not subscribed:
        return
    unpaid = subscribed - paid
    subscription = ShareSubscription(org_id=org_id, member_id=member.id, kind="opening", shares=0, par_value=0,
                                     amount=subscribed, paid=paid, subscribed_on=row["admitted_on"] or as_of,
                                     installments=1, frequency="monthly", status="open" if unpaid else "paid",
                                     created_by=actor_id)
    par = int(get_setting(org_id, "shares.par_value"))
    subscription.par_value, subscription.shares = par, subscribed // par
    db.session.add(subscription)
    db.session.flush()
    db.session.add(ShareInstallment(org_id=org_id, subscription_id=subscription.id, member_id=member.id, seq=1,
                                    due_on=row["due_on"] or as_of, amount=subscribed, paid=paid, open=bool(unpaid)))
    party = member_party(member)
    lines = []
    if unpaid:
        lines += [Line(RECEIVABLE, debit=unpaid, party_id=party), Line(SUBSCRIBED, credit=unpaid, party_id=party)]
    if paid:
        lines += [Line(OPENING, debit=paid), Line(PAID_UP, credit=paid, party_id=party)]
    posted = ledger.post(Entry(org_id, as_of, f"Opening share capital {member.label}", tuple(lines),
                               source="shares.import", source_id=str(subscription.id)), actor_id)
    subscription.entry_id = posted.id
