"""Posting rules as small pure functions; each returns the problems it finds.

A problem names the field, the message and the error type to raise, chosen where the problem is
found (an unbalanced entry is an `UnbalancedEntry`, anything else a `RefusedEntry`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Pesos, Sentence, Words
from .errors import RefusedEntry, UnbalancedEntry
from .records import Entry


@dataclass(frozen=True)
class Problem:
    field: str
    message: Sentence  # said in the reader's language where it is shown
    error: type[RefusedEntry] | type[UnbalancedEntry] = RefusedEntry


def check_line_count(entry: Entry) -> list[Problem]:
    if len(entry.lines) < 2:
        return [Problem("lines", Sentence("An entry needs at least two lines."))]
    return []


def check_amounts(entry: Entry) -> list[Problem]:
    problems = []
    for n, line in enumerate(entry.lines, start=1):
        for side in ("debit", "credit"):
            amount = getattr(line, side)
            if isinstance(amount, bool) or not isinstance(amount, int):
                problems.append(Problem(f"lines.{n}.{side}", Sentence("Line %(n)s: amounts are whole centavos.", n=n)))
            elif amount < 0:
                problems.append(Problem(f"lines.{n}.{side}", Sentence("Line %(n)s: a %(side)s cannot be negative.", n=n, side=Words(side))))
        if not problems and (line.debit > 0) == (line.credit > 0):
            problems.append(Problem(f"lines.{n}", Sentence("Line %(n)s: give either a debit or a credit, more than zero.", n=n)))
    return problems


def check_balanced(entry: Entry) -> list[Problem]:
    debits = sum(line.debit for line in entry.lines)
    credits = sum(line.credit for line in entry.lines)
    if debits != credits:
        return [Problem("lines", Sentence("The entry is unbalanced: debits %(debits)s and credits %(credits)s.",
                                 debits=Pesos(debits), credits=Pesos(credits)),
                        UnbalancedEntry)]
    return []


def check_memo(entry: Entry) -> list[Problem]:
    if not entry.memo or not entry.memo.strip():
        return [Problem("memo", Sentence("Say what the entry is for."))]
    return []


STRUCTURAL_CHECKS = (check_memo, check_line_count, check_amounts, check_balanced)


def structural_problems(entry: Entry) -> list[Problem]:
    problems: list[Problem] = []
    for check in STRUCTURAL_CHECKS:
        problems.extend(check(entry))
        if problems:
            break  # later checks assume the earlier ones passed
    return problems
