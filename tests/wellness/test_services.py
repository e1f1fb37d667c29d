from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.manifest import parties_of, plugins
from coop.ledger import services as ledger
from coop.messaging.models import OutboxMessage
from coop.wellness import services as wellness
from coop.wellness.models import Booking, Client

from .conftest import EARLY, MONDAY


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_foot_spa_with_one_station_cannot_be_booked_twice_at_ten_even_with_two_free_attendants(center, book):
    first = book(attendant_id=center.ana.id)
    with pytest.raises(wellness.SlotTaken):
        book(attendant_id=center.bea.id)
    with pytest.raises(wellness.SlotTaken):
        book(at=MONDAY.replace(hour=10, minute=30))
    assert _count(Booking) == 1
    starts = [s.starts for s in wellness.availability(center.org_id, center.foot_spa.id, MONDAY.date(), now=EARLY)]
    assert MONDAY.replace(hour=10) not in starts and MONDAY.replace(hour=9, minute=15) not in starts
    assert MONDAY.replace(hour=9) in starts and MONDAY.replace(hour=11) in starts
    assert first.station_id is not None


def test_an_attendant_is_never_booked_twice_at_overlapping_times(center, book):
    book(center.manicure, attendant_id=center.bea.id)
    with pytest.raises(wellness.SlotTaken, match="W-02"):
        book(center.manicure, at=MONDAY.replace(hour=10, minute=15), attendant_id=center.bea.id)
    other = book(center.manicure, at=MONDAY.replace(hour=10, minute=15))
    assert other.attendant_id == center.cora.id  # the only other nail attendant


def test_availability_respects_schedules_breaks_skills_and_days_off(center):
    def starts(service, day=MONDAY.date()):
        return [s for s in wellness.availability(center.org_id, service.id, day, now=EARLY)]

    slots = starts(center.manicure)
    assert slots[0].starts == MONDAY.replace(hour=9) and slots[-1].starts == MONDAY.replace(hour=16, minute=30)
    assert MONDAY.replace(hour=12) not in [s.starts for s in slots]
    assert all(center.ana.id not in s.attendant_ids for s in slots)  # Ana has no nail skill
    wellness.add_day_off(center.org_id, center.bea.id, MONDAY.date(), "clinic")
    assert all(s.attendant_ids == (center.cora.id,) for s in starts(center.manicure))
    wellness.add_holiday(center.org_id, MONDAY.date(), "Founding day")
    assert starts(center.manicure) == []
    sunday = MONDAY.date() + timedelta(days=6)
    assert starts(center.manicure, sunday) == []  # closed on Sundays by default


def test_home_service_blocks_travel_before_and_after(center, book):
    visit = book(center.massage, at=MONDAY.replace(hour=10), kind="home", address="Unit 4, the building",
                 attendant_id=center.ana.id)
    assert visit.station_id is None
    assert wellness.to_local(visit.block_start) == MONDAY.replace(hour=9, minute=30)
    assert wellness.to_local(visit.block_end) == MONDAY.replace(hour=11, minute=30)
    with pytest.raises(wellness.SlotTaken):
        book(center.foot_spa, at=MONDAY.replace(hour=11, minute=15), attendant_id=center.ana.id)
    with pytest.raises(Invalid, match="address"):
        book(center.massage, at=MONDAY.replace(hour=14), kind="home")
    with pytest.raises(Invalid, match="home service"):
        book(center.manicure, at=MONDAY.replace(hour=14), kind="home", address="x")


def test_walk_in_starts_now_and_returning_clients_are_found_by_phone(center, book):
    now = MONDAY.replace(hour=10, minute=7)
    walk_in = wellness.book(center.org_id, service_id=center.manicure.id, starts=None, kind="walk_in",
                            client_name="Rosa", client_mobile="+63 917 123 4567", now=now)
    assert wellness.to_local(walk_in.starts_at) == now
    again = book(center.manicure, at=MONDAY.replace(hour=15), client_name="R.", client_mobile="09171234567")
    assert again.client_id == walk_in.client_id and _count(Client) == 1
    assert wellness.find_client(center.org_id, "0917-123-4567", None).id == walk_in.client_id
    with pytest.raises(Invalid, match="mobile"):
        book(center.manicure, at=MONDAY.replace(hour=16), client_mobile="12345")


def test_bad_bookings_change_nothing(center, book):
    with pytest.raises(Invalid):
        book(at=MONDAY.replace(hour=10, minute=5))  # off the quarter hour
    with pytest.raises(Invalid):
        book(at=EARLY - timedelta(hours=1))  # in the past
    with pytest.raises(wellness.SlotTaken):
        book(at=MONDAY.replace(hour=8))  # before opening
    assert _count(Booking) == 0 and _count(Client) == 0


def test_status_changes_are_compare_and_swap(center, book):
    booking = book()
    wellness.check_in(center.org_id, booking.id)
    with pytest.raises(Conflict):
        wellness.check_in(center.org_id, booking.id)
    with pytest.raises(Invalid):
        wellness.cancel(center.org_id, booking.id, "")
    wellness.cancel(center.org_id, booking.id, "client called, sick")
    with pytest.raises(Conflict):
        wellness.complete(center.org_id, booking.id)
    # the cancelled booking frees the slot
    assert book(attendant_id=center.bea.id).status == "booked"


def test_no_show_only_after_the_start(center, book):
    booking = book()
    with pytest.raises(Invalid):
        wellness.no_show(center.org_id, booking.id, now=MONDAY.replace(hour=9))
    assert wellness.no_show(center.org_id, booking.id, now=MONDAY.replace(hour=10, minute=20)).status == "no_show"


def test_reschedule_moves_the_booking_and_frees_the_old_time(center, book):
    booking = book(attendant_id=center.ana.id)
    moved = wellness.reschedule(center.org_id, booking.id, MONDAY.replace(hour=14), now=EARLY)
    assert wellness.to_local(moved.starts_at) == MONDAY.replace(hour=14)
    assert book(attendant_id=center.bea.id).status == "booked"  # 10:00 is free again
    with pytest.raises(wellness.SlotTaken):
        wellness.reschedule(center.org_id, moved.id, MONDAY.replace(hour=10, minute=30), now=EARLY)


def test_completing_a_350_foot_spa_at_40_percent_posts_350_income_and_140_payable(center, book):
    booking = book(attendant_id=center.ana.id)
    done = wellness.complete(center.org_id, booking.id, now=MONDAY.replace(hour=11))
    assert done.status == "completed" and done.share_amount == 14_000 and done.share_bp == 4000
    assert ledger.balance(center.org_id, "income_from_services").credit_total == 35_000
    assert ledger.balance(center.org_id, "cash_on_hand").debit_total == 35_000
    assert ledger.party_balance(center.org_id, "attendants_earnings_payable", center.ana.party_id).credit_total == 14_000
    assert ledger.balance(center.org_id, "cost_of_services").debit_total == 14_000
    assert wellness.earnings_due(center.org_id, center.ana) == 14_000
    assert ledger.recompute_problems(center.org_id) == []
    assert done.receipt_id is not None


def test_the_share_rate_is_fixed_when_the_booking_is_completed(center, book):
    first = book(attendant_id=center.ana.id)
    wellness.complete(center.org_id, first.id, now=MONDAY.replace(hour=11))
    wellness.update_service(center.org_id, center.foot_spa.id, share_percent=50)
    second = book(at=MONDAY.replace(hour=11))
    wellness.complete(center.org_id, second.id, now=MONDAY.replace(hour=12))
    assert (first.share_amount, second.share_amount) == (14_000, 17_500)


def test_e_wallet_payment_needs_its_reference_and_lands_in_the_e_wallet_fund(center, book):
    booking = book()
    with pytest.raises(Invalid, match="reference"):
        wellness.complete(center.org_id, booking.id, payment_method="e_wallet")
    assert db.session.get(Booking, booking.id).status == "booked"
    wellness.complete(center.org_id, booking.id, payment_method="e_wallet", reference="GC-889900",
                      now=MONDAY.replace(hour=11))
    assert ledger.balance(center.org_id, "e_wallet_fund").debit_total == 35_000
    assert ledger.balance(center.org_id, "cash_on_hand").debit_total == 0


def test_paying_earnings_for_a_period_clears_what_is_due(center, book):
    for hour in (10, 11):
        b = book(at=MONDAY.replace(hour=hour), attendant_id=center.ana.id)
        wellness.complete(center.org_id, b.id, now=MONDAY.replace(hour=hour + 1))
    payout = wellness.pay_earnings(center.org_id, center.ana.id, MONDAY.date(), MONDAY.date(),
                                   on=MONDAY.date() + timedelta(days=1), idempotency_key="pay-1")
    assert payout.amount == 28_000 and payout.bookings == 2
    assert wellness.earnings_due(center.org_id, center.ana) == 0
    again = wellness.pay_earnings(center.org_id, center.ana.id, MONDAY.date(), MONDAY.date(),
                                  on=MONDAY.date() + timedelta(days=1), idempotency_key="pay-1")
    assert again.id == payout.id
    with pytest.raises(Invalid, match="Nothing is due"):
        wellness.pay_earnings(center.org_id, center.ana.id, MONDAY.date(), MONDAY.date(),
                              on=MONDAY.date() + timedelta(days=1))
    assert ledger.recompute_problems(center.org_id) == []


def test_reminders_go_out_once_the_day_before_and_say_nothing_sensitive(center, book):
    book(client_name="Lina Cruz", client_mobile="09181112222")
    book(center.manicure, at=MONDAY.replace(hour=13), client_name="No phone")
    sunday = MONDAY.date() - timedelta(days=1)
    assert wellness.send_reminders(center.org_id, sunday) == "1 wellness reminders queued"
    assert wellness.send_reminders(center.org_id, sunday) == "0 wellness reminders queued"
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient == "09181112222" and "10:00 AM" in message.body
    assert "Lina" not in message.body and "Foot" not in message.body and "Test" not in message.body


def test_the_reminder_job_is_registered_and_idempotent(app, center, book):
    from coop.jobs import services as jobs

    book(client_mobile="09181112222")
    assert any(job.name == "wellness.reminders" for job in plugins().daily_jobs)
    jobs.run_daily(MONDAY.date() - timedelta(days=1), only="wellness.reminders")
    jobs.run_daily(MONDAY.date() - timedelta(days=1), only="wellness.reminders")
    assert _count(OutboxMessage) == 1


def test_schedules_refuse_breaks_outside_work_and_days_off_over_bookings(center, book):
    with pytest.raises(Invalid):
        wellness.set_schedule(center.org_id, center.ana.id, [(0, "work", time(9), time(12)),
                                                             (0, "break", time(13), time(14))])
    book(attendant_id=center.ana.id)
    with pytest.raises(Invalid, match="bookings"):
        wellness.add_day_off(center.org_id, center.ana.id, MONDAY.date())


def test_station_counts_make_labelled_units_and_retire_extras(center):
    units = wellness.set_station_count(center.org_id, "foot_spa", 3)
    assert [u.label for u in units] == ["foot-spa-1", "foot-spa-2", "foot-spa-3"]
    assert [u.label for u in wellness.set_station_count(center.org_id, "foot_spa", 1)] == ["foot-spa-1"]


def test_an_attendant_login_resolves_to_her_party(center, make_user):
    user = make_user(center.org, "attendant")
    wellness.update_attendant(center.org_id, center.ana.id, user_id=user.id)
    assert parties_of(center.org_id, user.id) == {center.ana.party_id}


def test_a_double_submitted_booking_form_books_once(center, book):
    first = book(idempotency_key="form-1")
    assert book(idempotency_key="form-1").id == first.id
    assert _count(Booking) == 1
