"""The membership fee: the policy's amount, once, with the application or at admission, with a receipt."""
import pytest

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.members import fees, services
from coop.members.portal import plain_statement
from coop.orgs.services import set_setting
from coop.receipts import services as receipts
from coop.timeutil import today

from .conftest import DAY


@pytest.fixture
def fee_policy(coop):
    def set_policy(amount=300_00, refundable=False, before_admission=True):
        set_setting(coop.id, "members.membership_fee", amount)
        set_setting(coop.id, "members.membership_fee_refundable", refundable)
        set_setting(coop.id, "members.membership_fee_before_admission", before_admission)
        db.session.commit()

    return set_policy


def associate(coop, officer, name="Carmen Lopez", **kw):
    member = services.apply(coop.id, name=name, actor_id=officer.id, on=DAY, membership_type="associate", **kw)
    db.session.commit()
    return member


def test_admission_waits_for_the_fee_then_it_is_income_with_a_receipt_and_on_her_statement(
        coop, officer, fee_policy, app):
    fee_policy()
    carmen = associate(coop, officer)
    with pytest.raises(Invalid, match="membership fee is not paid"):
        services.admit(coop.id, carmen.id, on=DAY, board_resolution="BR 1", actor_id=officer.id)
    db.session.rollback()
    fee = fees.pay(coop.id, carmen.id, on=DAY, actor_id=officer.id, idempotency_key="fee-1")
    db.session.commit()
    assert (fee.amount, fee.stage, fee.refundable) == (300_00, "application", False)
    receipt = receipts.get(coop.id, fee.receipt_id)
    assert (receipt.amount, receipt.kind, receipt.received_from) == (300_00, "membership_fee", "Carmen Lopez")
    assert ledger.balance(coop.id, "membership_fees").credit_balance == 300_00
    assert ledger.balance(coop.id, "cash_on_hand").debit_balance == 300_00
    assert fees.pay(coop.id, carmen.id, on=DAY, actor_id=officer.id, idempotency_key="fee-1").id == fee.id
    with pytest.raises(Conflict, match="already paid"):
        fees.pay(coop.id, carmen.id, on=DAY, actor_id=officer.id)
    services.admit(coop.id, carmen.id, on=DAY, board_resolution="BR 1", actor_id=officer.id)
    db.session.commit()
    with app.test_request_context():
        statement = plain_statement(coop.id, carmen, DAY, today())
    track = next(t for t in statement.tracks if t.title == "My membership fee")
    assert track.closing == (300_00,) and "Membership fee" in track.lines[0].text
    assert ledger.recompute_problems(coop.id) == []


def test_the_fee_collected_at_admission_in_the_same_step(coop, officer, fee_policy):
    fee_policy()
    carmen = associate(coop, officer)
    admission = services.admit(coop.id, carmen.id, on=DAY, board_resolution="BR 2", actor_id=officer.id,
                               collect_fee=True)
    db.session.commit()
    assert admission.member.status == "active"
    assert fees.fee_of(coop.id, carmen.id).stage == "admission"


def test_the_fee_collected_with_the_application(coop, officer, fee_policy):
    fee_policy()
    dolores = associate(coop, officer, name="Dolores Cruz", collect_fee=True)
    assert fees.fee_of(coop.id, dolores.id).stage == "application"


def test_a_refundable_fee_is_held_for_her_not_income(coop, officer, fee_policy):
    fee_policy(refundable=True)
    carmen = associate(coop, officer)
    fees.pay(coop.id, carmen.id, on=DAY, actor_id=officer.id)
    db.session.commit()
    assert ledger.balance(coop.id, "membership_fees").credit_balance == 0
    assert ledger.party_balance(coop.id, "accounts_payable_non_trade", carmen.party_id).credit_balance == 300_00


def test_no_policy_no_fee_and_admission_as_before(coop, officer, fee_policy):
    carmen = associate(coop, officer)
    with pytest.raises(Invalid, match="no membership fee"):
        fees.pay(coop.id, carmen.id, on=DAY, actor_id=officer.id)
    db.session.rollback()
    fee_policy(before_admission=False)
    services.admit(coop.id, carmen.id, on=DAY, board_resolution="BR 3", actor_id=officer.id)
    db.session.commit()
    assert services.get_member(coop.id, carmen.id).status == "active"


def test_pages_and_api(coop, officer, fee_policy, login, client, api):
    fee_policy()
    carmen = associate(coop, officer)
    login(officer)
    url = f"/o/{coop.slug}/members/{carmen.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Not paid yet" in page and "collect_fee" in page
    refused = client.post(f"{url}/admission", data={"on": DAY.isoformat(), "board_resolution": "BR 4"},
                          headers={"Referer": url})
    assert refused.status_code in (302, 303) and services.get_member(coop.id, carmen.id).status == "applicant"
    done = client.post(f"{url}/membership-fee", data={"on": DAY.isoformat(), "idempotency_key": "k-fee"})
    assert done.status_code == 303 and "/receipts/" in done.headers["Location"]
    assert "Receipt" in client.get(url).get_data(as_text=True)

    dolores = associate(coop, officer, name="Dolores Cruz")
    rest = api(officer)
    base = f"/api/v1/orgs/{coop.slug}/members/{dolores.id}/membership-fee"
    assert rest.get(base).status_code == 404
    paid = rest.post(base, json={"on": DAY.isoformat()}, headers={"Idempotency-Key": "api-fee"})
    assert paid.status_code == 201 and paid.json["amount"] == "300.00"
    assert rest.get(base).json["receipt_id"] == paid.json["receipt_id"]
    bad = rest.post(base, json={"on": "yesterday"})
    assert bad.status_code == 422 and "on" in bad.json["errors"]


def test_a_refundable_fee_goes_back_to_her_with_her_capital_when_she_withdraws(coop, officer, officer2, fee_policy):
    from coop.members import shares

    fee_policy(refundable=True)
    carmen = associate(coop, officer)
    services.admit(coop.id, carmen.id, on=DAY, board_resolution="BR 5", actor_id=officer.id, collect_fee=True)
    shares.subscribe(coop.id, carmen.id, shares=20, on=DAY, actor_id=officer.id)
    shares.record_payment(coop.id, carmen.id, amount=2_000_00, on=DAY, actor_id=officer.id)
    withdrawal = shares.request_withdrawal(coop.id, carmen.id, on=DAY, reason="moving away", actor_id=officer.id)
    shares.decide_withdrawal(coop.id, withdrawal.id, approve=True, on=DAY, actor_id=officer2.id)
    db.session.commit()
    assert withdrawal.refund == 2_000_00 + 300_00
    assert ledger.party_balance(coop.id, "accounts_payable_non_trade", carmen.party_id).credit_balance == 0
    assert ledger.recompute_problems(coop.id) == []
