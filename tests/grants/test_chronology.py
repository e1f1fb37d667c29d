"""Issue 16: an MOA is not signed ahead of today, a tranche is not released before the signing, and an MOA
signed on the wrong date is voided and entered again, never edited."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.grants import services
from coop.ledger.models import JournalEntry
from coop.timeutil import today

from .conftest import SCHEDULE, START


def _entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_an_moa_signed_on_a_future_date_is_refused(ngo, program):
    fund = program.fund()
    moa = program.moa(fund, sign=False)
    with pytest.raises(Invalid, match="future date"):
        services.sign_moa(ngo.id, moa.id, on=today() + timedelta(days=30), actor_id=program.maker.id)
    db.session.rollback()
    assert services.get_moa(ngo.id, moa.id).status == "draft"
    assert services.get_fund(ngo.id, fund.id).committed == 0


def test_a_tranche_is_not_released_before_the_signing(ngo, program):
    moa = program.moa(program.fund())
    first = services.tranches_of(moa.id)[0]
    before = _entries()
    with pytest.raises(Invalid, match="on or after the signing"):
        services.request_release(ngo.id, first.id, on=START + timedelta(days=4), actor_id=program.maker.id)
    db.session.rollback()
    assert services.get_tranche(ngo.id, first.id).status == "planned" and _entries() == before


def test_a_wrongly_dated_moa_is_voided_and_entered_again(ngo, program):
    fund = program.fund()
    moa = program.moa(fund)  # signed on START + 5: say the real signing was a week later
    assert services.get_fund(ngo.id, fund.id).committed == moa.total
    plan_id = moa.plan_id
    with pytest.raises(Invalid, match="reason"):
        services.void_moa(ngo.id, moa.id, on=today(), reason="", actor_id=program.maker.id)
    db.session.rollback()
    services.void_moa(ngo.id, moa.id, on=today(), reason="Signed on the wrong date", actor_id=program.maker.id)
    db.session.commit()
    assert services.get_moa(ngo.id, moa.id).status == "void"
    assert services.get_fund(ngo.id, fund.id).committed == 0 and services.moa_of_plan(plan_id) is None
    again = services.draft_moa(ngo.id, plan_id, fund_id=fund.id, centre_signatory="Director",
                               actor_id=program.maker.id, tranches=SCHEDULE)
    services.sign_moa(ngo.id, again.id, on=START + timedelta(days=12), actor_id=program.maker.id)
    db.session.commit()
    assert services.moa_of_plan(plan_id).id == again.id and again.signed_on == START + timedelta(days=12)


def test_an_moa_with_money_released_is_not_voided(ngo, program):
    moa = program.moa(program.fund())
    program.release(services.tranches_of(moa.id)[0], START + timedelta(days=10))
    with pytest.raises(Conflict, match="released"):
        services.void_moa(ngo.id, moa.id, on=today(), reason="Wrong date", actor_id=program.maker.id)
    db.session.rollback()
    assert services.get_moa(ngo.id, moa.id).status == "signed"


def test_voiding_and_signing_through_the_api(ngo, program, api):
    moa = program.moa(program.fund())
    client = api(program.maker)
    base = f"/api/v1/orgs/{ngo.slug}/grants/moas/{moa.id}"
    future = client.post(f"{base}/signing", json={"signed_on": (today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 409  # already signed: the date is corrected by voiding, not by signing again
    voided = client.post(f"{base}/void", json={"voided_on": today().isoformat(), "reason": "Wrong signing date"})
    assert voided.status_code == 200 and voided.json["status"] == "void"
    again = client.post(f"{base}/void", json={"voided_on": today().isoformat(), "reason": "Twice"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


@pytest.mark.parametrize("signed", ["future", "before the review"])
def test_a_wrongly_dated_signing_is_a_problem_and_a_message_on_the_page(ngo, program, api, login, client, signed):
    """The issue's example through the API and the page: an MOA signed on a future date (or before the plan's
    review said yes) is refused, and nothing changes."""
    fund = program.fund()
    moa = program.moa(fund, sign=False)
    on = today() + timedelta(days=30) if signed == "future" else START - timedelta(days=1)
    message = "future date" if signed == "future" else "on or after the plan"  # (an apostrophe is escaped on the page)
    refused = api(program.maker).post(f"/api/v1/orgs/{ngo.slug}/grants/moas/{moa.id}/signing",
                                      json={"signed_on": on.isoformat()})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert message in refused.json["detail"] and "signed_on" in refused.json["errors"]
    login(program.maker)
    page = f"/o/{ngo.slug}/grants/moas/{moa.id}"
    assert client.post(f"{page}/sign", data={"signed_on": on.isoformat()}, headers={"Referer": page}).status_code == 303
    assert message in client.get(page).get_data(as_text=True)
    db.session.expire_all()
    assert services.get_moa(ngo.id, moa.id).status == "draft" and services.get_fund(ngo.id, fund.id).committed == 0


def test_a_release_before_the_signing_is_a_problem_and_a_message_on_the_page(ngo, program, api, login, client):
    moa = program.moa(program.fund())
    first = services.tranches_of(moa.id)[0]
    before = _entries()
    early = (START + timedelta(days=4)).isoformat()
    refused = api(program.maker).post(f"/api/v1/orgs/{ngo.slug}/grants/tranches/{first.id}/release-request",
                                      json={"release_on": early})
    assert refused.status_code == 422 and "on or after the signing" in refused.json["detail"]
    login(program.maker)
    page = f"/o/{ngo.slug}/grants/moas/{moa.id}"
    response = client.post(f"/o/{ngo.slug}/grants/tranches/{first.id}/request", data={"release_on": early},
                           headers={"Referer": page})
    assert response.status_code == 303 and "on or after the signing" in client.get(page).get_data(as_text=True)
    db.session.expire_all()
    assert services.get_tranche(ngo.id, first.id).status == "planned" and _entries() == before
