"""Filipino everywhere a user reads: every string the code and templates hand to gettext (and every domain
error's message) has a Filipino translation in the catalogue, with the same placeholders."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import coop

ROOT = Path(coop.__file__).parent.parent
CATALOGUE = ROOT / "coop" / "translations" / "fil" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _keywords() -> dict:
    """The extraction keywords of scripts/translations (gettext's, plus every domain error class)."""
    script = (ROOT / "scripts" / "translations").read_text()
    errors = re.search(r'local errors="([^"]*)"', script).group(1).split()
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    keywords.update({name: None for name in errors})
    for name, position in re.findall(r"(\w+):(\d+)", re.search(r'local positional="([^"]*)"', script).group(1)):
        keywords[name] = (int(position),)
    return keywords


def _catalogue() -> dict:
    with open(CATALOGUE, "rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id}


def test_every_extracted_string_has_a_filipino_translation():
    catalogue = _catalogue()
    method_map = [("coop/**.py", "python"), ("coop/templates/**.html", "jinja2")]
    missing = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=_keywords(),
            options_map={"coop/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        ids = message if isinstance(message, tuple) else (message,)
        if not ids[0]:
            continue
        key = message if isinstance(message, tuple) and len(message) > 1 else ids[0]
        translation = catalogue.get(key)
        if not translation or (isinstance(translation, tuple) and not all(translation)):
            missing.add(ids[0])
    assert not missing, (f"{len(missing)} strings without Filipino (scripts/translations update, then translate):\n"
                         + "\n".join(sorted(missing)[:40]))


def test_translations_keep_their_placeholders():
    wrong = [(k, v) for k, v in _catalogue().items() if isinstance(k, str) and v
             and sorted(PLACEHOLDER.findall(k)) != sorted(PLACEHOLDER.findall(v))]
    assert not wrong, wrong[:10]
