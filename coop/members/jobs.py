"""The daily share-installment reminders, queued in the outbox (sent after commit by the gateway)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..messaging import services as outbox
from ..money import to_pesos_text
from ..orgs.services import get_setting
from .models import Member, ShareInstallment

# Days overdue on which a reminder goes out: a nudge, a week later, then monthly, not every day.
OVERDUE_DAYS = (1, 7, 30, 60, 90)


def share_reminders(org_id: int, day: date) -> str:
    """Installments due in N days (policy, 3 by default) and overdue ones get an SMS and an e-mail.

    Each message has a dedupe key (installment, kind): running the job twice queues nothing twice.
    The text names no one and says nothing about the cooperative's members: an amount, a date, a number.
    """
    ahead = int(get_setting(org_id, "shares.reminder_days_before"))
    soon = day + timedelta(days=ahead)
    overdue_dates = [day - timedelta(days=n) for n in OVERDUE_DAYS]
    rows = db.session.execute(
        select(ShareInstallment, Member.number, Member.mobile, Member.email, User.locale)
        .join(Member, Member.id == ShareInstallment.member_id)
        .outerjoin(User, User.id == Member.user_id)
        .where(ShareInstallment.org_id == org_id, ShareInstallment.open.is_(True),
               ShareInstallment.due_on.in_([soon] + overdue_dates),
               Member.status.in_(("applicant", "active", "inactive")))).all()
    batch = []
    for installment, number, mobile, email, locale in rows:
        kind = "due" if installment.due_on == soon else f"overdue{(day - installment.due_on).days}"
        with force_locale(locale or "en"):
            if kind == "due":
                body = _("Reminder: your share capital installment of PHP %(amount)s is due on %(due)s. Ref M-%(number)04d.",
                         amount=to_pesos_text(installment.balance), due=installment.due_on.isoformat(), number=number)
            else:
                body = _("Reminder: your share capital installment of PHP %(amount)s was due on %(due)s. "
                         "Please pay at the office. Ref M-%(number)04d.",
                         amount=to_pesos_text(installment.balance), due=installment.due_on.isoformat(), number=number)
        batch.extend(outbox.Message(channel, recipient, body, f"shares:{installment.id}:{kind}:{channel}")
                     for channel, recipient in (("sms", mobile), ("email", email)) if recipient)
    return f"{outbox.enqueue_many(org_id, batch)} share reminders queued"  # a few statements, however many
