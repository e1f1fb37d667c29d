"""Cash at the desk and in the bank. Every peso moves through coop.ledger.services.post.

- bank deposits: cash taken from the cash box to the bank (cash on hand -> cash in bank);
- teller sessions: an officer counts the cash in, every cash receipt or payment she posts while her
  session is open is tagged to it (the ledger asks `open_session_of`), she counts it out, and another
  officer confirms: the over or short is posted then to the cash short and over account;
- bank reconciliation: a statement imported from CSV, its lines matched to the cash-in-bank lines
  (automatically by amount within a window of days, or by hand), and the reconciliation statement.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import func, select

from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, Pesos
from ..extensions import db
from ..kernel import get_in_org
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..money import to_centavos
from ..orgs import services as orgs
from ..timeutil import today, utcnow
from .models import CLOSED, CONFIRMED, OPEN, BankLine, BankStatement, CashDeposit, TellerSession

SETTING_MATCH_DAYS = "cash.match_window_days"
OVER_SHORT = "cash_over_short"

# ---------------------------------------------------------------- bank deposits


def deposit(org_id: int, actor_id: int | None, *, amount: int, on: date | None = None,
            from_account: str = "cash_on_hand", to_account: str = "cash_in_bank", reference: str | None = None,
            idempotency_key: str | None = None) -> CashDeposit:
    """Take cash from the cash box to the bank: one entry, refused when the cash box holds less."""
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.source == "cash.deposit":
            return get_deposit(org_id, int(replay.source_id))
    if amount <= 0:
        raise Invalid("Deposit more than zero.", field="amount")
    ledger.cash_account(org_id, from_account, "from_account")
    ledger.cash_account(org_id, to_account, "to_account")
    if from_account == to_account:
        raise Invalid("Deposit into another cash account than the one the cash comes from.", field="to_account")
    on = on or today()
    row = CashDeposit(org_id=org_id, deposited_on=on, amount=amount, from_account=from_account,
                      to_account=to_account, reference=(reference or "").strip() or None, created_by=actor_id,
                      created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    memo = f"Bank deposit {row.reference}" if row.reference else "Bank deposit"
    posted = ledger.post(Entry(org_id=org_id, entry_date=on, memo=memo, source="cash.deposit",
                               source_id=str(row.id), idempotency_key=idempotency_key,
                               lines=(Line(to_account, debit=amount), Line(from_account, credit=amount))), actor_id)
    row.entry_id = posted.id
    db.session.flush()
    audit.record("cash.deposit", org_id=org_id, user_id=actor_id, target_type="cash_deposit", target_id=row.id)
    return row


def get_deposit(org_id: int, deposit_id: int) -> CashDeposit:
    return get_in_org(CashDeposit, org_id, deposit_id, "No such deposit.")


def deposits(org_id: int, limit: int = 100) -> list[CashDeposit]:
    return list(db.session.scalars(select(CashDeposit).where(CashDeposit.org_id == org_id)
                                   .order_by(CashDeposit.deposited_on.desc(), CashDeposit.id.desc()).limit(limit)))


# ---------------------------------------------------------------- teller sessions


def open_session_of(org_id: int, user_id: int) -> tuple[int, int] | None:
    """(session id, cash account id) of the user's open session: the ledger tags her cash entries with it."""
    row = db.session.execute(select(TellerSession.id, TellerSession.account_id).where(
        TellerSession.org_id == org_id, TellerSession.user_id == user_id, TellerSession.status == OPEN)).first()
    return None if row is None else (row.id, row.account_id)


def open_session(org_id: int, user_id: int, *, opening_count: int, account: str = "cash_on_hand") -> TellerSession:
    if opening_count < 0:
        raise Invalid("Count the cash: zero or more.", field="opening_count")
    ledger.cash_account(org_id, account, "account")
    if open_session_of(org_id, user_id) is not None:
        raise Conflict("You already have an open session: close it first.")
    session = TellerSession(org_id=org_id, user_id=user_id, account_id=ledger.get_account(org_id, account).id,
                            status=OPEN, business_day=today(), opened_at=utcnow(), opening_count=opening_count)
    db.session.add(session)
    db.session.flush()
    audit.record("cash.session_open", org_id=org_id, user_id=user_id, target_type="teller_session",
                 target_id=session.id, details={"opening_count": opening_count})
    return session


def get_session(org_id: int, session_id: int, *, lock: bool = False) -> TellerSession:
    return get_in_org(TellerSession, org_id, session_id, "No such teller session.", lock=lock)


def expected_count(session: TellerSession) -> int:
    """The opening count plus what the entries tagged to the session moved on its cash account."""
    return session.opening_count + ledger.session_movement(session.org_id, session.account_id, session.id)


def close_session(org_id: int, session_id: int, user_id: int, *, closing_count: int,
                  note: str | None = None) -> TellerSession:
    session = get_session(org_id, session_id, lock=True)
    if session.user_id != user_id:
        raise Forbidden("Only the officer at the desk closes her own session.")
    if session.status != OPEN:
        raise Conflict("This session is already closed.")
    if closing_count < 0:
        raise Invalid("Count the cash: zero or more.", field="closing_count")
    session.expected = expected_count(session)
    session.closing_count = closing_count
    session.over_short = closing_count - session.expected
    session.note = (note or "").strip() or None
    session.status, session.closed_at = CLOSED, utcnow()
    db.session.flush()
    audit.record("cash.session_close", org_id=org_id, user_id=user_id, target_type="teller_session",
                 target_id=session.id, details={"closing_count": closing_count, "over_short": session.over_short})
    return session


def confirm_session(org_id: int, session_id: int, confirmer_id: int) -> TellerSession:
    """A second officer confirms the closing count; an over or a short is posted to cash short and over."""
    session = get_session(org_id, session_id, lock=True)
    if session.user_id == confirmer_id:
        raise Forbidden("Another officer must confirm the closing count.")
    if session.status != CLOSED:
        raise Conflict("Only a closed session is confirmed, once.")
    if session.over_short:
        account = ledger.get_account(org_id, session.account_id)
        amount = abs(session.over_short)
        cash, over_short = Line(account.id, debit=amount), Line(OVER_SHORT, credit=amount)
        if session.over_short < 0:
            cash, over_short = Line(account.id, credit=amount), Line(OVER_SHORT, debit=amount)
        memo = (f"Cash over, teller session {session.id}" if session.over_short > 0
                else f"Cash short, teller session {session.id}")
        session.entry_id = ledger.post(Entry(
            org_id=org_id, entry_date=session.business_day, memo=memo, lines=(cash, over_short),
            source="cash.session", source_id=str(session.id), teller_session_id=session.id), confirmer_id).id
    session.status, session.confirmed_by, session.confirmed_at = CONFIRMED, confirmer_id, utcnow()
    db.session.flush()
    audit.record("cash.session_confirm", org_id=org_id, user_id=confirmer_id, target_type="teller_session",
                 target_id=session.id, details={"over_short": session.over_short})
    return session


def sessions(org_id: int, status: str | None = None, limit: int = 100) -> list[TellerSession]:
    query = select(TellerSession).where(TellerSession.org_id == org_id)
    if status:
        query = query.where(TellerSession.status == status)
    return list(db.session.scalars(query.order_by(TellerSession.id.desc()).limit(limit)))


# ---------------------------------------------------------------- bank reconciliation

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d-%b-%Y", "%b %d, %Y", "%m/%d/%y")
_COLUMNS = {
    "date": ("date", "txn date", "transaction date", "posting date", "value date", "petsa"),
    "description": ("description", "particulars", "details", "memo", "remarks"),
    "reference": ("reference", "ref", "ref no", "check no", "check number", "cheque no"),
    "amount": ("amount",),
    "deposit": ("deposit", "deposits", "credit", "credits", "credit amount"),
    "withdrawal": ("withdrawal", "withdrawals", "debit", "debits", "debit amount"),
    "balance": ("balance", "running balance", "ending balance"),
}


def _parse_date(text: str, n: int) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise Invalid("Line %(n)s: %(value)s is not a date (use 2026-03-31 or 03/31/2026).",
                  field="file", values={"n": n, "value": text})


def _parse_amount(text: str, n: int) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    negative = text.startswith("(") and text.endswith(")")
    try:
        value = to_centavos(text.strip("()"))
    except ValueError:
        raise Invalid("Line %(n)s: %(value)s is not an amount.", field="file", values={"n": n, "value": text}) from None
    return -value if negative else value


def parse_amount(text: str, field: str = "closing_balance") -> int:
    """An amount typed by an officer (may be negative)."""
    try:
        return to_centavos(text)
    except ValueError:
        raise Invalid("Enter an amount in pesos, like 2000 or 2,000.50.", field=field) from None


def parse_statement(text: str) -> list[dict]:
    """The lines of a bank statement CSV: date, description, reference, and an amount or deposit/withdrawal."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise Invalid("The file is empty.", field="file")
    names = [h.strip().lower() for h in header]
    where = {}
    for column, aliases in _COLUMNS.items():
        for n, name in enumerate(names):
            if name in aliases:
                where[column] = n
                break
    if "date" not in where or ("amount" not in where and not {"deposit", "withdrawal"} & where.keys()):
        raise Invalid("The first line names the columns: date, description, and amount (or deposit and "
                        "withdrawal).", field="file")
    lines = []
    for n, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = lambda column: row[where[column]] if column in where and where[column] < len(row) else ""  # noqa: E731
        if "amount" in where:
            amount = _parse_amount(cell("amount"), n)
        else:
            amount = _parse_amount(cell("deposit"), n) - abs(_parse_amount(cell("withdrawal"), n))
        if amount == 0:
            continue
        balance = _parse_amount(cell("balance"), n) if cell("balance").strip() else None
        lines.append({"line_date": _parse_date(cell("date"), n), "description": cell("description").strip()[:200]
                      or "-", "reference": cell("reference").strip()[:60] or None, "amount": amount,
                      "balance": balance})
    if not lines:
        raise Invalid("The statement has no lines with an amount.", field="file")
    return lines


def import_statement(org_id: int, actor_id: int | None, text: str, *, account: str = "cash_in_bank",
                     filename: str | None = None, closing_balance: int | None = None) -> BankStatement:
    """Store a bank statement and match what can be matched; the ending balance is the CSV's last balance or given."""
    ledger.cash_account(org_id, account, "account")
    lines = parse_statement(text)
    if closing_balance is None:
        last = [line["balance"] for line in lines if line["balance"] is not None]
        if not last:
            raise Invalid("Give the statement's ending balance (the file has no balance column).",
                          field="closing_balance")
        closing_balance = last[-1]
    late = max(line["line_date"] for line in lines)
    if late > today():
        raise Invalid("A bank statement cannot hold a line dated after today (%(day)s).", field="file",
                      values={"day": late})
    account_id = ledger.get_account(org_id, account).id
    start_date = min(line["line_date"] for line in lines)
    imported = db.session.scalar(select(BankStatement.id).where(
        BankStatement.org_id == org_id, BankStatement.account_id == account_id, BankStatement.start_date == start_date,
        BankStatement.end_date == late, BankStatement.closing_balance == closing_balance).limit(1))
    if imported is not None:  # the same file twice (a double click, or uploaded again): its lines would count twice
        raise Conflict("This statement was imported already (statement #%(number)s).", field="file",
                       values={"number": imported})
    statement = BankStatement(org_id=org_id, account_id=account_id, filename=(filename or "")[:200] or None,
                              start_date=start_date, end_date=late, closing_balance=closing_balance,
                              imported_by=actor_id, imported_at=utcnow())
    db.session.add(statement)
    db.session.flush()
    db.session.add_all([BankLine(org_id=org_id, statement_id=statement.id, line_date=line["line_date"],
                                 description=line["description"], reference=line["reference"],
                                 amount=line["amount"]) for line in lines])
    db.session.flush()
    audit.record("cash.statement_import", org_id=org_id, user_id=actor_id, target_type="bank_statement",
                 target_id=statement.id, details={"lines": len(lines)})
    auto_match(org_id, statement.id, actor_id)
    return statement


def get_statement(org_id: int, statement_id: int) -> BankStatement:
    return get_in_org(BankStatement, org_id, statement_id, "No such bank statement.")


def statements(org_id: int) -> list[BankStatement]:
    return list(db.session.scalars(select(BankStatement).where(BankStatement.org_id == org_id)
                                   .order_by(BankStatement.end_date.desc(), BankStatement.id.desc())))


def statement_lines(org_id: int, statement_id: int) -> list[BankLine]:
    return list(db.session.scalars(select(BankLine).where(BankLine.org_id == org_id,
                                                         BankLine.statement_id == statement_id)
                                   .order_by(BankLine.line_date, BankLine.id)))


def _matched_line_ids(org_id: int) -> set[int]:
    return set(db.session.scalars(select(BankLine.journal_line_id).where(
        BankLine.org_id == org_id, BankLine.journal_line_id.is_not(None))))


def _first_start(org_id: int, account_id: int) -> date | None:
    return db.session.scalar(select(func.min(BankStatement.start_date)).where(
        BankStatement.org_id == org_id, BankStatement.account_id == account_id))


def auto_match(org_id: int, statement_id: int, actor_id: int | None) -> int:
    """Match each unmatched bank line to an unmatched book line of the same amount, nearest date in the window."""
    statement = get_statement(org_id, statement_id)
    window = int(orgs.get_setting(org_id, SETTING_MATCH_DAYS))
    start = date.fromordinal(statement.start_date.toordinal() - window)
    end = date.fromordinal(statement.end_date.toordinal() + window)
    taken = _matched_line_ids(org_id)
    candidates = [row for row in ledger.book_lines(org_id, statement.account_id, start, end)
                  if row.line_id not in taken]
    matched = 0
    for line in statement_lines(org_id, statement_id):
        if line.journal_line_id is not None:
            continue
        fits = [row for row in candidates if row.amount == line.amount
                and abs((row.entry_date - line.line_date).days) <= window]
        if not fits:
            continue
        best = min(fits, key=lambda row: (abs((row.entry_date - line.line_date).days), row.line_id))
        candidates.remove(best)
        line.journal_line_id, line.matched_how, line.matched_by, line.matched_at = best.line_id, "auto", actor_id, utcnow()
        matched += 1
    db.session.flush()
    return matched


def get_bank_line(org_id: int, line_id: int) -> BankLine:
    return get_in_org(BankLine, org_id, line_id, "No such statement line.")


def match(org_id: int, bank_line_id: int, journal_line_id: int, actor_id: int | None) -> BankLine:
    line = get_bank_line(org_id, bank_line_id)
    statement = get_statement(org_id, line.statement_id)
    if line.journal_line_id is not None:
        raise Conflict("This statement line is already matched; unmatch it first.")
    book = ledger.book_line(org_id, statement.account_id, journal_line_id)
    if journal_line_id in _matched_line_ids(org_id):
        raise Conflict("That book line is already matched to another statement line.")
    if book.amount != line.amount:
        raise Invalid("The amounts differ: the bank shows %(bank)s, the books %(book)s.", field="journal_line_id", values={"bank": Pesos(line.amount), "book": Pesos(book.amount)})
    line.journal_line_id, line.matched_how, line.matched_by, line.matched_at = journal_line_id, "manual", actor_id, utcnow()
    db.session.flush()
    audit.record("cash.match", org_id=org_id, user_id=actor_id, target_type="bank_line", target_id=line.id,
                 details={"journal_line_id": journal_line_id})
    return line


def unmatch(org_id: int, bank_line_id: int, actor_id: int | None) -> BankLine:
    line = get_bank_line(org_id, bank_line_id)
    if line.journal_line_id is None:
        raise Conflict("This statement line is not matched.")
    audit.record("cash.unmatch", org_id=org_id, user_id=actor_id, target_type="bank_line", target_id=line.id,
                 details={"journal_line_id": line.journal_line_id})
    line.journal_line_id, line.matched_how, line.matched_by, line.matched_at = None, None, None, None
    db.session.flush()
    return line


def reconciliation(org_id: int, statement_id: int) -> dict:
    """The bank reconciliation statement at the statement's end date, with what is unmatched on either side."""
    statement = get_statement(org_id, statement_id)
    window = int(orgs.get_setting(org_id, SETTING_MATCH_DAYS))
    first = _first_start(org_id, statement.account_id) or statement.start_date
    taken = _matched_line_ids(org_id)
    book_unmatched = [row for row in ledger.book_lines(
        org_id, statement.account_id, date.fromordinal(first.toordinal() - window), statement.end_date)
        if row.line_id not in taken]
    bank_lines = statement_lines(org_id, statement_id)
    bank_unmatched = [line for line in bank_lines if line.journal_line_id is None]
    book_balance = ledger.balances_as_of(org_id, statement.end_date).get(statement.account_id)
    book_balance = book_balance.debit_balance if book_balance else 0
    in_transit = [row for row in book_unmatched if row.amount > 0]
    outstanding = [row for row in book_unmatched if row.amount < 0]
    adjusted_bank = statement.closing_balance + sum(r.amount for r in in_transit) + sum(r.amount for r in outstanding)
    adjusted_book = book_balance + sum(line.amount for line in bank_unmatched)
    return {
        "statement": statement, "account": ledger.get_account(org_id, statement.account_id),
        "bank_lines": bank_lines, "bank_balance": statement.closing_balance, "book_balance": book_balance,
        "deposits_in_transit": in_transit, "outstanding_checks": outstanding,
        "bank_credits": [line for line in bank_unmatched if line.amount > 0],
        "bank_debits": [line for line in bank_unmatched if line.amount < 0],
        "unmatched_bank": bank_unmatched, "unmatched_book": book_unmatched,
        "adjusted_bank": adjusted_bank, "adjusted_book": adjusted_book, "difference": adjusted_bank - adjusted_book,
        "matched": len(bank_lines) - len(bank_unmatched),
    }
