"""The first sheet of an uploaded workbook, row by row, with the first rows early.

python-calamine (Rust, ~10× openpyxl) parses a whole sheet before it gives the first row: ~0.7 s
for a 100k-row sheet, during which an import would have nothing to check or store. So for a
large sheet the first ``HEAD_ROWS`` rows are cut from the sheet's XML into a small workbook of
their own (the same styles and date system, the shared strings those rows name), which calamine
reads in ~0.1 s, while the whole sheet loads in a thread: calamine releases the GIL for most of
its parse. Every row still comes from calamine, so a cell reads the same either way. Anything
unusual about the file (an XLS, XLSB or ODS file, a part missing or damaged, tags with a
namespace prefix, rows out of order) simply takes the whole-sheet path.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

from defusedxml import ElementTree
from python_calamine import CalamineSheet, CalamineWorkbook

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
_MAX_BYTES = 64 << 20
_SHARED_STRINGS = "xl/sharedStrings.xml"
_STRING_REF = re.compile(rb"""<c\s[^>]*\bt=["']s["'][^>]*>\s*<v>(\d+)</v>""")
_STRING_END = re.compile(rb"</si>|<si\s*/>")


def first_sheet_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of the workbook's first sheet, each starting at column A (calamine's own
    errors for a damaged file: raised here when the file is not a workbook at all, while
    iterating when a part of the sheet is broken)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    if not workbook.sheet_names:
        raise ValueError("the workbook has no sheets")
    head = head_workbook(data, HEAD_ROWS)
    if head is None:
        return _rows(workbook.get_sheet_by_index(0))
    return _head_first(head, _in_thread(workbook.get_sheet_by_index, 0))


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


def _head_first(head: bytes, whole: Future[CalamineSheet]) -> Iterator[list[Any]]:
    given: list[int] = []  # a fingerprint of each row given from the head
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(head)).get_sheet_by_index(0)
    except Exception:  # the cut did not parse: the whole sheet gives every row
        sheet = None
    del head  # the small workbook's bytes and, once its rows are read, the head itself: freed
    if sheet is not None:  # before the whole sheet is, not held for the rest of the import
        for row in _rows(sheet):
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


def _rows(sheet: CalamineSheet) -> Iterator[list[Any]]:
    # calamine starts each row at the sheet's first used column; empty cells in front keep the
    # column positions Excel shows (a sheet's first used column may differ from its head's).
    padding = [""] * (sheet.start[1] if sheet.start else 0)
    for row in sheet.iter_rows():
        yield padding + row if padding else row


def head_workbook(data: bytes, rows: int) -> bytes | None:
    """An XLSX of the same workbook whose first sheet holds only its first ``rows`` rows (the
    other sheets empty), or None when the sheet is small or the file not a plain XLSX."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _worksheet_parts(archive)
            if not sheets or archive.getinfo(sheets[0]).file_size < HEAD_MIN_BYTES:
                return None
            xml = _cut(archive, sheets[0], rows)
            if xml is None:
                return None
            strings = _strings_used(archive, xml)
            out = io.BytesIO()
            # Stored, not compressed: the small workbook lives for a moment, in memory.
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as head:
                for item in archive.infolist():
                    if item.filename == sheets[0]:
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
