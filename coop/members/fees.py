"""The membership fee: the policy's amount, paid once with the application or at admission, with an official receipt.

A fee that is not refundable is income (Membership Fees). A refundable one is money held for her until
she leaves: it is credited to Accounts Payable - Non-Trade under her party, so it shows on her statement
as owed to her. Either way the line carries her party, so her statement tells it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..audit import services as audit
from ..errors import Conflict, Invalid, Status, Words
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..orgs.services import get_setting
from ..receipts import services as receipts
from .base import get_member, member_party
from .models import Member, MembershipFee

SOURCE = "members.fee"
INCOME, REFUNDABLE = "membership_fees", "accounts_payable_non_trade"


@dataclass(frozen=True)
class FeePolicy:
    amount: int  # 0: the cooperative charges none
    refundable: bool
    before_admission: bool  # admission refuses until it is paid

    @property
    def charged(self) -> bool:
        return self.amount > 0


def policy(org_id: int) -> FeePolicy:
    return FeePolicy(int(get_setting(org_id, "members.membership_fee")),
                     bool(get_setting(org_id, "members.membership_fee_refundable")),
                     bool(get_setting(org_id, "members.membership_fee_before_admission")))


def fee_of(org_id: int, member_id: int) -> MembershipFee | None:
    return db.session.scalar(select(MembershipFee).where(MembershipFee.org_id == org_id,
                                                         MembershipFee.member_id == member_id))


def refundable_held(org_id: int, member: Member) -> int:
    """The refundable membership fee the cooperative holds for her (returned when she withdraws)."""
    if member.party_id is None:
        return 0
    return ledger.party_balance(org_id, REFUNDABLE, member.party_id).credit_balance


def check_paid_for_admission(org_id: int, member: Member) -> None:
    """Admission waits for the fee when the policy says so."""
    rules = policy(org_id)
    if rules.charged and rules.before_admission and fee_of(org_id, member.id) is None:
        raise Invalid("The membership fee is not paid yet: collect it first, or tick \"collect the membership fee "
                      "now\".", field="collect_fee")


def pay(org_id: int, member_id: int, *, on: date, actor_id: int | None, idempotency_key: str | None = None,
        cash_account: str = "cash_on_hand", received_from: str = "", stage: str | None = None) -> MembershipFee:
    """Collect her membership fee: cash against Membership Fees (or the refundable deposit), and a receipt."""
    if idempotency_key:
        replay = db.session.scalar(select(MembershipFee).where(MembershipFee.org_id == org_id,
                                                               MembershipFee.idempotency_key == idempotency_key))
        if replay is not None:
            if replay.member_id != member_id:
                raise Conflict("This form was already used for something else. Reload the page and try again.",
                               field="idempotency_key")
            return replay
    rules = policy(org_id)
    if not rules.charged:
        raise Invalid("This cooperative charges no membership fee (see the settings).", field="collect_fee")
    ledger.cash_account(org_id, cash_account, field="cash_account")
    member = get_member(org_id, member_id, lock=True)
    if member.status not in ("applicant", "active"):
        raise Invalid("The membership fee is paid by an applicant or a new member; this member is %(status)s.",
                      values={"status": Status(member.status)},
                      field="collect_fee")
    if fee_of(org_id, member.id) is not None:
        raise Conflict("Her membership fee is already paid (it is paid once).", field="collect_fee")
    if member.applied_on is not None and on < member.applied_on:
        raise Invalid("The fee cannot be dated before she applied (%(applied)s).", field="on",
                      values={"applied": member.applied_on})
    ledger.check_date(org_id, on, field="on", what=Words("A membership fee"))
    stage = stage or ("application" if member.status == "applicant" else "admission")
    fee = MembershipFee(org_id=org_id, member_id=member.id, amount=rules.amount, paid_on=on,
                        refundable=rules.refundable, stage=stage, idempotency_key=idempotency_key,
                        recorded_by=actor_id)
    db.session.add(fee)
    db.session.flush()
    party = member_party(member)
    what = "Membership fee (refundable)" if rules.refundable else "Membership fee"
    posted = ledger.post(Entry(org_id, on, f"{what} {member.label}", (
        Line(cash_account, debit=rules.amount),
        Line(REFUNDABLE if rules.refundable else INCOME, credit=rules.amount, party_id=party, memo=what)),
        source=SOURCE, source_id=str(fee.id)), actor_id)
    receipt = receipts.issue(org_id, kind="membership_fee", party_id=party, amount=rules.amount, on=on,
                             source=SOURCE, source_id=fee.id, actor_id=actor_id, description=what,
                             received_from=received_from or member.name)
    fee.entry_id, fee.receipt_id = posted.id, receipt.id
    audit.record("member.fee", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id)
    db.session.flush()
    return fee
