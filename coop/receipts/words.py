"""A receipt's or entry's description in the reader's words.

Descriptions are stored as English records (what the receipt was made out for, the entry's memo); the ones a
member meets most are told in her language when shown, the rest as recorded."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
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
    (re.compile(r"^Reactivated$"), _l("Reactivated")),
    (re.compile(r"^Savings withdrawal (?P<number>\S+)$"), _l("Savings withdrawal %(number)s")),
    (re.compile(r"^Time deposit (?P<number>\S+) matured$"), _l("Time deposit %(number)s matured")),
    (re.compile(r"^Time deposit (?P<number>\S+) pre-terminated$"), _l("Time deposit %(number)s pre-terminated")),
    # the receipt for what was kept out of her loan at its release
    (re.compile(r"^Loan (?P<number>L-\d+), deducted at release: service fee (?P<fee>\S+), capital build-up (?P<cbu>\S+) "
                r"\(to her share capital\)$"),
     _l("Loan %(number)s, deducted at release: service fee %(fee)s, capital build-up %(cbu)s (to her share capital)")),
    (re.compile(r"^Loan (?P<number>L-\d+), deducted at release: service fee (?P<fee>\S+)$"),
     _l("Loan %(number)s, deducted at release: service fee %(fee)s")),
    (re.compile(r"^Loan (?P<number>L-\d+), deducted at release: capital build-up (?P<cbu>\S+) \(to her share capital\)$"),
     _l("Loan %(number)s, deducted at release: capital build-up %(cbu)s (to her share capital)")),
    # her statement's other memos (her own member number taken out by the statement)
    (re.compile(r"^Recovery on written-off loan (?P<number>L-\d+)$"), _l("Recovery on written-off loan %(number)s")),
    (re.compile(r"^Penalty on loan (?P<number>L-\d+), installment (?P<n>\d+)$"),
     _l("Penalty on loan %(number)s, installment %(n)s")),
    (re.compile(r"^Loan (?P<number>L-\d+) brought from the old books \((?P<reference>.*)\)$"),
     _l("Loan %(number)s brought from the old books (%(reference)s)")),
    (re.compile(r"^Loan (?P<number>L-\d+) restructured into (?P<new>L-\d+)$"),
     _l("Loan %(number)s restructured into %(new)s")),
    (re.compile(r"^Reversal of a payment on loan (?P<number>L-\d+): (?P<reason>.*)$"),
     _l("Reversal of a payment on loan %(number)s: %(reason)s")),
    (re.compile(r"^Write-off of loan (?P<number>L-\d+): (?P<reason>.*)$"), _l("Write-off of loan %(number)s: %(reason)s")),
    (re.compile(r"^Loans moved to or from past due \(\d+\)$"), _l("Loan moved to or from past due")),
    (re.compile(r"^Share subscription: (?P<n>\d+) shares$"), _l("Share subscription: %(n)s shares")),
    (re.compile(r"^Opening share capital$"), _l("Opening share capital")),
    (re.compile(r"^Share capital refund paid$"), _l("Share capital refund paid")),
    (re.compile(r"^Share capital withdrawal$"), _l("Share capital withdrawal")),
    (re.compile(r"^Transfer of (?P<n>\d+) shares to (?P<taker>M-\d+)$"), _l("Transfer of %(n)s shares to %(taker)s")),
    (re.compile(r"^Transfer of (?P<n>\d+) shares (?P<giver>M-\d+)$"), _l("Transfer of %(n)s shares from %(giver)s")),
    (re.compile(r"^Return of goods from sale (?P<number>S-\d+): (?P<reason>.*)$"),
     _l("Return of goods from sale %(number)s: %(reason)s")),
    (re.compile(r"^Member-producer paid her share of goods sold$"), _l("Member-producer paid her share of goods sold")),
    (re.compile(r"^Interest and patronage refund (?P<year>\d{4})$"), _l("Interest and patronage refund %(year)s")),
)


def template_of(text: str | None) -> str | None:
    """The catalogue's English for this description, or None when it is told as recorded."""
    text = (text or "").strip()
    return next((words._args[0] for pattern, words in _KNOWN if pattern.match(text)), None)


def in_her_words(text: str | None) -> str:
    """The description in the reader's language when it is one the catalogue knows, else as recorded."""
    text = (text or "").strip()
    for pattern, words in _KNOWN:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            if values.get("day"):  # a date stored in ISO, said by Babel in her language
                values["day"] = format_date(date.fromisoformat(values["day"]), "medium")
            return str(words) % values if values else str(words)
    return text or _("Transaction")
