"""The files union clerks really have: a title above the header, instructions and hidden sheets,
merged cells, landline and mobile columns, footers and numbered empty rows, apostrophes and
stars (each test names the reviewer's finding it covers)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from python_calamine import CalamineWorkbook

from gonghui.memberimport import files, rules
from gonghui.memberimport.tests.factories import HEADER, csv_bytes, member_row, xlsx_bytes

TODAY = datetime.date(2026, 3, 2)


def _check(name: str, data: bytes) -> rules.ParseResult:
    return rules.parse_table(rules.iter_table(name, data), today=TODAY)


def _codes(result: rules.ParseResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


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


# --- 9. the template ---------------------------------------------------------------------------


def test_the_templates_example_row_passes():
    """Finding 9: its example ID had a wrong check digit."""
    result = _check("template.xlsx", files.template_xlsx())
    assert result.errors == [] and result.valid[0].name == "张宏伟"


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
