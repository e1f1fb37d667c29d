"""The availability function against a minute-by-minute brute-force oracle."""
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.wellness.availability import (
    AttendantDay,
    DayPlan,
    Need,
    StationDay,
    free_starts,
    intersect,
    normalise,
    subtract,
)

DAY = 24 * 60


def _minutes(intervals):
    return {m for s, e in intervals for m in range(s, e)}


def oracle(plan: DayPlan, need: Need, step: int = 15):
    """For each step, check every minute of the block by hand."""
    open_minutes = set() if plan.holiday else _minutes(plan.opening)
    slots = {}
    for start in range(0, DAY, step):
        block = range(start - need.before, start + need.duration + need.after)
        service = range(start, start + need.duration)
        if block.start < 0 or block.stop > DAY:
            continue
        stations = []
        if need.station_kind:
            stations = [s.id for s in plan.stations if s.kind == need.station_kind
                        and not any(m in _minutes(s.busy) for m in service)]
            if not stations:
                continue
        people = []
        for a in plan.attendants:
            if need.skill not in a.skills or a.day_off:
                continue
            free = (_minutes(a.work) & open_minutes) - _minutes(a.breaks) - _minutes(a.busy)
            if all(m in free for m in block):
                people.append(a.id)
        if people:
            slots[start] = (tuple(people), tuple(stations))
    return slots


interval = st.tuples(st.integers(0, DAY - 15), st.integers(15, 600)).map(lambda t: (t[0], min(DAY, t[0] + t[1])))
intervals = st.lists(interval, max_size=4).map(tuple)
attendant = st.builds(AttendantDay, id=st.integers(1, 10**6),
                      skills=st.sets(st.sampled_from(["massage", "foot_spa", "nails"]), min_size=1).map(frozenset),
                      work=intervals, breaks=intervals, busy=intervals, day_off=st.booleans())
station = st.builds(StationDay, id=st.integers(1, 10**6), kind=st.sampled_from(["foot_spa", "massage_bed"]),
                    busy=intervals)
plans = st.builds(DayPlan, opening=intervals, attendants=st.lists(attendant, max_size=4, unique_by=lambda a: a.id).map(tuple),
                  stations=st.lists(station, max_size=3, unique_by=lambda s: s.id).map(tuple), holiday=st.booleans())
needs = st.builds(Need, duration=st.sampled_from([15, 30, 45, 60, 90]), skill=st.sampled_from(["massage", "foot_spa", "nails"]),
                  station_kind=st.sampled_from([None, "foot_spa", "massage_bed"]), before=st.sampled_from([0, 0, 30]),
                  after=st.sampled_from([0, 0, 30]))


@settings(max_examples=300, deadline=None)
@given(plans, needs)
def test_free_starts_match_the_brute_force_oracle(plan, need):
    got = {slot.start: (slot.attendant_ids, slot.stations_free) for slot in free_starts(plan, need)}
    assert got == oracle(plan, need)


@settings(max_examples=200, deadline=None)
@given(intervals, intervals)
def test_interval_algebra_matches_sets_of_minutes(a, b):
    assert _minutes(normalise(a)) == _minutes(a)
    assert _minutes(intersect(a, b)) == _minutes(a) & _minutes(b)
    assert _minutes(subtract(a, b)) == _minutes(a) - _minutes(b)
    assert normalise(subtract(a, b)) == subtract(a, b)


def test_breaks_and_days_off_and_holidays_remove_time():
    worker = AttendantDay(1, frozenset({"massage"}), work=((9 * 60, 17 * 60),), breaks=((12 * 60, 13 * 60),))
    plan = DayPlan(opening=((8 * 60, 18 * 60),), attendants=(worker,))
    starts = [s.start for s in free_starts(plan, Need(60, "massage"))]
    assert starts[0] == 9 * 60 and starts[-1] == 16 * 60
    assert 11 * 60 + 15 not in starts and 12 * 60 not in starts and 13 * 60 in starts and 11 * 60 in starts
    assert free_starts(DayPlan(opening=plan.opening, attendants=(worker,), holiday=True), Need(60, "massage")) == []
    off = AttendantDay(1, frozenset({"massage"}), work=worker.work, day_off=True)
    assert free_starts(DayPlan(opening=plan.opening, attendants=(off,)), Need(60, "massage")) == []


def test_one_foot_spa_station_limits_two_free_attendants_to_one_booking():
    people = tuple(AttendantDay(n, frozenset({"foot_spa"}), work=((9 * 60, 17 * 60),)) for n in (1, 2))
    busy = StationDay(7, "foot_spa", busy=((10 * 60, 11 * 60),))
    plan = DayPlan(opening=((9 * 60, 17 * 60),), attendants=people, stations=(busy,))
    starts = {s.start for s in free_starts(plan, Need(60, "foot_spa", "foot_spa"))}
    assert 10 * 60 not in starts and 9 * 60 + 15 not in starts and 9 * 60 in starts and 11 * 60 in starts


def test_skills_decide_who_is_offered():
    plan = DayPlan(opening=((9 * 60, 17 * 60),), attendants=(
        AttendantDay(1, frozenset({"nails"}), work=((9 * 60, 17 * 60),)),
        AttendantDay(2, frozenset({"massage"}), work=((9 * 60, 17 * 60),))))
    assert {s.attendant_ids for s in free_starts(plan, Need(60, "massage"))} == {(2,)}
