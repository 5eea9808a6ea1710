"""Personal data: AES-GCM encryption at rest, blind indexes, masking."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core import pii

FAST = settings(max_examples=200, deadline=None)


# --- encryption ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "plaintext",
    [
        "640102199001011234",
        "13812345678",
        "张宏伟",
        "宁夏回族自治区银川市金凤区",
        "",
        "𠀀 emoji 🙂",
    ],
)
def test_round_trip(plaintext):
    token = pii.encrypt(plaintext)
    assert isinstance(token, str)
    assert token.isascii()
    assert pii.decrypt(token) == plaintext


@FAST
@given(st.text(max_size=200))
def test_round_trip_any_text(plaintext):
    assert pii.decrypt(pii.encrypt(plaintext)) == plaintext


def test_ciphertext_is_aes_gcm_under_the_configured_key():
    token = pii.encrypt("640102199001011234")
    raw = base64.b64decode(token)
    assert raw[:1] == b"\x01"
    nonce, sealed = raw[1:13], raw[13:]
    opened = AESGCM(django_settings.GONGHUI_PII_KEY).decrypt(nonce, sealed, None)
    assert opened == b"640102199001011234"
    assert b"640102199001011234" not in raw
    assert "640102199001011234" not in token


def test_same_plaintext_gives_different_ciphertexts():
    tokens = {pii.encrypt("13812345678") for _ in range(50)}
    assert len(tokens) == 50
    nonces = {base64.b64decode(token)[1:13] for token in tokens}
    assert len(nonces) == 50
    assert {pii.decrypt(token) for token in tokens} == {"13812345678"}


@pytest.mark.parametrize("position", [1, 5, 12, 13, 20, -16, -1])  # nonce, ciphertext, tag
def test_tampered_ciphertext_fails(position):
    raw = bytearray(base64.b64decode(pii.encrypt("640102199001011234")))
    raw[position] ^= 0x01
    with pytest.raises(InvalidTag):
        pii.decrypt(base64.b64encode(bytes(raw)).decode())


def test_truncated_or_foreign_ciphertext_fails():
    token = pii.encrypt("张宏伟")
    raw = base64.b64decode(token)
    with pytest.raises(InvalidTag):
        pii.decrypt(base64.b64encode(raw[:-1]).decode())
    with pytest.raises(ValueError, match="version"):
        pii.decrypt(base64.b64encode(b"\x02" + raw[1:]).decode())
    other_key = AESGCM(bytes(32))
    nonce = bytes(12)
    foreign = base64.b64encode(b"\x01" + nonce + other_key.encrypt(nonce, b"x", None)).decode()
    with pytest.raises(InvalidTag):
        pii.decrypt(foreign)


@FAST
@given(st.text(min_size=1, max_size=40), st.integers(0, 10_000), st.integers(0, 7))
def test_any_single_bit_flip_is_detected(plaintext, index, bit):
    raw = bytearray(base64.b64decode(pii.encrypt(plaintext)))
    index = 1 + index % (len(raw) - 1)  # any byte after the version byte
    raw[index] ^= 1 << bit
    with pytest.raises(InvalidTag):
        pii.decrypt(base64.b64encode(bytes(raw)).decode())


def test_encrypted_text_field_converts_both_ways():
    field = pii.EncryptedTextField()
    stored = field.get_prep_value("640102199001011234")
    assert stored != "640102199001011234"
    assert field.from_db_value(stored, None, None) == "640102199001011234"
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
    assert field.from_db_value("", None, None) == ""


# --- blind index --------------------------------------------------------------------------------
def test_blind_index_is_stable_keyed_and_kind_separated():
    value = "13812345678"
    first = pii.blind_index("phone", value)
    assert first == pii.blind_index("phone", value)
    assert isinstance(first, bytes) and len(first) == pii.BLIND_INDEX_BYTES == 16
    assert first != pii.blind_index("id_number", value)
    assert first != pii.blind_index("phone", "13812345679")
    expected = hmac.new(
        django_settings.GONGHUI_PII_HASH_KEY, b"phone:13812345678", hashlib.sha256
    ).digest()[:16]
    assert first == expected
    # not a plain hash: another key gives another index
    assert first != hashlib.sha256(b"phone:13812345678").digest()[:16]
    with override_settings(GONGHUI_PII_HASH_KEY=bytes(range(32))):
        assert pii.blind_index("phone", value) != first


def test_bulk_forms_match_the_single_ones():
    values = ["640102199001011234", "13812345678", "张宏伟", ""]
    assert pii.blind_index_many("id", values) == [pii.blind_index("id", v) for v in values]
    sealed = pii.encrypt_many(values)
    assert [pii.decrypt(token) for token in sealed] == values
    assert len(set(sealed)) == len(values)  # a fresh nonce for each value


@FAST
@given(st.text(max_size=30), st.text(max_size=30))
def test_blind_index_equal_exactly_when_values_equal(a, b):
    assert (pii.blind_index("phone", a) == pii.blind_index("phone", b)) is (a == b)


def test_blind_index_of_chinese_text():
    assert pii.blind_index("name", "张宏伟") == pii.blind_index("name", "张宏伟")
    assert pii.blind_index("name", "张宏伟") != pii.blind_index("name", "张红伟")


# --- masks --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("64010219900101123X", "640102********123X"),
        ("640106199001011234", "640106********1234"),
        ("640102900101123", "640102*****1123"),  # a 15-digit first-generation number
        ("1234567890", "1234567890"),  # too short to hide anything between the kept parts
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, expected):
    assert pii.mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("19912345678", "199****5678"),
        ("1234567", "1234567"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert pii.mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张宏伟", "张*伟"),
        ("李明", "李*"),
        ("欧阳娜娜", "欧**娜"),
        ("阿依古丽·买买提", "阿******提"),
        ("王", "王*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, expected):
    assert pii.mask_name(value) == expected


@FAST
@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_mask_id_hides_exactly_the_birth_date_and_sequence_head(number):
    masked = pii.mask_id_number(number)
    assert len(masked) == 18
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "********"


def test_maskers_registry():
    assert pii.MASKERS["id_number"]("64010219900101123X") == "640102********123X"
    assert pii.MASKERS["phone"]("13812345678") == "138****5678"
    assert pii.MASKERS["name"]("张宏伟") == "张*伟"
