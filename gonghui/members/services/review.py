"""Review work on many or misrouted join applications: bulk approval (集中入会 drives) and
forwarding an application to the union it belongs to (转办)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.workdays import add_working_days
from gonghui.members.models import JoinApplication, Membership
from gonghui.members.rules import BULK_APPROVE_LIMIT, JOIN_REVIEW_WORKING_DAYS
from gonghui.members.services.common import _audit, _today
from gonghui.members.services.joining import _pending_application, join_application_approve
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Organisation

# Why an application of a bulk approval was left out (the API's reason codes).
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Approved:
    application_id: int
    name: str
    membership: Membership


@dataclass(frozen=True)
class Skipped:
    """An application the bulk approval left as it was. ``name`` is empty for one the actor
    may not see (it is reported as not found, like any record outside scope)."""

    application_id: int
    code: str
    message: str
    name: str = ""


@dataclass
class BulkApproval:
    approved: list[Approved] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _unique_ids(applications: Iterable[JoinApplication | int]) -> list[int]:
    """The applications' ids in the order given, each once."""
    ids = (item.pk if isinstance(item, JoinApplication) else int(item) for item in applications)
    return list(dict.fromkeys(ids))


def _check_batch(ids: list[int]) -> None:
    if not ids:
        raise ValidationError(
            {"ids": ValidationError(_("Choose at least one application."), code="required")}
        )
    if len(ids) > BULK_APPROVE_LIMIT:
        message = _(
            "At most %(limit)d applications can be approved at once; %(count)d were chosen. "
            "Approve them in several parts."
        ) % {"limit": BULK_APPROVE_LIMIT, "count": len(ids)}
        raise ValidationError({"ids": ValidationError(message, code="too_many")})


def join_applications_approve(
    *,
    actor: Any,
    applications: Iterable[JoinApplication | int],
    today: datetime.date | None = None,
) -> BulkApproval:
    """Approve many applications (a mass drive's queue) by the single approval's rule.

    Each application goes through ``join_application_approve``: the same card number from the
    locked counter, the same ``joined`` event and audit records, the same checks. One
    transaction per application, deliberately not one for all: the approval holds the card
    counter's row lock until its transaction ends, so one transaction over 500 approvals would
    stall every other approval and mass import of the region for the whole run; and what was
    approved stays approved if a later application fails or the request is cut off (running
    the same ids again reports those as already reviewed).

    An application that cannot be approved is skipped with its reason code, the others go
    through: ``not_found`` (unknown id, or outside the actor's ``member.review`` scope — the
    same answer, so nothing is confirmed about other unions' queues), ``already_reviewed``,
    ``already_member`` (the person became a member elsewhere meanwhile) or ``invalid`` (the
    approval refused the data). At most ``BULK_APPROVE_LIMIT`` applications per call.
    """
    ids = _unique_ids(applications)
    _check_batch(ids)
    visible = (
        JoinApplication.objects.visible_to(actor, "member.review")
        .select_related("organisation", "employer")
        .in_bulk(ids)
    )
    result = BulkApproval()
    for pk in ids:
        row = visible.get(pk)
        if row is None:
            result.skipped.append(_not_found(pk))
            continue
        try:
            membership = join_application_approve(actor=actor, application=row, today=today)
        except Conflict as error:
            result.skipped.append(Skipped(pk, error.code, error.message, row.name))
        except ScopeViolation:
            result.skipped.append(_not_found(pk))
        except ValidationError as error:
            message = "；".join(error.messages)
            result.skipped.append(Skipped(pk, "invalid", message, row.name))
        else:
            result.approved.append(Approved(pk, row.name, membership))
    return result


def _not_found(pk: int) -> Skipped:
    message = _("The application does not exist or is outside your jurisdiction.")
    return Skipped(pk, NOT_FOUND, message)


@transaction.atomic
def join_application_forward(
    *,
    actor: Any,
    application: JoinApplication,
    to_organisation: Organisation,
    reason: str,
    today: datetime.date | None = None,
) -> JoinApplication:
    """Forward a pending application that reached the wrong union (转办): the worker picked the
    wrong employer or county. Only a reviewer of the union holding it may forward it, with a
    reason, to another active union; its 3-working-day deadline restarts from today.

    The deliberate exception to "re-check after a write that the row is still inside the
    actor's scope": forwarding exists to hand the application to a union the actor may not
    oversee, so afterwards the actor usually no longer sees it. The scope is checked before
    the write instead (the actor reviews the union holding it).

    The reason is for the receiving union's staff: the worker's status page says only that
    the application was forwarded and to which union, because the reason is an internal note
    (it may judge the worker's own choice). Kept on the row (``forwarded_from``,
    ``forwarded_at``, ``forward_reason``: the latest forwarding) and in the audit record
    (every forwarding), written at the forwarding union's path, where the actor acted.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for forwarding.")})
    row = _pending_application(actor, application)
    target = Organisation.objects.get(pk=to_organisation.pk)
    if target.pk == row.organisation_id:
        raise Conflict(
            _("The application is already with this union; choose the union it belongs to."),
            code="same_union",
        )
    if target.status != OrgStatus.ACTIVE:
        raise Conflict(
            _("%(union)s is not active; applications can only go to an active union.")
            % {"union": target.name},
            code="union_inactive",
        )
    source = row.organisation
    before = {"organisation": source.pk, "due_on": row.due_on.isoformat()}
    row.forwarded_from = source
    row.forwarded_at = timezone.now()
    row.forward_reason = reason[:500]
    row.organisation = target
    row.due_on = add_working_days(today or _today(), JOIN_REVIEW_WORKING_DAYS)
    row.save(
        update_fields=[
            "organisation",
            "due_on",
            "forwarded_from",
            "forwarded_at",
            "forward_reason",
            "updated_at",
        ]
    )
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "join_application_forward",
        row,
        source.path,
        before=before,
        after={
            "organisation": target.pk,
            "due_on": row.due_on.isoformat(),
            "forward_reason": row.forward_reason,
        },
    )
    return row
