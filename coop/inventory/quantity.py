"""Quantities are ints of thousandths of a unit inside (1.5 kg = 1500); parsed and formatted at the edge."""
from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import ValidationError, fields

from ..errors import Words  # the messages are extracted into the catalogue and said in the reader's language

SCALE = 1000
# ASCII digits only, thousands separators only every three digits, like coop.money's amounts.
_QUANTITY = re.compile(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$", re.ASCII)
MAX_THOUSANDTHS = 10**12 * SCALE


def to_thousandths(value) -> int:
    if isinstance(value, bool) or value is None:
        raise ValueError(Words("Enter a quantity."))
    text = str(value).strip()
    if len(text) > 40 or not _QUANTITY.match(text):
        raise ValueError(Words("Enter a quantity, like 2 or 1.5."))
    scaled = Decimal(text.replace(",", "")) * SCALE
    if abs(scaled) > MAX_THOUSANDTHS:
        raise ValueError(Words("That quantity is too large."))
    if scaled != scaled.to_integral_value():
        raise ValueError(Words("Quantities have at most three decimals."))
    return int(scaled)


def quantity_text(thousandths: int | None) -> str:
    """1500 -> '1.5', 2000 -> '2'."""
    if thousandths is None:
        return ""
    sign = "-" if thousandths < 0 else ""
    whole, part = divmod(abs(thousandths), SCALE)
    return f"{sign}{whole:,}" + (f".{part:03d}".rstrip("0") if part else "")


def round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers (no float ever touches money)."""
    if denominator <= 0:
        raise ZeroDivisionError
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def line_amount(quantity: int, unit_price: int) -> int:
    """Centavos for `quantity` thousandths at `unit_price` centavos per unit."""
    return round_div(quantity * unit_price, SCALE)


class Quantity(fields.String):
    """A quantity at the edge ("1.5"), thousandths inside. Refuses zero and negatives unless allowed."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.allow_zero = allow_zero

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else quantity_text(value).replace(",", "")

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            thousandths = to_thousandths(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if thousandths < 0 or (thousandths == 0 and not self.allow_zero):
            raise ValidationError(Words("The quantity must be more than zero."))
        return thousandths
