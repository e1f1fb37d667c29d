import pytest

from coop.messaging import secrets


def test_a_sealed_value_opens_with_the_same_key_only(app):
    sealed = secrets.seal("api-key-123")
    assert "api-key-123" not in sealed
    assert secrets.open_secret(sealed) == "api-key-123"
    with pytest.raises(secrets.SecretUnreadable):
        secrets.open_secret(sealed, secret_key="another key")


def test_sealing_twice_gives_different_texts(app):
    assert secrets.seal("same") != secrets.seal("same")


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_any_altered_byte_is_refused(app, position):
    import base64

    raw = bytearray(base64.urlsafe_b64decode(secrets.seal("a longer secret of forty characters......")))
    raw[position] ^= 1
    with pytest.raises(secrets.SecretUnreadable):
        secrets.open_secret(base64.urlsafe_b64encode(bytes(raw)).decode())


def test_garbage_is_refused(app):
    for text in ("", "not base64 at all!", "AAAA"):
        with pytest.raises(secrets.SecretUnreadable):
            secrets.open_secret(text)


def test_unicode_survives(app):
    assert secrets.open_secret(secrets.seal("pässwörd ñ 🙂")) == "pässwörd ñ 🙂"
