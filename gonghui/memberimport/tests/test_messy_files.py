"""The files union clerks really have: a title above the header, instructions and hidden sheets,
merged cells, landline and mobile columns, footers and numbered empty rows, apostrophes and
stars (each test names the reviewer's finding it covers)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from python_calamine import CalamineWorkbook

from gonghui.memberimport import files, rules
from gonghui.memberimport.tests.factories import HEADER, csv_bytes, make_id, member_row, xlsx_bytes

TODAY = datetime.date(2026, 3, 2)


def _check(name: str, data: bytes) -> rules.ParseResult:
    return rules.parse_table(rules.iter_table(name, data), today=TODAY)


def _codes(result: rules.ParseResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


# --- 3. join dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2026, 2026.0, 1.0, 18263.0])
def test_a_number_before_1950_is_no_excel_date(value):
    """Finding 3: 2026 as a number was 1905-07-18, stored silently."""
    with pytest.raises(ValidationError) as caught:
        rules.parse_date(value, today=TODAY)
    assert caught.value.code == "date_format"


def test_excel_serial_days_from_1950_are_dates():
    assert rules.parse_date(18264.0, today=TODAY) == datetime.date(1950, 1, 1)
    assert rules.parse_date(46027, today=TODAY) == datetime.date(2026, 1, 5)


def test_a_numeric_2026_in_the_date_column_is_a_row_error():
    result = rules.parse_table([HEADER, member_row(1, **{"入会日期": 2026})], today=TODAY)
    assert _codes(result) == [(2, "入会日期", "date_format")]


def test_under_16_on_the_date_joined_is_refused_on_the_id_column():
    """Finding 3: born 2010-01-06, 16 on 2026-01-06: joining on 2026-01-05 is refused."""
    young = make_id(1, birth="20100106")
    rows = [
        member_row(1, **{"身份证号": young, "入会日期": "2026-01-05"}),
        member_row(3, **{"身份证号": make_id(3, birth="20100106"), "入会日期": "2026-01-06"}),
    ]
    result = rules.parse_table([HEADER, *rows], today=TODAY)
    assert _codes(result) == [(2, "身份证号", "under_age")]
    assert "入会日期时未满16周岁" in result.errors[0].message
    assert [row.row for row in result.valid] == [3]


def test_under_16_today_when_the_date_is_left_empty():
    result = rules.parse_table(
        [HEADER, member_row(1, **{"身份证号": make_id(1, birth="20120101"), "入会日期": ""})],
        today=TODAY,
    )
    assert _codes(result) == [(2, "身份证号", "under_age")]


# --- 4. ragged CSV rows in the report ----------------------------------------------------------


def _report_rows(content: bytes) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python()


def test_the_report_column_stays_labelled_on_a_row_with_extra_cells():
    """Finding 4: a data row with cells past the header."""
    data = csv_bytes([member_row(1), [*member_row(2, **{"手机号": "12"}), "备注", "多余"]])
    table = rules.read_table("a.csv", data)
    errors = [{"row": 3, "column": "手机号", "code": "phone_format", "message": "不对"}]
    rows = _report_rows(files.error_report_xlsx(table, 0, errors))
    assert rows[0] == [*HEADER, "", "", "问题"]
    assert rows[1][-3:] == ["备注", "多余", "手机号：不对"]
    assert len(rows[0]) == len(rows[1])


# --- 7. rows without a member ------------------------------------------------------------------


def test_numbered_empty_rows_filled_down_dates_and_footers_are_not_rows():
    """Finding 7: a pre-numbered 序号 column, a date filled down past the data, a footer."""
    header = ["序号", *HEADER]
    rows = [[1, *member_row(1)], [2, *member_row(2, **{"手机号": "12"})]]
    rows += [[n, "", "", "", "", "", "", "", "", "2026-01-05"] for n in range(3, 30)]
    rows += [["填表人：张三 审核人：李四"], ["", "制表人：王五"]]
    result = rules.parse_table([header, *rows], today=TODAY)
    assert result.total == 2 and _codes(result) == [(3, "手机号", "phone_format")]


def test_a_row_with_a_name_only_is_still_checked():
    result = rules.parse_table([HEADER, ["张三", "", "", "", "", "某厂"]], today=TODAY)
    assert _codes(result) == [(2, "身份证号", "required"), (2, "手机号", "required")]


# --- 9. the template ---------------------------------------------------------------------------


def test_the_templates_example_row_passes():
    """Finding 9: its example ID had a wrong check digit."""
    result = _check("template.xlsx", files.template_xlsx())
    assert result.errors == [] and result.valid[0].name == "张宏伟"


# --- 10. ID cells kept as text by hand ---------------------------------------------------------


def test_an_apostrophe_or_a_formula_around_the_id_is_unwrapped():
    """Finding 10: '640104… and ="640104…" (the CSV trick)."""
    rows = [
        member_row(1, **{"身份证号": "'" + make_id(1), "手机号": '="13900000001"'}),
        member_row(2, **{"身份证号": '="' + make_id(2) + '"'}),
    ]
    result = _check("a.csv", csv_bytes(rows))
    assert result.errors == []
    assert [(row.id_number, row.phone) for row in result.valid] == [
        (make_id(1), "13900000001"),
        (make_id(2), "13900000002"),
    ]


# --- 12. names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("张  三", "张三"),
        ("张\u3000三", "张三"),
        ("John   Smith", "John Smith"),
        ("阿依 Mary", "阿依 Mary"),
    ],
)
def test_spaces_inside_names_are_collapsed(written, stored):
    """Finding 12."""
    result = rules.parse_table([HEADER, member_row(1, **{"姓名": written})], today=TODAY)
    assert result.valid[0].name == stored


# --- 13. IDs Excel destroyed, in the report ----------------------------------------------------


def test_the_report_shows_a_destroyed_id_as_excel_showed_it():
    """Finding 13: not 18 digits that were never in the file."""
    data = xlsx_bytes([member_row(1, **{"身份证号": 640104199001011000})])
    table = rules.read_table("a.xlsx", data)
    result = rules.parse_table(table, today=TODAY)
    assert _codes(result) == [(2, "身份证号", "id_excel_number")]
    errors = [error.as_dict() for error in result.errors]
    rows = _report_rows(files.error_report_xlsx(table, 0, errors))
    assert rows[1][1] == "6.40104E+17"
