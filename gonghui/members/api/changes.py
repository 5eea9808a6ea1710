"""The other changes of a membership (member.manage over its union): retain (保留会籍), leave
(退会), expel (除名), reactivate a retained membership, and correct the member's details. A
member outside the caller's scope is 404; a refused change answers on its field with a code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema

from gonghui.members import selectors, services
from gonghui.members.api import router
from gonghui.members.api.common import employer_named, organisation_named, renamed
from gonghui.members.api.registry import MemberOut
from gonghui.members.models import Membership

# The service's names of the fields the requests name by id.
_FIELDS = {"employer": "employer_id"}


class RetainIn(Schema):
    # retirement, unemployment or unit_closed
    reason: str
    # An upper union's organisation code to keep the membership at; empty: its own union.
    keep_at: str = ""
    note: str = Field("", max_length=500)


class LeaveIn(Schema):
    note: str = Field("", max_length=500)


class ExpelIn(Schema):
    reason: str = Field(max_length=500)


class ReactivateIn(Schema):
    # Empty: the new employer's union, else the union holding the retained membership.
    organisation: str = ""
    employer_id: int | None = None
    note: str = Field("", max_length=500)


class MemberUpdateIn(Schema):
    # Only the fields present change; ``employer_id: null`` clears the employer.
    phone: str | None = None
    employer_id: int | None = None
    occupation: str | None = None
    education: str | None = None
    employment_type: str | None = None


def _managed(request: HttpRequest, member_id: int) -> Membership:
    return selectors.member_get_for_actor(
        actor=request.user, pk=member_id, capability="member.manage"
    )


@router.post("/{int:member_id}/retain", response=MemberOut, summary="Retain a membership")
def member_retain(request: HttpRequest, member_id: int, payload: RetainIn):
    """保留会籍 on retirement, unemployment or the unit closing, kept at the member's union or
    at an upper union the caller manages (``keep_at``). 409 unless the membership is active."""
    membership = _managed(request, member_id)
    keep_at = organisation_named(request.user, payload.keep_at, "keep_at", "member.manage")
    return services.membership_retain(
        actor=request.user,
        membership=membership,
        reason=payload.reason,
        note=payload.note,
        keep_at=keep_at,
    )


@router.post("/{int:member_id}/leave", response=MemberOut, summary="Record leaving the union")
def member_leave(request: HttpRequest, member_id: int, payload: LeaveIn | None = None):
    """退会, confirmed by the union's staff. 409 unless the membership is active or retained."""
    membership = _managed(request, member_id)
    payload = payload or LeaveIn()
    return services.membership_leave(actor=request.user, membership=membership, note=payload.note)


@router.post("/{int:member_id}/expel", response=MemberOut, summary="Expel a member")
def member_expel(request: HttpRequest, member_id: int, payload: ExpelIn):
    """除名, with the reason (required) on the timeline. 409 unless active or retained."""
    membership = _managed(request, member_id)
    return services.membership_expel(
        actor=request.user, membership=membership, reason=payload.reason
    )


@router.post(
    "/{int:member_id}/reactivate", response=MemberOut, summary="Reactivate a retained membership"
)
def member_reactivate(request: HttpRequest, member_id: int, payload: ReactivateIn | None = None):
    """A retained member is re-hired: active again at the union named by code, else the new
    employer's union, else the union holding the membership; a union the caller manages."""
    membership = _managed(request, member_id)
    payload = payload or ReactivateIn()
    organisation = organisation_named(
        request.user, payload.organisation, "organisation", "member.manage"
    )
    employer = employer_named(request.user, payload.employer_id, "employer_id")
    try:
        return services.membership_reactivate(
            actor=request.user,
            membership=membership,
            organisation=organisation,
            employer=employer,
            note=payload.note,
        )
    except ValidationError as error:
        raise renamed(error, _FIELDS) from None


@router.patch("/{int:member_id}", response=MemberOut, summary="Correct a member's details")
def member_update(request: HttpRequest, member_id: int, payload: MemberUpdateIn):
    """Only the fields given change (``null`` leaves a text field as it is; ``employer_id: null``
    clears the employer). The employer must be one the member's union answers for: another
    union's employer is a transfer. 400 ``unchanged`` when nothing would change."""
    membership = _managed(request, member_id)
    given = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: given.get(field) for field in ("phone", "occupation", "education", "employment_type")
    }
    if "employer_id" in given:
        changes["employer"] = employer_named(request.user, given["employer_id"], "employer_id")
    try:
        return services.member_update(actor=request.user, membership=membership, **changes)
    except ValidationError as error:
        raise renamed(error, _FIELDS) from None
