"""Database-level invariants of the registry."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.pii import blind_index
from gonghui.members.models import Membership, Person
from gonghui.members.rules import is_new_employment_form, name_initials


def _person(number: str = "64010419900101001X") -> Person:
    return Person.objects.create(
        name="张宏伟",
        name_initials=name_initials("张宏伟"),
        id_number=number,
        id_number_hash=blind_index("id", number),
        sex="M",
        birth_date=datetime.date(1990, 1, 1),
        id_division_code=number[:6],
        phone="13800000000",
        phone_hash=blind_index("phone", "13800000000"),
    )


def test_name_initials_and_new_employment_form() -> None:
    assert name_initials("张宏伟") == "zhw"
    assert is_new_employment_form("delivery_rider")
    assert not is_new_employment_form("teacher")


def test_one_live_membership_per_person(cast) -> None:
    person = _person()
    Membership.objects.create(
        person=person, organisation=cast.xq_union, joined_on=datetime.date(2020, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=person,
            organisation=cast.yz_union,
            state="retained",
            joined_on=datetime.date(2021, 1, 1),
        )
    # A finished membership does not block a new one.
    Membership.objects.create(
        person=person, organisation=cast.yz_union, state="left", joined_on=datetime.date(2019, 1, 1)
    )
    assert person.memberships.count() == 2


def test_id_number_registered_once(cast) -> None:
    _person()
    with pytest.raises(IntegrityError), transaction.atomic():
        _person()
    assert Person.objects.get().id_number == "64010419900101001X"
