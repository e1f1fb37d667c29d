"""Her statement, passbook and receipts tell the books' English memos in her language: every memo a domain writes
on an entry that names a member (her own number taken out, as her statement does) is one the catalogue knows."""
from __future__ import annotations



import pytest
from flask_babel import refresh

from flask_babel import gettext

from coop.receipts.words import in_her_words, template_of

# As the domains write them (coop/loans, members, inventory, consignment, savings, yearend, groups), her number out.
MEMOS = (
    "Release of loan L-000012", "Payment on loan L-000012", "Recovery on loan L-000012",
    "Recovery on written-off loan L-000012", "Penalty on loan L-000012, installment 3",
    "Loan L-000012 brought from the old books (OLD-77)", "Loan L-000012 restructured into L-000031",
    "Reversal of a payment on loan L-000012: keyed twice", "Write-off of loan L-000012: she moved away",
    "Loans moved to or from past due (14)", "Share subscription: 20 shares", "Share capital payment",
    "Opening share capital", "Share capital refund paid", "Share capital withdrawal", "Transfer of 5 shares to M-0002",
    "Transfer of 5 shares M-0001", "Membership fee", "Membership fee (refundable)", "Store sale S-000004",
    "Return of goods from sale S-000004: torn bag", "Consigned goods sold, Avon CN-3",
    "Remittance for consigned goods sold", "Member-producer paid her share of goods sold",
    "Savings deposit SA-000007", "Savings withdrawal SA-000007", "Time deposit SA-000007 matured",
    "Time deposit SA-000007 pre-terminated", "Opening deposit", "Interest at maturity", "Rolled over to 2026-11-30",
    "To SA-000008", "From SA-000007", "Loan L-000012", "Interest ₱12.00 less penalty ₱3.00", "Paid out before maturity",
    "Reactivated", "Interest and patronage refund 2025", "Repayment of capital loan CL-3",
)


@pytest.mark.parametrize("memo", MEMOS)
def test_every_memo_she_reads_is_told_in_filipino(app, memo):
    template = template_of(memo)
    assert template is not None, f"{memo!r} is shown to her as recorded, in English"
    with app.test_request_context("/?lang=fil"):
        refresh()
        told, filipino = in_her_words(memo), gettext(template)
    assert told != memo or filipino == template  # told in Filipino (or the Taglish the office says: "Membership fee")


def test_a_date_in_a_memo_is_babels_in_her_language(app):
    with app.test_request_context("/?lang=fil"):
        refresh()
        told = in_her_words("Rolled over to 2026-11-30")
    assert "2026-11-30" not in told and "Nob 30, 2026" in told
    with app.test_request_context("/?lang=en"):
        refresh()
        assert in_her_words("Rolled over to 2026-11-30") == "Rolled over to Nov 30, 2026"
