"""Excel export of the registry: masked unless the actor may reveal, formulas escaped."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from urllib.parse import quote

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.excel import escape_formula
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.members.models import Membership

MAX_EXPORT_ROWS = 100_000


def headers() -> list[str]:
    return [
        _("Card number"),
        _("Full name"),
        _("Sex"),
        _("Birth date"),
        _("Resident ID number"),
        _("Mobile number"),
        _("Union"),
        _("Employer"),
        _("Occupation"),
        _("Employment type"),
        _("State"),
        _("Joined on"),
    ]


def member_rows(memberships: Iterable[Membership], *, reveal: bool) -> Iterable[list[object]]:
    for m in memberships:
        person = m.person
        yield [
            m.card_number or "",
            person.name,
            person.get_sex_display(),
            person.birth_date.isoformat() if reveal else str(person.birth_date.year),
            person.id_number if reveal else mask_id_number(person.id_number),
            person.phone if reveal else mask_phone(person.phone),
            m.organisation.name,
            m.employer.name if m.employer_id else "",
            m.get_occupation_display(),
            m.get_employment_type_display(),
            m.get_state_display(),
            m.joined_on.isoformat(),
        ]


def members_xlsx(memberships: Iterable[Membership], *, reveal: bool) -> tuple[bytes, int]:
    """The workbook and the number of data rows written."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(_("Members"))
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, headers(), bold)
    sheet.set_column(0, 0, 14, text)
    sheet.set_column(4, 5, 20, text)
    count = 0
    for count, row in enumerate(member_rows(memberships, reveal=reveal), start=1):
        # write_string keeps IDs and card numbers as text (never a number that loses digits).
        for col, value in enumerate(row):
            sheet.write_string(count, col, str(escape_formula(value)))
    workbook.close()
    return buffer.getvalue(), count


def content_disposition(at: datetime.datetime) -> str:
    """``attachment`` named 会员名册-YYYYMMDD-HHMM.xlsx (in the user's language) through RFC 5987's
    ``filename*``, with an ASCII ``filename`` for clients that do not read it."""
    stamp = at.strftime("%Y%m%d-%H%M")
    title = pgettext("export file name", "Member register")
    name = f"{title}-{stamp}.xlsx"
    return f"attachment; filename=\"members-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
