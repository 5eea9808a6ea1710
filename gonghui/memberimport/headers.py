"""Headers of an import file: which column holds which field, and which row is the header
(pure, no ORM). Clerks' files put a title, notes or the upper level of a two-level header above
it, name columns in many ways and add columns of their own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.memberimport.cells import cell_text, row_is_blank

# Canonical field → the header texts seen in real files (after _clean_header), best first: when
# two columns name the same field, the one whose header comes earlier here wins (a mobile
# column over a landline "联系电话" column, whatever their order in the file).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "会员姓名", "职工姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "居民身份证号码",
        "身份证",
        "证件号码",
    ),
    "phone": (
        "手机号",
        "手机",
        "手机号码",
        "联系手机",
        "移动电话",
        "联系电话",
        "电话",
        "联系方式",
    ),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "employer_name": ("工作单位", "单位名称", "工作单位名称", "所在单位", "用人单位", "单位"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "单位信用代码"),
    "occupation": ("职业", "工种", "岗位", "职业类别"),
    "joined_on": ("入会日期", "入会时间"),
    "education": ("学历", "文化程度"),
}
# A header that is no synonym but contains one of these words names the field, unless it also
# contains one of the words after it ("单位地址" is no employer, "紧急联系人手机" no member's
# mobile). Checked in this order, so a header names one field only; any synonym beats them.
HEADER_CONTAINS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("credit_code", ("信用代码",), ()),
    ("id_number", ("身份证", "身份号码"), ("地址", "住址", "有效", "签发", "类型")),
    ("phone", ("手机",), ("联系人", "紧急", "家属", "单位", "负责人")),
    (
        "employer_name",
        ("单位",),
        ("代码", "地址", "电话", "性质", "类型", "行业", "联系人", "规模", "所在地", "邮编"),
    ),
    ("name", ("姓名",), ("联系人", "紧急", "家属", "配偶", "监护人", "负责人", "填表")),
    ("joined_on", ("入会日期", "入会时间"), ()),
    ("education", ("学历",), ()),
    ("occupation", ("职业", "工种"), ("资格", "证书")),
)
REQUIRED_FIELDS = ("name", "id_number", "phone", "employer_name")
# The header is looked for among this many non-blank rows at the top of a sheet: title rows,
# notes and the upper level of a two-level header come before it in clerks' files.
HEADER_SEARCH_ROWS = 20
# The template's header row: the first synonym of each field, required ones starred.
TEMPLATE_FIELDS = (
    "name",
    "id_number",
    "phone",
    "sex",
    "ethnicity",
    "employer_name",
    "credit_code",
    "occupation",
    "joined_on",
)
FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("Mobile phone"),
    "sex": gettext_lazy("Sex"),
    "ethnicity": gettext_lazy("Ethnicity"),
    "employer_name": gettext_lazy("Employer"),
    "credit_code": gettext_lazy("Credit code"),
    "occupation": gettext_lazy("Occupation"),
    "joined_on": gettext_lazy("Date joined"),
    "education": gettext_lazy("Education"),
}

# Header text → (field, rank): the lower the rank, the better the column for its field.
_SYNONYM_INDEX = {
    text: (name, rank) for name, texts in HEADER_SYNONYMS.items() for rank, text in enumerate(texts)
}
_CONTAINS_RANK = 100  # below every synonym
# "姓名*", "身份证号（必填）", "手机号(选填)", "  手机 ": marks and notes around the name itself.
_HEADER_MARKS = re.compile(r"[*＊:：\s\u3000]")
_HEADER_NOTE = re.compile(r"[（(【\[].*?[）)】\]]")
_HEADER_BRACKETS = re.compile(r"[（()）【】\[\]]")
# What a column's label in messages leaves out of its header text: stars and line breaks.
_LABEL_MARKS = re.compile(r"[*＊\r\n]")


def _clean_header(text: Any) -> str:
    """The header's words without marks and notes; a header that is only a note in brackets
    ("【工作单位】") keeps the words inside them."""
    marked = _HEADER_MARKS.sub("", cell_text(text))
    return _HEADER_NOTE.sub("", marked) or _HEADER_BRACKETS.sub("", marked)


def column_label(text: Any) -> str:
    """A column as messages and reports name it: its header text without stars, line breaks
    and surrounding spaces ("身份证号\\n（必填）*" → "身份证号（必填）")."""
    return _LABEL_MARKS.sub("", cell_text(text)).strip()


def template_header() -> list[str]:
    return [
        HEADER_SYNONYMS[name][0] + ("*" if name in REQUIRED_FIELDS else "")
        for name in TEMPLATE_FIELDS
    ]


def header_field(text: Any) -> tuple[str, int] | None:
    """The field a header names and how well (rank, lower is better): a synonym, else the
    first rule of ``HEADER_CONTAINS`` that the header meets; None for other columns."""
    cleaned = _clean_header(text)
    if not cleaned:
        return None
    exact = _SYNONYM_INDEX.get(cleaned)
    if exact is not None:
        return exact
    for rank, (name, words, unless) in enumerate(HEADER_CONTAINS, _CONTAINS_RANK):
        if any(word in cleaned for word in words) and not any(word in cleaned for word in unless):
            return name, rank
    return None


@dataclass(frozen=True)
class HeaderMap:
    """Which column holds which field, and the column's label (its header text, cleaned)."""

    columns: dict[str, int]
    labels: dict[str, str]

    def label(self, name: str) -> str:
        return self.labels.get(name) or HEADER_SYNONYMS[name][0]

    @property
    def missing(self) -> list[str]:
        """The required fields no column holds."""
        return [name for name in REQUIRED_FIELDS if name not in self.columns]

    @property
    def score(self) -> tuple[int, int]:
        """How well a row does as the header: required fields found, then fields found."""
        return len(REQUIRED_FIELDS) - len(self.missing), len(self.columns)


def match_headers(header: Sequence[Any]) -> HeaderMap:
    """The fields a row's cells name, without checking that the required ones are there.

    Each cell names one field at most; of several columns for one field the best-ranked
    header wins, the first of them on a tie.
    """
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    for index, text in enumerate(header):
        found = header_field(text)
        if found is not None:
            name, rank = found
            if name not in best or rank < best[name][0]:
                best[name] = (rank, index)
    return HeaderMap(
        {name: index for name, (_rank, index) in best.items()},
        {name: column_label(header[index]) for name, (_rank, index) in best.items()},
    )


def missing_columns_error(missing: Sequence[str], sheets: Sequence[str] = ()) -> ValidationError:
    """A required column missing: a file-level error (every row would fail the same way), which
    names the workbook's sheets that were looked at."""
    names = "、".join(HEADER_SYNONYMS[name][0] for name in missing)
    if sheets:
        message = _(
            "The file has no column for: %(names)s (sheets looked at: %(sheets)s). "
            "Please use the template's header row."
        ) % {"names": names, "sheets": "、".join(f"“{sheet}”" for sheet in sheets)}
    else:
        message = _(
            "The file has no column for: %(names)s. Please use the template's header row."
        ) % {"names": names}
    return ValidationError(message, code="missing_columns")


def map_headers(header: Sequence[Any]) -> HeaderMap:
    """Map a header row onto fields; columns in any order, unknown columns ignored.

    A missing required column is a file-level error: every row would fail the same way.
    """
    mapped = match_headers(header)
    if mapped.missing:
        raise missing_columns_error(mapped.missing)
    return mapped


def empty_error() -> ValidationError:
    return ValidationError(_("The file is empty."), code="file_empty")


def header_rows(rows: Iterator[list[Any]]) -> list[list[Any]]:
    """The rows the header is looked for in: up to the ``HEADER_SEARCH_ROWS``-th non-blank
    row, blank rows included (``rows`` is left just after them)."""
    head: list[list[Any]] = []
    found = 0
    for row in rows:
        head.append(row)
        if not row_is_blank(row):
            found += 1
            if found == HEADER_SEARCH_ROWS:
                break
    return head


def best_header(head: Sequence[list[Any]]) -> tuple[HeaderMap, int] | None:
    """The row of ``head`` that does best as the header (the most required columns, then the
    most columns; the first of equals) and its 0-based index; None when every row is blank.
    A title or a note above the header names a column or two at most, the upper level of a
    two-level header fewer than the header itself."""
    best: tuple[HeaderMap, int] | None = None
    for index, row in enumerate(head):
        if row_is_blank(row):
            continue
        header = match_headers(row)
        if best is None or header.score > best[0].score:
            best = (header, index)
    return best


def split_header(table: Iterable[list[Any]]) -> tuple[HeaderMap, int]:
    """Find the header among the first non-blank rows (``best_header``). Returns the map and
    its 0-based index: rows above it are not the file's data."""
    found = best_header(header_rows(iter(table)))
    if found is None:
        raise empty_error()
    header, index = found
    if header.missing:
        raise missing_columns_error(header.missing)
    return header, index
