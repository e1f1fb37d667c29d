"""Capital build-up retained at release, the Truth in Lending disclosure, and co-makers."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.cli.ledger import control_problems
from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.loans import services as loans
from coop.members import shares
from coop.members import services as members
from coop.messaging.models import OutboxMessage
from coop.receipts import services as receipts

from .conftest import DAY


def emergency_with_cbu(org_id, **changes):
    """The issue's reference policy: 2% service fee, 2% CBU, 2% a month flat, monthly over 3 months."""
    product = loans.product_by_code(org_id, "emergency")
    values = dict(fee_method="percent", fee_rate_bp=200, cbu_method="percent", cbu_rate_bp=200,
                  interest_method="flat", interest_rate_bp=200, frequency="monthly", term_count=3)
    return loans.update_product(org_id, product.id, {**values, **changes}, actor_id=None)


def release(coop, member, officer, checker, amount=200_000, comaker_ids=()):
    product = loans.product_by_code(coop.id, "emergency")
    loan = loans.apply(coop.id, member.id, product.id, amount, on=DAY, actor_id=officer.id, purpose="Medicine",
                       comaker_ids=comaker_ids)
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=DAY)
    loan = loans.release(coop.id, loan.id, on=DAY, actor_id=checker.id, idempotency_key=f"rel-{loan.id}")
    db.session.commit()
    return loan


def test_an_emergency_loan_with_fee_and_cbu_releases_1920_in_cash_and_40_to_her_subscription(
        coop, member, officer, checker):
    emergency_with_cbu(coop.id)
    shares.subscribe(coop.id, member.id, shares=20, on=DAY - timedelta(days=30), installments=4, first_due=DAY,
                     actor_id=officer.id)
    db.session.commit()
    loan = release(coop, member, officer, checker)

    assert (loan.fee, loan.cbu_retention, loan.net_proceeds) == (4_000, 4_000, 192_000)
    assert ledger.balance(coop.id, "cash_on_hand").credit_balance == 192_000
    assert ledger.balance(coop.id, "service_fees").credit_balance == 4_000
    position = shares.summary(coop.id, member, DAY)
    assert (position.paid_up, position.due) == (4_000, 200_000 - 4_000)
    assert shares.installments_of(coop.id, member.id)[0].paid == 4_000  # her oldest share installment first
    first = loans.installments(loan.id)[0]
    assert (first.principal_due, first.interest_due, first.amount_due) == (66_667, 4_000, 70_667)
    assert [i.principal_due for i in loans.installments(loan.id)] == [66_667, 66_667, 66_666]

    release_txn = next(t for t in loans.transactions(loan.id) if t.kind == "release")
    receipt = receipts.get(coop.id, release_txn.receipt_id)
    assert receipt.amount == 8_000 and "capital build-up" in receipt.description
    payment = shares.payments_of(coop.id, member.id)[0]
    assert (payment.amount, payment.entry_id, payment.receipt_id, payment.source) == (
        4_000, loan.release_entry_id, receipt.id, "loans")
    assert ledger.recompute_problems(coop.id) == [] and control_problems(coop.id) == []

    paid = loans.repay(coop.id, loan.id, 70_667, on=first.due_on, actor_id=officer.id, idempotency_key="m1")
    assert (paid.principal, paid.interest) == (66_667, 4_000)


def test_cbu_beyond_her_subscription_goes_to_paid_up_capital_and_the_controls_still_agree(
        coop, member, officer, checker):
    emergency_with_cbu(coop.id, cbu_method="fixed", cbu_amount=15_000)
    shares.subscribe(coop.id, member.id, shares=20, on=DAY, actor_id=officer.id)
    shares.record_payment(coop.id, member.id, amount=195_000, on=DAY, actor_id=officer.id)
    db.session.commit()
    loan = release(coop, member, officer, checker)

    position = shares.summary(coop.id, member, DAY)
    assert (position.paid_up, position.due) == (195_000 + 15_000, 0)  # 50 to the subscription, 100 beyond it
    kinds = [(s.kind, s.amount, s.paid, s.status) for s in shares.subscriptions_of(coop.id, member.id)]
    assert ("retention", 10_000, 10_000, "paid") in kinds
    assert ledger.balance(coop.id, "cash_on_hand").debit_total - ledger.balance(
        coop.id, "cash_on_hand").credit_total == 195_000 - (200_000 - 4_000 - 15_000)
    assert loan.net_proceeds == 181_000
    assert ledger.recompute_problems(coop.id) == [] and control_problems(coop.id) == []


def test_the_disclosure_states_every_finance_charge_in_pesos_and_as_an_effective_rate(
        coop, member, officer, checker):
    emergency_with_cbu(coop.id)
    product = loans.product_by_code(coop.id, "emergency")
    loan = loans.apply(coop.id, member.id, product.id, 200_000, on=DAY, actor_id=officer.id, purpose="Rent")
    found = loans.disclosure_of(loan, DAY)
    assert (found.principal, found.interest, found.service_fee, found.cbu_retention, found.net_proceeds) == (
        200_000, 12_000, 4_000, 4_000, 192_000)
    assert found.finance_charges == 16_000 and found.total_to_repay == 212_000
    # 2% a month flat on a declining balance is about 3% a month effective; the fee adds about 1% more
    assert 0.029 < found.interest_rate_monthly < 0.031
    assert 0.009 < found.fee_rate_monthly < 0.011
    assert 0.039 < found.total_rate_monthly < 0.042
    assert found.total_rate_monthly > max(found.interest_rate_monthly, found.fee_rate_monthly)


def test_a_product_needing_a_co_maker_takes_a_member_in_good_standing(
        coop, member, make_member, officer, checker):
    emergency_with_cbu(coop.id, comakers_required=1, cbu_method="none", fee_method="none")
    product = loans.product_by_code(coop.id, "emergency")
    with pytest.raises(Invalid, match="co-makers"):
        loans.apply(coop.id, member.id, product.id, 100_000, on=DAY, actor_id=officer.id)
    with pytest.raises(Invalid, match="her own co-maker"):
        loans.apply(coop.id, member.id, product.id, 100_000, on=DAY, actor_id=officer.id, comaker_ids=[member.id])
    applicant = make_member("Rosa Applicant", status="applicant", mobile=None)
    with pytest.raises(Invalid, match="not in good standing"):
        loans.apply(coop.id, member.id, product.id, 100_000, on=DAY, actor_id=officer.id,
                    comaker_ids=[applicant.id])
    db.session.rollback()
    guarantor = make_member("Luz Guarantor", mobile="09181112222")
    loan = release(coop, member, officer, checker, amount=100_000, comaker_ids=[guarantor.id])
    assert [m.id for m in loans.comakers_of(loan)] == [guarantor.id]
    assert [g.id for g in loans.guarantees_of(coop.id, guarantor.id)] == [loan.id]
    assert loans.guarantees_of(coop.id, member.id) == []


def test_a_loan_in_arrears_tells_its_co_makers_once_in_their_language(
        coop, member, make_member, make_user, officer, checker):
    emergency_with_cbu(coop.id, comakers_required=2, cbu_method="none", fee_method="none")
    first = make_member("Luz Guarantor", mobile="09181112222")
    login = make_user(coop, "member")
    login.locale = "fil"
    second = make_member("Nena Guarantor", mobile="09183334444", user_id=login.id)
    loan = release(coop, member, officer, checker, amount=100_000, comaker_ids=[first.id, second.id])
    due = loans.installments(loan.id)[0].due_on
    for n in range(0, 4):
        loans.end_of_day(coop.id, due + timedelta(days=n))
    db.session.commit()
    sent = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.org_id == coop.id, OutboxMessage.dedupe_key.like("comaker:%"))))
    assert len(sent) == 2  # once each, however many days the loan stays behind
    notices = {m.recipient: m.body for m in sent}
    assert set(notices) == {"09181112222", "09183334444"}
    assert loan.number in notices["09181112222"] and "co-maker" in notices["09181112222"]
    assert "ginagarantiyahan mo bilang co-maker" in notices["09183334444"]  # her login reads Filipino
    assert "Ana" not in notices["09181112222"]  # the text names no borrower
    assert members.standing(coop.id, first.id, due).good  # a guarantee alone costs her no standing


def test_pages_api_and_papers_of_a_loan_with_cbu_and_a_co_maker(coop, member, make_member, make_user, officer,
                                                                  checker, login, client, api):
    emergency_with_cbu(coop.id, comakers_required=1)
    guarantor = make_member("Luz Guarantor", mobile="09181112222")
    base = f"/o/{coop.slug}/loans"
    login(officer)
    product_id = loans.product_by_code(coop.id, "emergency").id
    missing = client.post(f"{base}/", data={"member": member.label, "product_id": product_id, "amount": "2,000",
                                            "idempotency_key": "k0"}, headers={"Referer": f"{base}/new"})
    assert missing.status_code in (302, 303) and loans.search_loans(coop.id) == []
    response = client.post(f"{base}/", data={"member": member.label, "product_id": product_id, "amount": "2,000",
                                             "comaker_1": guarantor.label, "purpose": "Medicine",
                                             "idempotency_key": "k1"})
    assert response.status_code == 303
    loan = loans.search_loans(coop.id)[0]
    assert [c.id for c in loans.comakers_of(loan)] == [guarantor.id]
    page = client.get(f"{base}/{loan.id}").get_data(as_text=True)
    assert "Luz Guarantor" in page and "₱40.00" in page

    disclosure = client.get(f"{base}/{loan.id}/disclosure")
    html = disclosure.get_data(as_text=True)
    assert disclosure.status_code == 200 and "₱160.00" in html and "a month" in html and "₱1,920.00" in html
    assert client.get(f"{base}/{loan.id}/disclosure?format=pdf").mimetype == "application/pdf"
    note = client.get(f"{base}/{loan.id}/promissory-note.pdf")
    assert note.status_code == 200 and note.data.startswith(b"%PDF")
    guarantees = client.get(f"{base}/guarantees/{guarantor.id}").get_data(as_text=True)
    assert loan.number in guarantees

    client.post("/logout")
    login(checker)
    assert client.post(f"{base}/{loan.id}/approve", data={}).status_code == 303
    preview = client.get(f"{base}/{loan.id}").get_data(as_text=True)
    assert "₱1,920.00" in preview and "capital build-up" in preview
    assert client.post(f"{base}/{loan.id}/release", data={"idempotency_key": "rel"}).status_code == 303
    rest = api(checker)
    found = rest.get(f"/api/v1/orgs/{coop.slug}/loans/{loan.id}/disclosure").json
    assert (found["net_proceeds"], found["finance_charges"], found["cbu_retention"]) == ("1920.00", "160.00", "40.00")
    assert 3.9 < found["effective_rate_monthly_pct"] < 4.2
    assert rest.get(f"/api/v1/orgs/{coop.slug}/loans/{loan.id}").json["net_proceeds"] == "1920.00"


def test_her_statement_tells_the_fee_and_the_capital_build_up_of_a_release(coop, member, officer, checker, app):
    from coop.members.portal import plain_statement

    emergency_with_cbu(coop.id)
    loan = release(coop, member, officer, checker)
    with app.test_request_context():
        statement = plain_statement(coop.id, member, DAY, DAY)
    by_title = {track.title: track for track in statement.tracks}
    capital = next(track for track in statement.tracks if len(track.labels) == 2)  # her share subscription
    assert capital.closing == (4_000, 0) and "Capital build-up" in capital.lines[0].text
    assert loan.number in capital.lines[0].text
    owed = by_title[f"Loan {loan.number}"]
    assert owed.closing == (200_000,) and "service fee" in owed.lines[0].text


def test_the_application_page_names_each_co_maker_and_her_standing_before_the_officer_enters_it(
        coop, member, make_member, officer, login, client, counts):
    """Co-makers were typed as bare numbers: the officer saw no name, no standing, until the loan was refused."""
    emergency_with_cbu(coop.id, comakers_required=2, cbu_method="none", fee_method="none")
    good = make_member("Luz Guarantor", mobile="09181112222")
    applicant = make_member("Rosa Applicant", status="applicant", mobile=None)
    base = f"/o/{coop.slug}/loans"
    login(officer)
    page = client.get(f"{base}/new?member={member.label}&comaker_1={good.number}&comaker_2=Rosa").get_data(
        as_text=True)
    assert "Luz Guarantor" in page and "Rosa Applicant" in page and member.name in page
    assert "in good standing" in page and "not in good standing" in page  # Luz is, Rosa (an applicant) is not
    assert f'name="comaker_1" type="text" value="{good.label}"' in page  # what she checked is what she enters
    # each Check keeps the other boxes: the second co-maker's form carries the member and the first co-maker
    assert f'name="comaker_1" value="{good.number}"' in page and f'name="member" value="{member.label}"' in page
    nobody = client.get(f"{base}/new?comaker_2=Nobody%20Here").get_data(as_text=True)
    assert "No member matches" in nobody
    product_id = loans.product_by_code(coop.id, "emergency").id
    before = counts()
    wrong = client.post(f"{base}/", data={"member": member.label, "product_id": product_id, "amount": "2,000",
                                          "comaker_1": good.label, "comaker_2": "M-9999", "idempotency_key": "c1"},
                        headers={"Referer": f"{base}/new"})
    assert wrong.status_code == 303 and counts() == before
    shown = client.get(wrong.headers["Location"]).get_data(as_text=True)
    second_box = shown.split('name="comaker_2" type="text"')[1].split("</label>")[0]
    assert 'class="error"' in second_box and "M-9999" in second_box  # the message next to her box, her input kept
    refused = client.post(f"{base}/", data={"member": member.label, "product_id": product_id, "amount": "2,000",
                                            "comaker_1": good.label, "comaker_2": applicant.label,
                                            "idempotency_key": "c2"}, headers={"Referer": f"{base}/new"})
    assert refused.status_code == 303 and counts() == before
    shown = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "not in good standing" in shown.split('name="comaker_2" type="text"')[1].split("</label>")[0]
