"""Payment at the end of a service, and the attendants' earnings: what is due, and paying it out."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update

from ...audit import services as audit
from ...errors import Conflict, Invalid
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...receipts import services as receipts
from ..models import PAYMENT_METHODS, Attendant, Booking, Payout
from . import clock
from .attendants import get_attendant
from .bookings import _transition, get_booking
from .catalogue import get_service
from .clients import get_client
from .clock import to_local, to_utc


def share_of(price: int, share_bp: int) -> int:
    """The attendant's share in centavos, rounded half up."""
    return (price * share_bp + 5000) // 10000


def complete(org_id: int, booking_id: int, *, payment_method: str = "cash", reference: str | None = None,
             actor_id: int | None = None, now: datetime | None = None) -> Booking:
    """Record the payment and post it: gross income, and the attendant's share as payable to her."""
    if payment_method not in PAYMENT_METHODS:
        raise Invalid("Payment is %(choices)s.", field="payment_method",
                      values={"choices": ' or '.join(PAYMENT_METHODS)})
    reference = (reference or "").strip() or None
    if payment_method == "e_wallet" and not reference:
        raise Invalid("Give the e-wallet reference number.", field="reference")
    booking = get_booking(org_id, booking_id)
    service = get_service(org_id, booking.service_id)
    attendant = get_attendant(org_id, booking.attendant_id)
    now = now or clock.local_now()
    if to_utc(now) < booking.starts_at:
        raise Invalid("A booking is completed once it has started: it starts %(starts)s.", field="status",
                      values={"starts": to_local(booking.starts_at)})
    share = share_of(booking.price, service.share_bp)
    booking = _transition(org_id, booking.id, ("booked", "checked_in"), "completed", actor_id,
                          share_bp=service.share_bp, share_amount=share, payment_method=payment_method,
                          payment_reference=reference, completed_at=to_utc(now), completed_on=now.date())
    if booking.price:
        lines = [Line("e_wallet_fund" if payment_method == "e_wallet" else "cash_on_hand", debit=booking.price,
                      memo=reference),
                 Line("income_from_services", credit=booking.price)]
        if share:
            lines += [Line("cost_of_services", debit=share, party_id=attendant.party_id),
                      Line("attendants_earnings_payable", credit=share, party_id=attendant.party_id)]
        posted = ledger.post(Entry(org_id, now.date(), f"Wellness: {service.name} (booking {booking.id})",
                                   tuple(lines), source="wellness", source_id=str(booking.id),
                                   idempotency_key=f"wellness-booking-{booking.id}"), actor_id)
        client = get_client(org_id, booking.client_id)
        receipt = receipts.issue(org_id, kind="wellness", party_id=None, amount=booking.price, on=now.date(),
                                 source="wellness", source_id=booking.id, description=service.name,
                                 actor_id=actor_id, received_from=client.name)
        booking.entry_id, booking.receipt_id = posted.id, receipt.id
        db.session.flush()
    return booking



def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """`coop ledger check`: the attendants' earnings payable against the shares of completed, unpaid bookings."""
    keys = ledger.balances_by_key(org_id)
    if "attendants_earnings_payable" not in keys:
        return []
    unpaid = db.session.scalar(select(func.coalesce(func.sum(Booking.share_amount), 0)).where(
        Booking.org_id == org_id, Booking.status == "completed", Booking.payout_id.is_(None)))
    return [("attendants_earnings_payable", keys["attendants_earnings_payable"].credit_balance, int(unpaid))]


def earnings_due(org_id: int, attendant: Attendant) -> int:
    """What the center owes her now: her running balance on the payable account (one row)."""
    if attendant.party_id is None:
        return 0
    return ledger.party_balance(org_id, "attendants_earnings_payable", attendant.party_id).credit_balance


def unpaid_bookings(org_id: int, attendant_id: int, start: date, end: date) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(
        Booking.org_id == org_id, Booking.attendant_id == attendant_id, Booking.status == "completed",
        Booking.payout_id.is_(None), Booking.share_amount > 0,
        Booking.completed_on >= start, Booking.completed_on <= end).order_by(Booking.completed_on, Booking.id)))


def pay_earnings(org_id: int, attendant_id: int, start: date, end: date, *, on: date,
                 actor_id: int | None = None, idempotency_key: str | None = None) -> Payout:
    """Pay her share of the services she completed from start to end that are not paid yet."""
    if start > end:
        raise Invalid("The period ends on or after it starts.", field="end")
    if end > on:
        raise Invalid("Pay only for days that are over.", field="end")
    attendant = get_attendant(org_id, attendant_id)
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None:
            payout = db.session.scalar(select(Payout).where(Payout.entry_id == replay.id))
            if payout is not None:
                return payout
    rows = list(db.session.scalars(select(Booking).where(
        Booking.org_id == org_id, Booking.attendant_id == attendant.id, Booking.status == "completed",
        Booking.payout_id.is_(None), Booking.share_amount > 0,
        Booking.completed_on >= start, Booking.completed_on <= end).with_for_update()
        .execution_options(populate_existing=True)))
    amount = sum(b.share_amount for b in rows)
    if not rows:
        raise Invalid("Nothing is due to %(label)s for %(start)s to %(end)s.", field="start",
                      values={"label": attendant.label, "start": start, "end": end})
    posted = ledger.post(Entry(org_id, on, f"Wellness earnings {attendant.label}, {start} to {end}", (
        Line("attendants_earnings_payable", debit=amount, party_id=attendant.party_id),
        Line("cash_on_hand", credit=amount)), source="wellness-payout", source_id=str(attendant.id),
        idempotency_key=idempotency_key), actor_id)
    payout = Payout(org_id=org_id, attendant_id=attendant.id, period_start=start, period_end=end, paid_on=on,
                    amount=amount, bookings=len(rows), entry_id=posted.id, paid_by=actor_id)
    db.session.add(payout)
    db.session.flush()
    table = Booking.__table__
    marked = db.session.execute(update(table).where(table.c.id.in_([b.id for b in rows]), table.c.payout_id.is_(None))
                                .values(payout_id=payout.id)).rowcount
    if marked != len(rows):
        raise Conflict("Some of these earnings were paid at the same moment by someone else; reload.")
    audit.record("wellness.payout", org_id=org_id, user_id=actor_id, target_type="wellness_payout",
                 target_id=payout.id, details={"attendant_id": attendant.id, "amount": amount})
    return payout


def payouts(org_id: int, attendant_id: int | None = None, limit: int = 100) -> list[Payout]:
    query = select(Payout).where(Payout.org_id == org_id).order_by(Payout.paid_on.desc(), Payout.id.desc())
    if attendant_id is not None:
        query = query.where(Payout.attendant_id == attendant_id)
    return list(db.session.scalars(query.limit(limit)))
