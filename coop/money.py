"""Money is an int of centavos inside; this module parses and formats it at the edge."""
from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from flask_babel import lazy_gettext as _
from marshmallow import ValidationError, fields

# ASCII digits only (\d would take Arabic-Indic and full-width digits); thousands separators only
# every three digits from the decimal point ("1,234.50"), at most two decimals.
_AMOUNT = re.compile(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$", re.ASCII)

# The peso as written before an amount: the sign, or PHP / Php / P as receipts and price tags here write it.
_PESO_SIGN = re.compile(r"^(?:₱|PHP|P)(?=[\s0-9])", re.ASCII | re.IGNORECASE)

# The largest amount anyone may type: a trillion pesos. Balances are sums of many amounts in a BIGINT
# column (at most 9.2 * 10^18 centavos), so a single amount must stay far below that.
MAX_CENTAVOS = 10**12 * 100


def to_centavos(value) -> int:
    """Parse pesos ("2,000", "2000.50", 2000) into centavos.

    Refuses fractions of a centavo, misplaced thousands separators ("1,50", "12,34,5"), digits other
    than ASCII 0-9, and amounts beyond MAX_CENTAVOS.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(_("Enter an amount in pesos."))
    if isinstance(value, int):
        centavos = value * 100
    else:
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(_("Enter an amount in pesos."))
            value = repr(value)
        if isinstance(value, Decimal):
            value = format(value, "f")
        if not isinstance(value, str):
            raise ValueError(_("Enter an amount in pesos."))
        text = _PESO_SIGN.sub("", value.strip(), count=1).strip()
        if len(text) > 40:
            raise ValueError(_("That amount is too large."))
        if not _AMOUNT.match(text):
            if re.fullmatch(r"-?[0-9][0-9.,]*", text, re.ASCII) and "," in text:  # 1,50 or 1.500,00
                raise ValueError(_("Put thousands separators every three digits (1,234.50); "
                                   "use a point, not a comma, for centavos."))
            if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text, re.ASCII):
                raise ValueError(_("Amounts are in whole centavos (at most two decimals)."))
            raise ValueError(_("Enter an amount in pesos with the digits 0-9, like 2000 or 2,000.50."))
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
            raise ValueError(_("Enter an amount in pesos.")) from exc
        centavos = int(amount * 100)
    if abs(centavos) > MAX_CENTAVOS:
        raise ValueError(_("That amount is too large (at most 1,000,000,000,000.00)."))
    return centavos


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


def php_text(centavos: int) -> str:
    """An amount with its currency in a message or on paper, as Babel writes it on every page: "₱2,000.50"."""
    return format_money(centavos)


def sms_pesos(centavos: int) -> str:
    """An amount in a text message: "PHP 2,000.50". The peso sign is outside the GSM 7-bit alphabet and would
    make every text UCS-2 (70 characters a part instead of 160, each part paid): texts alone write PHP."""
    return f"PHP {pesos_text(centavos)}"


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


def _english(centavos: int) -> str:
    pesos, cents = divmod(centavos, 100)
    return f"{_words(pesos).capitalize()} {'peso' if pesos == 1 else 'pesos'} and {cents:02d}/100"


# Filipino (Tagalog) numbers as written on cheques and receipts: "Dalawang libo't limandaang piso at 50/100".
_ISA = ("", "isa", "dalawa", "tatlo", "apat", "lima", "anim", "pito", "walo", "siyam")
_LABING = ("sampu", "labing-isa", "labindalawa", "labintatlo", "labing-apat", "labinlima", "labing-anim",
           "labimpito", "labingwalo", "labinsiyam")
_MPU = ("", "", "dalawampu", "tatlumpu", "apatnapu", "limampu", "animnapu", "pitumpu", "walumpu", "siyamnapu")
_DAAN = ("", "isandaan", "dalawandaan", "tatlondaan", "apatnaraan", "limandaan", "animnaraan", "pitondaan",
         "walondaan", "siyamnaraan")
_SCALES = ((10**9, "bilyon"), (10**6, "milyon"), (1000, "libo"))


def _linked(words: str) -> str:
    """The number bound to the word it counts: isa -> isang, limandaan -> limandaang, apat -> apat na."""
    if words[-1] in "aeiou":
        return words + "ng"
    if words[-1] == "n":
        return words + "g"
    return words + " na"


def _and(first: str, then: str) -> str:
    """'at' between two parts of a number, shortened to 't after a vowel: libo't limandaan, dalawampu't isa."""
    return f"{first}'t {then}" if first[-1] in "aeiou" else f"{first} at {then}"


def _salita(n: int) -> str:
    """1..999_999_999_999 in Filipino words."""
    parts = []
    for size, name in _SCALES:
        if n >= size:
            parts.append(f"{_linked(_salita(n // size))} {name}")
            n %= size
    if n >= 100:
        parts.append(_DAAN[n // 100])
        n %= 100
    if n:
        small = _ISA[n] if n < 10 else _LABING[n - 10] if n < 20 else (
            _MPU[n // 10] if n % 10 == 0 else _and(_MPU[n // 10], _ISA[n % 10]))
        parts.append(small)
    text = parts[0]
    for n_part, part in enumerate(parts[1:], start=1):
        text = _and(text, part) if n_part == len(parts) - 1 else f"{text}, {part}"
    return text


def _filipino(centavos: int) -> str:
    pesos, cents = divmod(centavos, 100)
    whole = f"{_linked(_salita(pesos))} piso" if pesos else "walang piso"
    return f"{whole[:1].upper()}{whole[1:]} at {cents:02d}/100"


def amount_in_words(centavos: int, locale: str | None = None) -> str:
    """2000_50 -> 'Two thousand pesos and 50/100' as written on Philippine official receipts, cheques and notes; in
    Filipino 'Dalawang libong piso at 50/100'. The language is the reader's (the request's) unless one is given."""
    if locale is None:
        from flask import has_request_context
        from flask_babel import get_locale
        locale = str(get_locale()) if has_request_context() else "en"
    return _filipino(centavos) if locale.startswith("fil") else _english(centavos)


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
            raise ValidationError([exc.args[0]]) from exc  # a lazy string: said where it is shown
        if centavos < 0 and not self.allow_negative:
            if self.allow_zero:  # a teller's count: "more than zero" would refuse the zero she may type
                raise ValidationError("The amount cannot be negative.")
            raise ValidationError("The amount must be more than zero.")
        if centavos == 0 and not self.allow_zero:
            raise ValidationError("The amount must be more than zero.")
        return centavos
