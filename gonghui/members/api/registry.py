"""The registry: the scoped member list and one member's detail."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import paginate

from gonghui.core.api import PagePagination, with_page_count
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.members import selectors
from gonghui.members.api import router


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int
    id_number_masked: str
    phone_masked: str
    card_number: str | None
    state: str
    state_label: str
    occupation: str
    occupation_label: str
    employment_type: str
    organisation_code: str
    organisation_name: str
    employer_name: str | None
    joined_on: datetime.date
    ended_on: datetime.date | None

    @staticmethod
    def resolve_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.person.name

    @staticmethod
    def resolve_sex(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.person.sex

    @staticmethod
    def resolve_birth_year(obj) -> int:  # type: ignore[no-untyped-def]
        return obj.person.birth_date.year

    @staticmethod
    def resolve_id_number_masked(obj) -> str:  # type: ignore[no-untyped-def]
        return mask_id_number(obj.person.id_number)

    @staticmethod
    def resolve_phone_masked(obj) -> str:  # type: ignore[no-untyped-def]
        return mask_phone(obj.person.phone)

    @staticmethod
    def resolve_state_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_state_display())

    @staticmethod
    def resolve_occupation_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_occupation_display())

    @staticmethod
    def resolve_organisation_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.organisation.code

    @staticmethod
    def resolve_organisation_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.organisation.name

    @staticmethod
    def resolve_employer_name(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.employer.name if obj.employer_id else None


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    note: str
    data: dict


class MemberDetailOut(MemberOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:  # type: ignore[no-untyped-def]
        return list(selectors.member_timeline(obj))


@router.get("/", response=list[MemberOut], summary="Member registry")
@paginate(PagePagination)
def member_list(
    request: HttpRequest,
    q: str = "",
    organisation: str = "",
    occupation: str = "",
    state: str = "",
    join_year: int | None = None,
    new_employment_form: bool = False,
):
    """Members in the caller's scope. ``q`` finds a name (prefix), pinyin initials ("zhw"), a
    mobile or ID number (exact) or a card number; ``organisation`` limits to a code's subtree."""
    root = None
    if organisation.strip():
        root = selectors.filter_organisation(actor=request.user, code=organisation)
        if root is None:
            raise ValidationError(
                {"organisation": _("No union in your jurisdiction has this code.")}
            )
    params = {
        "q": q,
        "organisation": root,
        "occupation": occupation,
        "state": state,
        "join_year": join_year,
        "new_employment_form": new_employment_form,
    }
    # The total from the count-shaped query of the same rows, as the console page does.
    counted = selectors.member_list(actor=request.user, for_count=True, **params)
    return with_page_count(selectors.member_list(actor=request.user, **params), counted.count)


@router.get("/{int:member_id}", response=MemberDetailOut, summary="Member detail")
def member_detail(request: HttpRequest, member_id: int):
    return selectors.member_get_for_actor(actor=request.user, pk=member_id)
