"""Pure rules of mass enrolment (集中入会): row validation and file reading (headers in
``headers``, cells and dates in ``cells``).

No ORM here: the services feed rows in and get typed results out, so the same checks run for a
single form, a 5-row CSV and a 100k-row workbook, and they are cheap (a few microseconds a row).
Row numbers are spreadsheet row numbers (the header is row 1 when it is the first line; a title
above it moves it down), columns are named by their header text as it stood in the file without
stars and line breaks, messages are translated (zh-hans).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import (
    looks_like_excel_number,
    normalise_person_name,
    normalise_phone,
    normalise_uscc,
    parse_resident_id,
)
from gonghui.memberimport.cells import cell_text, is_footer, parse_date, unwrap_cell
from gonghui.memberimport.headers import (
    HEADER_SYNONYMS,
    REQUIRED_FIELDS,
    HeaderMap,
    best_header,
    empty_error,
    header_rows,
    missing_columns_error,
    split_header,
)
from gonghui.memberimport.workbook import data_sheets, open_workbook, sheet_rows
from gonghui.members.rules import MIN_MEMBER_AGE, below_member_age

_SEX_VALUES = {"男": "M", "男性": "M", "M": "M", "MALE": "M", "女": "F", "女性": "F", "F": "F"}
_SEX_VALUES["FEMALE"] = "F"


# Occupation and education as written in files → the registry's stored values.
OCCUPATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "truck_driver": ("货车司机", "货车驾驶员", "卡车司机"),
    "ride_hailing_driver": ("网约车驾驶员", "网约车司机", "网约车"),
    "courier": ("快递员", "快递小哥", "快递"),
    "delivery_rider": ("外卖配送员", "外卖骑手", "外卖员", "骑手", "外卖送餐员"),
    "domestic_worker": ("家政服务员", "家政", "家政工"),
    "live_streamer": ("网络主播", "主播"),
    "security_guard": ("保安员", "保安"),
    "care_worker": ("护工", "护理员", "养老护理员"),
    "manager": ("管理人员", "负责人"),
    "professional": ("专业技术人员", "技术人员", "工程师"),
    "clerk": ("办事人员", "文员", "职员"),
    "service": ("商业服务人员", "服务员", "营业员", "销售"),
    "production": ("生产运输人员", "工人", "操作工", "生产工人", "司机"),
    "agriculture": ("农业生产人员", "农民工", "农民"),
    "teacher": ("教师", "老师"),
    "medical": ("医务人员", "医生", "护士"),
    "other": ("其他",),
}
EDUCATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "primary": ("小学", "小学及以下", "文盲"),
    "junior_high": ("初中",),
    "senior_high": ("高中",),
    "vocational": ("中专", "中职", "技校", "职高"),
    "college": ("大专", "专科"),
    "bachelor": ("本科", "大学本科", "学士"),
    "master": ("硕士", "研究生", "硕士研究生"),
    "doctor": ("博士", "博士研究生"),
}
_OCCUPATIONS = {text: code for code, texts in OCCUPATION_SYNONYMS.items() for text in texts}
_OCCUPATIONS.update({code: code for code in OCCUPATION_SYNONYMS})
_EDUCATION = {text: code for code, texts in EDUCATION_SYNONYMS.items() for text in texts}
_EDUCATION.update({code: code for code in EDUCATION_SYNONYMS})


def occupation_value(text: str) -> str:
    """An occupation cell → stored value; empty stays empty, an unknown one is "other"."""
    text = text.strip()
    if not text:
        return ""
    return _OCCUPATIONS.get(text) or _OCCUPATIONS.get(text.lower()) or "other"


def education_value(text: str) -> str:
    """An education cell → stored value; unknown or empty → "" (not recorded)."""
    return _EDUCATION.get(text.strip(), "")


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(slots=True)
class ValidRow:
    """One row that passed every file-level check, normalised and ready to store."""

    row: int
    name: str
    id_number: str
    birth_date: datetime.date
    sex: str
    division_code: str
    phone: str
    ethnicity: str
    employer_name: str
    credit_code: str
    occupation: str
    education: str
    joined_on: datetime.date


@dataclass
class ParseResult:
    header: HeaderMap
    valid: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    # Spreadsheet row numbers with at least one error, for the report and valid-only mode.
    error_rows: set[int] = field(default_factory=set)

    def add_error(self, error: RowError) -> None:
        self.errors.append(error)
        self.error_rows.add(error.row)


def _message(error: ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


def validate_rows(
    rows: Iterable[tuple[int, Sequence[Any]]],
    header: HeaderMap,
    *,
    today: datetime.date,
    occupation_of: Any = None,
    seen: dict[str, int] | None = None,
) -> ParseResult:
    """Check every row; ``rows`` yields (spreadsheet row number, cells). Blank rows are skipped.

    ``occupation_of`` maps the occupation cell's text onto the stored value; without it the text
    is kept as it is. Duplicates inside the file are flagged on the second and later rows,
    naming the first; ``seen`` (ID number → row) carries them over from earlier parts of the
    same file. Written as one flat loop: it runs 100k times per file.
    """
    result = ParseResult(header=header)
    label = {name: header.label(name) for name in HEADER_SYNONYMS}
    index = {name: header.columns.get(name, -1) for name in HEADER_SYNONYMS}
    i_name, i_id, i_phone = index["name"], index["id_number"], index["phone"]
    i_employer, i_sex, i_code = index["employer_name"], index["sex"], index["credit_code"]
    i_date, i_occupation = index["joined_on"], index["occupation"]
    i_ethnicity, i_education = index["ethnicity"], index["education"]
    # Employers' credit codes and join dates repeat across a file: check each distinct one once.
    code_cache: dict[str, tuple[str, ValidationError | None]] = {}
    date_cache: dict[Any, tuple[datetime.date, ValidationError | None]] = {}
    required_message = {
        name: _("%(column)s is required.") % {"column": label[name]} for name in REQUIRED_FIELDS
    }
    excel_message = _(
        "Excel stored this ID number as a number and lost its last digits; "
        "format the column as text and type the number again."
    )
    sex_message = _("Sex must be 男 or 女.")
    under_age_message = _("Under %(age)d years old on the date joined; cannot join the union.") % {
        "age": MIN_MEMBER_AGE
    }
    seen = {} if seen is None else seen
    valid = result.valid
    key_columns = (i_name, i_id, i_phone, i_employer, i_sex, i_code, i_occupation)
    for number, cells in rows:
        width = len(cells)
        values = [
            (value.strip() if type(value := cells[i]) is str else cell_text(value))
            if 0 <= i < width
            else ""
            for i in key_columns
        ]
        name_text, id_text, phone_text, employer_text, sex_text, code_text, occupation = values
        # A row with no name, ID number or phone holds no member: a blank row, a 序号 numbered
        # ahead, a date filled down past the data. Nor does a footer ("填表人：张三") in the
        # name column.
        if not (id_text or phone_text) and (not name_text or is_footer(name_text)):
            continue
        result.total += 1
        errors: list[RowError] = []
        try:
            name_text = normalise_person_name(name_text)
        except ValidationError as error:
            errors.append(RowError(number, label["name"], "name_format", error.messages[0]))
        if not (name_text and id_text and phone_text and employer_text):
            for text, field_name in (
                (name_text, "name"),
                (id_text, "id_number"),
                (phone_text, "phone"),
                (employer_text, "employer_name"),
            ):
                if not text:
                    errors.append(
                        RowError(
                            number, label[field_name], "required", required_message[field_name]
                        )
                    )
        parsed_id = None
        if id_text:
            raw_id = cells[i_id]
            if id_text[0] in "'=":
                raw_id = id_text = unwrap_cell(id_text)
            if looks_like_excel_number(raw_id):
                errors.append(
                    RowError(number, label["id_number"], "id_excel_number", excel_message)
                )
            else:
                try:
                    parsed_id = parse_resident_id(id_text, today=today)
                except ValidationError as error:
                    errors.append(
                        RowError(
                            number, label["id_number"], error.code or "id_format", _message(error)
                        )
                    )
        if parsed_id is not None:
            first = seen.get(parsed_id.number)
            if first is not None:
                errors.append(
                    RowError(
                        number,
                        label["id_number"],
                        "duplicate_in_file",
                        _("The same ID number is already on row %(row)d of this file.")
                        % {"row": first},
                    )
                )
            else:
                seen[parsed_id.number] = number
        phone = ""
        if phone_text:
            if phone_text[0] in "'=":
                phone_text = unwrap_cell(phone_text)
            try:
                phone = normalise_phone(phone_text)
            except ValidationError as error:
                errors.append(RowError(number, label["phone"], "phone_format", _message(error)))
        if sex_text and parsed_id is not None:
            sex = _SEX_VALUES.get(sex_text.upper())
            if sex is None:
                errors.append(RowError(number, label["sex"], "gender_mismatch", sex_message))
            elif sex != parsed_id.sex:
                errors.append(
                    RowError(
                        number,
                        label["sex"],
                        "gender_mismatch",
                        _("The sex does not match the ID number (which says %(sex)s).")
                        % {"sex": "男" if parsed_id.sex == "M" else "女"},
                    )
                )
        credit_code = ""
        if code_text:
            if code_text[0] in "'=":
                code_text = unwrap_cell(code_text)
            cached_code = code_cache.get(code_text)
            if cached_code is None:
                try:
                    cached_code = (normalise_uscc(code_text), None)
                except ValidationError as error:
                    cached_code = ("", error)
                code_cache[code_text] = cached_code
            credit_code, code_error = cached_code
            if code_error is not None:
                errors.append(
                    RowError(number, label["credit_code"], "uscc_invalid", _message(code_error))
                )
        joined_on = today
        if 0 <= i_date < width:
            raw_date = cells[i_date]
            cached_date = date_cache.get(raw_date)
            if cached_date is None:
                try:
                    cached_date = (parse_date(raw_date, today=today), None)
                except ValidationError as error:
                    cached_date = (today, error)
                date_cache[raw_date] = cached_date
            joined_on, date_error = cached_date
            if date_error is not None:
                errors.append(
                    RowError(
                        number,
                        label["joined_on"],
                        date_error.code or "date_format",
                        _message(date_error),
                    )
                )
        # Labour Law art. 15: no one under 16 joins as a worker (as for online joining). The
        # year test first: most people are years past it, and it costs less than the call.
        if (
            parsed_id is not None
            and parsed_id.birth_date.year >= joined_on.year - MIN_MEMBER_AGE
            and below_member_age(parsed_id.birth_date, joined_on)
        ):
            errors.append(RowError(number, label["id_number"], "under_age", under_age_message))
        if errors:
            for row_error in errors:
                result.add_error(row_error)
            continue
        if occupation and occupation_of is not None:
            occupation = occupation_of(occupation)
        assert parsed_id is not None
        valid.append(
            ValidRow(
                row=number,
                name=name_text,
                id_number=parsed_id.number,
                birth_date=parsed_id.birth_date,
                sex=parsed_id.sex,
                division_code=parsed_id.division_code,
                phone=phone,
                ethnicity=cell_text(cells[i_ethnicity])[:20] if 0 <= i_ethnicity < width else "",
                employer_name=employer_text[:150],
                credit_code=credit_code,
                occupation=occupation,
                education=cell_text(cells[i_education])[:20] if 0 <= i_education < width else "",
                joined_on=joined_on,
            )
        )
    return result


# --- files -------------------------------------------------------------------------------------

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def _file_error() -> ValidationError:
    return ValidationError(
        _(
            "The file cannot be read. Upload the filled-in template as an Excel workbook "
            "(.xlsx) or a CSV file."
        ),
        code="file_invalid",
    )


def read_table(file_name: str, data: bytes) -> list[list[Any]]:
    """The rows of ``iter_table`` as one list, for the error report, which needs them all."""
    return list(iter_table(file_name, data))


def iter_table(file_name: str, data: bytes) -> Iterator[list[Any]]:
    """The sheet of a workbook that holds the members, or a CSV file, row by row (row 1 first).

    A 100k-row sheet held as Python lists is ~100 MB; validation only needs one row at a time.
    Workbooks are read with python-calamine (Rust; ~10× openpyxl). CSV may be UTF-8 with or
    without a BOM, or GBK/GB18030 as saved by Chinese Excel. A file that is not a spreadsheet
    raises here, before the first row, and so does a workbook none of whose sheets has the
    header.
    """
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if f".{suffix}" in SPREADSHEET_SUFFIXES:
        return _workbook_rows(data)
    if suffix in ("csv", "txt"):
        return _csv_rows(data)
    raise ValidationError(
        _("Only Excel workbooks (.xlsx) and CSV files can be imported."), code="file_type"
    )


def _workbook_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of the first sheet a clerk sees (hidden ones skipped) whose header names every
    required column: a workbook often starts with instructions (填表说明) or a hidden list of
    values (字典). Of a sheet passed over, only the rows the header is looked for in are used
    (a large one's whole-sheet load, already started in its thread, is left to finish)."""
    try:
        book = open_workbook(data)
        sheets = data_sheets(book)
    except Exception:  # calamine raises several error types for damaged files
        raise _file_error() from None
    looked: list[str] = []
    best: HeaderMap | None = None
    for index, name in sheets:
        try:
            rows = _read(sheet_rows(book, data, index))
        except Exception:
            raise _file_error() from None
        head = header_rows(rows)
        looked.append(name)
        found = best_header(head)
        if found is None:
            continue
        header, _index = found
        if not header.missing:
            return itertools.chain(head, rows)
        if best is None or header.score > best.score:
            best = header
    if best is None:
        raise empty_error()
    raise missing_columns_error(best.missing, looked)


def _read(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The rows; damage met while reading them (a part of the sheet after its first rows) is
    the file's error, in its message."""
    try:
        yield from rows
    except Exception:
        raise _file_error() from None


def _decode(data: bytes) -> str:
    """UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 with or without a BOM, else GB18030
    (a superset of GBK, what Chinese Excel writes for "CSV")."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _file_error() from None
    if b"\x00" in data[:4096]:
        raise _file_error()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error()


# Lines of a CSV file whose separators decide which one the file uses.
_SNIFF_LINES = 10


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    # The delimiter is the one the first lines use most (comma, tab or semicolon), counted over
    # several lines: a title line above the header ("XX公司花名册") may hold none of them.
    lines = text[: 1 << 16].lstrip("\ufeff").split("\n")[:_SNIFF_LINES]
    delimiter = max(",\t;", key=lambda mark: sum(line.count(mark) for line in lines))
    return _csv_reader_rows(text, delimiter)


def _csv_reader_rows(text: str, delimiter: str) -> Iterator[list[Any]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise _file_error() from None


def parse_table(
    table: Iterable[list[Any]], *, today: datetime.date, occupation_of: Any = None
) -> ParseResult:
    """Find the header (``split_header``) and check every row after it."""
    header, numbered = _numbered_rows(table)
    return validate_rows(numbered, header, today=today, occupation_of=occupation_of)


def parse_chunks(
    table: Iterable[list[Any]], *, today: datetime.date, occupation_of: Any = None, size: int
) -> Iterator[ParseResult]:
    """``parse_table`` a part at a time: the results of ``size`` rows each (blank rows count),
    duplicates found across parts. An import writes one part while the next is checked."""
    header, numbered = _numbered_rows(table)
    seen: dict[str, int] = {}
    while part := list(itertools.islice(numbered, size)):
        yield validate_rows(part, header, today=today, occupation_of=occupation_of, seen=seen)


def _numbered_rows(table: Iterable[list[Any]]) -> tuple[HeaderMap, Iterator[tuple[int, list]]]:
    """The header and the rows after it, with their spreadsheet row numbers (row 1 first)."""
    rows = iter(table)
    head = header_rows(rows)
    header, index = split_header(head)
    return header, enumerate(itertools.chain(head[index + 1 :], rows), index + 2)
