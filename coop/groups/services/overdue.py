"""The daily job `groups.overdue_installments`: capital-loan installments past due, the loans' aging, and reminders.

Set-based: one UPDATE lists the newly overdue installments, one UPDATE sets every active loan's days past due (from
its oldest unpaid installment), one SELECT reads what is late per loan, and the outbox gets the reminders in one
`enqueue_many`. The reminder goes to the people who look after the borrower: for a cluster's loan its supervising
social worker and the coordinator (when she has a login); for a woman's loan her assigned case workers (the cases
domain's `case_contacts`). It names loans by number, days late and amounts: no name, no note.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, literal, select, update

from ...auth import services as auth
from ...extensions import db
from ...manifest import plugins
from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...money import sms_pesos
from ...orgs.services import get_setting
from ..models import CapitalLoan, Cluster, ClusterMember, Installment
from .base import REMIND_EVERY, SENDER


def _late_days(day: date, column):
    if db.session.get_bind().dialect.name == "postgresql":
        return literal(day) - column
    return cast(func.julianday(literal(day.isoformat())) - func.julianday(column), Integer)


def overdue_installments(org_id: int, day: date) -> str:
    inst, loan = Installment.__table__.c, CapitalLoan.__table__.c
    active = select(loan.id).where(loan.org_id == org_id, loan.status == "active")
    unpaid_late = (inst.paid < inst.amount) & (inst.due_on < day)
    listed = db.session.execute(update(Installment.__table__).where(
        inst.loan_id.in_(active), inst.overdue_on.is_(None), unpaid_late).values(overdue_on=day)).rowcount
    oldest = (select(func.min(inst.due_on)).where(inst.loan_id == loan.id, unpaid_late)
              .correlate(CapitalLoan.__table__).scalar_subquery())
    db.session.execute(update(CapitalLoan.__table__).where(loan.org_id == org_id, loan.status == "active").values(
        days_past_due=func.coalesce(_late_days(day, oldest), 0)))
    db.session.execute(update(CapitalLoan.__table__).where(
        loan.org_id == org_id, loan.status != "active", loan.days_past_due != 0).values(days_past_due=0))
    rows = db.session.execute(
        select(loan.id, loan.number, loan.cluster_id, loan.beneficiary_id, loan.days_past_due,
               func.sum(inst.amount - inst.paid).label("late"))
        .join_from(CapitalLoan.__table__, Installment.__table__, inst.loan_id == loan.id)
        .where(loan.org_id == org_id, loan.status == "active", unpaid_late)
        .group_by(loan.id, loan.number, loan.cluster_id, loan.beneficiary_id, loan.days_past_due)
        .order_by(loan.number)).all()
    every = get_setting(org_id, REMIND_EVERY)
    due = [row for row in rows if row.days_past_due == 1 or (every and row.days_past_due % every == 0)]
    queued = _remind(org_id, day, due) if due else 0
    return f"{listed} installment(s) newly overdue, {len(rows)} loan(s) late, {queued} reminder(s) queued"


def _readers(org_id: int, rows) -> tuple[dict[int, set[int]], dict[int, str]]:
    """Who hears about each loan: {loan id: user ids}, and the phones the cases domain keeps for staff."""
    contacts = plugins().case_contacts
    phones: dict[int, str] = {}
    for source in contacts:
        phones.update(source.phones(org_id))
    readers: dict[int, set[int]] = defaultdict(set)
    cluster_ids = {row.cluster_id for row in rows if row.cluster_id}
    if cluster_ids:
        supervisors = dict(db.session.execute(select(Cluster.id, Cluster.social_worker_id)
                                              .where(Cluster.id.in_(cluster_ids))).all())
        coordinators = defaultdict(set)
        for cluster_id, user_id in db.session.execute(select(ClusterMember.cluster_id, ClusterMember.user_id).where(
                ClusterMember.cluster_id.in_(cluster_ids), ClusterMember.role == "coordinator",
                ClusterMember.user_id.is_not(None), ClusterMember.left_on.is_(None))):
            coordinators[cluster_id].add(user_id)
    women = frozenset(row.beneficiary_id for row in rows if not row.cluster_id)
    workers: dict[int, set[int]] = defaultdict(set)
    for source in contacts:
        for beneficiary_id, users in source.workers_of(org_id, women).items():
            workers[beneficiary_id] |= set(users)
    for row in rows:
        if row.cluster_id:
            readers[row.id] = {supervisors[row.cluster_id], *coordinators[row.cluster_id]}
        else:
            readers[row.id] = set(workers.get(row.beneficiary_id, ()))
    return readers, phones


def _remind(org_id: int, day: date, rows) -> int:
    readers, phones = _readers(org_id, rows)
    per_user: dict[int, list] = defaultdict(list)
    for row in rows:
        for user_id in readers[row.id]:
            if user_id in phones:
                per_user[user_id].append(row)
    locales = auth.locales(per_user)
    default_language, sender = get_setting(org_id, "messaging.language"), get_setting(org_id, SENDER)
    batch = []
    for user_id, late in sorted(per_user.items()):
        with written_in(language(locales.get(user_id), default_language)):
            loans = "; ".join(_("%(loan)s %(days)s days late, %(amount)s", loan="CL-%04d" % row.number,
                                days=row.days_past_due, amount=sms_pesos(int(row.late))) for row in late)
            body = _("%(sender)s: capital loan installments are overdue: %(loans)s. Please open the capital-loan "
                     "aging.", sender=sender, loans=loans)
        batch.append(outbox.Message("sms", phones[user_id], body, f"groups-overdue-{user_id}-{day.isoformat()}",
                                    purpose="notice"))
    return outbox.enqueue_many(org_id, batch)
