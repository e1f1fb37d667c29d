"""Money is an int of centavos inside; this module parses and formats it at the edge."""
from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from marshmallow import ValidationError, fields

_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
MAX_CENTAVOS = 100_000_000_000_00  # one hundred billion pesos: more is a typing slip, and stays far from BIGINT's end


def to_centavos(value) -> int:
    """Parse pesos ("2,000", "2000.50", 2000) into centavos; refuse fractions of a centavo."""
    if isinstance(value, bool) or value is None:
        raise ValueError("Enter an amount in pesos.")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("₱", "").replace("PHP", "").strip()
    if not _AMOUNT.match(text):
        raise ValueError("Enter an amount in pesos, like 2000 or 2,000.50.")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise ValueError("Enter an amount in pesos.") from exc
    centavos = amount * 100
    if centavos != centavos.to_integral_value():
        raise ValueError("Amounts are in whole centavos (at most two decimals).")
    return int(centavos)


def to_pesos_text(centavos: int) -> str:
    """Plain machine form used in JSON and CSV: "2000.50"."""
    sign = "-" if centavos < 0 else ""
    return f"{sign}{abs(centavos) // 100}.{abs(centavos) % 100:02d}"


@lru_cache(maxsize=8192)  # Babel re-reads the locale's pattern on every call; pages repeat the same amounts
def format_money(centavos: int | None, locale: str = "en_PH") -> str:
    if centavos is None:
        return ""
    return format_currency(Decimal(centavos) / 100, "PHP", locale=locale)


class Money(fields.Field):
    """Amount in pesos at the edge (string or integer), centavos inside.

    Refuses fractions of a centavo; by default refuses zero and negative amounts too.
    """

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.allow_zero = allow_zero
        self.allow_negative = allow_negative

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_pesos_text(value)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            centavos = to_centavos(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if centavos < 0 and not self.allow_negative:
            raise ValidationError("The amount must be more than zero.")
        if centavos == 0 and not self.allow_zero:
            raise ValidationError("The amount must be more than zero.")
        if abs(centavos) > MAX_CENTAVOS:
            raise ValidationError("The amount is too large.")
        return centavos
