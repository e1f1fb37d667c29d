"""What a cooperative brings: files in, checked to the last row, then all rows or none.

A kind of import names the fields it reads; the officer maps her file's columns onto them (the
mapping is remembered per organization). Every kind lists each problem with its row and column
in a dry run; a real run raises `ImportProblems` on any problem, so the boundary rolls it all
back; and a second run of the same file changes nothing (each kind knows what it already has:
entries by reference, suppliers by name, products by code, members by number).

What is not here, and why: loans with their remaining schedule (coop.loans offers no service that
opens a loan already running, with its paid installments: only apply, approve and release), and
products' stock on hand at cost (coop.inventory offers no opening-stock service; a count would
post the surplus as a gain, not at its cost against the opening balances). The products import
brings the catalogue; the stock and loans come in as opening balances per account meanwhile.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from flask_babel import lazy_gettext as _l

from ..errors import CoopError, Invalid
from ..inventory import services as inventory
from ..ledger import services as ledger
from ..members import imports as member_imports
from ..members import services as members

PREVIEW_ROWS = 10
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", {self.column}" if self.column else "") + f": {self.message}"


@dataclass
class Outcome:
    done: int = 0
    skipped: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)


class ImportProblems(Invalid):
    def __init__(self, outcome: Outcome):
        super().__init__(f"{len(outcome.problems)} problems; nothing was imported. First: {outcome.problems[0]}")
        self.outcome = outcome


# ---------------------------------------------------------------- reading files


def read_table(content: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (row number as the officer sees it, cells as text) of a CSV or XLSX file."""
    if Path(filename or "").suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise Invalid("The spreadsheet cannot be read: %(error)s", field="file",
                          values={"error": error}) from None
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]

        def cells() -> Iterator[tuple[int, list[str]]]:
            for n, values in enumerate(rows, start=2):
                text = ["" if v is None else v.isoformat()[:10] if isinstance(v, date) else str(v) for v in values]
                if any(t.strip() for t in text):
                    yield n, text
        return header, cells()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("Save the file as CSV UTF-8 (or XLSX) and upload it again.", field="file") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]

    def csv_cells() -> Iterator[tuple[int, list[str]]]:
        for n, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                yield n, values
    return header, csv_cells()


def guess_mapping(fields: tuple[str, ...], header: list[str], remembered: dict | None = None) -> dict[str, str]:
    """field -> column: the remembered choice when the file has that column, else the column of the same name."""
    by_name = {h.strip().lower().replace(" ", "_"): h for h in header}
    mapping = {}
    for name in fields:
        if remembered and remembered.get(name) in header:
            mapping[name] = remembered[name]
        elif name in by_name:
            mapping[name] = by_name[name]
    return mapping


def mapped_rows(header: list[str], rows: Iterator[tuple[int, list[str]]], mapping: dict[str, str],
                fields: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    at = {name: header.index(mapping[name]) for name in fields if mapping.get(name) in header}
    for n, cells in rows:
        yield n, {name: (cells[i].strip() if i < len(cells) and cells[i] is not None else "") for name, i in at.items()}


# ---------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # lazy_gettext
    fields: tuple[str, ...]
    required: tuple[str, ...]
    run: Callable  # (org_id, rows, *, dry_run, actor_id, as_of, progress) -> Outcome


def _outcome_of(summary, outcome: Outcome) -> Outcome:
    outcome.problems = [Problem(p.row, p.column, p.message) for p in summary.problems]
    outcome.done, outcome.skipped, outcome.rows = summary.entries, summary.skipped, summary.rows
    return outcome


def _ledger_rows(org_id, rows, *, dry_run, actor_id, progress, source):
    try:
        summary = ledger.import_entries(org_id, rows, dry_run=dry_run, actor_id=actor_id, progress=progress,
                                        source=source, max_problems=MAX_PROBLEMS)
    except ledger.ImportRefused as refused:
        raise ImportProblems(_outcome_of(refused.summary, Outcome())) from None
    return _outcome_of(summary, Outcome())


def run_journal(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                progress=None) -> Outcome:
    """Journal entries, one row per line, grouped by reference: the ledger's bulk path."""
    return _ledger_rows(org_id, ((n, r.get("ref", ""), r.get("date", ""), r.get("memo", ""), r.get("account", ""),
                                  r.get("debit", ""), r.get("credit", ""), r.get("party", "")) for n, r in rows),
                        dry_run=dry_run, actor_id=actor_id, progress=progress, source="import")


def run_opening_accounts(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                         progress=None) -> Outcome:
    """Opening balances per account (a trial balance at the cut-over): one entry dated `as_of`, by reference
    `opening-<date>`, so a second run finds it. Party balances (per member, per supplier) come as a party column."""
    if as_of is None:
        raise Invalid("Give the date of the opening balances.", field="as_of")
    ref, memo = f"opening-{as_of.isoformat()}", f"Opening balances as of {as_of.isoformat()}"
    return _ledger_rows(org_id, ((n, ref, as_of, memo, r.get("account", ""), r.get("debit", ""), r.get("credit", ""),
                                  r.get("party", "")) for n, r in rows),
                        dry_run=dry_run, actor_id=actor_id, progress=progress, source="opening")


def run_suppliers(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                  progress=None) -> Outcome:
    outcome = Outcome()
    known = {s.name.strip().lower() for s in inventory.list_suppliers(org_id)}
    seen: dict[str, int] = {}
    for n, r in rows:
        outcome.rows += 1
        name = r.get("name", "")
        if not name:
            outcome.problems.append(Problem(n, "name", "Give the supplier's name."))
            continue
        if name.lower() in seen:
            outcome.problems.append(Problem(n, "name", f"{name} is already on row {seen[name.lower()]}."))
            continue
        seen[name.lower()] = n
        if len(r.get("tin", "")) > 20:
            outcome.problems.append(Problem(n, "tin", "A TIN has at most 20 characters."))
            continue
        if name.lower() in known:
            outcome.skipped += 1
            continue
        outcome.done += 1
        if not dry_run and not outcome.problems:
            details = {k: r[k] for k in ("phone", "email", "address", "tin", "contact_person") if r.get(k)}
            _apply(outcome, n, lambda: inventory.create_supplier(org_id, name=name, actor_id=actor_id, **details))
    return _finish(outcome, dry_run)


def run_products(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                 progress=None) -> Outcome:
    outcome = Outcome()
    known = {p.code for p in inventory.list_products(org_id)}
    seen: dict[str, int] = {}
    for n, r in rows:
        outcome.rows += 1
        code, name = r.get("code", ""), r.get("name", "")
        bad = len(outcome.problems)
        if not code:
            outcome.problems.append(Problem(n, "code", "Give the product's code."))
        elif code in seen:
            outcome.problems.append(Problem(n, "code", f"Code {code} is already on row {seen[code]}."))
        if not name:
            outcome.problems.append(Problem(n, "name", "Give the product's name."))
        price = ledger.parse_amount(r.get("sale_price", ""))
        if not price:
            outcome.problems.append(Problem(n, "sale_price", "Write the sale price in pesos, like 45.50."))
        if len(outcome.problems) > bad:
            continue
        seen[code] = n
        if code in known:
            outcome.skipped += 1
            continue
        outcome.done += 1
        if not dry_run and not outcome.problems:
            data = {"code": code, "name": name, "sale_price": price}
            data.update({k: r[k] for k in ("category", "unit", "barcode") if r.get(k)})
            _apply(outcome, n, lambda: inventory.create_product(org_id, actor_id=actor_id, **data))
    return _finish(outcome, dry_run)


def run_members(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                progress=None) -> Outcome:
    """Members with their subscribed and paid-up capital: coop.members' own import (its checks and entries).
    Members already there (by number) are skipped, so a second run changes nothing."""
    outcome = Outcome()
    fresh = []
    for n, r in rows:
        outcome.rows += 1
        number = (r.get("number") or "").upper().removeprefix("M-").lstrip("0")
        if number.isdigit() and members.search_members(org_id, number, limit=1):
            outcome.skipped += 1
            continue
        fresh.append((n, {k: v for k, v in r.items() if v != ""}))
    clean, errors = member_imports.check_rows(fresh)
    outcome.problems = [Problem(e.line, e.column, e.reason) for e in errors]
    outcome.done = len(clean)
    if not dry_run and not outcome.problems:
        result = member_imports.import_members(org_id, fresh, as_of=as_of or date.today(), actor_id=actor_id)
        outcome.problems = [Problem(e.line, e.column, e.reason) for e in result.errors]
    return _finish(outcome, dry_run)


def _apply(outcome: Outcome, row: int, fn) -> None:
    try:
        fn()
    except CoopError as error:  # a rule of the domain the checks above did not foresee: the row's problem
        outcome.problems.append(Problem(row, error.field, error.message))


def _finish(outcome: Outcome, dry_run: bool) -> Outcome:
    if outcome.problems and not dry_run:
        raise ImportProblems(outcome)
    return outcome


MEMBER_FIELDS = ("number", "name", "mobile", "email", "barangay", "town", "province", "birth_date", "admitted_on",
                 "membership_type", "status", "beneficiary_name", "beneficiary_relation", "subscribed", "paid_up",
                 "due_on")

KINDS = {kind.name: kind for kind in (
    Kind("journal", _l("Journal entries (one row per line)"),
         ("ref", "date", "memo", "account", "debit", "credit", "party"),
         ("ref", "date", "memo", "account", "debit", "credit"), run_journal),
    Kind("opening_accounts", _l("Opening balances per account (and per member or supplier)"),
         ("account", "debit", "credit", "party"), ("account", "debit", "credit"), run_opening_accounts),
    Kind("members", _l("Members with their share capital"), MEMBER_FIELDS, ("name",), run_members),
    Kind("suppliers", _l("Suppliers"), ("name", "contact_person", "phone", "email", "address", "tin"), ("name",),
         run_suppliers),
    Kind("products", _l("Products (the catalogue)"), ("code", "name", "category", "unit", "sale_price", "barcode"),
         ("code", "name", "sale_price"), run_products),
)}


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise Invalid("An import is one of %(choices)s.", field="kind", values={"choices": ', '.join(KINDS)})
    return KINDS[name]


def check_mapping(spec: Kind, header: list[str], mapping: dict[str, str]) -> None:
    missing = [name for name in spec.required if mapping.get(name) not in header]
    if missing:
        raise Invalid("Choose the file's column for: %(choices)s.", field=missing[0],
                      values={"choices": ', '.join(missing)})


def run(org_id: int, kind_name: str, content: bytes, filename: str, mapping: dict[str, str], *, dry_run: bool,
        actor_id: int | None, as_of: date | None = None, progress=None) -> Outcome:
    spec = kind(kind_name)
    header, rows = read_table(content, filename)
    check_mapping(spec, header, mapping)
    return spec.run(org_id, mapped_rows(header, rows, mapping, spec.fields), dry_run=dry_run, actor_id=actor_id,
                    as_of=as_of, progress=progress)


def preview(content: bytes, filename: str, mapping: dict[str, str], fields: tuple[str, ...]) -> list[tuple]:
    header, rows = read_table(content, filename)
    out = []
    for n, row in mapped_rows(header, rows, mapping, fields):
        out.append((n, [row.get(name, "") for name in fields]))
        if len(out) >= PREVIEW_ROWS:
            break
    return out
