"""Pure rules of the import: headers, cells, dates, every row error code with row and column."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.validators import id_check_character
from gonghui.memberimport import headers, rules
from gonghui.memberimport.tests.factories import HEADER, csv_bytes, make_id, member_row, xlsx_bytes

TODAY = datetime.date(2026, 3, 2)
GOOD = make_id(5)
BAD_CHECK = GOOD[:-1] + ("1" if GOOD[-1] != "1" else "2")
BAD_BIRTH = "64010419900230123" + id_check_character("64010419900230123")


def _parse(rows, header=None):
    return rules.parse_table([header or HEADER, *rows], today=TODAY)


def _codes(result):
    return [(e.row, e.column, e.code) for e in result.errors]


@pytest.mark.parametrize(
    ("changes", "column", "code", "message"),
    [
        ({"姓名": ""}, "姓名", "required", "“姓名”为必填项"),
        ({"工作单位": "  "}, "工作单位", "required", "“工作单位”为必填项"),
        ({"姓名": "王五（临时工）"}, "姓名", "name_format", "姓名只能包含文字"),
        ({"姓名": '=HYPERLINK("x","y")'}, "姓名", "name_format", "姓名只能包含文字"),
        ({"姓名": "张" * 51}, "姓名", "name_format", "超过50个字"),
        ({"身份证号": "6401041990010112"}, "身份证号", "id_format", "18位"),
        ({"身份证号": BAD_CHECK}, "身份证号", "id_checksum", "校验位"),
        ({"身份证号": BAD_BIRTH}, "身份证号", "id_birthdate", "出生日期"),
        ({"身份证号": 6.40104199001011e17}, "身份证号", "id_excel_number", "Excel"),
        ({"身份证号": "6.40104E+17"}, "身份证号", "id_excel_number", "文本"),
        ({"手机号": "1380000"}, "手机号", "phone_format", "11位"),
        ({"性别": "女"}, "性别", "gender_mismatch", "性别与身份证号不符"),
        ({"性别": "未知"}, "性别", "gender_mismatch", "男"),
        (
            {"统一社会信用代码": "91640104MA7XXXXXX1"},
            "统一社会信用代码",
            "uscc_invalid",
            "信用代码",
        ),
        ({"入会日期": "2026-13-45"}, "入会日期", "date_format", "日期格式不正确"),
        ({"入会日期": "下个月"}, "入会日期", "date_format", "日期格式不正确"),
        ({"入会日期": "2026-03-03"}, "入会日期", "date_future", "不能晚于今天"),
    ],
)
def test_each_error_code_names_row_column_in_chinese(changes, column, code, message):
    # seq 1 is a man; the changed row is the third data row = spreadsheet row 4
    result = _parse([member_row(2), member_row(3), member_row(1, **changes)])
    assert _codes(result) == [(4, column, code)]
    assert message in result.errors[0].message
    assert [row.row for row in result.valid] == [2, 3]


def test_duplicate_in_file_flags_the_later_row_and_names_the_first():
    result = _parse([member_row(1), member_row(2), member_row(1)])
    assert _codes(result) == [(4, "身份证号", "duplicate_in_file")]
    assert "第2行" in result.errors[0].message
    assert [row.row for row in result.valid] == [2, 3]


def test_synonyms_any_order_extra_columns_blank_rows():
    header = [
        "备注",
        "入会时间",
        "联系电话",
        "公民身份号码",
        "名字",
        "单位名称",
        "信用代码",
        "性别",
    ]
    number = make_id(7)
    rows = [
        ["x", "2026/1/5", "139 0000 0007", number, "王七", "某厂", "", "男"],
        [None, None, None, None, None, None, None, None],
        ["", "", "", "", "", "", "", ""],
        ["y", "2026年2月1日", "+86 13900000008", make_id(8), "赵八", "某厂", "", ""],
    ]
    result = _parse(rows, header)
    assert result.errors == []
    assert result.total == 2
    first, second = result.valid
    assert (first.row, first.name, first.phone, first.id_number) == (
        2,
        "王七",
        "13900000007",
        number,
    )
    assert first.joined_on == datetime.date(2026, 1, 5)
    assert (second.row, second.joined_on, second.sex) == (5, datetime.date(2026, 2, 1), "F")


@pytest.mark.parametrize(
    ("header_text", "field"),
    [
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("手机", "phone"),
        ("手机号码", "phone"),
        ("联系电话", "phone"),
        ("姓名*", "name"),
        ("工作单位（必填）", "employer_name"),
    ],
)
def test_header_synonyms(header_text, field):
    header = ["姓名", "身份证号", "手机号", "工作单位"]
    index = {"name": 0, "id_number": 1, "phone": 2, "employer_name": 3}[field]
    header[index] = header_text
    mapped = headers.map_headers(header)
    # The label is the header as written, without its star (headers.column_label).
    assert mapped.columns[field] == index and mapped.label(field) == header_text.rstrip("*")


def test_missing_required_column_is_a_file_error():
    with pytest.raises(ValidationError) as caught:
        headers.map_headers(["姓名", "手机号", "工作单位"])
    assert caught.value.code == "missing_columns" and "身份证号" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, TODAY),
        ("", TODAY),
        ("2026-01-05", datetime.date(2026, 1, 5)),
        ("2026/1/5", datetime.date(2026, 1, 5)),
        ("2026.1.5", datetime.date(2026, 1, 5)),
        ("2026年1月5日", datetime.date(2026, 1, 5)),
        ("20260105", datetime.date(2026, 1, 5)),
        (20260105, datetime.date(2026, 1, 5)),
        (46027.0, datetime.date(2026, 1, 5)),  # Excel serial day number
        (datetime.datetime(2026, 1, 5, 0, 0), datetime.date(2026, 1, 5)),
        (datetime.date(2026, 1, 5), datetime.date(2026, 1, 5)),
        ("2026-01-05 00:00:00", datetime.date(2026, 1, 5)),
    ],
)
def test_date_forms(value, expected):
    assert rules.parse_date(value, today=TODAY) == expected


def test_phone_stored_as_number_and_lowercase_x_id():
    number = make_id(1)
    result = _parse([member_row(1, **{"手机号": 13900000001.0, "身份证号": number.lower()})])
    assert result.errors == [] and result.valid[0].phone == "13900000001"


def test_occupation_and_education_values():
    assert rules.occupation_value("外卖骑手") == "delivery_rider"
    assert rules.occupation_value("快递员") == "courier"
    assert rules.occupation_value("宇航员") == "other"
    assert rules.occupation_value("") == ""
    assert rules.education_value("本科") == "bachelor" and rules.education_value("?") == ""


def test_read_table_xlsx_csv_gbk_bom_and_broken():
    rows = [member_row(1)]
    for name, data in [
        ("a.xlsx", xlsx_bytes(rows)),
        ("a.csv", csv_bytes(rows)),
        ("a.csv", csv_bytes(rows, encoding="utf-8-sig")),
        ("a.csv", csv_bytes(rows, encoding="gbk")),
    ]:
        table = rules.read_table(name, data)
        assert table[0][:2] == ["姓名", "身份证号"] and table[1][0] == "张一", name
    for name, data in [("a.xlsx", b"garbage"), ("a.xlsx", b""), ("a.csv", b"\x00\xff\xfe")]:
        with pytest.raises(ValidationError) as caught:
            rules.read_table(name, data)
        assert "无法读取" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        rules.read_table("a.docx", b"x")
    assert caught.value.code == "file_type"


def test_row_numbers_follow_the_sheet_when_it_starts_lower():
    table = [[None, None], ["姓名", "身份证号", "手机号", "工作单位"], ["", "", "", ""]]
    table.append(["李一", make_id(1), "1", "厂"])
    result = rules.parse_table(table, today=TODAY)
    assert _codes(result) == [(4, "手机号", "phone_format")]


def test_sheet_read_row_by_row_keeps_excel_rows_and_columns():
    """Data starting at C3: rows and columns in front come back empty, as Excel numbers them
    (the same table as calamine's whole-sheet read)."""
    import io

    import openpyxl
    from python_calamine import CalamineWorkbook

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row_number, row in enumerate([HEADER, member_row(1, **{"手机号": "1"})], 3):
        for column, value in enumerate(row, 3):
            sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    whole = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    table = rules.read_table("a.xlsx", data)
    assert table == whole.to_python(skip_empty_area=False)
    assert table[2][2:4] == ["姓名", "身份证号"]
    result = rules.parse_table(rules.iter_table("a.xlsx", data), today=TODAY)
    assert _codes(result) == [(4, "手机号", "phone_format")]


def test_excel_truncated_id_text_is_flagged():
    # What Excel shows for an ID it kept as a number: 15 significant digits, then zeros.
    result = _parse([member_row(1, **{"身份证号": "640104199001011000"})])
    assert _codes(result) == [(2, "身份证号", "id_excel_number")]


def test_error_report_keeps_rows_adds_problems_and_escapes_formulas():
    import io

    from python_calamine import CalamineWorkbook

    from gonghui.memberimport import files

    table = [
        [*HEADER, "备注"],
        [*member_row(1), "ok"],
        [*member_row(2, **{"姓名": '=HYPERLINK("http://x")', "手机号": "1"}), "+1"],
    ]
    errors = [{"row": 3, "column": "手机号", "code": "phone_format", "message": "手机号不对"}]
    content = files.error_report_xlsx(table, 0, errors)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == [*HEADER, "备注", "问题"]
    assert len(rows) == 2  # only the row with a problem
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][-2] == "'+1"
    assert rows[1][-1] == "手机号：手机号不对"


def test_csv_tab_separated_utf16_and_semicolons():
    rows = [member_row(1)]
    text = "\n".join("\t".join(str(v) for v in row) for row in [HEADER, *rows]) + "\n"
    for data in (text.encode("utf-16"), text.encode("utf-8"), text.replace("\t", ";").encode()):
        table = rules.read_table("a.csv", data)
        assert table[0][:2] == ["姓名", "身份证号"] and table[1][0] == "张一"
