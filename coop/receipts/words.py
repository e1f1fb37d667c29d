"""A receipt's or entry's description in the reader's words.

Descriptions are stored as English records (what the receipt was made out for, the entry's memo); the ones a
member meets most are told in her language when shown, the rest as recorded."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_KNOWN = (
    (re.compile(r"^Release of loan (?P<number>L-\d+)$"), _l("Release of loan %(number)s")),
    (re.compile(r"^Payment on loan (?P<number>L-\d+)$"), _l("Payment on loan %(number)s")),
    (re.compile(r"^Recovery on loan (?P<number>L-\d+)$"), _l("Recovery on loan %(number)s")),
    (re.compile(r"^Store sale (?P<number>S-\d+)$"), _l("Store sale %(number)s")),
    (re.compile(r"^Savings deposit (?P<number>SA-\d+)$"), _l("Savings deposit %(number)s")),
    (re.compile(r"^Repayment of capital loan (?P<number>\S+)$"), _l("Repayment of capital loan %(number)s")),
    (re.compile(r"^Share capital payment$"), _l("Share capital payment")),
    (re.compile(r"^Membership fee$"), _l("Membership fee")),
    (re.compile(r"^Membership fee \(refundable\)$"), _l("Membership fee (refundable)")),
    (re.compile(r"^Remittance for consigned goods sold$"), _l("Remittance for consigned goods sold")),
    (re.compile(r"^Consigned goods sold, (?P<campaign>.+)$"), _l("Consigned goods sold, %(campaign)s")),
    # the savings passbook's memos
    (re.compile(r"^Opening deposit$"), _l("Opening deposit")),
    (re.compile(r"^Interest at maturity$"), _l("Interest at maturity")),
    (re.compile(r"^Rolled over to (?P<day>\d{4}-\d{2}-\d{2})$"), _l("Rolled over to %(day)s")),
    (re.compile(r"^To (?P<number>[A-Z]+-\d+)$"), _l("To %(number)s")),
    (re.compile(r"^From (?P<number>[A-Z]+-\d+)$"), _l("From %(number)s")),
    (re.compile(r"^Loan (?P<number>L-\d+)$"), _l("Loan %(number)s")),
    (re.compile(r"^Interest (?P<earned>.+?) less penalty (?P<penalty>.+)$"),
     _l("Interest %(earned)s less penalty %(penalty)s")),
    (re.compile(r"^Paid out before maturity$"), _l("Paid out before maturity")),
)


def in_her_words(text: str | None) -> str:
    """The description in the reader's language when it is one the catalogue knows, else as recorded."""
    text = (text or "").strip()
    for pattern, words in _KNOWN:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            return str(words) % values if values else str(words)
    return text or _("Transaction")
