"""A Beancount ledger file in: its transactions through the ledger's bulk path, its balance assertions checked.

Beancount (an optional dependency, `pip install coop[beancount]`) reads the file, so everything it
checks holds here too: balance assertions, balanced transactions, accounts opened before use. Each
Beancount account is matched to one of coop's accounts by the `code:` metadata on its `open`
directive (`2025-01-01 open Assets:Cash  PHP` with `  code: "11110"` under it), else by its last name
("Assets:Cash-On-Hand" -> "Cash on Hand"). A posting's `party: "M-0012"` metadata names the member.
A transaction's reference is its `ref:` metadata or its first link (^ref), else a digest of what it
says, so a second run of the same file finds every entry already there.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

from flask_babel import gettext as _

from ..errors import Invalid
from ..ledger import services as ledger

CURRENCY = "PHP"


def _loader():
    try:
        from beancount import loader
    except ImportError:  # an optional dependency: say what to install instead of failing
        raise Invalid("Reading Beancount files needs the beancount package on the server "
                        "(pip install 'coop[beancount]').", field="file") from None
    return loader


def rows(org_id: int, content: bytes, problems: list) -> list[tuple]:
    """The file's transactions as the ledger's journal rows; what is wrong goes into `problems` as
    (line, column, message)."""
    from beancount.core import data

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append((1, "file", _("Save the Beancount file as UTF-8 and upload it again.")))
        return []
    entries, errors, _options = _loader().load_string(text)
    for error in errors:
        problems.append((_line(error.entry) if error.entry else 0, "file", str(error.message)))
    accounts = _accounts(org_id, entries, problems)
    out, seen = [], Counter()
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        line = _line(entry)
        ref = _reference(entry)
        seen[ref] += 1
        if seen[ref] > 1:  # the same words twice on one day: two real entries, told apart by their order
            ref = f"{ref}-{seen[ref]}"
        memo = " ".join(filter(None, (entry.payee, entry.narration))) or "Beancount"
        for posting in entry.postings:
            posting_line = _line(posting) or line
            if posting.units is None or posting.units.currency != CURRENCY:
                problems.append((posting_line, "currency", _("Only amounts in PHP can be brought in.")))
                continue
            code = accounts.get(posting.account)
            if code is None:
                continue  # listed once, at its open directive
            centavos = _centavos(posting.units.number)
            if centavos is None:
                problems.append((posting_line, "amount", _("Amounts have at most two decimals.")))
                continue
            party = (posting.meta or {}).get("party", "")
            out.append((posting_line, ref, entry.date, memo[:300], code,
                        centavos if centavos > 0 else 0, -centavos if centavos < 0 else 0, party))
    return out


def _accounts(org_id: int, entries, problems: list) -> dict[str, str]:
    """Beancount account -> coop account code, for every account the file opens."""
    from beancount.core import data

    chart = ledger.list_accounts(org_id)
    by_code = {a.code: a.code for a in chart}
    by_name = {a.name.strip().lower(): a.code for a in chart}
    found = {}
    for entry in entries:
        if not isinstance(entry, data.Open):
            continue
        code = str((entry.meta or {}).get("code", "")).strip()
        if code:
            if code in by_code:
                found[entry.account] = code
            else:
                problems.append((_line(entry), "account", _("coop has no account %(code)s.", code=code)))
            continue
        name = entry.account.rsplit(":", 1)[-1].replace("-", " ").strip().lower()
        if name in by_name:
            found[entry.account] = by_name[name]
        else:
            problems.append((_line(entry), "account",
                             _("%(account)s matches no account of coop: add code: \"…\" under its open directive.",
                               account=entry.account)))
    return found


def _reference(entry) -> str:
    meta_ref = str((entry.meta or {}).get("ref", "")).strip()
    if meta_ref:
        return meta_ref[:80]
    if entry.links:
        return sorted(entry.links)[0][:80]
    said = "|".join([entry.date.isoformat(), entry.payee or "", entry.narration or ""]
                    + [f"{p.account} {p.units}" for p in entry.postings])
    return "bc-" + hashlib.sha256(said.encode()).hexdigest()[:20]


def _centavos(number: Decimal) -> int | None:
    scaled = number * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _line(entry) -> int:
    return int((getattr(entry, "meta", None) or {}).get("lineno", 0) or 0)


def is_beancount(filename: str) -> bool:
    return (filename or "").lower().endswith((".beancount", ".bean"))

