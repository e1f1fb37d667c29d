"""One way to close a year and to reopen it, for the cooperative's year end (coop.yearend: income and expense
into Undivided Net Surplus) and the NGO's (coop.grants: into net assets by class of restriction).

What the closing entry allocates differs, so each domain gives its `lines`. Everything else is this one code
path: the two-person rule through coop.approvals (one asks, another approves, the executor runs once), the year
that must be over, the closed-period guard (December still open so the entry can be dated 31 December; the
twelve months closed with the year, so the ledger refuses any posting into it and its own reopening leaves
them to this one), the closing entry, and the reopening: months reopened, the entry reversed, audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from .approvals import services as approvals
from .approvals.models import Approval
from .audit import services as audit
from .errors import Conflict, Forbidden, Invalid, Words
from .jobs import services as jobs
from .ledger import services as ledger
from .ledger.records import Entry, Line
from .timeutil import today


class NotSecondPerson(Forbidden):
    """The one who asked for the closing or the reopening cannot also carry it out."""


def check_two_people(requested_by: int | None, approved_by: int | None,
                     message: str = Words("Another officer carries out what you asked for.")) -> None:
    if requested_by is None or approved_by is None or requested_by == approved_by:
        raise NotSecondPerson(message)


def check_year_over(year, field: str = "year") -> None:
    if not isinstance(year, int) or isinstance(year, bool) or year < 1900 or year > 9998:
        raise Invalid("Give a year, like 2025.", field=field)
    if date(year, 12, 31) >= today():
        raise Invalid("The year %(year)s has not ended yet: a year is closed after 31 December.", field=field,
                      values={"year": str(year)})


def _nothing(*_args) -> None:
    return None


@dataclass(frozen=True)
class Closed:
    """What closing a year did: its entry (None when the year moved no income or expense) and its lines."""

    year: int
    entry: ledger.PostedEntry | None
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class YearClosing:
    """A domain's year closing: its maker-checker kinds, its entry's source and memo, its audit actions and the
    three things it knows: the closing lines, whether a year stands closed (and by which entry), and its own
    refusals."""

    close_kind: str
    reopen_kind: str
    source: str
    audit_action: str  # "<action>.close" and "<action>.reopen" in the audit trail
    memo: str  # the closing entry's description, with {year}
    lines: Callable[[int, int], tuple[Line, ...]]  # (org_id, year) -> the closing entry's lines
    standing: Callable[[int, int], tuple[bool, int | None]]  # (org_id, year) -> (closed?, its closing entry id)
    check_closable: Callable[..., None] = _nothing  # (org_id, year, lines): the domain's own refusals
    check_reopenable: Callable[..., None] = _nothing  # (org_id, year)
    second_person: str = Words("Another officer carries out what you asked for.")

    @property
    def kinds(self) -> tuple[str, str]:
        return self.close_kind, self.reopen_kind

    # ------------------------------------------------------------ reading

    def closable_years(self, org_id: int) -> list[int]:
        """The years a closing may be asked for: over, not closed, back to the first posting, newest first."""
        first = ledger.first_entry_date(org_id)
        if first is None:
            return []
        return [year for year in range(today().year - 1, first.year - 1, -1) if not self.standing(org_id, year)[0]]

    # ------------------------------------------------------------ the checks, before anything waits and again when run

    def _closable(self, org_id: int, year) -> tuple[Line, ...]:
        check_year_over(year)
        if self.standing(org_id, year)[0]:
            raise Conflict("%(year)s is already closed.", field="year", values={"year": str(year)})
        if ledger.is_closed(org_id, date(year, 12, 31)):
            raise Invalid("December %(year)s is closed: reopen it, so the closing entry can be dated 31 December.",
                          field="year", values={"year": str(year)})
        jobs.check_caught_up(org_id, date(year, 12, 31), today(), field="year")
        lines = self.lines(org_id, year)
        self.check_closable(org_id, year, lines)
        return lines

    def _reopenable(self, org_id: int, year, reason: str | None) -> int | None:
        if not (reason or "").strip():
            raise Invalid("Give the reason for reopening.", field="reason")
        if not isinstance(year, int) or isinstance(year, bool):
            raise Invalid("Give a year, like 2025.", field="year")
        closed, entry_id = self.standing(org_id, year)
        if not closed:
            raise Conflict("%(year)s is not closed.", field="year", values={"year": str(year)})
        self.check_reopenable(org_id, year)
        return entry_id

    def check_close(self, org_id: int, payload: dict, _key: str | None = None) -> None:
        """The `check` of a closing request (coop.approvals): refused before anything waits for the second person."""
        self._closable(org_id, payload.get("year"))

    def check_reopen(self, org_id: int, payload: dict, _key: str | None = None) -> None:
        self._reopenable(org_id, payload.get("year"), payload.get("reason"))

    # ------------------------------------------------------------ asking (the maker)

    def ask_to_close(self, org_id: int, year: int, *, actor_id: int) -> Approval:
        return approvals.run_or_hold(org_id, self.close_kind, {"year": year}, maker_id=actor_id,
                                     subject=f"year:{year}").held

    def ask_to_reopen(self, org_id: int, year: int, *, reason: str, actor_id: int) -> Approval:
        return approvals.run_or_hold(org_id, self.reopen_kind, {"year": year, "reason": (reason or "").strip()},
                                     maker_id=actor_id, subject=f"year:{year}").held

    def pending_requests(self, org_id: int) -> list[Approval]:
        """The closing and reopening requests waiting for a second person, oldest first."""
        return [row for row in approvals.approvals(org_id) if row.kind in self.kinds]

    # ------------------------------------------------------------ the acts (the checker's executors call them)

    def close(self, org_id: int, year: int, *, requested_by: int | None, approved_by: int | None,
              source_id: str | None = None) -> Closed:
        """Post the closing entry dated 31 December (when the year moved anything) and close its twelve months
        with the year."""
        check_two_people(requested_by, approved_by, self.second_person)
        lines = self._closable(org_id, year)
        entry = None
        if lines:
            entry = ledger.post(Entry(org_id, date(year, 12, 31), self.memo.format(year=year), tuple(lines),
                                      source=self.source, source_id=source_id or str(year)), approved_by)
        for month in range(1, 13):
            if not ledger.is_closed(org_id, date(year, month, 1)):
                ledger.close_period(org_id, year, month, approved_by, with_year=True)
        audit.record(f"{self.audit_action}.close", org_id=org_id, user_id=approved_by, target_type="year",
                     target_id=year, details={"entry_id": entry.id if entry else None, "requested_by": requested_by})
        return Closed(year, entry, tuple(lines))

    def reopen(self, org_id: int, year: int, *, reason: str, requested_by: int | None,
               approved_by: int | None) -> ledger.PostedEntry | None:
        """Reopen the year's months and reverse its closing entry (dated 31 December, like the entry)."""
        check_two_people(requested_by, approved_by, self.second_person)
        entry_id = self._reopenable(org_id, year, reason)
        reason = reason.strip()
        for month in range(1, 13):
            if ledger.is_closed(org_id, date(year, month, 1)):
                ledger.reopen_period(org_id, year, month, approved_by, reason, with_year=True)
        reversal = None
        if entry_id is not None:
            reversal = ledger.reverse(org_id, entry_id, on=date(year, 12, 31), reason=f"Reopening of {year}: {reason}",
                                      actor_id=approved_by)
        audit.record(f"{self.audit_action}.reopen", org_id=org_id, user_id=approved_by, target_type="year",
                     target_id=year, details={"entry_id": reversal.id if reversal else None, "reason": reason,
                                              "requested_by": requested_by})
        return reversal
