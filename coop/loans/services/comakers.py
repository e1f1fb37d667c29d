"""Co-makers: members in good standing who guarantee a loan, as many as its product requires (one or two).

They are named on the application and the promissory note; each sees her guarantees on her own standing
page; when the loan falls into arrears each is told by text, in her own language, once per missed due date.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...auth import services as auth
from ...errors import Invalid
from ...extensions import db
from ...members import services as members
from ...messaging import services as outbox
from ...messaging.texts import language, written_in
from ...orgs import services as orgs
from ...orgs.services import get_setting
from ..models import OPEN_STATUSES, Loan, LoanComaker, LoanProduct


def find_comakers(org_id: int, numbers: list[str]) -> list[int]:
    """The co-makers typed on an application (number or name, as every member box), in the fields comaker_1 and
    comaker_2; one that matches nobody, or several, is refused next to its own box."""
    return [members.find_member(org_id, text, field=f"comaker_{n}").id
            for n, text in enumerate(numbers, start=1) if (text or "").strip()]


def check_comakers(org_id: int, product: LoanProduct, borrower_id: int, comaker_ids: list[int], on: date) -> None:
    """As many co-makers as the product requires, each another member, active and in good standing."""
    if len(comaker_ids) != len(set(comaker_ids)):
        raise Invalid("Name each co-maker once.", field="comaker_1")
    if len(comaker_ids) < product.comakers_required:
        raise Invalid("This loan needs co-makers: members in good standing who guarantee it.", field="comaker_1")
    if len(comaker_ids) > product.comakers_required:
        raise Invalid("More co-makers than this loan takes.", field="comaker_1")
    if borrower_id in comaker_ids:
        raise Invalid("The borrower cannot be her own co-maker.", field="comaker_1")
    check_standing_of(org_id, comaker_ids, on)


def check_standing_of(org_id: int, comaker_ids, on: date) -> None:
    """Each co-maker is in good standing on `on` (at application, and again when the loan is approved)."""
    for n, member_id in enumerate(comaker_ids, start=1):
        found = members.standing(org_id, member_id, on)
        if not found.good:
            comaker = members.get_member(org_id, member_id)
            raise Invalid("Co-maker %(label)s is not in good standing: %(reasons)s.", field=f"comaker_{n}",
                          values={"label": comaker.label, "reasons": found.reasons})


def add_comakers(loan: Loan, comaker_ids: list[int]) -> None:
    db.session.add_all(LoanComaker(org_id=loan.org_id, loan_id=loan.id, member_id=member_id, position=n)
                       for n, member_id in enumerate(comaker_ids, start=1))
    db.session.flush()


def comakers_of(loan: Loan) -> list:
    """The co-makers' member records, first one first."""
    rows = db.session.scalars(select(LoanComaker).where(LoanComaker.loan_id == loan.id)
                              .order_by(LoanComaker.position))
    return [members.get_member(loan.org_id, row.member_id) for row in rows]


def guarantees_of(org_id: int, member_id: int, *, open_only: bool = True) -> list[Loan]:
    """The loans this member guarantees as co-maker (open ones by default), newest first."""
    query = (select(Loan).join(LoanComaker, LoanComaker.loan_id == Loan.id)
             .where(LoanComaker.org_id == org_id, LoanComaker.member_id == member_id))
    if open_only:
        query = query.where(Loan.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(query.order_by(Loan.id.desc())))


def notify_comakers(org_id: int, day: date) -> int:
    """A text to each co-maker of a loan in arrears, once per missed due date (the dedupe key holds it).

    Only the co-makers not yet told of the loan's oldest missed date are read (one statement, their contacts and
    languages in one more each), and one UPDATE marks them told: a day walks no guarantee it has nothing to say
    about."""
    comaker, loan = LoanComaker.__table__.c, Loan.__table__.c
    untold = (select(comaker.id).join_from(LoanComaker.__table__, Loan.__table__, loan.id == comaker.loan_id)
              .where(comaker.org_id == org_id, loan.status == "active", loan.days_past_due > 0, loan.next_due_on < day,
                     comaker.notified_on.is_(None) | (comaker.notified_on < loan.next_due_on)))
    rows = db.session.execute(untold.add_columns(comaker.member_id, loan.id.label("loan_id"),
                                                 loan.next_due_on.label("due_on")).order_by(comaker.id)).all()
    if not rows:
        return 0
    contacts = members.contacts(org_id, {row.member_id for row in rows})  # member id -> (mobile, user id)
    locales = auth.locales(user_id for _mobile, user_id in contacts.values() if user_id)
    default_language, name = get_setting(org_id, "messaging.language"), orgs.get(org_id).name
    batch = []
    for row in rows:
        mobile, user_id = contacts.get(row.member_id, (None, None))
        if not mobile:
            continue
        with written_in(language(locales.get(user_id), default_language)):
            body = _("%(org)s: loan %(number)s, which you guarantee as co-maker, has been unpaid since %(day)s. "
                     "Please remind the borrower or visit the office.", org=name, number="L-%06d" % row.loan_id,
                     day=row.due_on.strftime("%d %b %Y"))
        batch.append(outbox.Message("sms", mobile, body,
                                    f"comaker:{row.loan_id}:{row.member_id}:{row.due_on.isoformat()}", "notice"))
    sent = outbox.enqueue_many(org_id, batch)
    db.session.execute(update(LoanComaker).where(LoanComaker.id.in_(untold.subquery().select()))
                       .values(notified_on=day).execution_options(synchronize_session="fetch"))
    return sent
