from datetime import date

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.members.services import create_member, member_party
from coop.receipts import services as receipts
from coop.receipts.services import amount_in_words

DAY = date(2026, 4, 1)


def issue(org_id, amount=50_000, party_id=None):
    return receipts.issue(org_id, kind="test", party_id=party_id, amount=amount, on=DAY, source="test", source_id=1,
                          description="Share capital installment", actor_id=None, received_from="Ana")


def test_numbers_are_sequential_per_organization(make_org):
    a, b = make_org(), make_org()
    assert [issue(a.id).number for _ in range(3)] == [1, 2, 3]
    assert issue(b.id).number == 1
    assert issue(a.id).display_number == "OR-000004"


def test_a_rolled_back_receipt_gives_its_number_back(make_org):
    org = make_org()
    issue(org.id)
    db.session.commit()
    issue(org.id)
    db.session.rollback()
    assert issue(org.id).number == 2


def test_refuses_zero_and_cancel_needs_a_reason(make_org):
    org = make_org()
    with pytest.raises(Invalid):
        issue(org.id, amount=0)
    receipt = issue(org.id)
    with pytest.raises(Invalid, match="reason"):
        receipts.cancel(org.id, receipt.id, " ", None)
    assert receipts.cancel(org.id, receipt.id, "wrong amount", None).cancelled_at


def test_amount_in_words():
    assert amount_in_words(200_050) == "Two thousand pesos and 50/100"
    assert amount_in_words(1_234_567_00) == "One million two hundred thirty-four thousand five hundred sixty-seven pesos and 00/100"


def test_member_sees_her_own_receipt_only(make_org, make_user, login, client):
    org = make_org()
    ana_user, bea_user = make_user(org, "member"), make_user(org, "member")
    ana = create_member(org.id, name="Ana", actor_id=None, status="active", user_id=ana_user.id)
    bea = create_member(org.id, name="Bea", actor_id=None, status="active", user_id=bea_user.id)
    mine, hers = issue(org.id, party_id=member_party(ana)), issue(org.id, party_id=member_party(bea))
    db.session.commit()
    login(ana_user)
    assert client.get(f"/o/{org.slug}/receipts/{mine.id}").status_code == 200
    pdf = client.get(f"/o/{org.slug}/receipts/{mine.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/o/{org.slug}/receipts/{hers.id}").status_code == 404
    assert client.get(f"/o/{org.slug}/receipts/{hers.id}.pdf").status_code == 404


def test_staff_of_another_organization_gets_404(make_org, make_user, login, client):
    org, other = make_org(), make_org()
    receipt = issue(org.id)
    db.session.commit()
    login(make_user(other, "officer"))
    assert client.get(f"/o/{org.slug}/receipts/{receipt.id}").status_code == 404
    assert client.get(f"/o/{other.slug}/receipts/{receipt.id}").status_code == 404


@pytest.mark.postgres
def test_concurrent_receipts_have_no_gaps(make_org, concurrently):
    org_id = make_org().id

    def issue_many(_):
        numbers = []
        for _ in range(25):
            numbers.append(issue(org_id).number)
            db.session.commit()
        return numbers

    results, errors = concurrently(issue_many, threads=6)
    assert errors == []
    assert sorted(n for numbers in results for n in numbers) == list(range(1, 151))
