"""Transfers of membership (会籍接转): request, confirmation, rejection, auto-completion."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope
from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.core.validators import normalise_text_code
from gonghui.core.workdays import add_working_days
from gonghui.members.choices import (
    LIVE_STATES,
    EventKind,
    MembershipState,
    TransferCompletion,
    TransferOrigin,
    TransferState,
)
from gonghui.members.models import Membership, Transfer
from gonghui.members.services.common import (
    _audit,
    _event,
    _route,
    _today,
    clean_identity,
    employer_after_move,
    transfer_auto_days,
)
from gonghui.members.services.joining import clean_employer_credit_code
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Employer, Organisation


# --- transfers ------------------------------------------------------------------------------------
@transaction.atomic
def transfer_request(
    *,
    actor: Any,
    membership: Membership,
    to_employer: Employer | None = None,
    to_organisation: Organisation | None = None,
    origin: str = TransferOrigin.UNION,
    reason: str = "",
    consent: bool = False,
    today: datetime.date | None = None,
) -> Transfer:
    """会籍接转, asked by the new union (``actor`` holds member.transfer there) or by the member on
    H5 (``origin`` member, no actor: the view has checked ID number + phone). Goes to the new
    employer's union, else the local county federation; the old union confirms, or it completes
    by itself after the configured working days.

    The employer after the move (``common.employer_after_move``, applied on completion): the
    named ``to_employer``; without one, the current employer stays when the new union is that
    employer's union or covers no employer of its own (a federation), and otherwise becomes the
    new union's only employer, or unknown when it has several.

    ``consent``: a member asking on H5 agreed to the personal-information notice; the audit
    record of a member's request keeps it as the proof (PIPL art. 14).
    """
    row = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    if row.state not in (MembershipState.ACTIVE, MembershipState.RETAINED):
        raise Conflict(_("Only an active or retained membership can be transferred."))
    if to_employer is not None:
        target = _route(to_employer, to_employer.division)
    elif to_organisation is not None:
        target = to_organisation
    else:
        raise ValidationError(
            {
                "to_employer": ValidationError(
                    _("Choose the new employer or the new union."), code="required"
                )
            }
        )
    if target.status != OrgStatus.ACTIVE:
        raise ValidationError(
            {
                "to_organisation": ValidationError(
                    _("The new union is not active."), code="inactive_union"
                )
            }
        )
    if target.pk == row.organisation_id and (
        to_employer is None or to_employer.pk == row.employer_id
    ):
        raise ValidationError(
            {
                "to_organisation": ValidationError(
                    _("The member already belongs to this union."), code="same_union"
                )
            }
        )
    if origin == TransferOrigin.UNION:
        require_scope(actor, "member.transfer", target.path)
    transfer = Transfer.objects.create(
        membership=row,
        from_organisation=row.organisation,
        to_organisation=target,
        from_employer_id=row.employer_id,
        to_employer=to_employer,
        from_state=row.state,
        origin=origin,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        auto_complete_on=add_working_days(today or _today(), transfer_auto_days()),
        reason=(reason or "")[:500],
    )
    row.state = MembershipState.TRANSFERRING
    row.save(update_fields=["state", "updated_at"])
    _event(
        row,
        EventKind.TRANSFER_REQUESTED,
        actor,
        reason,
        transfer=transfer.pk,
        to=target.name,
        origin=origin,
    )
    _audit(
        actor,
        ChangeRecord.Action.CREATE,
        "transfer_request",
        transfer,
        target.path,
        after=audit.snapshot(transfer)
        | ({"consent": consent} if origin == TransferOrigin.MEMBER else {}),
    )
    return transfer


def transfer_request_by_member(
    *,
    id_number: str,
    phone: str,
    employer: Employer | None = None,
    employer_name: str = "",
    employer_credit_code: str = "",
    employer_division: Division | None = None,
    reason: str = "",
    consent: bool = False,
    today: datetime.date | None = None,
) -> Transfer:
    """A member asks on H5 (``/m/transfer``) to move to a new employer, identified by ID number
    and mobile together. The new employer is the one picked from the list or typed by its exact
    registered name (``employer``, found by the view), else the registered one whose credit code
    was typed (in the code box or the search box).

    A typed employer that is not registered cannot be a ``Transfer.to_employer`` (a member must
    not register employers), so the request goes to the federation responsible for the chosen
    county (属地, as for joining) as ``to_organisation``, and the typed name, county and code
    open the transfer's note: the receiving federation reads them there and records the employer
    (``member_update``) once it is registered; until then the completed move keeps the employer
    on record (``employer_after_move`` for a federation). Bad inputs are refused together, each
    on its field.
    """
    errors: dict[str, list[Any]] = {}
    resident, phone_number = clean_identity(id_number, phone, errors)
    employer = employer or _registered_employer(employer_credit_code, employer_name)
    federation = None
    if employer is None:
        try:
            federation = _federation_for_typed(
                employer_name, employer_credit_code, employer_division
            )
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    assert resident is not None and phone_number is not None
    membership = _membership_by_identity(resident.number, phone_number)
    if federation is not None:
        assert employer_division is not None
        reason = _typed_employer_note(
            employer_name, employer_credit_code, employer_division, reason
        )
    return transfer_request(
        actor=None,
        membership=membership,
        to_employer=employer,
        to_organisation=federation,
        origin=TransferOrigin.MEMBER,
        reason=reason,
        consent=consent,
        today=today,
    )


def _membership_by_identity(id_number: str, phone: str) -> Membership:
    """The live membership of the person with this ID number and mobile; one message for both
    (it must not tell whether the ID number alone is a member's)."""
    membership = Membership.objects.filter(
        person__id_number_hash=blind_index("id", id_number),
        person__phone_hash=blind_index("phone", phone),
        state__in=LIVE_STATES,
    ).first()
    if membership is None:
        raise ValidationError(
            {"id_number": _("No membership matches this ID number and mobile number.")}
        )
    return membership


def _registered_employer(*texts: str) -> Employer | None:
    """The active registered employer whose credit code one of ``texts`` is, if any."""
    codes = [normalise_text_code(t.strip()).replace("-", "") for t in texts]
    codes = [c for c in codes if len(c) == 18]  # names never reach the credit-code index
    if not codes:
        return None
    return (
        Employer.objects.select_related("union", "organisation", "division")
        .filter(credit_code__in=codes, organisation__status=OrgStatus.ACTIVE)
        .first()
    )


def _federation_for_typed(name: str, credit_code: str, division: Division | None) -> Organisation:
    """The federation that receives a move to an unregistered employer: the one of its county.
    The name and the county are required; a typed code must be a valid one."""
    errors: dict[str, list[Any]] = {}
    if credit_code.strip():
        try:
            clean_employer_credit_code(credit_code)
        except ValidationError as error:
            errors.update(error.error_dict)
    if not name.strip():
        errors["employer_name"] = [
            _(
                "Find your new employer in the list, or enter its name and choose its district "
                "or county."
            )
        ]
    if division is None:
        errors["employer_division"] = [
            _("Choose the district or county where your new employer is located.")
        ]
    if errors:
        raise ValidationError(errors)
    return _route(None, division)


def _typed_employer_note(name: str, credit_code: str, division: Division, reason: str) -> str:
    """The note of a move to an unregistered employer: what the worker typed, then their note."""
    values = {"name": name.strip()[:150], "division": division.name}
    if credit_code.strip():
        values["code"] = normalise_text_code(credit_code.strip()).replace("-", "")
        note = (
            _("New employer (not registered): %(name)s, %(division)s, credit code %(code)s")
            % values
        )
    else:
        note = _("New employer (not registered): %(name)s, %(division)s") % values
    reason = (reason or "").strip()
    return (
        _("%(employer)s. Note: %(reason)s") % {"employer": note, "reason": reason}
        if reason
        else note
    )


def _apply_transfer(transfer: Transfer, actor: Any, completion: str) -> Membership:
    """Move the membership to the new union; the Transfer row and the events keep the history."""
    row = Membership.objects.select_for_update().get(pk=transfer.membership_id)
    before = audit.snapshot(row, ["organisation", "employer", "state"])
    row.employer = employer_after_move(row.employer, transfer.to_organisation, transfer.to_employer)
    row.organisation_id = transfer.to_organisation_id
    row.state = MembershipState.ACTIVE
    row.retained_reason = ""
    row.save()
    _event(
        row,
        EventKind.TRANSFERRED,
        actor,
        transfer=transfer.pk,
        completion=completion,
        **{"from": transfer.from_organisation.name, "to": transfer.to_organisation.name},
    )
    old, new = audit.changed_fields(
        before, audit.snapshot(row, ["organisation", "employer", "state"])
    )
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "transfer_complete",
        row,
        transfer.to_organisation.path,
        before=old,
        after=new | {"completion": completion},
    )
    return row


def _pending_transfer(transfer: Transfer) -> Transfer:
    row = (
        Transfer.objects.select_for_update()
        .select_related("from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )
    if row.state != TransferState.PENDING:
        raise Conflict(_("This transfer has already been decided."))
    return row


@transaction.atomic
def transfer_confirm(*, actor: Any, transfer: Transfer) -> Transfer:
    """The old union confirms; the membership becomes active at the new union."""
    row = _pending_transfer(transfer)
    require_scope(actor, "member.transfer", row.from_organisation.path)
    row.state = TransferState.COMPLETED
    row.completion = TransferCompletion.CONFIRMED
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.save()
    _apply_transfer(row, actor, TransferCompletion.CONFIRMED)
    return row


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """The old union refuses (e.g. wrong person); the membership returns to its former state."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for the rejection."), code="required")}
        )
    row = _pending_transfer(transfer)
    require_scope(actor, "member.transfer", row.from_organisation.path)
    return _close_transfer(actor, row, TransferState.REJECTED, EventKind.TRANSFER_REJECTED, reason)


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer, reason: str = "") -> Transfer:
    """The requesting (new) union withdraws its request."""
    row = _pending_transfer(transfer)
    require_scope(actor, "member.transfer", row.to_organisation.path)
    return _close_transfer(
        actor, row, TransferState.CANCELLED, EventKind.TRANSFER_CANCELLED, reason
    )


def _close_transfer(actor: Any, row: Transfer, state: str, kind: str, reason: str) -> Transfer:
    row.state = state
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.note = reason[:500]
    row.save()
    membership = Membership.objects.select_for_update().get(pk=row.membership_id)
    membership.state = row.from_state
    membership.save(update_fields=["state", "updated_at"])
    _event(membership, kind, actor, reason, transfer=row.pk)
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        f"transfer_{state}",
        row,
        row.from_organisation.path,
        before={"state": TransferState.PENDING},
        after={"state": state, "note": row.note},
    )
    return row


def transfers_complete_due(*, today: datetime.date | None = None) -> int:
    """Complete every pending transfer whose day has come (idempotent: each row is claimed with a
    conditional UPDATE, so a second run, or two runs at once, complete nothing twice)."""
    today = today or _today()
    done = 0
    due = Transfer.objects.filter(
        state=TransferState.PENDING, auto_complete_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Transfer.objects.filter(pk=pk, state=TransferState.PENDING).update(
                state=TransferState.COMPLETED,
                completion=TransferCompletion.AUTOMATIC,
                decided_at=timezone.now(),
            )
            if not claimed:
                continue
            transfer = Transfer.objects.select_related("from_organisation", "to_organisation").get(
                pk=pk
            )
            _apply_transfer(transfer, None, TransferCompletion.AUTOMATIC)
            done += 1
    return done
