"""What a domain hands the ledger: small frozen records, tuples not lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Line:
    """One side of an entry. `account` is an account key ("cash_on_hand") or an account id."""

    account: str | int
    debit: int = 0
    credit: int = 0
    party_id: int | None = None
    memo: str | None = None


@dataclass(frozen=True)
class Entry:
    org_id: int
    entry_date: date
    memo: str
    lines: tuple[Line, ...]
    source: str | None = None
    source_id: str | None = None
    idempotency_key: str | None = None
    teller_session_id: int | None = None  # else the acting user's open session when the entry moves its cash


@dataclass(frozen=True)
class PostedLine:
    account_id: int
    account_code: str
    account_name: str
    party_id: int | None
    debit: int
    credit: int
    memo: str | None


@dataclass(frozen=True)
class PostedEntry:
    id: int
    org_id: int
    entry_date: date
    memo: str
    source: str | None
    source_id: str | None
    reverses_id: int | None
    lines: tuple[PostedLine, ...] = field(default=())
    replayed: bool = False


@dataclass(frozen=True)
class Balance:
    debit_total: int = 0
    credit_total: int = 0

    @property
    def debit_balance(self) -> int:
        """Positive when the debits exceed the credits."""
        return self.debit_total - self.credit_total

    @property
    def credit_balance(self) -> int:
        return self.credit_total - self.debit_total
