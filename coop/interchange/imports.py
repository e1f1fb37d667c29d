"""What a cooperative brings: files in, checked to the last row, then all rows or none.

A kind of import names the fields it reads; the officer maps her file's columns onto them (the
mapping is remembered per organization). Every kind lists each problem with its row and column
in a dry run; a real run raises `ImportProblems` on any problem, so the boundary rolls it all
back; and a second run of the same file changes nothing (each kind knows what it already has:
entries by reference, suppliers by name, products by code, members by number).

Products come with their stock on hand at cost (the count at the cut-over) and open the moving average.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from flask_babel import lazy_gettext as _l

from ..errors import CoopError, Invalid, Sentence, Words
from ..timeutil import today
from ..inventory import services as inventory
from ..inventory.quantity import to_thousandths
from ..ledger import services as ledger
from ..loans import services as loans
from ..members import imports as member_imports
from ..members import services as members
from . import ledgerfile

PREVIEW_ROWS = 10
MAX_PROBLEMS = 1000

@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None
    message: Sentence | str  # a Sentence is said in the reader's language on the run's page

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
        super().__init__("%(count)s problems; nothing was imported. First: %(first)s",
                         values={"count": len(outcome.problems), "first": str(outcome.problems[0])})
        self.outcome = outcome


# ---------------------------------------------------------------- reading files


def _unreadable() -> Invalid:
    """openpyxl's own words for a damaged file ("File is not a zip file") mean nothing to an officer: ours."""
    return Invalid("This file is not a readable Excel workbook (.xlsx): open it in the spreadsheet program, save "
                   "it again as an Excel workbook or as CSV UTF-8, and upload it again.", field="file")


# What a workbook may unpack to. A 2 MB upload of ordinary rows unpacks to some tens of megabytes; a crafted one to
# gigabytes (openpyxl holds a cell's text whole in memory): the sizes the archive declares are checked first. They
# bound what is read, since Python's zipfile stops at the declared size of each part.
MAX_UNPACKED_MB = 100


def _refuse_zip_bomb(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable() from None
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise Invalid("This workbook unpacks to more than %(mb)s MB: save it as CSV UTF-8, or split it, and upload "
                      "it again.", field="file", values={"mb": MAX_UNPACKED_MB})


def read_table(content: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (row number as the officer sees it, cells as text) of a CSV or XLSX file.
    A Beancount file has no columns to match: nothing here, the whole file goes to its kind."""
    if ledgerfile.is_beancount(filename):
        return [], iter(())
    if Path(filename or "").suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        _refuse_zip_bomb(content)
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises many kinds on a damaged file, in Python's words: say it in ours
            raise _unreadable() from None
        try:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h or "").strip() for h in next(rows, ())]
        except Exception:
            raise _unreadable() from None

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


def check_not_empty(content: bytes, filename: str) -> None:
    """A file with no header, or a header and no rows, has nothing to import: refused at the upload."""
    if ledgerfile.is_beancount(filename):
        if not content.strip():
            raise Invalid("The file is empty.", field="file")
        return
    header, rows = read_table(content, filename)
    if not any(header):
        raise Invalid("The file is empty: it has no header row and no rows.", field="file")
    try:
        first = next(rows, None)
    except Exception:  # a damaged sheet that opened: the same words as one that did not
        raise _unreadable() from None
    if first is None:
        raise Invalid("The file has its header row but no rows under it.", field="file")


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
    whole_file: bool = False  # run gets the file's bytes (a Beancount ledger), not mapped rows


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
            outcome.problems.append(Problem(n, "name", Sentence("Give the supplier's name.")))
            continue
        if name.lower() in seen:
            outcome.problems.append(Problem(n, "name", Sentence("%(name)s is already on row %(row)s.", name=name,
                                                                 row=seen[name.lower()])))
            continue
        seen[name.lower()] = n
        if len(r.get("tin", "")) > 20:
            outcome.problems.append(Problem(n, "tin", Sentence("A TIN has at most 20 characters.")))
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
    """The catalogue, and the stock on hand at its cost where the file gives them (the count at the cut-over,
    dated `as_of`): Dr merchandise inventory, Cr opening balances clearing, so the moving average starts there."""
    outcome = Outcome()
    known = {p.code for p in inventory.list_products(org_id)}
    seen: dict[str, int] = {}
    for n, r in rows:
        outcome.rows += 1
        code, name = r.get("code", ""), r.get("name", "")
        bad = len(outcome.problems)
        if not code:
            outcome.problems.append(Problem(n, "code", Sentence("Give the product's code.")))
        elif code in seen:
            outcome.problems.append(Problem(n, "code", Sentence("Code %(code)s is already on row %(row)s.", code=code,
                                                         row=seen[code])))
        if not name:
            outcome.problems.append(Problem(n, "name", Sentence("Give the product's name.")))
        price = ledger.parse_amount(r.get("sale_price", ""))
        if not price:
            outcome.problems.append(Problem(n, "sale_price", Sentence("Write the sale price in pesos, like 45.50.")))
        stock = _opening_stock(outcome, n, r, as_of)
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
            _apply(outcome, n, lambda: _create_product(org_id, data, stock, as_of, actor_id))
    return _finish(outcome, dry_run)


def _opening_stock(outcome: Outcome, n: int, r: dict, as_of: date | None) -> tuple[int, int] | None:
    """(quantity in thousandths, unit cost in centavos) from the row, or None when it gives no stock."""
    if not r.get("quantity_on_hand"):
        return None
    try:
        quantity = to_thousandths(r["quantity_on_hand"])
    except ValueError as error:
        outcome.problems.append(Problem(n, "quantity_on_hand", str(error)))
        return None
    cost = ledger.parse_amount(r.get("unit_cost", "")) if r.get("unit_cost") else None
    if cost is None:
        outcome.problems.append(Problem(n, "unit_cost", Sentence("Give the cost of one unit in pesos, like 38.25.")))
        return None
    if as_of is None:
        outcome.problems.append(Problem(n, "quantity_on_hand", Sentence("Give the date of the stock count.")))
        return None
    return quantity, cost


def _create_product(org_id: int, data: dict, stock: tuple[int, int] | None, as_of: date | None,
                    actor_id: int | None) -> None:
    product = inventory.create_product(org_id, actor_id=actor_id, **data)
    if stock:
        inventory.receive_opening_stock(org_id, product_id=product.id, quantity=stock[0], unit_cost=stock[1],
                                        on=as_of, actor_id=actor_id)


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
    outcome.problems += _member_dates(fresh, as_of or today())
    outcome.problems.sort(key=lambda p: p.row)
    outcome.done = len(clean)
    if not dry_run and not outcome.problems:
        result = member_imports.import_members(org_id, fresh, as_of=as_of or today(), actor_id=actor_id)
        outcome.problems = [Problem(e.line, e.column, e.reason) for e in result.errors]
    return _finish(outcome, dry_run)


def _member_dates(rows: list[tuple[int, dict]], cut_over: date) -> list[Problem]:
    """A member brought in was born, and admitted, by the cut-over (today when the file gives no date)."""
    found = []
    for n, r in rows:
        for column in ("birth_date", "admitted_on"):
            on = ledger.parse_date(r.get(column))
            if on is not None and on > cut_over:
                found.append(Problem(n, column, Sentence("%(on)s is after %(cut_over)s: a member brought in was born and admitted by then.",
                                                         on=on, cut_over=cut_over)))
    return found


LOAN_AMOUNTS = ("amount", "principal", "interest", "principal_paid", "interest_paid")


def run_loans(org_id: int, rows, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
              progress=None) -> Outcome:
    """Running loans with what is left of their schedule: one row per installment, grouped by the loan's
    reference in the old books. A loan already brought (by reference) is skipped."""
    outcome = Outcome()
    if as_of is None:
        raise Invalid("Give the cut-over date of the loans.", field="as_of")
    products = {p.code.lower(): p for p in loans.list_products(org_id)}
    grouped: dict[str, list[tuple[int, dict]]] = {}
    for n, r in rows:
        outcome.rows += 1
        if not r.get("ref"):
            outcome.problems.append(Problem(n, "ref", Sentence("Give the loan's reference in the old books.")))
            continue
        grouped.setdefault(r["ref"], []).append((n, r))
    loans_ready = []
    for ref, lines in grouped.items():
        bad = len(outcome.problems)
        first_row, first = lines[0]
        member = _row_member(org_id, outcome, first_row, first.get("member", ""))
        product = products.get(first.get("product", "").lower())
        if product is None:
            outcome.problems.append(Problem(first_row, "product", Sentence("No loan product has the code %(code)s.",
                                                                    code=first.get("product", ""))))
        released_on = ledger.parse_date(first.get("released_on"))
        if released_on is None:
            outcome.problems.append(Problem(first_row, "released_on", Sentence("Write the date like 2025-03-31.")))
        amount = _row_amount(outcome, first_row, first, "amount")
        schedule = []
        for n, r in lines:
            due_on = ledger.parse_date(r.get("due_on"))
            if due_on is None:
                outcome.problems.append(Problem(n, "due_on", Sentence("Write the date like 2025-03-31.")))
            figures = [_row_amount(outcome, n, r, name) for name in LOAN_AMOUNTS[1:]]
            if due_on is not None and None not in figures:
                schedule.append(loans.OpeningInstallment(due_on, *figures))
        if len(outcome.problems) > bad:
            continue
        problem = loans.check_opening_schedule(released_on, as_of, amount, schedule)
        if problem:
            outcome.problems.append(Problem(first_row, "principal", problem))
            continue
        if loans.loan_imported(org_id, ref):
            outcome.skipped += 1
            continue
        outcome.done += 1
        loans_ready.append((first_row, ref, member, product, released_on, amount, schedule))
    if not dry_run and not outcome.problems:
        for row, ref, member, product, released_on, amount, schedule in loans_ready:
            _apply(outcome, row, lambda: loans.open_running_loan(
                org_id, member_id=member.id, product_id=product.id, released_on=released_on, as_of=as_of,
                amount=amount, schedule=schedule, reference=ref, actor_id=actor_id))
    return _finish(outcome, dry_run)


def _row_member(org_id: int, outcome: Outcome, row: int, number: str):
    try:
        return members.find_by_number(org_id, number)
    except CoopError:
        outcome.problems.append(Problem(row, "member", Sentence("No member has the number %(number)s.", number=number)))
        return None


def _row_amount(outcome: Outcome, row: int, r: dict, name: str) -> int | None:
    amount = ledger.parse_amount(r.get(name, ""))
    if amount is None:
        outcome.problems.append(Problem(row, name, Sentence("Write the amount in pesos, like 1,250.00.")))
    return amount


def run_beancount(org_id: int, content: bytes, *, dry_run: bool, actor_id: int | None, as_of: date | None = None,
                  progress=None) -> Outcome:
    """A Beancount ledger: what Beancount itself finds wrong (balance assertions included) and what coop
    cannot place are the file's problems; its transactions go in by the journal's bulk path."""
    found: list[tuple] = []
    rows = ledgerfile.rows(org_id, content, found)
    if found:
        outcome = Outcome(problems=[Problem(line, column, message) for line, column, message in found[:MAX_PROBLEMS]])
        return _finish(outcome, dry_run)
    return _ledger_rows(org_id, iter(rows), dry_run=dry_run, actor_id=actor_id, progress=progress, source="beancount")


def _apply(outcome: Outcome, row: int, fn) -> None:
    try:
        fn()
    except CoopError as error:  # a rule of the domain the checks above did not foresee: the row's problem
        outcome.problems.append(Problem(row, error.field, error.sentence))


def _finish(outcome: Outcome, dry_run: bool) -> Outcome:
    if outcome.problems and not dry_run:
        raise ImportProblems(outcome)
    return outcome


# What the column page calls each field (the keys stay the file's and the problems' names).
FIELD_LABELS = {
    "ref": _l("Reference"), "date": _l("Date"), "memo": _l("Memo"), "account": _l("Account"), "debit": _l("Debit"),
    "credit": _l("Credit"), "party": _l("Member or supplier"), "number": _l("Member number"), "name": _l("Name"),
    "mobile": _l("Mobile number"), "email": _l("Email"), "barangay": _l("Barangay"), "town": _l("Town or city"),
    "province": _l("Province"), "birth_date": _l("Birth date"), "admitted_on": _l("Date admitted"),
    "membership_type": _l("Membership type"), "status": _l("Status"), "beneficiary_name": _l("Beneficiary's name"),
    "beneficiary_relation": _l("Beneficiary's relation"), "subscribed": _l("Subscribed capital"),
    "paid_up": _l("Paid-up capital"), "due_on": _l("Due date"), "member": _l("Member number"),
    "product": _l("Loan product code"), "released_on": _l("Date released"), "amount": _l("Amount lent"),
    "principal": _l("Principal due"), "interest": _l("Interest due"), "principal_paid": _l("Principal paid"),
    "interest_paid": _l("Interest paid"), "contact_person": _l("Contact person"), "phone": _l("Phone"),
    "address": _l("Address"), "tin": _l("TIN"), "code": _l("Code"), "category": _l("Category"), "unit": _l("Unit"),
    "sale_price": _l("Sale price"), "barcode": _l("Barcode"), "quantity_on_hand": _l("Quantity on hand"),
    "unit_cost": _l("Cost of one unit"),
}


def field_label(name: str):
    return FIELD_LABELS.get(name, name)


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
    Kind("loans", _l("Running loans with their remaining schedule (one row per installment)"),
         ("ref", "member", "product", "released_on", "amount", "due_on", "principal", "interest", "principal_paid",
          "interest_paid"),
         ("ref", "member", "product", "released_on", "amount", "due_on", "principal"), run_loans),
    Kind("beancount", _l("A Beancount ledger file (transactions and balance assertions)"), (), (), run_beancount,
         whole_file=True),
    Kind("suppliers", _l("Suppliers"), ("name", "contact_person", "phone", "email", "address", "tin"), ("name",),
         run_suppliers),
    Kind("products", _l("Products, with stock on hand and its cost"),
         ("code", "name", "category", "unit", "sale_price", "barcode", "quantity_on_hand", "unit_cost"),
         ("code", "name", "sale_price"), run_products),
)}


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise Invalid("An import is one of %(choices)s.", field="kind", values={"choices": ', '.join(KINDS)})
    return KINDS[name]


def check_file(spec: Kind, filename: str) -> None:
    """A Beancount ledger goes with its own kind, and its kind takes nothing else."""
    if spec.whole_file and not ledgerfile.is_beancount(filename):
        raise Invalid("Upload the Beancount file itself (its name ends in .beancount).", field="file")
    if not spec.whole_file and ledgerfile.is_beancount(filename):
        raise Invalid("This is a Beancount ledger: choose \"A Beancount ledger file\" as what the file holds.",
                      field="kind")


AS_OF_REQUIRED = ("opening_accounts", "loans")


def as_of_date(org_id: int, spec: Kind, value) -> date | None:
    """The date of the opening balances (the cut-over) as the officer gave it, checked as every posting's date is:
    a real date, not after today (plus the policy's days ahead), in an open month. The entries of the opening
    balances, the loans, the stock and the share capital are all dated by it."""
    if isinstance(value, str):
        text = value.strip()
        value = ledger.parse_date(text) if text else None
        if text and value is None:
            raise Invalid("Write the date like 2025-03-31.", field="as_of")
    if value is None:
        if spec.name in AS_OF_REQUIRED:
            raise Invalid("Give the date of the opening balances.", field="as_of")
        return None
    ledger.check_date(org_id, value, field="as_of", what=Words("The opening balances"))
    return value


def check_mapping(spec: Kind, header: list[str], mapping: dict[str, str]) -> None:
    missing = [name for name in spec.required if mapping.get(name) not in header]
    if missing:
        raise Invalid("Choose the file's column for: %(choices)s.", field=missing[0],
                      values={"choices": ', '.join(missing)})


def run(org_id: int, kind_name: str, content: bytes, filename: str, mapping: dict[str, str], *, dry_run: bool,
        actor_id: int | None, as_of: date | str | None = None, progress=None) -> Outcome:
    spec = kind(kind_name)
    if spec.whole_file:
        if not ledgerfile.is_beancount(filename):
            raise Invalid("Upload the Beancount file itself (its name ends in .beancount).", field="file")
        return spec.run(org_id, content, dry_run=dry_run, actor_id=actor_id, as_of=as_of, progress=progress)
    as_of = as_of_date(org_id, spec, as_of)
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
