"""The files union clerks really have: a title above the header, instructions and hidden sheets,
merged cells, landline and mobile columns, footers and numbered empty rows, apostrophes and
stars (each test names the reviewer's finding it covers)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from gonghui.memberimport import cells, files, headers, rules, workbook
from gonghui.memberimport.tests.factories import HEADER, csv_bytes, make_id, member_row, xlsx_bytes

TODAY = datetime.date(2026, 3, 2)


def _book(*sheets: tuple[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> bytes:
    """An XLSX (openpyxl) with the given sheets, rows from A1; ``hidden`` sheets hidden."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check(name: str, data: bytes) -> rules.ParseResult:
    return rules.parse_table(rules.iter_table(name, data), today=TODAY)


def _codes(result: rules.ParseResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


# --- 1. title and note rows above the header ---------------------------------------------------


def test_a_title_row_merged_across_the_header_is_in_row_2():
    """Finding 1: "XX公司2026年集中入会花名册" merged across row 1; rows keep their sheet numbers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "XX公司2026年集中入会花名册")
    sheet.write_row(1, 0, HEADER)
    sheet.write_row(2, 0, member_row(1))
    sheet.write_row(3, 0, member_row(2, **{"手机号": "1390000"}))
    book.close()
    result = _check("a.xlsx", buffer.getvalue())
    assert _codes(result) == [(4, "手机号", "phone_format")]
    assert [row.row for row in result.valid] == [3] and result.total == 2


def test_a_blank_row_and_a_note_above_the_header():
    """Finding 1: a blank row, then "注：带*为必填项…" (which names 身份证号 itself), then the
    header: the row that maps the required columns wins."""
    note = "注：带*为必填项，身份证号、手机号请设为文本格式"
    rows = [[], [note], [*HEADER], member_row(1), member_row(2, **{"姓名": ""})]
    result = _check("a.xlsx", _book(("花名册", rows)))
    assert _codes(result) == [(5, "姓名", "required")]


def test_a_two_level_header_the_lower_row_is_the_header():
    """Finding 1: "基本信息 / 单位信息" above the real header."""
    top = ["基本信息", "", "", "", "", "单位信息", "", "", ""]
    result = rules.parse_table([top, HEADER, member_row(1), member_row(2)], today=TODAY)
    assert result.errors == [] and [row.row for row in result.valid] == [3, 4]


def test_two_level_header_with_vertical_merges_and_a_merged_group():
    """Finding 1 with 6: 姓名… merged down over both header rows, "单位信息" across the
    employer's two columns: the lower row names more columns, so it is the header."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for column, title in enumerate(["姓名", "身份证号", "手机号"]):
        sheet.merge_range(0, column, 1, column, title)
    sheet.merge_range(0, 3, 0, 4, "单位信息")
    sheet.write_row(1, 3, ["工作单位", "统一社会信用代码"])
    sheet.write_row(2, 0, [*member_row(1)[:3], "某厂", "91640104MA7XXXXXX1"])
    book.close()
    result = _check("a.xlsx", buffer.getvalue())
    assert _codes(result) == [(3, "统一社会信用代码", "uscc_invalid")]


def test_no_row_maps_the_required_columns_the_message_names_what_is_missing():
    with pytest.raises(ValidationError) as caught:
        rules.parse_table([["XX公司花名册"], ["姓名", "手机号", "工作单位"]], today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "文件缺少以下列：身份证号" in caught.value.messages[0]


def test_a_csv_title_line_then_tab_separated_rows():
    """Finding 1: the delimiter comes from several lines, not the title line alone."""
    lines = ["XX公司集中入会花名册", "\t".join(HEADER), "\t".join(member_row(1))]
    lines.append("\t".join(member_row(2, **{"手机号": "12"})))
    result = _check("a.csv", ("\n".join(lines) + "\n").encode())
    assert _codes(result) == [(4, "手机号", "phone_format")]


def test_the_report_of_a_file_with_a_title_row_uses_the_real_header():
    data = _book(("花名册", [["XX花名册"], HEADER, member_row(1, **{"手机号": "12"})]))
    table = rules.read_table("a.xlsx", data)
    _header, index = headers.split_header(table)
    errors = [{"row": 3, "column": "手机号", "code": "phone_format", "message": "不对"}]
    rows = _report_rows(files.error_report_xlsx(table, index, errors))
    assert rows[0] == [*HEADER, "问题"] and rows[1][0] == "张一"


# --- 2. landline and mobile columns ------------------------------------------------------------


def test_the_mobile_column_beats_a_landline_column_before_it():
    """Finding 2: "联系电话" (0951-…) before "手机号*"."""
    header = ["姓名", "身份证号", "联系电话", "手机号*", "工作单位"]
    row = ["张一", make_id(1), "0951-5012345", "13900000001", "某厂"]
    result = rules.parse_table([header, row], today=TODAY)
    assert result.errors == [] and result.valid[0].phone == "13900000001"
    assert headers.map_headers(header).columns["phone"] == 3


# --- 3. join dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2026, 2026.0, 1.0, 18263.0])
def test_a_number_before_1950_is_no_excel_date(value):
    """Finding 3: 2026 as a number was 1905-07-18, stored silently."""
    with pytest.raises(ValidationError) as caught:
        cells.parse_date(value, today=TODAY)
    assert caught.value.code == "date_format"


def test_excel_serial_days_from_1950_are_dates():
    assert cells.parse_date(18264.0, today=TODAY) == datetime.date(1950, 1, 1)
    assert cells.parse_date(46027, today=TODAY) == datetime.date(2026, 1, 5)


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


# --- 5. instructions first, hidden sheets ------------------------------------------------------


def test_data_on_the_second_sheet_after_instructions():
    """Finding 5: a first sheet "填表说明"."""
    data = _book(
        ("填表说明", [["1. 带*为必填项"], ["2. 身份证号请设为文本"]]),
        ("花名册", [HEADER, member_row(1), member_row(2, **{"手机号": "12"})]),
    )
    result = _check("a.xlsx", data)
    assert _codes(result) == [(3, "手机号", "phone_format")]


def test_a_hidden_first_sheet_is_skipped_even_with_a_header():
    """Finding 5: a hidden "字典" sheet first (here with a header row of its own, which a clerk
    never sees)."""
    data = _book(
        ("字典", [HEADER, member_row(9)]),
        ("会员", [HEADER, member_row(1)]),
        hidden=("字典",),
    )
    result = _check("a.xlsx", data)
    assert result.errors == [] and [row.name for row in result.valid] == ["张一"]


def test_no_sheet_with_the_header_names_the_sheets_looked_at():
    data = _book(
        ("填表说明", [["说明"]]),
        ("字典", [HEADER]),
        ("Sheet2", [["姓名", "手机号", "工作单位"], ["张三", "139", "厂"]]),
        hidden=("字典",),
    )
    with pytest.raises(ValidationError) as caught:
        rules.iter_table("a.xlsx", data)
    message = caught.value.messages[0]
    assert caught.value.code == "missing_columns" and "身份证号" in message
    assert "“填表说明”、“Sheet2”" in message and "字典" not in message


def test_an_empty_workbook_is_still_empty():
    with pytest.raises(ValidationError) as caught:
        rules.iter_table("a.xlsx", _book(("Sheet1", []), ("Sheet2", [[None]])))
    assert caught.value.code == "file_empty"


@pytest.fixture
def small_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """A head of 3 rows, taken from sheets of any size, the header looked for in it."""
    monkeypatch.setattr(workbook, "HEAD_ROWS", 3)
    monkeypatch.setattr(workbook, "HEAD_MIN_BYTES", 0)
    monkeypatch.setattr(headers, "HEADER_SEARCH_ROWS", 2)


def test_the_head_path_reads_the_second_sheet(small_head: None):
    rows = [HEADER, *(member_row(n) for n in range(1, 9))]
    data = _book(("填表说明", [["说明"]]), ("会员", rows))
    assert workbook.head_workbook(data, 3, 1) is not None  # the head of the second sheet
    whole = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(1)
    assert rules.read_table("a.xlsx", data) == whole.to_python(skip_empty_area=False)
    assert len(_check("a.xlsx", data).valid) == 8


# --- 6. merged cells ---------------------------------------------------------------------------


def _merged_employer_book(rows: int, merged: tuple[int, int]) -> bytes:
    """``rows`` members under the header, the 工作单位 cell merged over data rows ``merged``
    (1-based, inclusive) and written in its first row only."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    column = HEADER.index("工作单位")
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, member_row(n, employer=""))
    first, last = merged
    sheet.merge_range(first, column, last, column, "银川顺达快递有限公司")
    book.close()
    return buffer.getvalue()


def test_a_vertically_merged_employer_fills_its_rows():
    """Finding 6: 工作单位 merged over several rows read as empty (required)."""
    result = _check("a.xlsx", _merged_employer_book(5, (2, 5)))
    assert _codes(result) == [(2, "工作单位", "required")]  # row 2 is outside the merge
    assert {row.employer_name for row in result.valid} == {"银川顺达快递有限公司"}
    assert len(result.valid) == 4


def test_merged_cells_in_the_head_and_across_its_end(small_head: None):
    """The head holds the sheet's merged ranges too, and a range running past the head goes
    on filling the rows that come from the whole sheet."""
    data = _merged_employer_book(8, (1, 6))
    assert workbook.head_workbook(data, 3) is not None
    result = _check("a.xlsx", data)
    assert _codes(result) == [(8, "工作单位", "required"), (9, "工作单位", "required")]
    assert [row.row for row in result.valid] == [2, 3, 4, 5, 6, 7]


def test_merge_fill_keeps_a_cell_that_has_a_value():
    rows = [["a", ""], ["", "x"], ["", ""]]
    filled = list(workbook._merged_filled(iter(rows), [((0, 0), (2, 1))]))
    assert filled == [["a", "a"], ["a", "x"], ["a", "a"]]


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


# --- 8. header synonyms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header_text", "field"),
    [
        ("公民身份证号码", "id_number"),
        ("联系手机", "phone"),
        ("工作单位名称", "employer_name"),
        ("【工作单位】", "employer_name"),
        ("身份证号码（18位）", "id_number"),
        ("会员身份证件号", "id_number"),
        ("本人手机号", "phone"),
        ("现工作单位", "employer_name"),
        ("职工姓名（必填）", "name"),
    ],
)
def test_header_synonyms_and_words_in_headers(header_text, field):
    """Finding 8."""
    header = ["姓名", "身份证号", "手机号", "工作单位"]
    index = {"name": 0, "id_number": 1, "phone": 2, "employer_name": 3}[field]
    header[index] = header_text
    assert headers.map_headers(header).columns[field] == index


@pytest.mark.parametrize(
    "header_text",
    ["单位地址", "单位统一社会信用代码号", "紧急联系人手机", "身份证住址", "单位联系电话"],
)
def test_headers_naming_something_else_are_not_taken(header_text):
    header = ["姓名", "身份证号", "手机号", "工作单位", header_text]
    mapped = headers.map_headers(header)
    assert 4 not in [mapped.columns[name] for name in ("id_number", "phone", "employer_name")]


def test_a_header_names_one_field_and_a_field_takes_one_column():
    mapped = headers.map_headers(["姓名", "身份证号", "手机号", "单位信用代码", "单位名称", "单位"])
    assert mapped.columns["credit_code"] == 3 and mapped.columns["employer_name"] == 4
    assert len(set(mapped.columns.values())) == len(mapped.columns)


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


# --- 11. column labels -------------------------------------------------------------------------


def test_labels_in_messages_lose_stars_and_line_breaks():
    """Finding 11: "“姓名*”为必填项", "身份证号\\n（必填）"."""
    header = ["姓名*", "身份证号\n（必填）", " 手机号＊ ", "工作单位*"]
    row = ["", "6401", "13900000001", "某厂"]
    result = rules.parse_table([header, row], today=TODAY)
    assert _codes(result) == [(2, "姓名", "required"), (2, "身份证号（必填）", "id_format")]
    assert result.errors[0].message == "“姓名”为必填项。"


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


def test_merged_ranges_found_after_the_rows_are_calamines():
    """The head's merged ranges come from the sheet's XML, read apart: the same as calamine's
    for the whole sheet, wide columns and single rows included."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.merge_range(1, 0, 2, 1, "a")
    sheet.merge_range(4, 26, 8, 27, "b")
    sheet.merge_range(9, 3, 9, 700, "c")
    book.close()
    data = buffer.getvalue()
    whole = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert sorted(workbook.merged_ranges(data, 0) or []) == sorted(whole.merged_cell_ranges)
    assert workbook.merged_ranges(xlsx_bytes([member_row(1)]), 0) == []


def test_without_its_merged_ranges_the_head_is_not_used(small_head, monkeypatch):
    """A sheet whose merged ranges cannot be found apart (a tail over the limit): every row
    comes from the whole sheet, merged cells filled by calamine's ranges."""
    monkeypatch.setattr(workbook, "_TAIL_BYTES", 0)
    monkeypatch.setattr(workbook, "_TAIL_BLOCK", 16)
    data = _merged_employer_book(8, (1, 6))
    assert workbook.merged_ranges(data, 0) is None
    result = _check("a.xlsx", data)
    assert [row.row for row in result.valid] == [2, 3, 4, 5, 6, 7]
