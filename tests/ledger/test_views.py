from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry


def manual_form(org, debit="1,500.00", credit="1500", **extra):
    cash = ledger.get_account(org.id, "cash_on_hand").id
    donations = ledger.get_account(org.id, "donations_grants").id
    return {"entry_date": "2026-05-04", "memo": "Gift from the parish", "idempotency_key": "form-1",
            "account_id": [str(cash), str(donations), ""], "debit": [debit, "", ""], "credit": ["", credit, ""],
            **extra}


def test_officer_posts_a_manual_entry(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    response = client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org))
    assert response.status_code == 303
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 150_000
    page = client.get(response.headers["Location"])
    assert b"Gift from the parish" in page.data
    again = client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org))  # double submit
    assert again.status_code == 303
    assert db.session.query(JournalEntry).count() == 1


def test_unbalanced_form_comes_back_with_the_message_and_writes_nothing(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    response = client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org, credit="1499.99"),
                           headers={"Referer": f"/o/{org.slug}/ledger/entries/new"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/ledger/entries/new")
    page = client.get(response.headers["Location"])
    assert b"unbalanced" in page.data and b"Gift from the parish" in page.data
    assert db.session.query(JournalEntry).count() == 0


def test_fraction_of_a_centavo_is_refused(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    response = client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org, debit="10.005", credit="10.005"),
                           follow_redirects=True)
    assert b"whole centavos" in response.data
    assert db.session.query(JournalEntry).count() == 0


def test_reverse_from_the_page(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org))
    entry_id = db.session.query(JournalEntry.id).scalar()
    response = client.post(f"/o/{org.slug}/ledger/entries/{entry_id}/reverse",
                           data={"entry_date": "2026-05-05", "reason": "wrong account"})
    assert response.status_code == 303
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 0


def test_admin_manages_accounts_and_officer_closes_a_month(make_org, make_user, login, app):
    org = make_org()
    admin = login(make_user(org, "admin"))
    parent = ledger.get_account_by_code(org.id, "11100").id
    assert admin.post(f"/o/{org.slug}/ledger/accounts", data={"code": "11199", "name": "GCash wallet", "type": "asset",
                                                              "parent_id": str(parent)}).status_code == 303
    added = ledger.get_account_by_code(org.id, "11199")
    assert not added.is_cash
    assert admin.post(f"/o/{org.slug}/ledger/accounts", data={"code": "11198", "name": "Land Bank", "type": "asset",
                                                              "parent_id": str(parent), "is_cash": "true"}).status_code == 303
    assert "11198" in [a.code for a in ledger.cash_accounts(org.id)]
    assert 'class="badge">cash<' in admin.get(f"/o/{org.slug}/ledger/accounts").get_data(as_text=True)
    assert admin.post(f"/o/{org.slug}/ledger/accounts/{added.id}", data={"name": "GCash", "active": "false"}).status_code == 303
    db.session.expire_all()
    assert ledger.get_account_by_code(org.id, "11199").name == "GCash" and not ledger.get_account_by_code(org.id, "11199").active
    assert admin.post(f"/o/{org.slug}/ledger/periods/close", data={"year": "2026", "month": "4"}).status_code == 303
    assert ledger.is_closed(org.id, __import__("datetime").date(2026, 4, 9))


def test_reopening_a_month_is_for_admins_and_audited(make_org, make_user, login, app):
    from datetime import date

    from coop.audit.models import AuditEvent

    org = make_org()
    ledger.close_period(org.id, 2026, 4, None)
    db.session.commit()
    officer = login(make_user(org, "officer"))
    assert officer.post(f"/o/{org.slug}/ledger/periods/reopen",
                        data={"year": "2026", "month": "4", "reason": "late invoice"}).status_code == 403
    assert ledger.is_closed(org.id, date(2026, 4, 1))
    admin = app.test_client()
    admin.post("/login", data={"username": make_user(org, "admin").username, "password": "correct horse battery"})
    no_reason = admin.post(f"/o/{org.slug}/ledger/periods/reopen", data={"year": "2026", "month": "4"},
                           follow_redirects=True)
    assert b"reason" in no_reason.data and ledger.is_closed(org.id, date(2026, 4, 1))
    assert admin.post(f"/o/{org.slug}/ledger/periods/reopen",
                      data={"year": "2026", "month": "4", "reason": "late invoice"}).status_code == 303
    assert not ledger.is_closed(org.id, date(2026, 4, 1))
    event = db.session.query(AuditEvent).filter_by(action="period.reopen").one()
    assert event.target_id == "2026-04" and event.details == {"reason": "late invoice"}


def test_an_account_with_postings_cannot_be_deleted_from_the_page(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "admin"))
    client.post(f"/o/{org.slug}/ledger/entries", data=manual_form(org))
    cash = ledger.get_account(org.id, "cash_on_hand").id
    refused = client.post(f"/o/{org.slug}/ledger/accounts/{cash}/delete",
                          headers={"Referer": f"/o/{org.slug}/ledger/accounts/{cash}/edit"}, follow_redirects=True)
    assert b"never deleted" in refused.data
    db.session.expire_all()
    assert ledger.get_account(org.id, "cash_on_hand").id == cash


def test_a_month_closes_only_after_the_daily_jobs_ran_through_it(make_org, make_user, login):
    """Closed first, the month would stop a job that has yet to run its last days for good (each run retries the
    first missed day and the ledger refuses it): the officer is told to wait."""
    from datetime import date, timedelta

    from coop.jobs.models import JobRun
    from coop.jobs.services import run_daily
    from coop.timeutil import today

    org = make_org()
    officer = login(make_user(org, "officer"))
    now = today()
    last_month_end = now.replace(day=1) - timedelta(days=1)
    for job in ("loans.end_of_day", "members.share_reminders"):  # they ran through a week before the month's end
        db.session.add(JobRun(org_id=org.id, job=job, day=last_month_end - timedelta(days=7), summary=""))
    db.session.commit()
    form = {"year": str(last_month_end.year), "month": str(last_month_end.month)}
    refused = officer.post(f"/o/{org.slug}/ledger/periods/close", data=form,
                           headers={"Referer": f"http://localhost/o/{org.slug}/ledger/periods"})
    page = officer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "The daily jobs have not run for" in page and "coop jobs" in page
    assert not ledger.is_closed(org.id, last_month_end)

    run_daily(now)
    db.session.commit()
    assert officer.post(f"/o/{org.slug}/ledger/periods/close", data=form).status_code == 303
    assert ledger.is_closed(org.id, last_month_end)
    assert ledger.is_closed(org.id, date(last_month_end.year, last_month_end.month, 1))
