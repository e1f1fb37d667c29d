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
