"""Pesos in messages, tables and on paper: one module formats them, exactly (no float)."""
import pytest

from coop.money import amount_in_words, pesos_text, php_text, to_pesos_text


@pytest.mark.parametrize("centavos, grouped, plain", [
    (0, "0.00", "0.00"), (5, "0.05", "0.05"), (-5, "-0.05", "-0.05"), (200_050, "2,000.50", "2000.50"),
    (-123_456_789, "-1,234,567.89", "-1234567.89"), (10**17 + 1, "1,000,000,000,000,000.01", "1000000000000000.01"),
])
def test_pesos_text(centavos, grouped, plain):
    assert pesos_text(centavos) == grouped
    assert to_pesos_text(centavos) == plain
    # as Babel writes pesos on every page, in English and Filipino alike
    assert php_text(centavos) == ("-" if centavos < 0 else "") + "₱" + grouped.lstrip("-")


def test_amount_in_words_lives_with_money():
    assert amount_in_words(2_000_50) == "Two thousand pesos and 50/100"


@pytest.mark.parametrize("centavos, words", [
    (1_00, "Isang piso at 00/100"),
    (11_00, "Labing-isang piso at 00/100"),
    (21_50, "Dalawampu't isang piso at 50/100"),
    (14_00, "Labing-apat na piso at 00/100"),
    (250_00, "Dalawandaan at limampung piso at 00/100"),
    (2_500_00, "Dalawang libo't limandaang piso at 00/100"),
    (4_000_00, "Apat na libong piso at 00/100"),
    (1_234_567_89, "Isang milyon, dalawandaan at tatlumpu't apat na libo, limandaan at animnapu't pitong piso at 89/100"),
    (0, "Walang piso at 00/100"),
])
def test_amount_in_words_in_filipino(centavos, words):
    assert amount_in_words(centavos, "fil") == words


def test_amount_in_words_follows_the_reader(app):
    from flask_babel import refresh

    with app.test_request_context("/?lang=fil"):
        refresh()  # the locale is remembered per application context, which the test's fixtures keep pushed
        assert amount_in_words(2_500_00) == "Dalawang libo't limandaang piso at 00/100"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert amount_in_words(2_500_00) == "Two thousand five hundred pesos and 00/100"
    assert amount_in_words(1_00) == "One peso and 00/100"  # no request: English
