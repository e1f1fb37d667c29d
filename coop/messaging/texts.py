"""What a text costs (segments) and which language it is written in."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import force_locale

LANGUAGES = ("en", "fil")

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet: two)
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # GSM-7 | UCS-2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part: int  # 160/70 for one part, 153/67 per part when concatenated
    left: int  # units still free in the last part


def segments(text: str) -> Segments:
    """How many SMS parts a text takes: 160 GSM-7 / 70 UCS-2 characters in one part, 153 / 67 when concatenated."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        sizes = [2 if ch in GSM_EXTENDED else 1 for ch in text]
        encoding, single, multi = "GSM-7", 160, 153
    else:
        sizes = [len(ch.encode("utf-16-le")) // 2 for ch in text]
        encoding, single, multi = "UCS-2", 70, 67
    units = sum(sizes)
    if units <= single:
        return Segments(encoding, units, 1 if units else 0, single, single - units)
    parts, used = 1, 0
    for size in sizes:  # a character (an escape pair, a surrogate pair) is never split across parts
        if used + size > multi:
            parts, used = parts + 1, 0
        used += size
    return Segments(encoding, units, parts, multi, multi - used)


def language(locale: str | None, default: str) -> str:
    return locale if locale in LANGUAGES else (default if default in LANGUAGES else "en")


@contextmanager
def written_in(lang: str):
    """Render gettext strings in this language (outside a request too)."""
    with force_locale(lang if lang in LANGUAGES else "en"):
        yield
