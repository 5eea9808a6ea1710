"""A sheet of an uploaded workbook, row by row, merged cells filled, with the first rows early.

python-calamine (Rust, ~10× openpyxl) parses a whole sheet before it gives the first row: ~0.7 s
for a 100k-row sheet, during which an import would have nothing to check or store. So for a
large sheet the first ``HEAD_ROWS`` rows are cut from the sheet's XML into a small workbook of
their own (the same styles and date system, the shared strings those rows name), which calamine
reads in ~0.1 s, while the whole sheet loads in a thread: calamine releases the GIL for most of
its parse. Every row still comes from calamine, so a cell reads the same either way; the head's
merged ranges, which Excel writes after the rows, are found by a second thread. Anything
unusual about the file (an XLS, XLSB or ODS file, a part missing or damaged, tags with a
namespace prefix, rows out of order) simply takes the whole-sheet path.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

from defusedxml import ElementTree
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

# Merged cell ranges: ((first row, first column), (last row, last column)), 0-based.
Ranges = list[tuple[tuple[int, int], tuple[int, int]]]

# The header row and two whole import chunks (services.CHUNK), enough for the importer to store
# while the rest of the sheet loads. One row short, the second chunk waited for the whole sheet
# for its last row: ~0.2 s of a 100k-row import.
HEAD_ROWS = 1 + 2 * 5_000
# Smaller sheets load in well under 0.1 s: not worth a second parse.
HEAD_MIN_BYTES = 2 << 20

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)
_ROW_TAG = re.compile(rb"<row((?:\s[^>]*)?)>")
_ROW_NUMBER = re.compile(rb"""\sr=["'](\d+)["']""")
_BLOCK = 1 << 18  # bytes decompressed at a time
_TAIL_BLOCK = 1 << 20  # bytes decompressed at a time on the way to the end of a sheet
_TAIL_PIECE = 1 << 18  # compressed bytes given to zlib at a time
_MAX_BYTES = 64 << 20
_SHARED_STRINGS = "xl/sharedStrings.xml"
_STRING_REF = re.compile(rb"""<c\s[^>]*\bt=["']s["'][^>]*>\s*<v>(\d+)</v>""")
_STRING_END = re.compile(rb"</si>|<si\s*/>")
_MERGE_CELLS = re.compile(rb"<mergeCells\b[^>]*?(?:/>|>.*?</mergeCells>)", re.DOTALL)
_MERGE_REF = re.compile(
    rb"""<mergeCell\s[^>]*?\bref=["']\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)["']"""
)
# A sheet part that inflates beyond this is not scanned to its end for its merged cells, nor
# one whose text after its rows is longer than this.
_MAX_SHEET_BYTES = 1 << 30
_TAIL_BYTES = 1 << 20


def open_workbook(data: bytes) -> CalamineWorkbook:
    """The uploaded workbook (calamine's own errors when it is not one, or has no sheet)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    if not workbook.sheet_names:
        raise ValueError("the workbook has no sheets")
    return workbook


def data_sheets(workbook: CalamineWorkbook) -> list[tuple[int, str]]:
    """The sheets a clerk sees, as (index, name) in the workbook's order: hidden sheets (lists
    of values for drop-downs, 字典) and chart sheets left out. All sheets if none is shown."""
    shown = [
        (index, sheet.name)
        for index, sheet in enumerate(workbook.sheets_metadata)
        if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
    ]
    return shown or list(enumerate(workbook.sheet_names))


def sheet_rows(workbook: CalamineWorkbook, data: bytes, index: int) -> Iterator[list[Any]]:
    """The rows of the workbook's sheet ``index``, each starting at column A, merged cells
    filled (calamine's own errors for a damaged file: raised here when the sheet cannot be
    read at all, while iterating when a part of it is broken). A large sheet's head comes
    first, while the whole sheet loads in a thread."""
    if not _large(data, index):
        return _rows(workbook.get_sheet_by_index(index))
    # The head's merged cells are filled as the whole sheet's are; Excel lists them after the
    # rows, so finding them means decompressing the whole sheet (~50 ms for 100k rows), which
    # a thread does (zlib releases the GIL) while the head is cut and read.
    merged = _in_thread(merged_ranges, data, index)
    head = head_workbook(data, HEAD_ROWS, index)
    if head is None:
        return _rows(workbook.get_sheet_by_index(index))
    whole = _in_thread(workbook.get_sheet_by_index, index)
    return _head_first(head, index, whole, merged)


def first_sheet_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of the workbook's first sheet (``sheet_rows``)."""
    return sheet_rows(open_workbook(data), data, 0)


def _in_thread(work: Callable[..., Any], *args: Any) -> Future:
    """``work(*args)`` in a thread of its own. Not a pool: a pool's thread does not survive
    the fork of ``bulk.produced_apart``, and the child would wait for it forever."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(work(*args))
        except BaseException as error:
            future.set_exception(error)

    threading.Thread(target=run, name="workbook-load", daemon=True).start()
    return future


def _head_first(
    head: bytes, index: int, whole: Future[CalamineSheet], merged: Future[Ranges | None]
) -> Iterator[list[Any]]:
    given: list[int] = []  # a fingerprint of each row given from the head
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(head)).get_sheet_by_index(index)
    except Exception:  # the cut did not parse: the whole sheet gives every row
        sheet = None
    ranges = merged.result()
    if ranges is None:  # the merged cells were not found: nor does the head give rows
        sheet = None
    del head  # the small workbook's bytes and, once its rows are read, the head itself: freed
    if sheet is not None:  # before the whole sheet is, not held for the rest of the import
        for row in _rows(sheet, ranges):
            given.append(_fingerprint(row))
            yield row
        del sheet
    # calamine gives a sheet's rows from row 1, empty ones included, so the whole sheet's rows
    # line up with the head's. They must also agree: a row numbered into the head further down
    # the sheet than the cut looked would otherwise be read two ways.
    rows = _rows(whole.result())
    for expected, row in zip(given, itertools.islice(rows, len(given)), strict=True):
        if _fingerprint(row) != expected:
            raise ValueError("the sheet's rows are not in order")
    yield from rows


def _fingerprint(row: list[Any]) -> int:
    # The cells as they are (text, numbers, dates): turning them into text first cost the read
    # ~15 MB more at its peak. Excel writes no NaN, the one value that would not match itself.
    return hash(tuple(row))


def _rows(sheet: CalamineSheet, merged: Ranges | None = None) -> Iterator[list[Any]]:
    """The sheet's rows from row 1, merged cells filled (``merged``: the sheet's own merged
    ranges, or those found for it when it is a head)."""
    # calamine starts each row at the sheet's first used column; empty cells in front keep the
    # column positions Excel shows (a sheet's first used column may differ from its head's).
    padding = [""] * (sheet.start[1] if sheet.start else 0)
    rows = sheet.iter_rows()
    if padding:
        rows = (padding + row for row in rows)
    if merged is None:
        merged = sheet.merged_cell_ranges
    return _merged_filled(rows, merged) if merged else rows


def _merged_filled(rows: Iterator[list[Any]], merged: Ranges) -> Iterator[list[Any]]:
    """The rows with each merged range's value in all of its cells: a clerk merges 工作单位 over
    the rows of one employer, and sees the name on each of them (calamine gives it only in the
    range's first cell). ``merged``: ((first row, first column), (last row, last column)),
    0-based, as calamine gives them."""
    starting: dict[int, list[tuple[int, int, int]]] = {}  # first row → (last row, columns)
    for (top, left), (bottom, right) in merged:
        if (top, left) != (bottom, right):
            starting.setdefault(top, []).append((bottom, left, right))
    filling: list[tuple[int, int, int, Any]] = []  # (last row, first and last column, value)
    for number, row in enumerate(rows):
        if number in starting:
            for bottom, left, right in starting.pop(number):
                value = row[left] if left < len(row) else ""
                if value != "" and value is not None:
                    filling.append((bottom, left, right, value))
        if filling:
            for _bottom, left, right, value in filling:
                if len(row) <= right:
                    row = row + [""] * (right + 1 - len(row))
                for column in range(left, right + 1):
                    if row[column] == "" or row[column] is None:
                        row[column] = value
            filling = [fill for fill in filling if fill[0] > number]
        yield row


def _large(data: bytes, index: int) -> bool:
    """Is the workbook a plain XLSX whose sheet ``index`` is worth reading head first?"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _worksheet_parts(archive)[index]
            return archive.getinfo(part).file_size >= HEAD_MIN_BYTES
    except Exception:  # not a zip, a part missing...: the whole-sheet path reads it or says why
        return False


def head_workbook(data: bytes, rows: int, index: int = 0) -> bytes | None:
    """An XLSX of the same workbook whose sheet ``index`` holds only its first ``rows`` rows
    (the other sheets empty), or None when the sheet is small or the file not a plain XLSX."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _worksheet_parts(archive)
            part = sheets[index]
            if archive.getinfo(part).file_size < HEAD_MIN_BYTES:
                return None
            xml = _cut(archive, part, rows)
            if xml is None:
                return None
            strings = _strings_used(archive, xml)
            out = io.BytesIO()
            # Stored, not compressed: the small workbook lives for a moment, in memory.
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as head:
                for item in archive.infolist():
                    if item.filename == part:
                        head.writestr(item.filename, xml)
                    elif item.filename in sheets:
                        head.writestr(item.filename, _EMPTY_SHEET)
                    elif item.filename == _SHARED_STRINGS and strings is not None:
                        head.writestr(item.filename, strings)
                    else:
                        head.writestr(item.filename, archive.read(item.filename))
            return out.getvalue()
    except Exception:  # not a zip, a part missing, damaged XML or deflate data, an XML bomb...
        return None  # the whole-sheet path reads it or says why it cannot


def _worksheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The zip parts of the workbook's sheets in the workbook's order (the order calamine
    numbers them in)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")
    }
    parts = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts.append(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    return parts


def _cut(archive: zipfile.ZipFile, part: str, rows: int) -> bytes | None:
    """The sheet's XML up to its ``rows + 1``-th row, closed; None if it has no more rows.

    A row element holds only cells, whose text has ``<`` escaped, so the next ``<row`` is where
    the previous row ended. The head is the whole sheet's first rows only if the rows come in
    order (Excel writes them so; a row without a number follows the one before): a file that
    numbers them otherwise is read whole, and so is one whose tags carry a namespace prefix
    (``<x:row>``), where no row tag matches.
    """
    found = last = 0
    for buffer, match in _matches(archive, part, _ROW_TAG):
        numbered = _ROW_NUMBER.search(match.group(1))
        number = int(numbered.group(1)) if numbered else last + 1
        if number <= last:
            return None
        found, last = found + 1, number
        if found > rows:
            return bytes(buffer[: match.start()]) + b"</sheetData></worksheet>"
    return None


def merged_ranges(data: bytes, index: int) -> Ranges | None:
    """The merged ranges of the workbook's sheet ``index`` as calamine gives them, from the
    sheet's ``<mergeCells>`` element, which Excel writes after the rows; None when the part
    cannot be read this way, inflates beyond ``_MAX_SHEET_BYTES`` or its text after the rows
    is over ``_TAIL_BYTES`` (the whole sheet decides)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(_worksheet_parts(archive)[index])
        tail: deque[bytes] = deque()  # the last blocks, at least _TAIL_BYTES of them
        kept = scanned = 0
        for block in _inflated(data, info):
            tail.append(block)
            kept += len(block)
            scanned += len(block)
            if scanned > _MAX_SHEET_BYTES:
                return None
            while kept - len(tail[0]) >= _TAIL_BYTES:
                kept -= len(tail.popleft())
    except Exception:  # damaged deflate data, a part missing...
        return None
    text = b"".join(tail)
    end = text.rfind(b"</sheetData>")
    if end < 0:
        return None
    element = _MERGE_CELLS.search(text, end)
    if element is None:
        return []
    return [
        ((int(top) - 1, _column(left)), (int(bottom) - 1, _column(right)))
        for left, top, right, bottom in _MERGE_REF.findall(element.group(0))
    ]


def _inflated(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A zip part's bytes a block at a time, straight from the archive's deflate data: zipfile
    would also compute its CRC (~15 ms for 100k rows); calamine checks the part anyway."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise ValueError("no local file header")
    name, extra = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name + extra
    compressed = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(compressed), _TAIL_BLOCK):
            yield bytes(compressed[at : at + _TAIL_BLOCK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError("not deflated")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    # A small piece of input at a time, so that what is left of it (copied at each call) stays
    # small; at most _TAIL_BLOCK bytes out of each call, however well the piece inflates.
    for at in range(0, len(compressed), _TAIL_PIECE):
        piece: bytes | memoryview = compressed[at : at + _TAIL_PIECE]
        while piece and not inflater.eof:
            block = inflater.decompress(piece, _TAIL_BLOCK)
            piece = inflater.unconsumed_tail
            if block:
                yield block


def _column(letters: bytes) -> int:
    """A column's 0-based index from its letters (A → 0, AA → 26)."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _strings_used(archive: zipfile.ZipFile, xml: bytes) -> bytes | None:
    """The shared-string table up to the last string the head's cells name, closed (a 100k-row
    file's table holds ~300k strings, which calamine would otherwise read twice); None when the
    workbook has none or the table ends first."""
    if _SHARED_STRINGS not in archive.namelist():
        return None
    needed = max((int(ref.group(1)) for ref in _STRING_REF.finditer(xml)), default=0) + 1
    for found, (buffer, match) in enumerate(_matches(archive, _SHARED_STRINGS, _STRING_END), 1):
        if found == needed:
            return bytes(buffer[: match.end()]) + b"</sst>"
    return None


def _matches(
    archive: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes]
) -> Iterator[tuple[bytearray, re.Match[bytes]]]:
    """Each match of ``pattern`` in a zip part with the bytes read so far, decompressing only as
    far as the caller goes, and no further than ``_MAX_BYTES`` (a head is a few MB; a part that
    inflates without end is left to the whole-sheet path)."""
    buffer = bytearray()
    scanned = 0
    with archive.open(part) as stream:
        while len(buffer) < _MAX_BYTES and (block := stream.read(_BLOCK)):
            buffer += block
            for match in pattern.finditer(buffer, scanned):
                scanned = match.end()
                yield buffer, match
            # A tag cut off by the block's end is matched in the next pass.
            tail = buffer.rfind(b"<", scanned)
            scanned = tail if tail >= 0 else len(buffer)
