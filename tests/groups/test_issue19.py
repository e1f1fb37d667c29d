"""Issue 19's open items: a grant to a cluster booked to the group, the overdue capital-loan installments job, the
catalogue in the referral form, the donor report by cluster, the second login step for peer counselors."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop.auth.models import User
from coop.cases import services as cases
from coop.cases.models import Agency, Case, Referral
from coop.cases.models import Session as CaseSession
from coop.extensions import db
from coop.grants import services as grants
from coop.groups import services
from coop.groups.models import GroupSession, Installment
from coop.jobs import services as jobs
from coop.ledger import services as ledger
from coop.manifest import plugins
from coop.messaging.models import OutboxMessage

from .conftest import START

ONE_TRANCHE = [{"amount": 1_500_000, "planned_on": START + timedelta(days=10), "condition": "on_signing"}]


def _lines(org_id: int, entry_id: int) -> dict[str, tuple[int, int, int | None]]:
    entry = ledger.get_entry(org_id, entry_id)
    keys = {a.id: a.key or a.code for a in ledger.list_accounts(org_id)}
    return {keys[line.account_id]: (line.debit, line.credit, line.party_id) for line in entry.lines}


def _group_with_signer(groups, ngo, maker, count: int = 2):
    cluster = groups.cluster()
    others = groups.members(cluster, count)
    signer = groups.woman(name="Signer Woman")
    services.add_member(ngo.id, cluster.id, {"beneficiary_id": signer.id, "joined_on": START}, maker.id)
    enterprise = services.add_enterprise(ngo.id, cluster.id, {"name": "Burger shop", "started_on": START}, maker.id)
    db.session.commit()
    return cluster, signer, others, enterprise


def test_a_grant_to_a_cluster_is_booked_to_the_group_with_its_women_shown(groups, ngo, maker, login, client, api):
    cluster, signer, others, enterprise = _group_with_signer(groups, ngo, maker)
    fund = groups.fund()
    moa = groups.moa(fund, woman=signer, sign=False, schedule=ONE_TRANCHE)
    services.link_moa(ngo.id, enterprise.id, moa.id, maker.id)
    grants.sign_moa(ngo.id, moa.id, on=START + timedelta(days=5), actor_id=maker.id)
    db.session.commit()
    tranche = groups.release(grants.tranches_of(moa.id)[0], START + timedelta(days=10))
    cluster = services.get_cluster(ngo.id, cluster.id)
    lines = _lines(ngo.id, tranche.entry_id)
    assert lines["livelihood_grants_expense"] == (1_500_000, 0, cluster.party_id)  # the group, not the signer
    assert cluster.party_id != signer.party_id
    assert "G-001" in ledger.get_entry(ngo.id, tranche.entry_id).memo
    assert not services.list_loans(ngo.id)  # a grant: nothing receivable

    login(maker)
    page = client.get(f"/o/{ngo.slug}/grants/moas/{moa.id}?lang=en").get_data(as_text=True)
    assert "Beneficiary of record" in page and "G-001" in page
    assert all(grants.get_beneficiary(ngo.id, m.beneficiary_id).name in page for m in others)
    assert "Kinatawan" in client.get(f"/o/{ngo.slug}/grants/moas/{moa.id}?lang=fil").get_data(as_text=True)
    cluster_page = client.get(f"/o/{ngo.slug}/groups/clusters/{cluster.id}?lang=en").get_data(as_text=True)
    assert moa.label in cluster_page and "beneficiary of record" in cluster_page

    staff = api(maker)
    holder = staff.get(f"/api/v1/orgs/{ngo.slug}/grants/moas/{moa.id}").json["beneficiary_of_record"]
    assert holder["kind"] == "cluster" and holder["label"] == "G-001" and holder["party_id"] == cluster.party_id
    assert set(holder["members"]) == {signer.id, *(m.beneficiary_id for m in others)}
    funding = staff.get(f"/api/v1/orgs/{ngo.slug}/groups/clusters/{cluster.id}/enterprises").json
    assert funding[0]["moa_id"] == moa.id and funding[0]["kind"] == "grant" and funding[0]["party_id"] == cluster.party_id
    assert funding[0]["released_total"] == "15000.00"
    assert set(funding[0]["women"]) == set(holder["members"])

    # a woman's own grant stays hers
    own = groups.moa(groups.fund(donor="Another donor"), woman=groups.woman(name="Solo"), schedule=ONE_TRANCHE)
    assert staff.get(f"/api/v1/orgs/{ngo.slug}/grants/moas/{own.id}").json["beneficiary_of_record"] is None
    released = groups.release(grants.tranches_of(own.id)[0], START + timedelta(days=10))
    solo = grants.get_beneficiary(ngo.id, own.beneficiary_id)
    assert _lines(ngo.id, released.entry_id)["livelihood_grants_expense"][2] == solo.party_id


def _phone(org_id, user, mobile, locale="en"):
    db.session.get(User, user.id).locale = locale
    cases.set_worker_phone(org_id, user.id, mobile, None)


def test_the_daily_job_ages_overdue_installments_and_reminds_who_looks_after_the_borrower(
        groups, ngo, maker, checker, make_user):
    assert "groups.overdue_installments" in {job.name for job in plugins().daily_jobs}
    worker = make_user(ngo, "case_worker")
    # a cluster's loan: its social worker (the checker) hears of it
    cluster, signer, _others, enterprise = _group_with_signer(groups, ngo, maker)
    group_loan, _moa, _fund = groups.released_loan(woman=signer, enterprise=enterprise)
    # a woman's own loan: her case worker hears of it, in Filipino
    solo = groups.woman(name="Solo Borrower")
    own_loan, _moa, _fund = groups.released_loan(woman=solo, fund=_fund)
    cases.ensure_default_categories(ngo.id)
    case = cases.open_case(ngo.id, {"client_name": "Solo Borrower", "referrer_kind": "self", "opened_on": START,
                                    "category_ids": []}, worker.id)
    cases.link_beneficiary(ngo.id, case.id, solo.number, worker.id)
    _phone(ngo.id, checker, "09170000001")
    _phone(ngo.id, worker, "09170000002", "fil")
    db.session.commit()
    first_due = services.installments_of(own_loan.id)[0].due_on
    assert first_due == date(2026, 5, 12)

    ran = jobs.run_daily(first_due, only="groups.overdue_installments")  # the scheduler's entry point
    assert ran and "0 loan(s) late" in ran[0][3]
    day = first_due + timedelta(days=1)
    summary = services.overdue_installments(ngo.id, day)
    db.session.commit()
    assert summary.startswith("2 installment(s) newly overdue, 2 loan(s) late, 2 reminder(s)")
    assert {l.days_past_due for l in services.list_loans(ngo.id)} == {1}
    assert db.session.scalar(select(func.count()).where(Installment.overdue_on == day)) == 2
    texts = {m.recipient: m.body for m in db.session.scalars(select(OutboxMessage))}
    assert set(texts) == {"09170000001", "09170000002"}
    assert "CL-0001" in texts["09170000001"] and "1 days late" in texts["09170000001"]
    assert "CL-0002" in texts["09170000002"] and "huli" in texts["09170000002"]  # Filipino, her language
    assert not any(name in body for body in texts.values() for name in ("Signer", "Solo", "Borrower"))
    # again the same day: nothing new; the next days: aging grows, reminders every 7 days only
    assert services.overdue_installments(ngo.id, day).endswith("0 reminder(s) queued")
    services.overdue_installments(ngo.id, day + timedelta(days=1))
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2
    services.overdue_installments(ngo.id, first_due + timedelta(days=7))
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 4
    assert {l.days_past_due for l in services.list_loans(ngo.id)} == {7}
    # paid up: no longer late
    services.repay(ngo.id, own_loan.id, amount=services.installments_of(own_loan.id)[0].amount,
                   on=first_due + timedelta(days=7), cash_account="cash_in_bank", actor_id=maker.id)
    services.overdue_installments(ngo.id, first_due + timedelta(days=8))
    db.session.commit()
    ages = {l.id: l.days_past_due for l in services.list_loans(ngo.id)}
    assert ages == {group_loan.id: 8, own_loan.id: 0}


def test_the_job_is_set_based(groups, ngo, maker):
    """The statements the job runs do not grow with the loans it ages (one UPDATE, one SELECT, one batch)."""
    from sqlalchemy import event

    def count_for(day):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            services.overdue_installments(ngo.id, day)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    fund = groups.fund(amount=6_000_000)
    groups.released_loan(fund=fund)
    few = count_for(date(2026, 6, 20))
    for _ in range(3):
        groups.released_loan(fund=fund)
    assert count_for(date(2026, 6, 21)) == few


def test_the_catalogue_is_searched_and_prefills_the_referral(groups, ngo, maker, make_user, login, client, api):
    worker = make_user(ngo, "case_worker")
    cases.ensure_default_categories(ngo.id)
    offering = services.add_offering(ngo.id, {"kind": "livelihood", "title": "Laundry business course",
                                              "partner": "TESDA La Union", "place": "San Fernando"}, maker.id)
    closed = services.add_offering(ngo.id, {"kind": "service", "title": "Old laundry aid", "partner": "Gone"},
                                   maker.id)
    services.set_offering_active(ngo.id, closed.id, False, maker.id)
    case = cases.open_case(ngo.id, {"client_name": "Referred Woman", "referrer_kind": "self",
                                    "opened_on": START, "category_ids": []}, worker.id)
    db.session.commit()
    login(worker)
    base = f"/o/{ngo.slug}/cases/{case.id}"
    found = client.get(f"{base}?q=laundry&lang=en").get_data(as_text=True)
    assert "Laundry business course" in found and "Old laundry aid" not in found
    assert "Walang tumutugma" in client.get(f"{base}?q=zzzz&lang=fil").get_data(as_text=True)
    picked = client.get(f"{base}?offering={offering.id}").get_data(as_text=True)
    assert f'value="{offering.id}" checked' in picked
    assert client.get(f"{base}?offering=999999").status_code == 404
    response = client.post(f"{base}/referrals", data={"offering_id": offering.id, "referred_on": START.isoformat(),
                                                      "reason": "She wants to run the group's laundry"})
    assert response.status_code == 303
    referral = db.session.scalar(select(Referral))
    agency = db.session.get(Agency, referral.agency_id)
    assert (referral.service, referral.offering_id, agency.name) == ("Laundry business course", offering.id,
                                                                     "TESDA La Union")
    page = client.get(base).get_data(as_text=True)
    assert "Laundry business course" in page
    # the same partner again: the directory's agency is found, not added twice
    listed = api(worker).get(f"/api/v1/orgs/{ngo.slug}/cases/catalogue?q=tesda").json
    assert listed == [{"id": offering.id, "kind": "livelihood", "title": "Laundry business course",
                       "partner": "TESDA La Union", "place": "San Fernando", "contact": None,
                       "agency_id": agency.id}]
    again = api(worker).post(f"/api/v1/orgs/{ngo.slug}/cases/{case.id}/referrals", json={
        "offering_id": offering.id, "referred_on": START.isoformat(), "reason": "Second course"})
    assert again.status_code == 201 and again.json["agency_id"] == agency.id
    assert again.json["service"] == "Laundry business course"
    assert db.session.scalar(select(func.count(Agency.id))) == 1
    refused = api(worker).post(f"/api/v1/orgs/{ngo.slug}/cases/{case.id}/referrals", json={
        "offering_id": closed.id, "referred_on": START.isoformat(), "reason": "Closed one"})
    assert refused.status_code == 422 and "offering_id" in refused.json["errors"]
    neither = api(worker).post(f"/api/v1/orgs/{ngo.slug}/cases/{case.id}/referrals", json={
        "referred_on": START.isoformat(), "reason": "No agency"})
    assert neither.status_code == 422 and "agency_id" in neither.json["errors"]


def test_the_donor_report_by_cluster_reconciles_with_the_records(groups, ngo, maker, make_user, login, client, api):
    worker, auditor = make_user(ngo, "case_worker"), make_user(ngo, "auditor")
    cases.ensure_default_categories(ngo.id)
    first, second = groups.cluster(name="North"), groups.cluster(name="South")
    north, south = groups.members(first, 3), groups.members(second, 2)
    services.record_session(ngo.id, first.id, {"module": "orientation", "held_on": START + timedelta(days=3),
                                               "present": [m.id for m in north[:2]]}, maker.id)
    services.record_session(ngo.id, second.id, {"module": "orientation", "held_on": START + timedelta(days=4),
                                                "present": [m.id for m in south]}, maker.id)
    services.add_coaching(ngo.id, {"beneficiary_id": north[0].beneficiary_id, "held_on": START, "topic": "Costing",
                                   "minutes": 30, "note": "private coaching note"}, maker.id)
    for member in (*north[:2], south[0]):  # cases for some of the women, with a counselling session each
        woman = grants.get_beneficiary(ngo.id, member.beneficiary_id)
        case = cases.open_case(ngo.id, {"client_name": woman.name, "referrer_kind": "self", "opened_on": START,
                                        "category_ids": []}, worker.id)
        cases.link_beneficiary(ngo.id, case.id, woman.number, worker.id)
        cases.record_session(ngo.id, case.id, {"kind": "individual", "held_on": START + timedelta(days=1),
                                               "facilitator_kind": "staff", "minutes": 60, "note": "private"},
                             worker.id)
    db.session.commit()
    login(auditor)
    period = "start=2026-01-01&end=2026-12-31"

    def csv_for(cluster=None):
        cut = f"&groups_cluster={cluster.id}" if cluster else ""
        text = client.get(f"/o/{ngo.slug}/cases/outcomes?{period}{cut}&format=csv&lang=en").get_data(as_text=True)
        return {row.split(",")[0]: row.split(",")[1] for row in text.splitlines()[1:]}, text

    for cluster, members in ((first, north), (second, south)):
        counts, text = csv_for(cluster)
        women = {m.beneficiary_id for m in members}
        case_ids = set(db.session.scalars(select(Case.id).where(Case.beneficiary_id.in_(women))))
        assert counts["Women in clusters (peer counselors not counted)"] == str(len(women))
        assert counts["Women and families reached (cases open in the period)"] == str(len(case_ids))
        assert counts["Sessions held"] == str(db.session.scalar(select(func.count(CaseSession.id)).where(
            CaseSession.case_id.in_(case_ids))))
        held = db.session.scalar(select(func.count(GroupSession.id)).where(GroupSession.cluster_id == cluster.id))
        assert counts["Group-work sessions held (attended by these women)"] == str(held)
        assert counts["Individual coaching sessions"] == ("1" if cluster is first else "0")
        names = [grants.get_beneficiary(ngo.id, m.beneficiary_id).name for m in members]
        assert not any(name in text for name in names) and "private" not in text
    everyone, _ = csv_for()
    by_cluster = [csv_for(c)[0] for c in (first, second)]
    for line in ("Women in clusters (peer counselors not counted)", "Sessions held",
                 "Women and families reached (cases open in the period)", "Individual coaching sessions"):
        assert int(everyone[line]) == sum(int(c[line]) for c in by_cluster), line
    page = client.get(f"/o/{ngo.slug}/cases/outcomes?{period}&groups_cluster={first.id}&lang=fil")
    assert page.status_code == 200 and "North" in page.get_data(as_text=True)
    pdf = client.get(f"/o/{ngo.slug}/cases/outcomes?{period}&groups_cluster={first.id}&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get(f"/o/{ngo.slug}/cases/outcomes?groups_cluster=999999").status_code == 404
    read = api(auditor).get(f"/api/v1/orgs/{ngo.slug}/cases/outcomes?{period}&groups_cluster={second.id}")
    assert read.status_code == 200 and "Signer" not in read.get_data(as_text=True)


def test_peer_counselors_must_use_the_second_step_when_staff_must(ngo, make_user, app):
    from tests.auth.helpers import set_org_setting

    from tests.conftest import PASSWORD

    peer = make_user(ngo, "peer_counselor")
    set_org_setting(ngo, "auth.require_totp_staff", True)
    client = app.test_client()
    client.post("/login", data={"username": peer.username, "password": PASSWORD})
    response = client.get(f"/o/{ngo.slug}/groups/mine")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-step"


@pytest.mark.parametrize("role", ["auditor", "peer_counselor", "case_worker"])
def test_who_reads_no_woman_in_the_groups_pages(groups, ngo, maker, make_user, login, client, role):
    """Auditors (and donors through them) see counts only; a peer counselor only her cluster's attendance; a case
    worker has no cluster page."""
    cluster, signer, others, _enterprise = _group_with_signer(groups, ngo, maker)
    services.add_coaching(ngo.id, {"beneficiary_id": signer.id, "held_on": START, "topic": "Costing",
                                   "minutes": 30, "note": "Secret coaching note"}, maker.id)
    db.session.commit()
    login(make_user(ngo, role))
    assert client.get(f"/o/{ngo.slug}/groups/clusters/{cluster.id}").status_code == 403
    if role == "auditor":
        text = client.get(f"/o/{ngo.slug}/groups/reports/outcomes").get_data(as_text=True)
        assert "Signer Woman" not in text and "Secret coaching note" not in text
    assert client.get(f"/o/{ngo.slug}/groups/coaching").status_code == 403
