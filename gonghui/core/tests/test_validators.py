"""Resident ID (GB 11643), credit code (GB 32100) and mobile-number validators.

The check characters are compared with reference implementations written here from the
standards (ISO 7064 MOD 11-2, GB 32100 MOD 31) and with python-stdnum's, never with the module's
own tables.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core import validators as v

FAST = settings(max_examples=200, deadline=None)
CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = datetime.date(2025, 6, 1)


# --- reference implementations -----------------------------------------------------------------
def ref_id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, computed the recursive way (no weight table)."""
    p = 0
    for ch in first17:
        p = (p + int(ch)) * 2 % 11
    c = (12 - p) % 11  # makes the whole 18-character sum ≡ 1 (mod 11)
    return "X" if c == 10 else str(c)


def ref_id(first17: str) -> str:
    return first17 + ref_id_check(first17)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 table: no I, O, S, V, Z


def ref_uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[-total % 31]


def error_code(func, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value.code


def error_message(func, *args, **kwargs) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value.messages[0]


# --- strategies ---------------------------------------------------------------------------------
DIVISIONS = sorted(v.known_division_codes())
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def valid_ids(draw, today: datetime.date = TODAY) -> str:
    division = draw(st.sampled_from(DIVISIONS))
    birth = draw(st.dates(datetime.date(1900, 1, 1), today))
    seq = draw(st.integers(0, 999))
    return ref_id(f"{division}{birth:%Y%m%d}{seq:03d}")


uscc_chars = st.sampled_from(USCC_ALPHABET)


@st.composite
def valid_usccs(draw, *, numeric_head: bool = False) -> str:
    head_chars = st.sampled_from("0123456789") if numeric_head else uscc_chars
    head = draw(head_chars) + draw(head_chars)
    division = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6)))
    org = "".join(draw(st.lists(uscc_chars, min_size=9, max_size=9)))
    first17 = head + division + org
    return first17 + ref_uscc_check(first17)


# --- the reference implementations agree with the standard's worked examples and stdnum ----------
def test_reference_check_characters_match_published_examples():
    assert ref_id("11010519491231002") == "11010519491231002X"  # GB 11643 example
    assert ref_uscc_check("91110000600037341") == "L"  # stdnum documentation example


@FAST
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_character_matches_references(first17):
    expected = ref_id_check(first17)
    assert v.id_check_character(first17) == expected
    assert stdnum_ric.calc_check_digit(first17 + "0") == expected


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1234567890123456A"])
def test_id_check_character_wants_17_ascii_digits(bad):
    with pytest.raises(ValueError):
        v.id_check_character(bad)


# --- resident ID: valid numbers -----------------------------------------------------------------
def test_jinfeng_1990_is_accepted_although_stdnum_rejects_it():
    # 640106 (金凤区) was created in 2002; the card was issued there after the holder's birth.
    number = ref_id("64010619900101123")
    assert not stdnum_ric.is_valid(number)  # the rule the platform deliberately does not follow
    parsed = v.parse_resident_id(number)
    assert parsed == v.ResidentId(number, datetime.date(1990, 1, 1), "M", "640106")


def test_derived_fields():
    male = v.parse_resident_id(ref_id("64010519851231013"))
    assert male.sex == "M"
    female = v.parse_resident_id(ref_id("64010219851231004"))
    assert female.birth_date == datetime.date(1985, 12, 31)
    assert female.sex == "F"
    assert female.division_code == "640102"
    # the GB 11643 example: 17th digit 2 → female
    example = v.parse_resident_id("11010519491231002X")
    assert (example.sex, example.division_code, example.birth_date) == (
        "F",
        "110105",
        datetime.date(1949, 12, 31),
    )


def test_historical_division_code_is_accepted():
    # 640102 (银川 城区) was abolished in 2002; older cards still carry it.
    assert v.parse_resident_id(ref_id("64010219700101001")).division_code == "640102"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (" 110105 19491231 002X\t", "11010519491231002X"),
        ("110105\u300019491231\u00a0002X\n", "11010519491231002X"),
    ],
)
def test_normalisation(raw, expected):
    assert v.parse_resident_id(raw).number == expected
    assert v.validate_resident_id(raw) == expected


def test_leap_day_birth_date():
    number = ref_id("64010620000229001")
    assert v.parse_resident_id(number).birth_date == datetime.date(2000, 2, 29)


def test_birth_today_is_accepted_tomorrow_is_not():
    today = datetime.date(2024, 3, 15)
    assert v.parse_resident_id(ref_id("64010620240315001"), today=today)
    assert error_code(v.parse_resident_id, ref_id("64010620240316001"), today=today) == (
        "id_birthdate"
    )


@FAST
@given(valid_ids())
def test_generated_valid_ids_pass(number):
    parsed = v.parse_resident_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.division_code == number[:6]
    assert parsed.birth_date == datetime.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )
    assert parsed.sex == ("M" if number[16] in "13579" else "F")
    # the lower-case and full-width forms are the same number
    assert v.parse_resident_id(number.lower(), today=TODAY) == parsed
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert v.parse_resident_id(full_width, today=TODAY) == parsed


# --- resident ID: errors ------------------------------------------------------------------------
@FAST
@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_one_wrong_character_fails_the_checksum(number, position, replacement):
    assume(replacement != number[position])
    assume(position == 17 or replacement != "X")
    broken = number[:position] + replacement + number[position + 1 :]
    assert error_code(v.parse_resident_id, broken, today=TODAY) == "id_checksum"


@FAST
@given(valid_ids(), st.integers(0, 15))
def test_swapped_neighbours_fail_the_checksum(number, position):
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert error_code(v.parse_resident_id, swapped, today=TODAY) == "id_checksum"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "64010619900101123",  # 17 characters
        "6401061990010112345",  # 19 characters
        "64010619900101123A",
        "X40106199001011234",
        "640106199001011X34",
        "640106-19900101-1234",
        "٦٤٠١٠٦١٩٩٠٠١٠١١٢٣٤",  # Arabic-Indic digits are not ASCII digits
        None,
    ],
)
def test_format_errors(raw):
    assert error_code(v.parse_resident_id, raw) == "id_format"


def test_non_ascii_digits_never_reach_the_later_checks():
    arabic = "".join(chr(0x0660 + int(c)) for c in "64010619900101123")
    raw = arabic + ref_id_check("64010619900101123")
    assert error_code(v.parse_resident_id, raw) == "id_format"


@pytest.mark.parametrize(
    "first17",
    [
        "64010619900230123",  # 30 February
        "64010619900431123",  # 31 April
        "64010619010229123",  # 29 February of a non-leap year
        "64010619901301123",  # month 13
        "64010619900100123",  # day 0
        "64010618991231123",  # before 1900
    ],
)
def test_impossible_birth_dates(first17):
    assert error_code(v.parse_resident_id, ref_id(first17)) == "id_birthdate"


def test_future_birth_date():
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    assert error_code(v.parse_resident_id, ref_id(f"640106{tomorrow:%Y%m%d}123")) == (
        "id_birthdate"
    )
    assert v.parse_resident_id(ref_id(f"640106{today:%Y%m%d}123")).birth_date == today


@pytest.mark.parametrize("division", ["999999", "640199", "000000", "649900"])
def test_unknown_division(division):
    assert division not in v.known_division_codes()
    assert error_code(v.parse_resident_id, ref_id(f"{division}19900101123")) == "id_division"


def test_known_division_codes_cover_ningxia_and_history():
    codes = v.known_division_codes()
    assert {"640000", "640100", "640104", "640105", "640106", "640102", "110105"} <= codes
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 3000


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("64010619900101123", "id_format"),
        (ref_id("64010619900101123")[:-1] + "0", "id_checksum"),
        (ref_id("64010619900230123"), "id_birthdate"),
        (ref_id("99999919900101123"), "id_division"),
    ],
)
def test_id_messages_are_chinese(raw, code):
    assert error_code(v.parse_resident_id, raw) == code
    assert CJK.search(error_message(v.parse_resident_id, raw))
    assert "身份证" in error_message(v.parse_resident_id, raw)


# --- numbers a spreadsheet destroyed ------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "6.40106199001011E+17",
        "6.40106E+17",
        "6.40106199001011e+17",
        " 6.40106199001011E+17 ",
        "640106199001011000.0",
        640106199001011000,
        6.4e17,
        640106199001011234.0,
        float(640106199001011234),
    ],
)
def test_looks_like_excel_number(raw):
    assert v.looks_like_excel_number(raw)


def test_truncated_18_digit_text_is_excel_only_when_its_check_character_is_wrong():
    truncated = "640106199001011000"
    assert ref_id_check(truncated[:17]) != truncated[17]
    assert v.looks_like_excel_number(truncated)


@pytest.mark.parametrize(
    "raw",
    [
        "64010619900101123" + ref_id_check("64010619900101123"),
        "11010519491231002X",
        "110105194912310020",  # wrong check digit but not 15 digits + 000
        "",
        "abc",
        True,
        12,
        12.0,
        float("nan"),
        None,
    ],
)
def test_does_not_look_like_excel_number(raw):
    assert not v.looks_like_excel_number(raw)


@FAST
@given(valid_ids())
def test_valid_id_text_never_looks_like_an_excel_number(number):
    assert not v.looks_like_excel_number(number)


def test_valid_id_ending_in_zero_does_not_look_like_excel_number():
    # one valid number in eleven has check digit 0; the old rule flagged all of them
    first17 = next(
        f"64010619900101{seq:03d}"
        for seq in range(1000)
        if ref_id_check(f"64010619900101{seq:03d}") == "0"
    )
    number = ref_id(first17)
    assert number.endswith("0")
    assert v.parse_resident_id(number)
    assert not v.looks_like_excel_number(number)


def test_valid_id_ending_in_000_does_not_look_like_excel_number():
    first17 = next(
        f"640106{year}0101{seq}00"
        for year in range(1950, 2000)
        for seq in range(10)
        if ref_id_check(f"640106{year}0101{seq}00") == "0"
    )
    number = ref_id(first17)
    assert number.endswith("000")
    assert not v.looks_like_excel_number(number)


# --- unified social credit code -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110000600037341L", "91110000600037341L"),
        ("91110000600037341l", "91110000600037341L"),
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        ("911100-0060003734-1L", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
    ],
)
def test_uscc_valid(raw, expected):
    assert v.normalise_uscc(raw) == expected
    assert stdnum_uscc.is_valid(expected)


@FAST
@given(valid_usccs())
def test_generated_usccs_pass(code):
    assert v.uscc_check_character(code[:17]) == code[17]
    assert v.normalise_uscc(code) == code
    assert v.normalise_uscc(code.lower()) == code


@FAST
@given(valid_usccs(numeric_head=True))
def test_uscc_agrees_with_stdnum(code):
    assert stdnum_uscc.calc_check_digit(code) == code[17]
    assert stdnum_uscc.is_valid(code)
    assert v.normalise_uscc(code) == code


@FAST
@given(valid_usccs(), st.integers(0, 17), uscc_chars)
def test_uscc_one_wrong_character_fails(code, position, replacement):
    assume(replacement != code[position])
    broken = code[:position] + replacement + code[position + 1 :]
    assert error_code(v.normalise_uscc, broken) == "uscc_invalid"
    if broken[:8].isdigit():
        assert not stdnum_uscc.is_valid(broken)


@FAST
@given(st.text(alphabet=USCC_ALPHABET + "IOSVZ-", min_size=0, max_size=20))
def test_uscc_matches_reference_on_arbitrary_text(raw):
    code = raw.replace("-", "")
    reference_ok = (
        len(code) == 18
        and all(c in USCC_ALPHABET for c in code)
        and code[2:8].isdigit()
        and ref_uscc_check(code[:17]) == code[17]
    )
    if reference_ok:
        assert v.normalise_uscc(raw) == code
    else:
        assert error_code(v.normalise_uscc, raw) == "uscc_invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "91110000600037341A",  # wrong check character
        "91110000600037341",  # 17 characters
        "91110000600037341LL",
        "9111000060003734IL",  # I is not in the alphabet
        "91110000600037341O",
        "9111A000600037341L",  # division code must be digits
        "",
        None,
    ],
)
def test_uscc_invalid(raw):
    assert error_code(v.normalise_uscc, raw) == "uscc_invalid"
    assert CJK.search(error_message(v.normalise_uscc, raw))


# --- mobile numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138-1234-5678",
        "+86-13812345678",
        "0086 13812345678",
        "8613812345678",
        "86 138 1234 5678",
        "８６13812345678",
        "＋８６ １３８ １２３４ ５６７８",
        "１３８１２３４５６７８",
        "(138)1234-5678",
        "（138）1234—5678",
        13812345678,
    ],
)
def test_phone_valid(raw):
    assert v.normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_phone_all_mobile_prefixes(prefix):
    assert v.normalise_phone(prefix + "012345678") == prefix + "012345678"


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "23812345678",
        "12812345678",  # 12x is not a mobile range
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "+1 13812345678",
        "+8613812345678 ext 1",
        "0951-1234567",  # a landline
        "86138123456789",  # 14 digits starting with 86
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "",
        None,
    ],
)
def test_phone_invalid(raw):
    assert error_code(v.normalise_phone, raw) == "phone_format"
    assert "手机号" in error_message(v.normalise_phone, raw)


@FAST
@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_generated_phones_pass_in_every_spelling(second, rest):
    phone = "1" + second + rest
    spellings = [
        phone,
        f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f"0086{phone}",
        f"86{phone}",
        "".join(chr(ord(c) + 0xFEE0) for c in phone),
    ]
    for raw in spellings:
        assert v.normalise_phone(raw) == phone


# --- text code normalisation --------------------------------------------------------------------
def test_normalise_text_code():
    assert v.normalise_text_code("ａｂｃ　１２３ｘ") == "ABC123X"
    assert v.normalise_text_code(" a\tb\r\nc\u00a0d\u200be ") == "ABCDE"
    assert v.normalise_text_code(123) == "123"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("张宏伟", "张宏伟"),
        (" 张  三 ", "张三"),
        ("张\u3000三", "张三"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("Mary  Jane O'Neil", "Mary Jane O'Neil"),
        ("", ""),
    ],
)
def test_person_names_are_cleaned(raw: str, name: str) -> None:
    assert v.normalise_person_name(raw) == name


@pytest.mark.parametrize(
    "raw", ["王五（临时工）", "<b>x</b>", '=HYPERLINK("http://x","y")', "张3", "·张三", "张" * 51]
)
def test_what_is_no_name_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as raised:
        v.normalise_person_name(raw)
    assert raised.value.code == "name_format"
    assert "姓名" in raised.value.messages[0]
