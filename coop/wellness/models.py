"""The Wellness Center's records. Times of bookings are stored in UTC (naive), shown in Asia/Manila."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

STATION_KINDS = ("shampoo_chair", "foot_spa", "massage_bed", "nail_table", "salon_chair")
SKILLS = ("massage", "foot_spa", "nails", "haircut", "reflexology")
BOOKING_KINDS = ("appointment", "walk_in", "home")
BOOKING_STATUSES = ("booked", "checked_in", "completed", "cancelled", "no_show")
# A booking in one of these holds its attendant and station; cancelled and no-show bookings free them.
HOLDING_STATUSES = ("booked", "checked_in", "completed")
PAYMENT_METHODS = ("cash", "e_wallet")
SCHEDULE_KINDS = ("work", "break")


class WellnessService(db.Model):
    """What the center offers: how long it takes, its price, who can give it and where."""

    __tablename__ = "wellness_service"
    __table_args__ = (UniqueConstraint("org_id", "name"),
                      CheckConstraint("duration_minutes > 0 AND price >= 0 AND share_bp >= 0 AND share_bp <= 10000",
                                      name="sane"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    duration_minutes: Mapped[int]
    price: Mapped[int] = mapped_column(BigInteger)  # centavos
    skill: Mapped[str] = mapped_column(String(30))
    station_kind: Mapped[str | None] = mapped_column(String(30))  # none: needs no station
    share_bp: Mapped[int]  # the attendant's share of the price, in basis points (4000 = 40%)
    home_service: Mapped[bool] = mapped_column(default=False)  # may be given at the client's home
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def share_percent(self) -> float:
        return self.share_bp / 100


class Station(db.Model):
    """One physical unit a booking can hold: foot-spa-1, chair-1, bed-2."""

    __tablename__ = "wellness_station"
    __table_args__ = (UniqueConstraint("org_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)


class Attendant(db.Model):
    """A trained woman who gives services by schedule; usually a member (then her name lives there)."""

    __tablename__ = "wellness_attendant"
    __table_args__ = (UniqueConstraint("org_id", "number"), UniqueConstraint("org_id", "member_id"),
                      UniqueConstraint("org_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[int]  # shown as W-01
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str | None] = mapped_column(String(160))  # only for attendants who are not members
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    skills: Mapped[str] = mapped_column(String(200), default="")  # space-separated, from SKILLS
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"W-{self.number:02d}"

    @property
    def skill_set(self) -> frozenset[str]:
        return frozenset(self.skills.split())


class ScheduleBlock(db.Model):
    """A weekly working block or break of one attendant (weekday 0 = Monday), local Manila time."""

    __tablename__ = "wellness_schedule_block"
    __table_args__ = (CheckConstraint("starts < ends AND weekday BETWEEN 0 AND 6", name="sane"),
                      Index("ix_wellness_schedule_attendant", "org_id", "attendant_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    attendant_id: Mapped[int] = mapped_column(ForeignKey("wellness_attendant.id"))
    weekday: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10), default="work")  # work | break
    starts: Mapped[time]
    ends: Mapped[time]


class DayOff(db.Model):
    __tablename__ = "wellness_day_off"
    __table_args__ = (UniqueConstraint("attendant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    attendant_id: Mapped[int] = mapped_column(ForeignKey("wellness_attendant.id"))
    day: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(120))


class OpeningHours(db.Model):
    """The center's hours per weekday; a weekday without a row is closed."""

    __tablename__ = "wellness_opening_hours"
    __table_args__ = (UniqueConstraint("org_id", "weekday"), CheckConstraint("opens < closes", name="sane"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class Holiday(db.Model):
    __tablename__ = "wellness_holiday"
    __table_args__ = (UniqueConstraint("org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(120))


class Client(db.Model):
    """A client of the center. Personal data kept to the minimum: a name and a mobile number."""

    __tablename__ = "wellness_client"
    __table_args__ = (UniqueConstraint("org_id", "mobile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    mobile: Mapped[str | None] = mapped_column(String(20))  # normalised 09XXXXXXXXX
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(db.Model):
    """One attendant (and at most one station) held for [block_start, block_end).

    block_* include the travel time of a home-service visit; starts_at/ends_at are the service itself.
    The database refuses overlapping holding bookings of one attendant or one station (PostgreSQL).
    """

    __tablename__ = "wellness_booking"
    __table_args__ = (
        CheckConstraint("block_start <= starts_at AND starts_at < ends_at AND ends_at <= block_end", name="sane"),
        Index("ix_wellness_booking_org_start", "org_id", "block_start"),
        Index("ix_wellness_booking_attendant", "attendant_id", "block_start"),
        Index("ix_wellness_booking_client", "client_id"),
        UniqueConstraint("org_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("wellness_client.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("wellness_service.id"))
    attendant_id: Mapped[int] = mapped_column(ForeignKey("wellness_attendant.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("wellness_station.id"))
    kind: Mapped[str] = mapped_column(String(12), default="appointment")
    status: Mapped[str] = mapped_column(String(12), default="booked")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    address: Mapped[str | None] = mapped_column(String(300))  # home service only
    notes: Mapped[str | None] = mapped_column(String(300))
    price: Mapped[int] = mapped_column(BigInteger)
    # fixed when completed: the share rate then in force and what was paid
    share_bp: Mapped[int | None]
    share_amount: Mapped[int | None] = mapped_column(BigInteger)
    payment_method: Mapped[str | None] = mapped_column(String(10))
    payment_reference: Mapped[str | None] = mapped_column(String(60))
    entry_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                                 ForeignKey("journal_entry.id"))
    # No foreign key: Alembic cannot order a revision depending on two sibling branches (members, receipts).
    receipt_id: Mapped[int | None]
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("wellness_payout.id"), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))  # a double-submitted form books once
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    completed_on: Mapped[date | None] = mapped_column(index=True)  # Manila business date of completion
    status_changed_at: Mapped[datetime | None]


class Payout(db.Model):
    """Earnings paid to one attendant for the services she completed in a period."""

    __tablename__ = "wellness_payout"
    __table_args__ = (Index("ix_wellness_payout_attendant", "org_id", "attendant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    attendant_id: Mapped[int] = mapped_column(ForeignKey("wellness_attendant.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    paid_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    bookings: Mapped[int]
    entry_id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                          ForeignKey("journal_entry.id"))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
