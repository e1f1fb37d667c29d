"""English and Filipino: ?lang=fil (or the browser's language) gives Filipino pages, and the choice sticks."""
import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import coop

CATALOGUE = Path(coop.__file__).parent / "translations" / "fil" / "LC_MESSAGES"


def test_login_page_in_filipino_and_the_choice_sticks(client):
    page = client.get("/login?lang=fil").data.decode()
    assert '<html lang="fil">' in page and "Mag-log in" in page and "Log in" not in page
    assert "Mag-log in" in client.get("/login").data.decode()  # the cookie remembers
    assert "Log in" in client.get("/login?lang=en").data.decode()


def test_browser_language_is_honoured(client):
    assert "Mag-log in" in client.get("/login", headers={"Accept-Language": "fil-PH,fil;q=0.9"}).data.decode()


def test_staff_pages_and_reports_in_filipino(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "officer"))
    entry_form = client.get(f"/o/{org.slug}/ledger/entries/new?lang=fil").data.decode()
    assert "Bagong journal entry" in entry_form and "Mga ulat" in entry_form and "Itala" in entry_form
    report = client.get(f"/o/{org.slug}/reports/balance-sheet").data.decode()
    assert "Pahayag ng kalagayang pampinansyal" in report and "Kabuuang pananagutan at puhunan" in report
    missing = client.get(f"/o/{org.slug}/ledger/entries/999999")
    assert missing.status_code == 404 and "Walang nahanap" in missing.data.decode()


FOUNDATION = re.compile(r"coop/(templates/)?(auth|ledger|reports|web|orgs|receipts|audit|api|errors|base|error|macros)\b")


def test_the_foundations_strings_are_translated_and_the_committed_catalogue_is_compiled():
    with open(CATALOGUE / "messages.po", "rb") as source:
        catalogue = read_po(source)
    with open(CATALOGUE / "messages.mo", "rb") as compiled:
        shipped = read_mo(compiled)
    untranslated = [m.id for m in catalogue if m.id and not m.string
                    and any(FOUNDATION.match(path) for path, _line in m.locations)]
    assert untranslated == [], "run scripts/translations update, translate, then scripts/translations compile"
    assert {m.id: m.string for m in catalogue if m.id and m.string} == {m.id: m.string for m in shipped if m.id}, \
        "messages.mo is older than messages.po: run scripts/translations compile"


def test_marshmallows_length_messages_are_said_in_filipino_with_their_numbers(app):
    """'Length must be between 3 and 300.' carries its numbers, so it never matched the catalogue: a Filipino
    form showed it in English (a referral's reason, an approval's refusal)."""
    from flask_babel import refresh

    from coop.errors import translated

    with app.test_request_context("/login?lang=fil"):
        refresh()
        between = translated("Length must be between 3 and 300.")
        assert "Length" not in between and "3" in between and "300" in between
        assert between != "Write from 3 to 300 characters."  # in Filipino, not English
        assert "Shorter" not in translated("Shorter than minimum length 2.")
        assert "Longer" not in translated("Longer than maximum length 60.")
    with app.test_request_context("/login?lang=en"):
        refresh()  # the app context of the test keeps the locale it chose first
        assert translated("Length must be between 3 and 300.") == "Write from 3 to 300 characters."


def test_a_refused_forms_messages_are_said_in_the_language_of_the_page_that_shows_them(make_org, make_user, login):
    """The flash and the fields' messages of a refused form were kept already translated: she posted in English,
    switched to Filipino and read English under Filipino labels (and the other way round)."""
    org = make_org()
    client = login(make_user(org, "officer"))
    bad = {"member": "", "product_id": "1", "amount": "abc", "term_count": "x", "purpose": "p" * 301,
           "idempotency_key": "lang-1"}
    english = {"Fill this in.", "Enter a whole number.", "Write at most 300 characters.",
               "Enter an amount in pesos with the digits 0-9, like 2000 or 2,000.50."}
    filipino = {"Punan ito.", "Maglagay ng buong numero.", "Sumulat ng hindi hihigit sa 300 titik.",
                "Maglagay ng halaga sa piso gamit ang mga numerong 0-9, gaya ng 2000 o 2,000.50."}
    for posted_in, shown_in, expected, foreign in (("en", "fil", filipino, english), ("fil", "en", english, filipino)):
        client.get(f"/o/{org.slug}/loans/new?lang={posted_in}")
        refused = client.post(f"/o/{org.slug}/loans/", data=bad, headers={"Referer": f"/o/{org.slug}/loans/new"})
        assert refused.status_code == 303
        page = client.get(f"{refused.headers['Location']}?lang={shown_in}").get_data(as_text=True)
        flash = page.split('class="flash error"')[1].split("</p>")[0]
        for message in expected:
            assert message in flash, (shown_in, message)  # once at the top
            assert f'<small class="error">{message}</small>' in page, (shown_in, message)  # and next to its field
        assert not any(message in page for message in foreign), shown_in


def test_a_quantity_refused_and_a_record_that_cannot_exist_are_said_in_filipino(make_org, make_user, login):
    """The quantity parser's and the id guard's messages are in the catalogue, like every other refusal."""
    org = make_org()
    client = login(make_user(org, "officer"))
    client.get(f"/o/{org.slug}/?lang=fil")
    refused = client.post(f"/o/{org.slug}/store/products", data={
        "code": "RICE", "name": "Bigas", "sale_price": "50", "units_per_purchase": "1.2345"},
        headers={"Referer": f"http://localhost/o/{org.slug}/store/products/new"})
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Hanggang tatlong decimal lamang ang dami." in page and "three decimals" not in page
    missing = client.get(f"/o/{org.slug}/loans/?member_id=99999999999999").get_data(as_text=True)
    assert "Walang ganitong rekord." in missing and "No such record." not in missing
