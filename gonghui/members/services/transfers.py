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
from gonghui.core.models import ChangeRecord
from gonghui.core.workdays import add_working_days
from gonghui.members.choices import (
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
    employer_after_move,
    transfer_auto_days,
)
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
        raise ValidationError({"to_employer": _("Choose the new employer or the new union.")})
    if target.status != OrgStatus.ACTIVE:
        raise ValidationError({"to_organisation": _("The new union is not active.")})
    if target.pk == row.organisation_id and (
        to_employer is None or to_employer.pk == row.employer_id
    ):
        raise ValidationError({"to_organisation": _("The member already belongs to this union.")})
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
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
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
