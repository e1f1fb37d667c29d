"""Her statement in plain words: a running balance per share subscription (a payment may cover two), her
savings accounts, one line per transaction, no account codes, in her language (page and PDF)."""
from datetime import timedelta

from coop.extensions import db
from coop.members import shares
from coop.members.portal import plain_statement
from coop.savings import services as savings
from coop.timeutil import today


def test_each_subscription_keeps_its_own_balance(coop, officer, make_member, make_user, login, client, app):
    on = today()
    ana = make_member("Ana Reyes", login=True)
    bea = make_member("Bea Cruz")
    first = shares.subscribe(coop.id, ana.id, shares=20, on=on, installments=4, first_due=on, actor_id=officer.id)
    second = shares.subscribe(coop.id, ana.id, shares=10, on=on, installments=1, first_due=on + timedelta(days=40),
                              actor_id=officer.id)
    # oldest installment first: #1's first two (today, in a month), then #2's (in 40 days), then #1's third
    shares.record_payment(coop.id, ana.id, amount=1_500_00, on=on, actor_id=officer.id)  # 500 + 500 on #1, 500 on #2
    shares.record_payment(coop.id, ana.id, amount=1_000_00, on=on, actor_id=officer.id)  # 500 on #2, 500 on #1
    shares.subscribe(coop.id, bea.id, shares=20, on=on, actor_id=officer.id)
    shares.record_payment(coop.id, bea.id, amount=2_000_00, on=on, actor_id=officer.id)
    shares.transfer(coop.id, bea.id, ana.id, shares=3, on=on, actor_id=officer.id)
    savings.ensure_products(coop.id)
    account = savings.open_account(coop.id, ana.id, savings.product_by_code(coop.id, "regular").id, on=on,
                                   amount=300_00, actor_id=officer.id)
    savings.deposit(coop.id, account.id, 200_00, on=on, actor_id=officer.id)
    db.session.commit()

    with app.test_request_context():
        statement = plain_statement(coop.id, ana, on.replace(day=1), on)
    by_title = {track.title: track for track in statement.tracks}
    mine = [track for track in statement.tracks if first.certificate_number in track.title]
    assert len(mine) == 1 and mine[0].closing == (1_500_00, 500_00)
    assert [line.amount for line in mine[0].lines] == [2_000_00, 1_000_00, 500_00]  # subscribed, then paid twice
    assert mine[0].lines[1].balances == (1_000_00, 1_000_00)
    other = next(track for track in statement.tracks if second.certificate_number in track.title)
    assert other.closing == (1_000_00, 0) and [line.amount for line in other.lines] == [1_000_00, 500_00, 500_00]
    received = next(track for track in statement.tracks if "transfer" in track.title)
    assert received.closing == (300_00, 0)
    summary = shares.summary(coop.id, ana, on)  # the subscriptions add up to the ledger's balances
    share_tracks = [t for t in statement.tracks if len(t.labels) == 2]
    assert sum(t.closing[0] for t in share_tracks) == summary.paid_up == 2_800_00
    assert sum(t.closing[1] for t in share_tracks) == summary.due == 500_00
    saved = next(track for track in statement.tracks if account.number in track.title)
    assert saved.opening == (0,) and saved.closing == (500_00,) and [l.amount for l in saved.lines] == [300_00, 200_00]
    assert "Regular savings" in by_title.get(saved.title, saved).title

    # the giver's statement: her one subscription gives up the three shares
    with app.test_request_context():
        hers = plain_statement(coop.id, bea, on.replace(day=1), on)
    assert [t.closing for t in hers.tracks if len(t.labels) == 2] == [(1_700_00, 0)]

    # a later period starts from each subscription's own balance
    with app.test_request_context():
        later = plain_statement(coop.id, ana, on + timedelta(days=1), on + timedelta(days=2))
    assert sorted(t.opening for t in later.tracks if len(t.labels) == 2) == [(300_00, 0), (1_000_00, 0),
                                                                            (1_500_00, 500_00)]

    login(ana.user)
    page = client.get(f"/o/{coop.slug}/me/statement?start={on.replace(day=1)}&end={on}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and first.certificate_number in text and "Payment on my shares" in text
    assert "3010" not in text and "Debit" not in text  # no account codes, no double legs
    assert len(page.data) < 60_000
    fil = client.get(f"/o/{coop.slug}/me/statement?start={on.replace(day=1)}&end={on}&lang=fil").get_data(as_text=True)
    assert "Bayad sa aking shares" in fil and "Payment on my shares" not in fil
    assert client.get(f"/o/{coop.slug}/me/statement?format=pdf&lang=fil").data.startswith(b"%PDF")
    portal = client.get(f"/o/{coop.slug}/me").get_data(as_text=True)  # her page lists each subscription too
    assert "Aking mga subscription" in portal and first.certificate_number in portal and second.certificate_number in portal
