"""The officers' pages: the outbox (recipients masked), their own message with its length, credentials, PINs."""
import pytest
from sqlalchemy import select

from coop.extensions import db
from coop.messaging import services
from coop.messaging.models import OutboxMessage


@pytest.fixture
def officer(coop, make_user, login):
    user = make_user(coop, "officer")
    login(user)
    return user


def test_the_outbox_page_masks_recipients_and_shows_why(client, coop, officer, queue):
    queue(coop, 1)
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.last_error = "failed", "semaphore: HTTP 400 Invalid number"
    db.session.commit()
    page = client.get(f"/o/{coop.slug}/messages/").get_data(as_text=True)
    assert "0917****567" in page and "09171234567" not in page
    assert "Invalid number" in page and "Send again" in page
    assert client.get(f"/o/{coop.slug}/messages/?status=failed").status_code == 200


def test_the_outbox_says_when_in_manila_time_in_words_and_fits_a_phone(client, coop, officer, queue):
    """A text queued at 03:19 in Manila (19:19 UTC the day before) was shown as '2026-12-04 19:19': the wrong day,
    unlabelled; its kind and channel were raw keys, and the table pushed the page wider than a phone."""
    from datetime import datetime

    queue(coop, 1)
    message = db.session.scalar(select(OutboxMessage))
    message.created_at = datetime(2026, 12, 4, 19, 19)  # stored naive UTC
    db.session.commit()
    page = client.get(f"/o/{coop.slug}/messages/").get_data(as_text=True)
    assert "Dec 5, 2026" in page and "3:19" in page and "2026-12-04 19:19" not in page
    assert "sms " not in page
    assert '<div class="table-wrap"><table>' in page
    filipino = client.get(f"/o/{coop.slug}/messages/?lang=fil").get_data(as_text=True)
    assert "Dis 5, 2026" in filipino and "<td>reminder</td>" not in filipino


def test_send_again_from_the_page(client, coop, officer, queue):
    queue(coop, 1)
    message = db.session.scalar(select(OutboxMessage))
    message.status = "unknown"
    db.session.commit()
    assert client.post(f"/o/{coop.slug}/messages/{message.id}/again").status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "pending"


def test_members_cannot_see_the_outbox(client, coop, make_user, login):
    login(make_user(coop, "member"))
    assert client.get(f"/o/{coop.slug}/messages/").status_code == 404


def test_the_message_form_counts_parts(client, coop, officer, make_member):
    make_member(mobile="09171234567")
    assert client.get(f"/o/{coop.slug}/messages/new").status_code == 200
    page = client.post(f"/o/{coop.slug}/messages/new", data={"to": "member", "member": "1", "body": "a" * 200,
                                                             "action": "check"}).get_data(as_text=True)
    assert "SMS parts: 2" in page and "GSM-7" in page
    page = client.post(f"/o/{coop.slug}/messages/new", data={"to": "member", "member": "1", "body": "Ñandú 🙂",
                                                             "action": "check"}).get_data(as_text=True)
    assert "SMS parts: 1" in page and "UCS-2" in page
    assert db.session.scalar(select(OutboxMessage.id)) is None
    response = client.post(f"/o/{coop.slug}/messages/new", data={"to": "member", "member": "1",
                                                                 "body": "Meeting on Saturday", "action": "send"})
    assert response.status_code == 303
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.purpose, message.body, message.recipient) == ("notice", "Meeting on Saturday", "09171234567")


def test_a_notice_to_every_active_member(client, coop, officer, make_member):
    make_member(name="Ana", mobile="09171234567")
    make_member(name="Bea", mobile="09181234567")
    make_member(name="Cora", mobile=None)
    make_member(name="Dina", mobile="09191234567", status="applicant")
    client.post(f"/o/{coop.slug}/messages/new", data={"to": "all", "body": "General assembly", "action": "send"})
    assert sorted(db.session.scalars(select(OutboxMessage.recipient))) == ["09171234567", "09181234567"]


def test_credentials_are_write_only(client, coop, make_user, login):
    login(make_user(coop, "admin"))
    response = client.post(f"/o/{coop.slug}/messages/gateway", data={"sms_password": "KEY-SECRET-1"})
    assert response.status_code == 303
    page = client.get(f"/o/{coop.slug}/messages/gateway").get_data(as_text=True)
    assert "KEY-SECRET-1" not in page and "set on" in page
    assert services.read_secret(coop.id, "sms_password") == "KEY-SECRET-1"


def test_officers_cannot_change_credentials(client, coop, officer):
    assert client.post(f"/o/{coop.slug}/messages/gateway", data={"sms_password": "x"}).status_code == 403


def test_the_desk_sets_a_members_pin(client, coop, officer, make_member):
    from coop.messaging import sms

    member = make_member()
    assert client.post(f"/o/{coop.slug}/messages/pin", data={"member": "M-0001", "pin": "4821"}).status_code == 303
    assert sms.has_pin(coop.id, member.id)
    response = client.post(f"/o/{coop.slug}/messages/pin", data={"member": "M-0001", "pin": "1111"})
    assert response.status_code == 303 and b"harder to guess" in client.get(response.location).data


def test_a_member_sets_her_own_pin_from_her_page(client, coop, make_user, login, make_member):
    from coop.messaging import sms

    user = make_user(coop, "member")
    member = make_member(user_id=user.id)
    login(user)
    assert b"Set my PIN" in client.get(f"/o/{coop.slug}/me").data
    assert client.post(f"/o/{coop.slug}/messages/my-pin", data={"pin": "4821"}).status_code == 303
    assert sms.has_pin(coop.id, member.id)
    assert b"Change my PIN" in client.get(f"/o/{coop.slug}/me").data


def test_an_admin_chooses_the_gateway_on_the_settings_page(client, coop, make_user, login, fake_gateway):
    from coop.messaging.gateways import HttpSmsGateway

    login(make_user(coop, "admin"))
    page = client.get(f"/o/{coop.slug}/admin/settings").get_data(as_text=True)
    assert "messaging.sms_gateway" in page and "semaphore" in page
    response = client.post(f"/o/{coop.slug}/admin/settings", data={
        "messaging.sms_gateway": "twilio", "messaging.sms_account": "AC42", "messaging.sms_sender": "+15005550006",
        "messaging.sms_url": fake_gateway.url + "/2010-04-01/Accounts/{account}/Messages.json"})
    assert response.status_code == 303
    gateway = services.gateway_for(coop.id, "sms")
    assert isinstance(gateway, HttpSmsGateway) and gateway.preset == "twilio" and gateway.url.endswith("/AC42/Messages.json")


def test_the_message_and_pin_pages_name_the_member_before_anything_is_sent_or_set(client, coop, officer,
                                                                                make_member):
    """The member box took a bare number: the officer saw whom she texted, or whose PIN she set, only afterwards."""
    from coop.messaging import sms
    from coop.messaging.models import SmsPin

    member = make_member(name="Ana Cruz", mobile="09171234567")
    base = f"/o/{coop.slug}/messages"
    for page in (f"{base}/new?member=Cruz", f"{base}/pin?member={member.number}"):
        shown = client.get(page).get_data(as_text=True)
        assert "Ana Cruz" in shown and "in good standing" in shown, page
        assert f'name="member" type="text" value="{member.label}"' in shown, page  # the checked member is entered
    checked = client.post(f"{base}/new", data={"to": "member", "member": member.label, "body": "Hello",
                                              "action": "check"}).get_data(as_text=True)
    assert "Ana Cruz" in checked  # checking the length shows whom it goes to
    assert "No member matches" in client.get(f"{base}/new?member=Nobody").get_data(as_text=True)

    for page, data in ((f"{base}/new", {"to": "member", "member": "M-0099", "body": "Hello", "action": "send"}),
                       (f"{base}/pin", {"member": "M-0099", "pin": "4821"})):
        refused = client.post(page, data=data, headers={"Referer": page})
        assert refused.status_code == 303
        shown = client.get(refused.headers["Location"]).get_data(as_text=True)
        box = shown.split('name="member" type="text"')[1].split("</label>")[0]
        assert 'class="error"' in box and "M-0099" in box, page  # the message next to the box, her input kept
    assert db.session.scalar(select(OutboxMessage.id)) is None
    assert db.session.scalar(select(SmsPin.id)) is None and not sms.has_pin(coop.id, member.id)
