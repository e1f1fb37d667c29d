"""Teller sessions: counted in, cash entries tagged, counted out, over/short posted when another officer confirms."""
import pytest

from coop.extensions import db
from coop.errors import Conflict, Forbidden
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.ledger.records import Entry, Line
from coop.cash import services as cash
from coop.timeutil import today


def receive(org, centavos, actor_id, account="cash_on_hand"):
    return ledger.post(Entry(org.id, today(), "Payment received", (Line(account, debit=centavos),
                                                                    Line("other_income", credit=centavos))), actor_id)


def tag(entry_id):
    return db.session.get(JournalEntry, entry_id).teller_session_id


def test_cash_entries_of_the_teller_are_tagged_and_the_short_is_posted_on_confirmation(org, make_user):
    teller, other = make_user(org, "officer"), make_user(org, "officer")
    session = cash.open_session(org.id, teller.id, opening_count=0)
    mine = receive(org, 150_000, teller.id)
    in_bank = receive(org, 70_000, teller.id, account="cash_in_bank")  # not her drawer
    theirs = receive(org, 20_000, other.id)
    assert tag(mine.id) == session.id and tag(in_bank.id) is None and tag(theirs.id) is None
    assert cash.expected_count(session) == 150_000
    with pytest.raises(Conflict):
        cash.open_session(org.id, teller.id, opening_count=0)
    with pytest.raises(Forbidden):
        cash.close_session(org.id, session.id, other.id, closing_count=0)
    cash.close_session(org.id, session.id, teller.id, closing_count=149_000, note="one bill missing")
    assert (session.expected, session.over_short) == (150_000, -1_000)
    assert tag(receive(org, 5_000, teller.id).id) is None  # closed: no longer tagged
    with pytest.raises(Forbidden, match="Another officer"):
        cash.confirm_session(org.id, session.id, teller.id)
    cash.confirm_session(org.id, session.id, other.id)
    assert session.status == "confirmed" and session.confirmed_by == other.id
    short = ledger.get_entry(org.id, session.entry_id)
    assert {(line.account_name, line.debit, line.credit) for line in short.lines} == {
        ("Cash Short and Over", 1_000, 0), ("Cash on Hand", 0, 1_000)}
    assert tag(short.id) == session.id and ledger.balance(org.id, "cash_over_short").debit_balance == 1_000
    with pytest.raises(Conflict):
        cash.confirm_session(org.id, session.id, other.id)


def test_an_over_is_credited_and_an_exact_count_posts_nothing(org, make_user, fund):
    teller, checker = make_user(org, "officer"), make_user(org, "admin")
    fund(org, 50_000)
    first = cash.open_session(org.id, teller.id, opening_count=50_000)
    cash.close_session(org.id, first.id, teller.id, closing_count=50_500)
    cash.confirm_session(org.id, first.id, checker.id)
    assert ledger.balance(org.id, "cash_over_short").credit_balance == 500
    second = cash.open_session(org.id, teller.id, opening_count=50_500)
    cash.close_session(org.id, second.id, teller.id, closing_count=50_500)
    cash.confirm_session(org.id, second.id, checker.id)
    assert second.entry_id is None and second.over_short == 0


def test_the_api_and_the_pages(org, make_user, api, login, fund):
    teller, checker = make_user(org, "officer"), make_user(org, "officer")
    fund(org, 100_000)
    base = f"/api/v1/orgs/{org.slug}/cash/sessions"
    as_teller = api(teller)
    opened = as_teller.post(base, json={"opening_count": "1000"})
    assert opened.status_code == 201 and opened.json["status"] == "open"
    closed = as_teller.post(f"{base}/{opened.json['id']}/close", json={"closing_count": "990"})
    assert closed.json["over_short_centavos"] == -1_000
    refused = as_teller.post(f"{base}/{opened.json['id']}/confirmation")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    db.session.rollback()
    browser = login(checker)
    assert b"Confirm" in browser.get(f"/o/{org.slug}/cash/").data
    confirmed = browser.post(f"/o/{org.slug}/cash/sessions/{opened.json['id']}/confirmation", follow_redirects=True)
    assert b"Closing count confirmed" in confirmed.data, confirmed.data.decode()[-3000:]
    assert api(checker).get(f"{base}/{opened.json['id']}").json["status"] == "confirmed"
    assert browser.post(f"/o/{org.slug}/cash/sessions", data={"opening_count": "0", "account": "cash_on_hand"}).status_code == 303
    assert b"closing_count" in browser.get(f"/o/{org.slug}/cash/").data


def test_a_negative_count_is_refused_as_negative_where_zero_is_allowed(org, make_user, api):
    """An opening count of -5 was refused with 'The amount must be more than zero.', yet zero is a count she may type."""
    base = f"/api/v1/orgs/{org.slug}/cash/sessions"
    refused = api(make_user(org, "officer")).post(base, json={"opening_count": "-5"})
    assert refused.status_code == 422 and "negative" in refused.json["errors"]["opening_count"]
