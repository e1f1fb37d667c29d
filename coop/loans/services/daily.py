"""The loans' end of day (the daily job `loans.end_of_day`): penalties, past due, aging, reminders."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import JSON, Integer, bindparam, cast, func, insert, literal, select, text, update

from flask_babel import format_date, gettext as _

from ...auth import services as auth
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...members import services as members
from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...money import sms_pesos
from ...orgs.services import get_setting
from ...timeutil import utcnow
from .. import schedule as sched
from ..models import Installment, Loan, LoanProduct, LoanTransaction
from .base import PAST_DUE_ACCOUNT, RESTRUCTURED_ACCOUNT, SOURCE
from .comakers import notify_comakers

MOVE_CHUNK = 200  # loans per journal entry when the end of day moves many at once


def end_of_day(org_id: int, day: date) -> str:
    """Mark overdue, charge penalties per policy, move missed loans to past due, update aging, remind (the
    borrowers, and the co-makers of loans in arrears).

    Everything it does is keyed to the day and the installment, so running a day twice does nothing
    twice, and the jobs runner catches up missed days one by one in order. It works in bulk (Core
    statements, many rows each), so a day over a hundred thousand open loans stays short.
    """
    db.session.flush()
    penalties = _charge_penalties(org_id, day)
    moved = _move_past_due(org_id, day)
    _update_aging(org_id, day)
    db.session.expire_all()  # the bulk statements changed rows the session may hold
    reminders = _remind(org_id, day)
    told = notify_comakers(org_id, day)
    return f"{penalties} penalties, {moved} moved to/from past due, {reminders} reminders, {told} co-maker notices"


def _bulk_update(table, key: str, rows: list[dict], *, add: tuple[str, ...] = ()) -> None:
    """Many rows updated by one set-based statement: rows carry `_id` and the new values of the same
    columns (those named in `add` are added to the column instead). On PostgreSQL one
    `UPDATE ... FROM unnest(arrays)`, whatever the number of rows (not a statement per row, and no
    statement text growing with the rows); SQLite's executemany runs in process, without round trips."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "_id"]
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        db.session.execute(update(table).where(table.c[key] == bindparam("_id")).values(
            {name: (table.c[name] + bindparam(name)) if name in add else bindparam(name) for name in columns}), rows)
        return
    names = ("_id", *columns)
    types = (table.c[key].type, *(table.c[name].type for name in columns))
    arrays = ", ".join(f"CAST(:{name} AS {kind.compile(dialect=dialect)}[])" for name, kind in zip(names, types))
    sets = ", ".join(f'"{name}" = ' + (f'"{table.name}"."{name}" + given."{name}"' if name in add else f'given."{name}"')
                     for name in columns)
    db.session.execute(
        text(f'UPDATE "{table.name}" SET {sets} FROM unnest({arrays}) AS given({", ".join(names)}) '
             f'WHERE "{table.name}"."{key}" = given._id'),
        {name: [row[name] for row in rows] for name in names})


def _bulk_insert(table, rows: list[dict]) -> None:
    """Many rows inserted by one statement: on PostgreSQL `INSERT ... SELECT FROM unnest(arrays)` (a plain
    executemany is a statement per row there, and SQLAlchemy's many-rows VALUES costs more to build than to run);
    SQLite's executemany runs in process."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    names = list(rows[0])
    kinds = [table.c[name].type for name in names]
    processors = [json.dumps if isinstance(kind, JSON) else None for kind in kinds]  # as the JSON type writes it
    arrays = ", ".join(f"CAST(:{name} AS {kind.compile(dialect=dialect)}[])" for name, kind in zip(names, kinds))
    columns = ", ".join(f'"{name}"' for name in names)
    db.session.execute(
        text(f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM unnest({arrays}) AS given({columns})'),
        {name: [process(row[name]) if process else row[name] for row in rows]
         for name, process in zip(names, processors)})


# ---------------------------------------------------------------- penalties


@dataclass(frozen=True)
class PenaltyCharge:
    """One penalty period charged on one installment; `entry` is its index in the day's entries when accrued."""

    loan_id: int
    installment_id: int
    period: int
    amount: int
    accrued: bool
    entry: int | None


def _charge_penalties(org_id: int, day: date) -> int:
    """Each late installment's penalty periods so far, charged once each (the count is kept per installment)."""
    accrue = get_setting(org_id, "loans.penalty_recognition") == "accrued"
    inst, loan, product = Installment.__table__.c, Loan.__table__.c, LoanProduct.__table__.c
    rows = db.session.execute(
        select(inst.id, inst.loan_id, inst.number, inst.due_on, inst.penalty_periods, inst.penalty_due,
               inst.penalty_accrued,
               (inst.principal_due + inst.interest_due - inst.principal_paid - inst.interest_paid).label("overdue"),
               loan.party_id, product.penalty_method, product.penalty_rate_bp, product.penalty_amount,
               product.penalty_grace_days, product.penalty_period_days)
        .join_from(Installment.__table__, Loan.__table__, loan.id == inst.loan_id)
        .join(LoanProduct.__table__, product.id == loan.product_id)
        .where(inst.org_id == org_id, inst.settled.is_(False), inst.due_on < day, loan.status == "active",
               product.penalty_method != "none")
        .order_by(inst.loan_id, inst.number)).all()
    installment_rows, loan_totals, charges, entries = [], defaultdict(int), [], []
    for row in rows:
        due = sched.penalty_periods((day - row.due_on).days, grace_days=row.penalty_grace_days,
                                    period_days=row.penalty_period_days)
        if due <= row.penalty_periods:
            continue
        charged, charged_accrued = 0, 0
        for period in range(row.penalty_periods + 1, due + 1):
            amount = sched.penalty_for_period(row.overdue, method=row.penalty_method, rate_bp=row.penalty_rate_bp,
                                              fixed_amount=row.penalty_amount)
            if amount <= 0:
                continue
            charged += amount
            if accrue:
                charged_accrued += amount
                entries.append(Entry(org_id, day, f"Penalty on loan L-{row.loan_id:06d}, installment {row.number}", (
                    Line("accounts_receivable_members", debit=amount, party_id=row.party_id, memo="Penalty (accrued)"),
                    Line("fines_penalties", credit=amount, party_id=row.party_id)), source=SOURCE,
                    source_id=str(row.loan_id), idempotency_key=f"loans:penalty:{row.id}:{period}"))
            charges.append(PenaltyCharge(row.loan_id, row.id, period, amount, accrue,
                                         len(entries) - 1 if accrue else None))
        installment_rows.append({"_id": row.id, "penalty_periods": due, "penalty_due": row.penalty_due + charged,
                                 "penalty_accrued": row.penalty_accrued + charged_accrued})
        loan_totals[row.loan_id] += charged
    posted = ledger.post_many(entries) if entries else []
    if charges:
        _bulk_insert(LoanTransaction.__table__, [
            {"org_id": org_id, "loan_id": c.loan_id, "kind": "penalty", "on_date": day, "amount": c.amount,
             "principal": 0, "interest": 0, "penalty": c.amount,
             "allocation": [[c.installment_id, 0, 0, c.amount, c.amount if c.accrued else 0]],
             "entry_id": posted[c.entry].id if c.entry is not None else None, "reversed": False,
             "idempotency_key": f"penalty:{c.installment_id}:{c.period}", "at": utcnow()} for c in charges])
    _bulk_update(Installment.__table__, "id", installment_rows)
    _bulk_update(Loan.__table__, "id", [{"_id": loan_id, "penalty_due": charged}
                                        for loan_id, charged in sorted(loan_totals.items())], add=("penalty_due",))
    return len(charges)


# ---------------------------------------------------------------- past due


@dataclass(frozen=True)
class Move:
    """One loan's principal moving from the receivable it sits in to `target`."""

    loan_id: int
    party_id: int
    account: str
    target: str
    principal: int


def _move_past_due(org_id: int, day: date) -> int:
    """A missed installment moves the loan's whole principal to past due; clearing the arrears moves it back.

    Moves of one day are posted in entries of up to MOVE_CHUNK loans (two lines per loan, each with
    her party and the loan number).
    """
    loan = Loan.__table__.c
    candidates = db.session.execute(
        select(loan.id, loan.party_id, loan.product_id, loan.restructured_from_id, loan.receivable_account,
               loan.next_due_on, (loan.principal_due - loan.principal_paid).label("principal"))
        .where(loan.org_id == org_id, loan.status == "active",
               ((loan.next_due_on < day) & (loan.receivable_account != PAST_DUE_ACCOUNT))
               | (((loan.next_due_on >= day) | loan.next_due_on.is_(None))
                  & (loan.receivable_account == PAST_DUE_ACCOUNT)))
        .order_by(loan.id)).all()
    home = {p.id: p.receivable_account for p in db.session.scalars(
        select(LoanProduct).where(LoanProduct.org_id == org_id))}
    moves = [Move(row.id, row.party_id, row.receivable_account,
                  PAST_DUE_ACCOUNT if row.next_due_on is not None and row.next_due_on < day
                  else RESTRUCTURED_ACCOUNT if row.restructured_from_id else home[row.product_id], row.principal)
             for row in candidates]
    entries, chunk_of = [], {}
    for start in range(0, len(moves), MOVE_CHUNK):
        chunk = moves[start:start + MOVE_CHUNK]
        lines = tuple(line for move in chunk if move.principal for line in (
            Line(move.target, debit=move.principal, party_id=move.party_id, memo=f"L-{move.loan_id:06d}"),
            Line(move.account, credit=move.principal, party_id=move.party_id, memo=f"L-{move.loan_id:06d}")))
        if lines:
            for move in chunk:
                chunk_of[move.loan_id] = len(entries)
            entries.append(Entry(org_id, day, f"Loans moved to or from past due ({len(chunk)})", lines,
                                 source=SOURCE, idempotency_key=f"loans:moves:{day}:{chunk[0].loan_id}"))
    posted = ledger.post_many(entries) if entries else []
    if moves:
        _bulk_insert(LoanTransaction.__table__, [
            {"org_id": org_id, "loan_id": move.loan_id, "kind": "past_due_move", "on_date": day,
             "amount": move.principal, "principal": move.principal, "interest": 0, "penalty": 0, "allocation": [],
             "reversed": False, "entry_id": posted[chunk_of[move.loan_id]].id if move.loan_id in chunk_of else None,
             "reason": f"{move.account} -> {move.target}", "at": utcnow()} for move in moves])
        _bulk_update(Loan.__table__, "id", [{"_id": move.loan_id, "receivable_account": move.target}
                                            for move in moves])
    return len(moves)


def _update_aging(org_id: int, day: date) -> None:
    """Days past due of each open loan, from its oldest unpaid installment: one statement for all loans."""
    loan = Loan.__table__.c
    if db.session.get_bind().dialect.name == "postgresql":
        late_days = literal(day) - loan.next_due_on
    else:
        late_days = cast(func.julianday(literal(day.isoformat())) - func.julianday(loan.next_due_on), Integer)
    db.session.execute(update(Loan.__table__).where(
        loan.org_id == org_id, loan.status == "active", loan.next_due_on < day).values(days_past_due=late_days))
    db.session.execute(update(Loan.__table__).where(
        loan.org_id == org_id, loan.days_past_due != 0,
        (loan.status != "active") | loan.next_due_on.is_(None) | (loan.next_due_on >= day)).values(days_past_due=0))


# ---------------------------------------------------------------- reminders


def _remind(org_id: int, day: date) -> int:
    """A text 3 days before a due date and the day after a missed one. It names no one and no goods."""
    inst, loan = Installment.__table__.c, Loan.__table__.c
    before = day + timedelta(days=get_setting(org_id, "loans.reminder_days_before"))
    rows = db.session.execute(
        select(inst.id, inst.due_on,
               (inst.principal_due + inst.interest_due + inst.penalty_due - inst.principal_paid
                - inst.interest_paid - inst.penalty_paid).label("balance"),
               loan.id.label("loan_id"), loan.member_id)
        .join_from(Installment.__table__, Loan.__table__, loan.id == inst.loan_id)
        .where(inst.org_id == org_id, inst.settled.is_(False), loan.status == "active",
               ((inst.due_on == before) & inst.reminded_before.is_(False))
               | ((inst.due_on == day - timedelta(days=1)) & inst.reminded_missed.is_(False)))
        .order_by(inst.id)).all()
    flags, batch = [], []
    default_language = get_setting(org_id, "messaging.language")
    contacts = members.contacts(org_id, {row.member_id for row in rows})  # member id -> (mobile, user id)
    locales = auth.locales(user_id for _, user_id in contacts.values() if user_id)
    for row in rows:
        missed = row.due_on < day
        flags.append({"_id": row.id, "reminded_missed" if missed else "reminded_before": True})
        mobile, user_id = contacts.get(row.member_id, (None, None))
        if not mobile:
            continue
        with written_in(language(locales.get(user_id), default_language)):
            body = _loan_reminder(sms_pesos(row.balance), f"L-{row.loan_id:06d}", row.due_on, missed)
        batch.append(outbox.Message("sms", mobile, body, f"loan:{row.id}:{'missed' if missed else 'before'}"))
    sent = outbox.enqueue_many(org_id, batch)  # a few statements for all of them
    for key in ("reminded_before", "reminded_missed"):
        _bulk_update(Installment.__table__, "id", [row for row in flags if key in row])
    return sent


def _loan_reminder(amount: str, number: str, due_on: date, missed: bool) -> str:
    """The text in the language in force: an amount, a loan number and a date, nothing about who or what."""
    if missed:
        return _("Reminder: %(amount)s on %(number)s was due %(due)s. Please pay at the cooperative office.",
                 amount=amount, number=number, due=format_date(due_on, "d MMM yyyy"))
    return _("Reminder: %(amount)s on %(number)s is due %(due)s.", amount=amount, number=number,
             due=format_date(due_on, "d MMM yyyy"))
