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


CURRENCY = "PHP"


def pesos_text(centavos: int) -> str:
    """Grouped pesos with two decimals, exact (no float): "2,000.50", "-12.34". For messages and tables."""
    sign = "-" if centavos < 0 else ""
    whole, cents = divmod(abs(int(centavos)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def php_text(centavos: int, *, grouped: bool = True) -> str:
    """An amount with its currency in a message or on paper: "PHP 2,000.50" (grouped=False: "PHP 2000.50")."""
    return f"{CURRENCY} {pesos_text(centavos) if grouped else to_pesos_text(centavos)}"


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        return _ONES[n // 100] + " hundred" + (" " + _words(n % 100) if n % 100 else "")
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            return _words(n // size) + " " + name + (" " + _words(n % size) if n % size else "")
    raise ValueError(n)


def amount_in_words(centavos: int) -> str:
    """2000_50 -> 'Two thousand pesos and 50/100', as written on Philippine official receipts."""
    pesos, cents = divmod(centavos, 100)
    return f"{_words(pesos).capitalize()} pesos and {cents:02d}/100"


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
