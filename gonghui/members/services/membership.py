"""State changes of a membership: retained (保留会籍), reactivated, left (退会), expelled (除名)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can, require_scope
from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord
from gonghui.members.choices import (
    EventKind,
    MembershipState,
    RetainReason,
)
from gonghui.members.models import Membership
from gonghui.members.services.common import (
    _audit,
    _event,
    _route,
    _today,
    employer_after_move,
)
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Employer, Organisation


# --- state changes --------------------------------------------------------------------------------
def _locked_membership(actor: Any, membership: Membership, capability: str) -> Membership:
    row = (
        Membership.objects.select_for_update()
        .select_related("organisation", "person")
        .get(pk=membership.pk)
    )
    require_scope(actor, capability, row.organisation.path)
    return row


def _change_state(
    actor: Any,
    row: Membership,
    *,
    state: str,
    kind: str,
    verb: str,
    note: str,
    **data: Any,
) -> Membership:
    before = audit.snapshot(row, ["state", "organisation", "retained_reason", "ended_on"])
    row.state = state
    row.save()
    _event(row, kind, actor, note, previous_state=before["state"], **data)
    old, new = audit.changed_fields(
        before, audit.snapshot(row, ["state", "organisation", "retained_reason", "ended_on"])
    )
    _audit(
        actor, ChangeRecord.Action.UPDATE, verb, row, row.organisation.path, before=old, after=new
    )
    return row


@transaction.atomic
def membership_retain(
    *,
    actor: Any,
    membership: Membership,
    reason: str,
    note: str = "",
    keep_at: Organisation | None = None,
) -> Membership:
    """保留会籍 on retirement, unemployment or the unit closing; kept at the old union or moved up
    to one of its upper unions (``keep_at``).

    The upper union must lie on the membership's chain of unions up to the region and inside
    the actor's own scope (member.manage): a membership handed to a union the actor does not
    manage would leave the actor's hands in the same write. Both refusals name ``keep_at``.
    """
    if reason not in RetainReason.values:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Choose why the membership is retained."), code="invalid_choice"
                )
            }
        )
    row = _locked_membership(actor, membership, "member.manage")
    if row.state != MembershipState.ACTIVE:
        raise Conflict(_("Only an active membership can be retained."))
    if keep_at is not None and keep_at.pk != row.organisation_id:
        if not row.organisation.path.startswith(keep_at.path):
            raise ValidationError(
                {
                    "keep_at": ValidationError(
                        _("A retained membership is kept at its union or an upper union."),
                        code="not_upper_union",
                    )
                }
            )
        if not actor_can(actor, "member.manage", keep_at.path):
            raise ValidationError(
                {
                    "keep_at": ValidationError(
                        _(
                            "This upper union is outside your jurisdiction; its own staff can "
                            "take the membership over."
                        ),
                        code="outside_jurisdiction",
                    )
                }
            )
        row.organisation = keep_at
    row.retained_reason = reason
    row = _change_state(
        actor,
        row,
        state=MembershipState.RETAINED,
        kind=EventKind.RETAINED,
        verb="membership_retain",
        note=note,
        reason=reason,
    )
    require_scope(actor, "member.manage", row.organisation.path)
    return row


def _end(
    actor: Any,
    membership: Membership,
    *,
    state: str,
    kind: str,
    verb: str,
    note: str,
    today: datetime.date | None,
) -> Membership:
    """Leaving and expulsion both end an active or retained membership on ``today``."""
    row = _locked_membership(actor, membership, "member.manage")
    if row.state not in (MembershipState.ACTIVE, MembershipState.RETAINED):
        raise Conflict(_("Only an active or retained membership can end this way."))
    row.ended_on = today or _today()
    return _change_state(actor, row, state=state, kind=kind, verb=verb, note=note)


@transaction.atomic
def membership_leave(
    *, actor: Any, membership: Membership, note: str = "", today: datetime.date | None = None
) -> Membership:
    """退会: the member leaves, confirmed by the union's staff."""
    return _end(
        actor,
        membership,
        state=MembershipState.LEFT,
        kind=EventKind.LEFT,
        verb="membership_leave",
        note=note,
        today=today,
    )


@transaction.atomic
def membership_expel(
    *, actor: Any, membership: Membership, reason: str, today: datetime.date | None = None
) -> Membership:
    """Expulsion (除名), with the reason on the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for the expulsion."), code="required")}
        )
    return _end(
        actor,
        membership,
        state=MembershipState.EXPELLED,
        kind=EventKind.EXPELLED,
        verb="membership_expel",
        note=reason,
        today=today,
    )


def _reactivation_union(
    actor: Any, row: Membership, organisation: Organisation | None, employer: Employer | None
) -> Organisation:
    """Where a re-hired member becomes active: the union named, else the new employer's union
    (or its 属地 federation), else the union holding the retained membership; active, and
    managed by the actor (the refusal names the field the union came from)."""
    field = "organisation"
    if organisation is not None:
        target = organisation
    elif employer is not None:
        target, field = _route(employer, employer.division), "employer"
    else:
        target = row.organisation
    if target.status != OrgStatus.ACTIVE:
        raise ValidationError(
            {field: ValidationError(_("The new union is not active."), code="inactive_union")}
        )
    if not actor_can(actor, "member.manage", target.path):
        raise ValidationError(
            {
                field: ValidationError(
                    _("This union is outside your jurisdiction; ask for a transfer instead."),
                    code="outside_jurisdiction",
                )
            }
        )
    return target


@transaction.atomic
def membership_reactivate(
    *,
    actor: Any,
    membership: Membership,
    organisation: Organisation | None = None,
    employer: Employer | None = None,
    note: str = "",
) -> Membership:
    """A retained member (保留会籍) is re-hired: the membership is active again, at a union the
    actor manages (``_reactivation_union``). The employer follows the transfers' rule
    (``common.employer_after_move``): the one named, else the one on record where it still
    belongs. Timeline event REACTIVATED; audited."""
    row = _locked_membership(actor, membership, "member.manage")
    if row.state != MembershipState.RETAINED:
        raise Conflict(_("Only a retained membership can be reactivated."))
    target = _reactivation_union(actor, row, organisation, employer)
    fields = ["state", "organisation", "employer", "retained_reason"]
    before = audit.snapshot(row, fields)
    moved = {"from": row.organisation.name, "to": target.name}
    row.employer = employer_after_move(row.employer, target, employer)
    row.organisation = target
    row.state = MembershipState.ACTIVE
    row.retained_reason = ""
    row.save()
    _event(
        row, EventKind.REACTIVATED, actor, note, **(moved if moved["from"] != moved["to"] else {})
    )
    old, new = audit.changed_fields(before, audit.snapshot(row, fields))
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "membership_reactivate",
        row,
        target.path,
        before=old,
        after=new,
    )
    require_scope(actor, "member.manage", row.organisation.path)
    return row
