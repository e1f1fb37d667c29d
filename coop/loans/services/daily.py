"""The loans' end of day (the daily job `loans.end_of_day`): penalties, past due, aging, reminders."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (BigInteger, Column, Date, Integer, MetaData, String, Table, bindparam, case, cast, func, insert,
                        literal, select, text, update)

from flask_babel import format_date, gettext as _

from ...auth import services as auth
from ...extensions import db
from ...ledger import services as ledger
from ...members import services as members
from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...money import sms_pesos
from ...orgs.services import get_setting
from ...timeutil import utcnow
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
    _update_loans(org_id, day)  # the penalties, the moves and the aging: each loan written once
    for table in (_CHARGE, _LATE, _MOVES, _LOANS):
        _drop(table)  # (after a failure the rollback takes them, and the next run makes them afresh anyway)
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


# ---------------------------------------------------------------- penalties and moves, set-based
# The day's candidates are selected once each into a temporary table (the late installments, the penalty periods
# charged, the moves): one read of the open loans and installments per day, and every later statement (the
# checks and writes of `ledger.post_selected`, the loan transactions, the loans' and installments' new figures)
# reads those few rows, not every open loan again. The tables hold the loans and installments as they were at the
# start of the step (the rows it changes are updated last). The same SQL on SQLite and PostgreSQL but for a date
# difference, a loan number and a JSON array.

_SCRATCH = MetaData()  # the job's temporary tables: never created by the migrations, dropped after each step


def _key(name: str) -> Column:
    return Column(name, Integer, primary_key=True, autoincrement=False)


_LATE = Table("loans_eod_late", _SCRATCH, _key("installment_id"), Column("loan_id", Integer),
              Column("number", Integer), Column("party_id", Integer), Column("charged", Integer),
              Column("due", Integer), Column("amount", BigInteger), prefixes=["TEMPORARY"])
_CHARGE = Table("loans_eod_charge", _SCRATCH, _key("installment_id"), _key("period"), Column("loan_id", Integer),
                Column("number", Integer), Column("party_id", Integer), Column("amount", BigInteger),
                Column("key", String(120)), prefixes=["TEMPORARY"])
_MOVES = Table("loans_eod_moves", _SCRATCH, _key("loan_id"), Column("party_id", Integer),
               Column("account", String(60)), Column("target", String(60)), Column("principal", BigInteger),
               Column("n", Integer), Column("chunk", Integer), Column("first", Integer), Column("loans", Integer),
               Column("lines", Integer), Column("key", String(120)), prefixes=["TEMPORARY"])
_LOANS = Table("loans_eod_loans", _SCRATCH, _key("loan_id"), Column("charged", BigInteger),
               Column("target", String(60)), Column("late_days", Integer), prefixes=["TEMPORARY"])


def _drop(table: Table) -> None:
    db.session.execute(text(f"DROP TABLE IF EXISTS {table.name}"))


def _select_into(table: Table, query) -> Table:
    """`query`'s rows (its columns labelled as the table's) into the temporary `table`, made afresh; on PostgreSQL
    analyzed, so that the plans of the statements that read it know its size (autovacuum never sees it)."""
    _drop(table)
    table.create(bind=db.session.connection())
    db.session.execute(insert(table).from_select([column.name for column in query.selected_columns], query))
    if _postgres():
        db.session.execute(text(f"ANALYZE {table.name}"))
    return table


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _days_since(day: date, column):
    """Whole days from `column` (a date) to `day`."""
    if _postgres():
        return cast(literal(day, Date) - column, Integer)
    return cast(func.julianday(literal(day.isoformat())) - func.julianday(column), Integer)


def _text(value):
    return cast(value, String)


def _loan_number(loan_id):
    """f"L-{id:06d}" (Loan.number), in SQL."""
    if _postgres():
        return literal("L-") + case((loan_id < 1_000_000, func.lpad(_text(loan_id), 6, "0")), else_=_text(loan_id))
    return func.printf("L-%06d", loan_id)


def _json_array(*items):
    return (func.json_build_array if _postgres() else func.json_array)(*items)


def _late_installments(org_id: int, day: date):
    """Each late installment whose penalty periods so far (`schedule.penalty_periods`) are more than it was
    charged for, with the penalty of one period (`schedule.penalty_for_period`: a product's fixed amount, or its
    rate of the overdue principal and interest rounded half up to the centavo; nothing when nothing is overdue)."""
    inst, loan, product = Installment.__table__.c, Loan.__table__.c, LoanProduct.__table__.c
    late = _days_since(day, inst.due_on) - product.penalty_grace_days
    period_days = case((product.penalty_period_days < 1, 1), else_=product.penalty_period_days)
    due = case((late <= 0, 0), else_=cast((late + period_days - 1) // period_days, Integer))
    overdue = (cast(inst.principal_due, BigInteger) + inst.interest_due - inst.principal_paid - inst.interest_paid)
    amount = case((overdue <= 0, 0), (product.penalty_method == "fixed", product.penalty_amount),
                  else_=cast((overdue * product.penalty_rate_bp * 2 + 10_000) // 20_000, BigInteger))
    return (select(inst.id.label("installment_id"), inst.loan_id, inst.number, loan.party_id,
                   inst.penalty_periods.label("charged"), due.label("due"), amount.label("amount"))
            .join_from(Installment.__table__, Loan.__table__, loan.id == inst.loan_id)
            .join(LoanProduct.__table__, product.id == loan.product_id)
            .where(inst.org_id == org_id, inst.settled.is_(False), inst.due_on < day, loan.status == "active",
                   product.penalty_method != "none", due > inst.penalty_periods))


def _charge_penalties(org_id: int, day: date) -> int:
    """Each late installment's penalty periods so far, charged once each (the count is kept per installment):
    a loan transaction per period and, when penalties are accrued, an entry per period."""
    accrue = get_setting(org_id, "loans.penalty_recognition") == "accrued"
    return _charge(org_id, day, _select_into(_LATE, _late_installments(org_id, day)), accrue)


def _charge(org_id: int, day: date, late: Table, accrue: bool) -> int:
    fresh = late.c.due - late.c.charged
    most, charges = db.session.execute(select(func.max(fresh), func.coalesce(func.sum(
        case((late.c.amount > 0, fresh), else_=0)), 0))).one()
    if most is None:
        return 0
    if charges:
        # the periods charged now: charged + 1 ... due, one row each (a recursive count, as both engines have)
        numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < int(most)))
        period = late.c.charged + numbers.c.n
        charge = _select_into(_CHARGE, select(
            late.c.installment_id, period.label("period"), late.c.loan_id, late.c.number, late.c.party_id,
            late.c.amount, (literal("loans:penalty:") + _text(late.c.installment_id) + literal(":")
                            + _text(period)).label("key"))
            .join_from(late, numbers, numbers.c.n <= fresh).where(late.c.amount > 0))
        c = charge.c
        if accrue:
            ledger.post_selected(
                org_id, entry_date=day, source=SOURCE,
                entries=select(c.key, (literal("Penalty on loan ") + _loan_number(c.loan_id)
                                       + literal(", installment ") + _text(c.number)).label("memo"),
                               _text(c.loan_id).label("source_id"),
                               func.row_number().over(order_by=(c.loan_id, c.number, c.period)).label("sort")),
                lines=select(c.key, literal("accounts_receivable_members").label("account"), c.party_id,
                             c.amount.label("debit"), literal(0).label("credit"),
                             literal("Penalty (accrued)").label("memo"), literal(0).label("sort"))
                .union_all(select(c.key, literal("fines_penalties"), c.party_id, literal(0), c.amount,
                                  literal(None, String), literal(1))))
        entry, txn = ledger.entry_keys(org_id), LoanTransaction.__table__
        source = charge.outerjoin(entry, entry.c.key == c.key) if accrue else charge
        db.session.execute(insert(txn).from_select(
            ["org_id", "loan_id", "kind", "on_date", "amount", "principal", "interest", "penalty", "allowance_used",
             "allocation", "entry_id", "reversed", "idempotency_key", "at"],
            select(literal(org_id), c.loan_id, literal("penalty"), literal(day, Date), c.amount, literal(0),
                   literal(0), c.amount, literal(0),
                   _json_array(_json_array(c.installment_id, literal(0), literal(0), c.amount,
                                           c.amount if accrue else literal(0))),
                   entry.c.id if accrue else literal(None, Integer), literal(False),
                   literal("penalty:") + _text(c.installment_id) + literal(":") + _text(c.period),
                   literal(utcnow(), txn.c.at.type))
            .select_from(source).order_by(c.loan_id, c.number, c.period)))
        charged = case((late.c.amount > 0, late.c.amount * fresh), else_=0)  # the loans' share: _update_loans
    else:
        charged = literal(0)
    # every late installment's count of periods moves on (those of nothing overdue too, as they are due no penalty)
    now = select(late.c.installment_id, late.c.due, charged.label("charged")).subquery("now")
    inst = Installment.__table__
    db.session.execute(update(inst).where(inst.c.id == now.c.installment_id).values(
        penalty_periods=now.c.due, penalty_due=inst.c.penalty_due + now.c.charged,
        penalty_accrued=inst.c.penalty_accrued + (now.c.charged if accrue else 0)))
    return int(charges)


def _moves(org_id: int, day: date):
    """The loans whose principal moves today: a missed installment moves it to past due, clearing the arrears
    moves it back (to the restructured loans' account, or to its product's); numbered in loan order, in chunks
    of MOVE_CHUNK loans, each row with its chunk's first loan, size and lines (windows: no self-join), and the
    idempotency key of its chunk's entry."""
    loan, product = Loan.__table__.c, LoanProduct.__table__.c
    missed = loan.next_due_on.is_not(None) & (loan.next_due_on < day)
    target = case((missed, PAST_DUE_ACCOUNT), (loan.restructured_from_id.is_not(None), RESTRUCTURED_ACCOUNT),
                  else_=product.receivable_account)
    numbered = (select(loan.id.label("loan_id"), loan.party_id, loan.receivable_account.label("account"),
                       target.label("target"), (loan.principal_due - loan.principal_paid).label("principal"),
                       cast(func.row_number().over(order_by=loan.id), Integer).label("n"))
                .join_from(Loan.__table__, LoanProduct.__table__, product.id == loan.product_id)
                .where(loan.org_id == org_id, loan.status == "active",
                       (missed & (loan.receivable_account != PAST_DUE_ACCOUNT))
                       | (~missed & (loan.receivable_account == PAST_DUE_ACCOUNT)))
                .subquery("numbered"))
    c = numbered.c
    chunk = cast((c.n - 1) // MOVE_CHUNK, Integer)
    first = func.min(c.loan_id).over(partition_by=chunk)
    return select(c.loan_id, c.party_id, c.account, c.target, c.principal, c.n, chunk.label("chunk"),
                  first.label("first"), func.count().over(partition_by=chunk).label("loans"),
                  func.sum(case((c.principal != 0, 1), else_=0)).over(partition_by=chunk).label("lines"),
                  (literal(f"loans:moves:{day.isoformat()}:") + _text(first)).label("key"))


def _move_past_due(org_id: int, day: date) -> int:
    """A missed installment moves the loan's whole principal to past due; clearing the arrears moves it back.

    Moves of one day are posted in entries of up to MOVE_CHUNK loans in loan order (two lines per loan, each
    with her party and the loan number); a loan transaction records each move, with its entry.
    """
    return _move(org_id, day, _select_into(_MOVES, _moves(org_id, day)))


def _move(org_id: int, day: date, moves: Table) -> int:
    m = moves.c
    count = db.session.scalar(select(func.count()).select_from(moves))
    if not count:
        return 0
    number = _loan_number(m.loan_id)
    ledger.post_selected(
        org_id, entry_date=day, source=SOURCE,
        entries=select(m.key, (literal("Loans moved to or from past due (") + _text(m.loans)
                               + literal(")")).label("memo"), literal(None, String).label("source_id"),
                       m.chunk.label("sort")).where(m.loan_id == m.first, m.lines > 0),
        lines=select(m.key, m.target.label("account"), m.party_id, m.principal.label("debit"),
                     literal(0).label("credit"), number.label("memo"), (m.n * 2).label("sort"))
        .where(m.principal != 0)
        .union_all(select(m.key, m.account, m.party_id, literal(0), m.principal, number, m.n * 2 + 1)
                   .where(m.principal != 0)))
    entry, txn = ledger.entry_keys(org_id), LoanTransaction.__table__
    db.session.execute(insert(txn).from_select(
        ["org_id", "loan_id", "kind", "on_date", "amount", "principal", "interest", "penalty", "allowance_used",
         "allocation", "entry_id", "reversed", "reason", "at"],
        select(literal(org_id), m.loan_id, literal("past_due_move"), literal(day, Date), m.principal, m.principal,
               literal(0), literal(0), literal(0), _json_array(), entry.c.id, literal(False),
               m.account + literal(" -> ") + m.target, literal(utcnow(), txn.c.at.type))
        .select_from(moves.outerjoin(entry, entry.c.key == m.key)).order_by(m.loan_id)))
    return int(count)  # the loans' new accounts: _update_loans


def _update_loans(org_id: int, day: date) -> None:
    """Each loan whose figures change today, written once (a row updated three times in one transaction leaves
    three versions): the penalties charged (from the late installments), the account a move takes it to, and its
    days past due (from its oldest unpaid installment; 0 when none is late or the loan is no longer active). The
    changes are selected once into a temporary table, then one UPDATE by primary key; a loan whose figures are right
    already is not written (a rerun of the day writes nothing)."""
    loan, late, moves = Loan.__table__.c, _LATE.c, _MOVES.c
    by_loan = (select(late.loan_id, func.sum(late.amount * (late.due - late.charged)).label("charged"))
               .where(late.amount > 0).group_by(late.loan_id).subquery("by_loan"))
    charged = func.coalesce(by_loan.c.charged, 0)
    late_days = case(((loan.status == "active") & (loan.next_due_on < day), _days_since(day, loan.next_due_on)),
                     else_=0)
    changes = _select_into(_LOANS, select(
        loan.id.label("loan_id"), charged.label("charged"),
        func.coalesce(moves.target, loan.receivable_account).label("target"), late_days.label("late_days"))
        .select_from(Loan.__table__.outerjoin(by_loan, by_loan.c.loan_id == loan.id)
                     .outerjoin(_MOVES, moves.loan_id == loan.id))
        .where(loan.org_id == org_id, (loan.status == "active") | (loan.days_past_due != 0),
               (charged != 0) | moves.loan_id.is_not(None) | (loan.days_past_due != late_days)))
    table = Loan.__table__
    db.session.execute(update(table).where(table.c.id == changes.c.loan_id).values(
        penalty_due=table.c.penalty_due + changes.c.charged, receivable_account=changes.c.target,
        days_past_due=changes.c.late_days))


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
    dates: dict[tuple, str] = {}
    for row in rows:
        missed = row.due_on < day
        flags.append({"_id": row.id, "reminded_missed" if missed else "reminded_before": True})
        mobile, user_id = contacts.get(row.member_id, (None, None))
        if not mobile:
            continue
        chosen = language(locales.get(user_id), default_language)
        with written_in(chosen):
            due = dates.get((chosen, row.due_on))
            if due is None:  # a day's reminders name a few dates: each formatted once per language (Babel is slow)
                due = dates[(chosen, row.due_on)] = format_date(row.due_on, "d MMM yyyy")
            body = _loan_reminder(sms_pesos(row.balance), f"L-{row.loan_id:06d}", due, missed)
        batch.append(outbox.Message("sms", mobile, body, f"loan:{row.id}:{'missed' if missed else 'before'}"))
    sent = outbox.enqueue_many(org_id, batch)  # a few statements for all of them
    for key in ("reminded_before", "reminded_missed"):
        _bulk_update(Installment.__table__, "id", [row for row in flags if key in row])
    return sent


def _loan_reminder(amount: str, number: str, due: str, missed: bool) -> str:
    """The text in the language in force: an amount, a loan number and a date (formatted in that language),
    nothing about who or what."""
    if missed:
        return _("Reminder: %(amount)s on %(number)s was due %(due)s. Please pay at the cooperative office.",
                 amount=amount, number=number, due=due)
    return _("Reminder: %(amount)s on %(number)s is due %(due)s.", amount=amount, number=number, due=due)
