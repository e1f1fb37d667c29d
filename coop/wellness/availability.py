"""Availability as a pure function over intervals of minutes since local midnight.

free time of an attendant = (her working blocks ∩ opening hours) - breaks - busy blocks, nothing on a
day off or a holiday. A start is free when some attendant with the skill holds the whole block
(travel before + service + travel after) in her free time and, for a service at the center that
needs a station, some unit of that kind is idle during the service. Starts step by 15 minutes.
No database, no clock: the service layer builds a DayPlan and asks.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Interval = tuple[int, int]  # [start, end) in minutes since local midnight
STEP_MINUTES = 15
DAY_MINUTES = 24 * 60


def normalise(intervals) -> tuple[Interval, ...]:
    """Sorted, merged, non-empty intervals."""
    merged: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def intersect(a, b) -> tuple[Interval, ...]:
    a, b = normalise(a), normalise(b)
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def subtract(a, b) -> tuple[Interval, ...]:
    """a minus every interval of b."""
    out = []
    cuts = normalise(b)
    for start, end in normalise(a):
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                out.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return tuple(out)


def contains(intervals: tuple[Interval, ...], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the normalised intervals."""
    n = bisect_right(intervals, (start, DAY_MINUTES * 2)) - 1
    return n >= 0 and intervals[n][0] <= start and end <= intervals[n][1]


def overlaps(intervals: tuple[Interval, ...], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in intervals)


@dataclass(frozen=True)
class AttendantDay:
    id: int
    skills: frozenset[str]
    work: tuple[Interval, ...] = ()
    breaks: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()
    day_off: bool = False


@dataclass(frozen=True)
class StationDay:
    id: int
    kind: str
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class DayPlan:
    opening: tuple[Interval, ...]  # empty when closed or a holiday
    attendants: tuple[AttendantDay, ...] = ()
    stations: tuple[StationDay, ...] = ()
    holiday: bool = False


@dataclass(frozen=True)
class Need:
    """What one booking needs: minutes of service, the skill, maybe a station kind, travel around it."""

    duration: int
    skill: str
    station_kind: str | None = None
    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class Slot:
    start: int
    attendant_ids: tuple[int, ...]
    station_id: int | None = None
    stations_free: tuple[int, ...] = field(default=())


def free_time(plan: DayPlan, attendant: AttendantDay) -> tuple[Interval, ...]:
    if plan.holiday or attendant.day_off:
        return ()
    return subtract(intersect(attendant.work, plan.opening), tuple(attendant.breaks) + tuple(attendant.busy))


class Availability:
    """Free time computed once per plan and need, then asked about any start in O(log n) per attendant."""

    def __init__(self, plan: DayPlan, need: Need):
        self.plan, self.need = plan, need
        self.free = tuple((a.id, free_time(plan, a)) for a in plan.attendants if need.skill in a.skills)
        self.stations = tuple((s.id, normalise(s.busy)) for s in plan.stations if s.kind == need.station_kind)

    def at(self, start: int) -> Slot | None:
        """Who could take a booking starting at `start` (and which station), or None."""
        need = self.need
        block_start, block_end = start - need.before, start + need.duration + need.after
        if block_start < 0 or block_end > DAY_MINUTES:
            return None
        stations: tuple[int, ...] = ()
        if need.station_kind:
            stations = tuple(sid for sid, busy in self.stations if not overlaps(busy, start, start + need.duration))
            if not stations:
                return None
        attendants = tuple(aid for aid, free in self.free if contains(free, block_start, block_end))
        if not attendants:
            return None
        return Slot(start, attendants, stations[0] if stations else None, stations)

    def starts(self, not_before: int = 0, step: int = STEP_MINUTES) -> list[Slot]:
        first = -(-max(not_before, 0) // step) * step
        return [slot for start in range(first, DAY_MINUTES, step) if (slot := self.at(start)) is not None]


def free_starts(plan: DayPlan, need: Need, not_before: int = 0, step: int = STEP_MINUTES) -> list[Slot]:
    return Availability(plan, need).starts(not_before, step)
