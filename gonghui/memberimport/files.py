"""Files of mass enrolment: the kept upload (encrypted), the template and the error report."""

from __future__ import annotations

import hashlib
import io
import os
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

from gonghui.core.excel import escape_formula
from gonghui.core.validators import id_check_character, looks_like_excel_number
from gonghui.memberimport.cells import cell_text
from gonghui.memberimport.headers import template_header

_NONCE = 12
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The template's example: a man born 1990-03-07 in 兴庆区, 银川.
EXAMPLE_ID_BODY = "64010419900307123"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal(data: bytes) -> bytes:
    """AES-GCM with the personal-data key: an uploaded file holds ID numbers and phones."""
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(settings.GONGHUI_PII_KEY).encrypt(nonce, data, b"memberimport")


def unseal(blob: bytes) -> bytes:
    blob = bytes(blob)
    return AESGCM(settings.GONGHUI_PII_KEY).decrypt(blob[:_NONCE], blob[_NONCE:], b"memberimport")


def template_xlsx() -> bytes:
    """The import template: the header row, one example row, ID and phone columns as text."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Members"))
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    header = template_header()
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
        # Text format on the ID, phone and credit-code columns: Excel keeps every digit.
        sheet.set_column(column, column, 22 if column in (1, 5, 6) else 14, text)
    example = [
        "张宏伟",
        EXAMPLE_ID_BODY + id_check_character(EXAMPLE_ID_BODY),
        "13895012345",
        "男",
        "汉族",
        "银川某某快递有限公司",
        "",
        "快递员",
        "2026-01-05",
    ]
    for column, value in enumerate(example):
        sheet.write_string(1, column, value, text)
    notes = book.add_worksheet(_("Instructions"))
    lines = [
        _("Columns marked * are required; other columns may be left empty or removed."),
        _("Columns may be in any order; extra columns are ignored; blank rows are skipped."),
        _("Dates: 2026-01-05, 2026/1/5, 2026年1月5日, 20260105 or an Excel date; empty = today."),
        _("Keep the ID number column formatted as text so Excel does not destroy the digits."),
        _("Replace the example row with your members before uploading."),
    ]
    for row, line in enumerate(lines):
        notes.write_string(row, 0, line)
    notes.set_column(0, 0, 90)
    book.close()
    return buffer.getvalue()


def error_report_xlsx(
    table: list[list[Any]], header_index: int, errors: Iterable[dict[str, Any]]
) -> bytes:
    """The rows that had problems, as uploaded, plus a column saying what to fix.

    Every cell is written as text (formulas escaped), so the file can be corrected and uploaded
    again as it is.
    """
    import xlsxwriter

    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        by_row[int(error["row"])].append(f"{error['column']}：{error['message']}")
    rows = [
        (number, table[number - 1] if 0 < number <= len(table) else []) for number in sorted(by_row)
    ]
    header = [cell_text(value) for value in table[header_index]]
    # The widest row decides where the problems go: a row with cells past the header's last
    # column (a ragged CSV line) keeps them, and the problems stay in one labelled column.
    width = max([len(header), *(len(cells) for _number, cells in rows)])
    header += [""] * (width - len(header))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("Rows to fix"))
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    for column, title in enumerate([*header, _("Problems")]):
        sheet.write_string(0, column, str(escape_formula(title)), bold)
    for out, (number, cells) in enumerate(rows, 1):
        values = [shown_text(value) for value in cells]
        values += [""] * (width - len(values))
        for column, value in enumerate([*values, "；".join(by_row[number])]):
            sheet.write_string(out, column, str(escape_formula(value)), text)
    sheet.set_column(0, width, 18)
    book.close()
    return buffer.getvalue()


def shown_text(value: Any) -> str:
    """A cell as the file showed it: a number too long for Excel to keep (an ID number typed
    into a number cell) as Excel shows it, 6.40104E+17, not as 18 digits that were never in
    the file; anything else as ``cell_text``."""
    if type(value) is not str and looks_like_excel_number(value):
        mantissa, exponent = f"{value:.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
    return cell_text(value)
