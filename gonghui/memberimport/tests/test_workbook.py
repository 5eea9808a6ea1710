"""Reading a workbook's first sheet with its first rows early (memberimport.workbook): the rows
are the ones calamine gives for the whole sheet, whatever the layout."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import translation
from python_calamine import CalamineWorkbook

from gonghui.memberimport import headers, rules, services, workbook
from gonghui.memberimport.tests.factories import HEADER, member_row, rewritten


@pytest.fixture
def small_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """A head of 3 rows, taken from sheets of any size."""
    monkeypatch.setattr(workbook, "HEAD_ROWS", 3)
    monkeypatch.setattr(workbook, "HEAD_MIN_BYTES", 0)


def test_the_head_holds_the_header_and_whole_chunks() -> None:
    """The importer's second chunk must not wait for the whole sheet for its last row."""
    assert workbook.HEAD_ROWS == 1 + 2 * services.CHUNK


def _book(rows: list[tuple[int, int, list]], *, second_sheet: bool = False) -> bytes:
    """An XLSX with shared strings, as Excel writes them, with each (row, column, values) placed
    from that 1-based cell to the right."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("会员")
    for row, column, values in rows:
        for offset, value in enumerate(values):
            sheet.write(row - 1, column - 1 + offset, value)
    if second_sheet:
        book.add_worksheet("说明").write_row(0, 0, ["第二个工作表", 1])
    book.close()
    return buffer.getvalue()


def _whole(data: bytes) -> list[list]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return sheet.to_python(skip_empty_area=False)


LAYOUTS = {
    "from A1": [(1, 1, HEADER)] + [(n, 1, member_row(n)) for n in range(2, 12)],
    # The head's first used column is C; a later row uses A: the columns must still line up.
    "from C3, a later row from A": [(3, 3, HEADER)]
    + [(n, 3, member_row(n)) for n in range(4, 10)]
    + [(11, 1, ["备注", "", *member_row(11)])],
    "dates, numbers and gaps": [(1, 1, HEADER)]
    + [(2, 1, [*member_row(2)[:8], datetime.datetime(2026, 1, 5)])]
    + [(4, 1, [*member_row(4)[:2], 13900000004, *member_row(4)[3:]])]
    + [(n, 1, member_row(n)) for n in range(8, 14)],
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_head_first_rows_are_the_whole_sheets_rows(small_head: None, layout: str) -> None:
    data = _book(LAYOUTS[layout], second_sheet=True)
    assert workbook.head_workbook(data, workbook.HEAD_ROWS) is not None  # the head path ran
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_the_head_holds_only_the_first_rows_of_the_first_sheet(small_head: None) -> None:
    data = _book(LAYOUTS["from A1"], second_sheet=True)
    head = CalamineWorkbook.from_filelike(io.BytesIO(workbook.head_workbook(data, 3) or b""))
    assert head.get_sheet_by_index(0).to_python() == _whole(data)[:3]
    assert head.get_sheet_by_index(1).to_python() == []
    # Only the shared strings up to the last one the head's cells name.
    strings = zipfile.ZipFile(io.BytesIO(workbook.head_workbook(data, 3) or b"")).read(
        "xl/sharedStrings.xml"
    )
    table = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    assert 18 < strings.count(b"</si>") < table.count(b"</si>") and strings.endswith(b"</sst>")


def test_a_small_sheet_is_read_whole() -> None:
    data = _book(LAYOUTS["from A1"])
    assert workbook.head_workbook(data, 3) is None
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_a_sheet_with_fewer_rows_than_the_head_is_read_whole(small_head: None) -> None:
    data = _book([(1, 1, HEADER), (2, 1, member_row(2))])
    assert workbook.head_workbook(data, 3) is None
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_a_sheet_damaged_after_the_head_gives_the_file_message(
    small_head: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head's rows come first; the damage shows when the whole sheet is needed, as the
    platform's Chinese message for an unreadable file."""
    monkeypatch.setattr(headers, "HEADER_SEARCH_ROWS", 2)  # the header is looked for in the head
    data = rewritten(
        _book(LAYOUTS["from A1"]), "xl/worksheets/sheet1.xml", {b'<row r="9"': b'<row r="9"><c'}
    )
    rows = rules.iter_table("a.xlsx", data)
    assert next(rows)[:2] == ["姓名", "身份证号"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        list(rows)
    assert caught.value.code == "file_invalid" and "无法读取" in caught.value.messages[0]


def test_a_prefixed_namespace_takes_the_whole_sheet_path(small_head: None) -> None:
    """Some tools write every tag with a prefix (<x:row>): no row tag would match."""
    source = zipfile.ZipFile(io.BytesIO(_book(LAYOUTS["from A1"])))
    xml = source.read("xl/worksheets/sheet1.xml")
    prefixed = re.sub(rb"<(/?)(?![?!])", rb"<\1x:", xml).replace(b"xmlns=", b"xmlns:x=")
    data = rewritten(_book(LAYOUTS["from A1"]), "xl/worksheets/sheet1.xml", {xml: prefixed})
    assert b"<x:row " in prefixed and b"<row" not in prefixed
    assert workbook.head_workbook(data, 3) is None


def test_tags_cut_by_the_decompression_blocks_are_found(
    small_head: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "_BLOCK", 7)
    data = _book(LAYOUTS["from A1"])
    head = CalamineWorkbook.from_filelike(io.BytesIO(workbook.head_workbook(data, 3) or b""))
    assert head.get_sheet_by_index(0).to_python() == _whole(data)[:3]


def test_rows_without_numbers_follow_the_one_before(small_head: None) -> None:
    source = _book(LAYOUTS["from A1"])
    xml = zipfile.ZipFile(io.BytesIO(source)).read("xl/worksheets/sheet1.xml")
    unnumbered = re.sub(rb'<row r="\d+"', b"<row", xml)
    data = rewritten(source, "xl/worksheets/sheet1.xml", {xml: unnumbered})
    assert b'<row r="' not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert workbook.head_workbook(data, 3) is not None
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_rows_out_of_order_are_read_whole(small_head: None) -> None:
    """A row numbered before one already seen (not what Excel writes): the head would not be
    the whole sheet's first rows."""
    data = rewritten(
        _book(LAYOUTS["from A1"]), "xl/worksheets/sheet1.xml", {b'<row r="3"': b'<row r="30"'}
    )
    assert workbook.head_workbook(data, 5) is None
    assert workbook.head_workbook(data, 3) is None  # the row after the cut is checked too
    assert workbook.head_workbook(data, 2) is not None  # rows 1 and 2 come first either way
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_a_row_out_of_order_after_the_head_stops_the_read(
    small_head: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row numbered into the head, further down than the cut looks: the whole sheet then
    disagrees with rows already given, and the file is refused rather than read two ways."""
    monkeypatch.setattr(headers, "HEADER_SEARCH_ROWS", 2)  # the header is looked for in the head
    source = _book(LAYOUTS["from A1"])
    late = b'<row r="2"><c r="A2" t="inlineStr"><is><t>late</t></is></c></row>'
    data = rewritten(source, "xl/worksheets/sheet1.xml", {b"</sheetData>": late + b"</sheetData>"})
    assert workbook.head_workbook(data, 3) is not None
    assert _whole(data)[1][0] == "late" != _whole(source)[1][0]  # calamine: the late row wins
    rows = rules.iter_table("a.xlsx", data)
    assert next(rows)[:2] == ["姓名", "身份证号"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        list(rows)
    assert caught.value.code == "file_invalid"


def test_the_cut_stops_at_its_byte_limit(small_head: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet part that inflates far beyond a head (a zip bomb, or rows of megabytes) is not
    held in memory to find the head: the whole-sheet path decides."""
    monkeypatch.setattr(workbook, "_BLOCK", 64)
    monkeypatch.setattr(workbook, "_MAX_BYTES", 256)
    data = _book(LAYOUTS["from A1"])
    assert workbook.head_workbook(data, 3) is None
    assert list(workbook.first_sheet_rows(data)) == _whole(data)


def test_a_damaged_archive_takes_the_whole_sheet_path(small_head: None) -> None:
    data = _book(LAYOUTS["from A1"])
    position = data.index(b"xl/worksheets/sheet1.xml") + 200  # inside the sheet's deflate data
    damaged = data[:position] + bytes(64) + data[position + 64 :]
    assert workbook.head_workbook(damaged, 3) is None
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        list(rules.iter_table("a.xlsx", damaged))
    assert caught.value.code == "file_invalid"
