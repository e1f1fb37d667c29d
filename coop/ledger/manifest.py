"""The ledger's edge: its pages and API, and its two maker-checker kinds (large manual entries and reversals)."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..manifest import ApprovalKind, Execution, Manifest, NavItem, Setting
from ..web.filters import day, money
from . import api, services, views
from .services import (
    APPROVAL_THRESHOLD,
    APPROVAL_THRESHOLD_DEFAULT,
    FUTURE_DAYS,
    FUTURE_DAYS_DEFAULT,
    MANUAL_ENTRY_KIND,
    REVERSAL_KIND,
)


def _describe_entry(org_id: int, payload: dict) -> list[tuple[str, str]]:
    rows = [(_l("Date"), day(payload["entry_date"])), (_l("Memo"), payload["memo"])]
    for line in payload["lines"]:
        account = services.get_account(org_id, line["account_id"])
        side = _l("debit") if line["debit"] else _l("credit")
        rows.append((f"{account.code} {account.name}", f"{side} {money(line['debit'] or line['credit'])}"))
    return rows


def _describe_reversal(org_id: int, payload: dict) -> list[tuple[str, str]]:
    original = services.get_entry(org_id, payload["entry_id"])
    return [(_l("Entry to reverse"), f"#{original.id} {day(original.entry_date)} {original.memo}"),
            (_l("Amount"), money(sum(line.debit for line in original.lines))),
            (_l("Reversal date"), day(payload["on"])), (_l("Reason"), payload["reason"])]


def _post(run: Execution):
    return services.post_manual_payload(run.org_id, run.payload, run.actor_id, run.idempotency_key)


def _reverse(run: Execution):
    return services.reverse_payload(run.org_id, run.payload, run.actor_id, run.idempotency_key)


manifest = Manifest(
    name="ledger",
    blueprints=(views.bp, api.bp),
    nav=(NavItem(_l("Ledger"), "ledger.entries", READERS), NavItem(_l("Accounts"), "ledger.accounts", READERS)),
    settings=(Setting(FUTURE_DAYS, FUTURE_DAYS_DEFAULT,
                      _l("Days after today (Manila) a posting may be dated; 0 allows no future dates")),
              Setting(APPROVAL_THRESHOLD, APPROVAL_THRESHOLD_DEFAULT,
                      _l("Manual journal entries and reversals above this amount wait for a second officer"),
                      kind="money")),
    approval_kinds={
        MANUAL_ENTRY_KIND: ApprovalKind(_l("Manual journal entry"), _post, STAFF, APPROVAL_THRESHOLD,
                                        describe=_describe_entry, check=services.check_manual_payload,
                                        amount=services.manual_amount),
        REVERSAL_KIND: ApprovalKind(_l("Reversal of a journal entry"), _reverse, STAFF, APPROVAL_THRESHOLD,
                                    describe=_describe_reversal, check=services.check_reversal_payload,
                                    link=lambda org_id, payload: ("ledger.entry", {"entry_id": payload["entry_id"]})),
    },
)
