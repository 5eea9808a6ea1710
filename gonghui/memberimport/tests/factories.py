"""Builders of import files for the tests: valid ID numbers, XLSX and CSV bytes; people
already in the registry."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from typing import Any

from gonghui.core.pii import blind_index
from gonghui.core.validators import id_check_character
from gonghui.members.choices import MembershipState
from gonghui.members.models import Membership, Person

HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "性别",
    "民族",
    "工作单位",
    "统一社会信用代码",
    "职业",
    "入会日期",
]


def make_id(seq: int, *, division: str = "640104", birth: str = "19900101") -> str:
    """A valid resident ID; odd ``seq`` gives a man, even a woman (17th digit parity)."""
    body = f"{division}{birth}{seq % 1000:03d}"
    return body + id_check_character(body)


def sex_of(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


def person_name(seq: int) -> str:
    """A name unique to ``seq`` and made of letters only, as a name is: 张 + its digits as
    Chinese numerals (12 → 张一二)."""
    return "张" + str(seq).translate(_NUMERALS)


def member_row(seq: int, *, employer: str = "银川顺达快递有限公司", **extra: Any) -> list[Any]:
    number = make_id(seq)
    row = {
        "姓名": person_name(seq),
        "身份证号": number,
        "手机号": f"139{seq:08d}",
        "性别": sex_of(number),
        "民族": "汉族",
        "工作单位": employer,
        "统一社会信用代码": "",
        "职业": "快递员",
        "入会日期": "2026-01-05",
    }
    row.update(extra)
    return [row[name] for name in HEADER]


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[list[Any]], header: list[str] | None = None, *, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def rewritten(data: bytes, part: str, change: dict[bytes, bytes]) -> bytes:
    """The workbook ``data`` with texts replaced in one of its zip parts (a damaged or unusual
    sheet, as some files arrive)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                for old, new in change.items():
                    content = content.replace(old, new)
            target.writestr(item.filename, content)
    return out.getvalue()


def registered(
    cast: Any, seq: int, *, org: Any = None, state: str = MembershipState.ACTIVE
) -> Membership:
    """A person of the registry (ID ``make_id(seq)``) with a membership of ``org`` (default:
    原州's union) in ``state``."""
    number = make_id(seq)
    person = Person.objects.create(
        name=f"老{seq}",
        id_number=number,
        id_number_hash=blind_index("id", number),
        sex="M",
        birth_date=datetime.date(1990, 1, 1),
        id_division_code="640104",
    )
    return Membership.objects.create(
        person=person,
        organisation=org or cast.yz_union,
        state=state,
        joined_on=datetime.date(2020, 1, 1),
        card_number=f"X{seq}",
    )
