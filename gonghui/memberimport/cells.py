"""Cells of an import file: as text, blank or not, unwrapped, names and dates (pure, no ORM)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole floats lose their ``.0`` (phones stored as numbers)."""
    if type(value) is str:  # the common case first: this runs ~10 times a row
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def row_is_blank(row: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def unwrap_cell(text: str) -> str:
    """The text of a cell written so that Excel would keep it as text: '640104… (a typed
    apostrophe) or ="640104…" (a formula, the CSV trick); other text as it is."""
    if text.startswith('="') and text.endswith('"') and len(text) > 2:
        return text[2:-1].strip()
    if text.startswith("'"):
        return text[1:].strip()
    return text


# What a footer under the data starts with (填表人、审核人、合计...). No name holds a colon.
_FOOTER_WORDS = ("合计", "总计", "填表", "制表", "审核", "说明", "备注")


def is_footer(text: str) -> bool:
    """Does a name cell (of a row without ID number or phone) hold a footer, not a name?"""
    return ":" in text or "：" in text or text.startswith(_FOOTER_WORDS)


_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# The earliest date a number is taken for as an Excel serial day: a bare 2026 in a date column
# would otherwise be 1905-07-18, stored without a word. No one joining now joined earlier.
EXCEL_DATE_FLOOR = datetime.date(1950, 1, 1)
_SERIAL_FLOOR = (EXCEL_DATE_FLOOR - _EXCEL_EPOCH).days
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(value: Any, *, today: datetime.date) -> datetime.date:
    """Excel dates (cells or serial numbers), 2026-01-05, 2026/1/5, 2026年1月5日, 20260105.

    An empty cell means today; a date after today is refused (codes date_format, date_future),
    and so is a number that would be an Excel serial day before ``EXCEL_DATE_FLOOR`` (a year
    written alone, a count).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    result: datetime.date | None = None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_FLOOR <= value < 2958466:  # an Excel serial day number
            result = _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        elif float(value).is_integer():
            result = _match_date(str(int(value)))
    else:
        result = _match_date(str(value).strip())
    if result is None:
        raise ValidationError(
            _("Not a date; write it as 2026-01-05, 2026/1/5, 2026年1月5日 or 20260105."),
            code="date_format",
        )
    if result > today:
        raise ValidationError(_("The date joined cannot be after today."), code="date_future")
    return result


def _match_date(text: str) -> datetime.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(group) for group in match.groups()))
            except ValueError:
                return None
    return None
