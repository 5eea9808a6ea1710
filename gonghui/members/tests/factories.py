"""Test data of the member registry: valid ID numbers and members made through the services."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from gonghui.core.pii import blind_index
from gonghui.core.validators import id_check_character
from gonghui.members.models import Membership, Person
from gonghui.members.rules import name_initials
from gonghui.members.services import card_number_next

_serial = itertools.count(1)
_phone = itertools.count(1)


def make_id(division: str = "640104", birth: str | None = None, sex: str = "M") -> str:
    """A valid resident ID number, unique within the test run."""
    serial = next(_serial)
    if birth is None:
        birth = f"{datetime.date(1975, 1, 1) + datetime.timedelta(days=serial):%Y%m%d}"
    order = (serial % 400) * 2 + (1 if sex == "M" else 0)
    body = f"{division}{birth}{order:03d}"
    return body + id_check_character(body)


def make_phone() -> str:
    return f"139{next(_phone):08d}"


def make_member(
    organisation: Any,
    *,
    name: str = "张宏伟",
    id_number: str | None = None,
    phone: str | None = None,
    state: str = "active",
    occupation: str = "production",
    employer: Any = None,
    joined_on: datetime.date = datetime.date(2020, 5, 1),
) -> Membership:
    id_number = id_number or make_id()
    phone = phone or make_phone()
    person = Person.objects.create(
        name=name,
        name_initials=name_initials(name),
        id_number=id_number,
        id_number_hash=blind_index("id", id_number),
        sex="M" if int(id_number[16]) % 2 else "F",
        birth_date=datetime.date(
            int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
        ),
        id_division_code=id_number[:6],
        phone=phone,
        phone_hash=blind_index("phone", phone),
    )
    return Membership.objects.create(
        person=person,
        organisation=organisation,
        employer=employer,
        occupation=occupation,
        state=state,
        card_number=card_number_next(),
        joined_on=joined_on,
    )
