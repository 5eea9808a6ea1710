"""Membership transfers (会籍接转): the actor's transfers, a request, the old union's decision and
the new union's withdrawal (member.transfer, on the side each step belongs to)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from gonghui.accounts.scoping import actor_can
from gonghui.core.api import PagePagination
from gonghui.core.pii import mask_id_number
from gonghui.members import selectors, services
from gonghui.members.api import router
from gonghui.members.api.common import employer_named, organisation_named, renamed
from gonghui.members.choices import TransferState
from gonghui.orgs.models import Organisation


class TransferOut(Schema):
    id: int
    membership_id: int
    name: str
    id_number_masked: str
    state: str
    state_label: str
    origin: str
    from_state: str
    from_organisation_code: str
    from_organisation_name: str
    to_organisation_code: str
    to_organisation_name: str
    from_employer_name: str | None
    to_employer_id: int | None
    to_employer_name: str | None
    requested_at: datetime.datetime
    auto_complete_on: datetime.date
    decided_at: datetime.datetime | None
    completion: str
    reason: str
    note: str

    @staticmethod
    def resolve_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.membership.person.name

    @staticmethod
    def resolve_id_number_masked(obj) -> str:  # type: ignore[no-untyped-def]
        return mask_id_number(obj.membership.person.id_number)

    @staticmethod
    def resolve_state_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_state_display())

    @staticmethod
    def resolve_from_organisation_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.from_organisation.code

    @staticmethod
    def resolve_from_organisation_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.from_organisation.name

    @staticmethod
    def resolve_to_organisation_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.to_organisation.code

    @staticmethod
    def resolve_to_organisation_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.to_organisation.name

    @staticmethod
    def resolve_from_employer_name(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.from_employer.name if obj.from_employer_id else None

    @staticmethod
    def resolve_to_employer_name(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.to_employer.name if obj.to_employer_id else None


class TransferRequestIn(Schema):
    # One of the two: the new employer (its union, else its 属地 federation, receives the
    # member) or the receiving union by organisation code.
    to_employer_id: int | None = None
    to_organisation: str = ""
    reason: str = Field("", max_length=500)


class TransferRejectIn(Schema):
    reason: str = Field(max_length=500)


class TransferCancelIn(Schema):
    reason: str = Field("", max_length=500)


@router.get("/transfers", response=list[TransferOut], summary="Membership transfers")
@paginate(PagePagination)
def transfer_list(
    request: HttpRequest,
    state: str = "",
    direction: str = "",
):
    """Transfers the caller's unions are a party to, newest first, as the console lists them:
    ``direction=in`` the requests of the caller's unions to take members in (the new union),
    ``direction=out`` requests to move members out of the caller's unions, which the caller
    confirms or rejects (the old union); empty: both. ``state`` empty: every state."""
    errors = {}
    if state not in ("", *TransferState.values):
        errors["state"] = _choice_error(TransferState.values)
    if direction not in ("", "in", "out"):
        errors["direction"] = _choice_error(["in", "out"])
    if errors:
        raise ValidationError(errors)
    return selectors.transfer_list(actor=request.user, state=state, direction=direction)


def _choice_error(values: list[str]) -> ValidationError:
    message = _("Choose one of %(values)s, or leave it empty.") % {"values": "、".join(values)}
    return ValidationError(message, code="invalid_choice")


@router.get("/transfers/{int:transfer_id}", response=TransferOut, summary="Membership transfer")
def transfer_detail(request: HttpRequest, transfer_id: int):
    return selectors.transfer_get_for_actor(actor=request.user, pk=transfer_id)


@router.post(
    "/{int:member_id}/transfer",
    response={201: TransferOut},
    summary="Request a membership transfer",
)
def transfer_request(request: HttpRequest, member_id: int, payload: TransferRequestIn):
    """Move a member the caller handles transfers for to a new employer (``to_employer_id``) or
    union (``to_organisation``, an organisation code), both in the caller's jurisdiction; the old
    union confirms, or the transfer completes by itself after the configured working days."""
    membership = selectors.member_get_for_actor(
        actor=request.user, pk=member_id, capability="member.transfer"
    )
    if payload.to_employer_id is not None and payload.to_organisation.strip():
        message = _("Give either the new employer or the new union, not both.")
        raise ValidationError({"to_organisation": ValidationError(message, code="two_targets")})
    to_employer = employer_named(request.user, payload.to_employer_id, "to_employer_id")
    to_organisation = organisation_named(
        request.user, payload.to_organisation, "to_organisation", "member.transfer"
    )
    try:
        transfer = services.transfer_request(
            actor=request.user,
            membership=membership,
            to_employer=to_employer,
            to_organisation=to_organisation,
            reason=payload.reason,
        )
    except ValidationError as error:
        raise renamed(error, {"to_employer": "to_employer_id"}) from None
    return Status(201, transfer)


def _require_side(request: HttpRequest, union: Organisation, message: str) -> None:
    """403 with ``message`` unless the caller handles transfers at ``union``, the side that takes
    this step (a party to the transfer sees it from both sides); the service checks it again
    inside its transaction."""
    if not actor_can(request.user, "member.transfer", union.path):
        raise PermissionDenied(message)


@router.post(
    "/transfers/{int:transfer_id}/confirm",
    response=TransferOut,
    summary="Confirm a membership transfer (old union)",
)
def transfer_confirm(request: HttpRequest, transfer_id: int):
    """The old union confirms: the membership becomes active at the new union. 409 when the
    transfer has been decided already."""
    transfer = selectors.transfer_get_for_actor(actor=request.user, pk=transfer_id)
    _require_side(request, transfer.from_organisation, _old_union_only())
    return services.transfer_confirm(actor=request.user, transfer=transfer)


@router.post(
    "/transfers/{int:transfer_id}/reject",
    response=TransferOut,
    summary="Reject a membership transfer (old union)",
)
def transfer_reject(request: HttpRequest, transfer_id: int, payload: TransferRejectIn):
    """The old union refuses, with a reason; the membership returns to its former state."""
    transfer = selectors.transfer_get_for_actor(actor=request.user, pk=transfer_id)
    _require_side(request, transfer.from_organisation, _old_union_only())
    return services.transfer_reject(actor=request.user, transfer=transfer, reason=payload.reason)


@router.post(
    "/transfers/{int:transfer_id}/cancel",
    response=TransferOut,
    summary="Withdraw a membership transfer request (new union)",
)
def transfer_cancel(
    request: HttpRequest, transfer_id: int, payload: TransferCancelIn | None = None
):
    """The new union withdraws its request (the body with a ``reason`` may be left out); the
    membership returns to its former state."""
    transfer = selectors.transfer_get_for_actor(actor=request.user, pk=transfer_id)
    message = _("Only the union that asked for the transfer can withdraw it.")
    _require_side(request, transfer.to_organisation, message)
    return services.transfer_cancel(
        actor=request.user, transfer=transfer, reason=payload.reason if payload else ""
    )


def _old_union_only() -> str:
    return _("Only the member's current union confirms or rejects a transfer.")
