from hypothesis import given
from hypothesis import strategies as st

from coop.messaging.texts import segments


def test_plain_text_fits_160_then_153_per_part():
    assert segments("").parts == 0
    assert (segments("a" * 160).parts, segments("a" * 160).encoding) == (1, "GSM-7")
    assert segments("a" * 161).parts == 2
    assert segments("a" * 306).parts == 2
    assert segments("a" * 307).parts == 3


def test_extension_characters_take_two_and_are_never_split():
    assert segments("€" * 80).units == 160 and segments("€" * 80).parts == 1
    assert segments("a" * 152 + "€").parts == 1  # 154 septets fit one part of 160
    assert segments("a" * 152 + "€" + "a" * 152).parts == 3  # 306 septets, but the escape pair is not split


def test_accents_outside_gsm_switch_to_ucs2():
    text = "Magandang araw, Aling Maríá"  # í and á are not in GSM-7
    assert segments(text).encoding == "UCS-2"
    assert segments("á" * 70).parts == 1
    assert segments("á" * 71).parts == 2
    assert segments("á" * 134).parts == 2
    assert segments("á" * 135).parts == 3
    assert segments("🙂" * 35).units == 70 and segments("🙂" * 35).parts == 1


def test_n_tilde_is_gsm():
    assert segments("Salamat po, Señora Ñ").encoding == "GSM-7"


@given(st.text(max_size=500))
def test_parts_hold_everything(text):
    found = segments(text)
    if found.parts <= 1:
        assert found.units <= (160 if found.encoding == "GSM-7" else 70)
    else:
        per = 153 if found.encoding == "GSM-7" else 67
        assert (found.parts - 1) * per < found.units + per and found.units <= found.parts * per
