"""One service per transition of the table in rules.TRANSITIONS (conditional UPDATE on version)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can
from gonghui.appeals import rules
from gonghui.appeals.choices import (
    EventKind,
    ExtensionStatus,
    Satisfaction,
    State,
)
from gonghui.appeals.models import (
    Appeal,
    AppealEvent,
    ExtensionRequest,
)
from gonghui.appeals.services.attachments import attachment_add
from gonghui.appeals.services.common import (
    _actor_name,
    _conflict_message,
    _event,
    _require,
    sla_days,
)
from gonghui.core import audit
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.workdays import add_working_days, working_days_between
from gonghui.orgs.models import Organisation

# --- transitions -----------------------------------------------------------------------------


def _transition(
    appeal: Appeal,
    *,
    actor: Any,
    to: str,
    kind: str,
    message: str = "",
    public: bool = True,
    version: int | None = None,
    verb: str = "",
    **fields: Any,
) -> Appeal:
    """Move ``appeal`` to ``to`` if the table allows it and nobody changed it meanwhile.

    A pending extension request is withdrawn when the appeal moves on without it (replied,
    returned, dispatched elsewhere, merged): it no longer needs a decision and does not count
    as the appeal's one request.
    """
    current = appeal.state
    withdraw = appeal.extension_pending and to not in (State.EXTENDED, State.IN_PROGRESS)
    if withdraw:
        fields["extension_pending"] = False
    if not rules.can_transition(current, to):
        raise Conflict(
            _("This action is not possible while the appeal is “%(state)s”.")
            % {"state": State(current).label},
            code="transition",
        )
    expected = appeal.version if version is None else version
    updated = Appeal.objects.filter(pk=appeal.pk, state=current, version=expected).update(
        state=to, version=expected + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise Conflict(_conflict_message())
    appeal.refresh_from_db()
    _event(
        appeal,
        kind,
        actor=actor,
        message=message,
        public=public,
        from_state=current,
        to_state=to,
    )
    if withdraw:
        _withdraw_extension_request(appeal, actor, State(to).label)
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb=verb or f"appeal_{kind}",
        obj=appeal,
        before={"state": current, "version": expected},
        after={
            "state": to,
            "version": expected + 1,
            **{k: audit._jsonable(v) for k, v in fields.items() if k != "reply"},
        },
        organisation_path=appeal.organisation.path,
    )
    return appeal


def _withdraw_extension_request(appeal: Appeal, actor: Any, state_label: Any) -> None:
    if ExtensionRequest.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.WITHDRAWN, decided_at=timezone.now()
    ):
        _event(
            appeal,
            EventKind.EXTENSION_WITHDRAWN,
            actor=actor,
            message=_("The extension request lapsed: the appeal is now “%(state)s”.")
            % {"state": state_label},
        )


@transaction.atomic
def appeal_dispatch(
    *,
    actor: Any,
    appeal: Appeal,
    organisation: Organisation,
    reason: str = "",
    version: int | None = None,
) -> Appeal:
    """Send the appeal down to the union that will handle it (any level may dispatch further)."""
    _require(actor, "appeal.dispatch", appeal)
    if not actor_can(actor, "appeal.dispatch", organisation.path):
        raise ScopeViolation(_("The chosen organisation is outside your area."))
    if organisation.pk == appeal.organisation_id:
        raise ValidationError({"organisation": _("Organisation: the appeal is already there.")})
    sign_days, _reply = sla_days(appeal.request_type, appeal.complexity)
    sign_due = add_working_days(timezone.localdate(), sign_days)
    return _transition(
        appeal,
        actor=actor,
        to=State.DISPATCHED,
        kind=EventKind.DISPATCHED,
        version=version,
        message=_("Dispatched to %(org)s. %(reason)s")
        % {"org": organisation.name, "reason": reason},
        organisation=organisation,
        dispatched_by=appeal.organisation,
        routing_reason=reason[:200],
        sign_due=sign_due,
        due_on=sign_due,
        flag="",
    )


@transaction.atomic
def appeal_sign(*, actor: Any, appeal: Appeal, version: int | None = None) -> Appeal:
    """签收: the responsible union accepts the appeal; the reply deadline now runs."""
    _require(actor, "appeal.handle", appeal)
    return _transition(
        appeal,
        actor=actor,
        to=State.SIGNED,
        kind=EventKind.SIGNED,
        version=version,
        message=_("Signed for by %(org)s.") % {"org": appeal.organisation.name},
        signed_at=timezone.now(),
        due_on=appeal.reply_due,
        flag="",
    )


@transaction.atomic
def appeal_start(*, actor: Any, appeal: Appeal, version: int | None = None) -> Appeal:
    _require(actor, "appeal.handle", appeal)
    return _transition(
        appeal,
        actor=actor,
        to=State.IN_PROGRESS,
        kind=EventKind.STARTED,
        version=version,
        message=_("Handling started."),
    )


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value or "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError(
            {"wages_recovered": _("Wages recovered: enter an amount in yuan.")}
        ) from None
    if amount < 0:
        raise ValidationError({"wages_recovered": _("Wages recovered: must not be negative.")})
    return amount


@transaction.atomic
def appeal_reply(
    *,
    actor: Any,
    appeal: Appeal,
    reply: str,
    wages_recovered: Any = None,
    version: int | None = None,
) -> Appeal:
    """The handling result, told to the worker; on time if replied by the reply deadline."""
    _require(actor, "appeal.handle", appeal)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Reply: please write the result for the worker.")})
    amount = (
        _money(wages_recovered) if wages_recovered not in (None, "") else appeal.wages_recovered
    )
    now = timezone.now()
    on_time = appeal.reply_due is None or timezone.localdate(now) <= appeal.reply_due
    return _transition(
        appeal,
        actor=actor,
        to=State.REPLIED,
        kind=EventKind.REPLIED,
        version=version,
        message=reply,
        reply=reply,
        replied_at=now,
        on_time=on_time,
        wages_recovered=amount,
        due_on=None,
        flag="",
    )


@transaction.atomic
def appeal_return(*, actor: Any, appeal: Appeal, reason: str, version: int | None = None) -> Appeal:
    """Wrong routing: back to the dispatching level, with the reason."""
    _require(actor, "appeal.handle", appeal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why the appeal is returned.")})
    back_to = appeal.dispatched_by
    if back_to is None:
        raise Conflict(_("This appeal was not dispatched to you; there is nobody to return it to."))
    sign_due = add_working_days(timezone.localdate(), 1)
    return _transition(
        appeal,
        actor=actor,
        to=State.RETURNED,
        kind=EventKind.RETURNED,
        version=version,
        public=False,
        message=_("Returned to %(org)s: %(reason)s") % {"org": back_to.name, "reason": reason},
        organisation=back_to,
        dispatched_by=None,
        sign_due=sign_due,
        due_on=sign_due,
        flag="",
    )


def extension_approver(appeal: Appeal) -> Organisation:
    """The dispatching level approves extensions (the parent union if nobody dispatched)."""
    return appeal.dispatched_by or appeal.organisation.parent or appeal.organisation


def extension_request_pending(appeal: Appeal) -> ExtensionRequest | None:
    if not appeal.extension_pending:
        return None
    return (
        ExtensionRequest.objects.select_related("approver")
        .filter(appeal=appeal, status=ExtensionStatus.PENDING)
        .first()
    )


def extension_request_used(appeal: Appeal) -> bool:
    """The one request of the appeal is pending or decided (approved or refused)."""
    return (
        appeal.extension_used
        or appeal.extension_pending
        or ExtensionRequest.objects.filter(appeal=appeal)
        .exclude(status=ExtensionStatus.WITHDRAWN)
        .exists()
    )


def _days(value: Any, most: int, field: str = "days") -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= most:
        raise ValidationError(
            {field: _("Days: an extension is 1 to %(max)d working days.") % {"max": most}}
        )
    return days


def _touch(appeal: Appeal, version: int | None, **fields: Any) -> Appeal:
    """A change of the appeal that keeps its state, under the same optimistic version check."""
    expected = appeal.version if version is None else version
    updated = Appeal.objects.filter(pk=appeal.pk, state=appeal.state, version=expected).update(
        version=expected + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise Conflict(_conflict_message())
    appeal.refresh_from_db()
    return appeal


@transaction.atomic
def appeal_extension_request(
    *, actor: Any, appeal: Appeal, days: Any, reason: str, version: int | None = None
) -> ExtensionRequest:
    """The handling union asks the dispatching level for more time: 1–7 working days, with a
    reason, before the reply deadline has passed, once per appeal. The appeal keeps its state
    and deadline until the approval (the handler may still reply meanwhile)."""
    _require(actor, "appeal.handle", appeal)
    if not rules.can_transition(appeal.state, State.EXTENDED):
        raise Conflict(
            _("An extension cannot be requested while the appeal is “%(state)s”.")
            % {"state": State(appeal.state).label},
            code="transition",
        )
    if extension_request_used(appeal):
        raise Conflict(_("This appeal has already had its one extension request."))
    days = _days(days, rules.MAX_EXTENSION_DAYS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why more time is needed.")})
    today = timezone.localdate()
    if appeal.reply_due is not None and today > appeal.reply_due:
        raise Conflict(
            _("The reply deadline (%(due)s) has passed; an extension must be requested before it.")
            % {"due": appeal.reply_due.isoformat()},
            code="transition",
        )
    approver = extension_approver(appeal)
    seen = appeal.version if version is None else version
    appeal = _touch(appeal, version, extension_pending=True)
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                appeal=appeal,
                approver=approver,
                days=days,
                reason=reason,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                requested_by_name=_actor_name(actor),
                due_before=appeal.reply_due,
            )
    except IntegrityError:  # another handler's request committed first
        raise Conflict(_conflict_message()) from None
    _event(
        appeal,
        EventKind.EXTENSION_REQUESTED,
        actor=actor,
        message=_("Extension of %(days)d working days requested from %(org)s: %(reason)s")
        % {"days": days, "org": approver.name, "reason": reason},
    )
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="appeal_extension_request",
        obj=request,
        before={"appeal": appeal.pk, "version": seen},
        after={
            "appeal": appeal.pk,
            "version": appeal.version,
            "days": days,
            "approver": approver.pk,
            "reply_due": audit._jsonable(appeal.reply_due),
        },
        organisation_path=appeal.organisation.path,
    )
    return request


def _pending_for_decision(actor: Any, appeal: Appeal) -> ExtensionRequest:
    """The pending request of ``appeal``, locked, if ``actor`` may decide it."""
    _require(actor, "appeal.view", appeal)
    request = (
        ExtensionRequest.objects.select_for_update()
        .select_related("approver")
        .filter(appeal=appeal, status=ExtensionStatus.PENDING)
        .first()
    )
    if request is None:
        raise Conflict(_("There is no extension request awaiting a decision on this appeal."))
    if not actor_can(actor, "appeal.dispatch", request.approver.path):
        raise Conflict(
            _("Only %(org)s, the dispatching level, can decide on this extension.")
            % {"org": request.approver.name},
            code="forbidden",
        )
    if request.requested_by_id is not None and request.requested_by_id == getattr(
        actor, "pk", None
    ):
        raise Conflict(
            _("You requested this extension; another person at the dispatching level decides."),
            code="forbidden",
        )
    return request


def _decide(request: ExtensionRequest, actor: Any, status: str, **fields: Any) -> None:
    now = timezone.now()
    updated = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=status,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_by_name=_actor_name(actor),
        decided_at=now,
        **fields,
    )
    if not updated:
        raise Conflict(_conflict_message())
    request.refresh_from_db()


@transaction.atomic
def appeal_extension_approve(
    *,
    actor: Any,
    appeal: Appeal,
    days: Any = None,
    note: str = "",
    version: int | None = None,
) -> Appeal:
    """The dispatching level approves the pending request, for the days asked or fewer: the
    reply deadline moves by that many working days and the appeal is "extended"."""
    request = _pending_for_decision(actor, appeal)
    granted = request.days if days in (None, "") else _days(days, request.days)
    note = (note or "").strip()
    base = appeal.reply_due or timezone.localdate()
    new_due = add_working_days(base, granted)
    message = _("Time limit extended by %(days)d working days to %(due)s: %(reason)s") % {
        "days": granted,
        "due": new_due.isoformat(),
        "reason": request.reason,
    }
    appeal = _transition(
        appeal,
        actor=actor,
        to=State.EXTENDED,
        kind=EventKind.EXTENDED,
        version=version,
        message=f"{message} {note}".strip(),
        verb="appeal_extension_approve",
        extension_used=True,
        extension_pending=False,
        reply_due=new_due,
        due_on=new_due,
        flag="",
    )
    _decide(
        request,
        actor,
        ExtensionStatus.APPROVED,
        days_granted=granted,
        due_after=new_due,
        decision_note=note,
    )
    return appeal


@transaction.atomic
def appeal_extension_reject(
    *, actor: Any, appeal: Appeal, reason: str, version: int | None = None
) -> Appeal:
    """The dispatching level refuses the pending request, with a reason. The deadline and the
    state stay as they were, so the handler goes on and replies in time; the refusal uses up
    the appeal's one request (see docs/appeals.md)."""
    request = _pending_for_decision(actor, appeal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why the extension is refused.")})
    seen = appeal.version if version is None else version
    appeal = _touch(appeal, version, extension_pending=False)
    _decide(request, actor, ExtensionStatus.REJECTED, decision_note=reason)
    _event(
        appeal,
        EventKind.EXTENSION_REJECTED,
        actor=actor,
        message=_("Extension refused; the reply deadline stays %(due)s: %(reason)s")
        % {"due": appeal.reply_due.isoformat() if appeal.reply_due else "—", "reason": reason},
    )
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb="appeal_extension_reject",
        obj=appeal,
        before={"version": seen, "extension_pending": True},
        after={"version": appeal.version, "extension_pending": False, "request": request.pk},
        organisation_path=appeal.organisation.path,
    )
    return appeal


def _reopen_fields(appeal: Appeal) -> dict[str, Any]:
    _sign, reply_days = sla_days(appeal.request_type, appeal.complexity)
    due = add_working_days(timezone.localdate(), reply_days)
    return {
        "reopen_count": appeal.reopen_count + 1,
        "reply_due": due,
        "due_on": due,
        "flag": "",
        "satisfaction": Satisfaction.UNSATISFIED,
        "replied_at": None,
        "on_time": None,
    }


@transaction.atomic
def appeal_callback(
    *,
    actor: Any,
    appeal: Appeal,
    result: str,
    note: str = "",
    version: int | None = None,
    by_worker: bool = False,
) -> Appeal:
    """回访: 满意 / 基本满意 / 不满意 (→ reopened), or a failed try (unreachable after 3).

    ``by_worker``: the worker rated on H5 (the caller has checked number and phone).
    """
    if not by_worker:
        _require(actor, "appeal.callback", appeal)
    valid = {Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED, "no_answer"}
    if result not in valid:
        raise ValidationError(
            {
                "result": _(
                    "Result: choose satisfied, basically satisfied, unsatisfied or no answer."
                )
            }
        )
    if appeal.state not in (State.REPLIED, State.CALLBACK) or (
        appeal.state == State.CALLBACK and not by_worker
    ):
        raise Conflict(_("A callback is recorded after the reply."), code="transition")
    kind = EventKind.RATED if by_worker else EventKind.CALLBACK
    if result == "no_answer":
        expected = appeal.version if version is None else version
        attempts = appeal.callback_attempts + 1
        if attempts < rules.CALLBACK_MAX_ATTEMPTS:
            if not Appeal.objects.filter(pk=appeal.pk, state=appeal.state, version=expected).update(
                callback_attempts=attempts, version=expected + 1
            ):
                raise Conflict(_conflict_message())
            appeal.refresh_from_db()
            _event(
                appeal,
                EventKind.CALLBACK,
                actor=actor,
                message=_("Callback try %(n)d: no answer. %(note)s")
                % {"n": attempts, "note": note},
            )
            return appeal
        return _transition(
            appeal,
            actor=actor,
            to=State.CALLBACK,
            kind=EventKind.CALLBACK,
            version=version,
            public=False,
            message=_("Unreachable after %(n)d tries.") % {"n": attempts},
            callback_attempts=attempts,
            satisfaction=Satisfaction.UNREACHABLE,
        )
    label = Satisfaction(result).label
    if result == Satisfaction.UNSATISFIED:
        return _transition(
            appeal,
            actor=actor,
            to=State.REOPENED,
            kind=EventKind.REOPENED,
            version=version,
            message=_("%(how)s: %(label)s — reopened for handling again. %(note)s")
            % {"how": EventKind(kind).label, "label": label, "note": note},
            **_reopen_fields(appeal),
        )
    if appeal.state == State.CALLBACK:  # the worker rates after staff recorded a callback
        expected = appeal.version if version is None else version
        if not Appeal.objects.filter(pk=appeal.pk, version=expected).update(
            satisfaction=result, version=expected + 1
        ):
            raise Conflict(_conflict_message())
        appeal.refresh_from_db()
        _event(appeal, kind, message=str(label), public=True, actor_name="")
        return appeal
    return _transition(
        appeal,
        actor=actor,
        to=State.CALLBACK,
        kind=kind,
        version=version,
        message=f"{label} {note}".strip(),
        satisfaction=result,
    )


@transaction.atomic
def appeal_close(*, actor: Any, appeal: Appeal, version: int | None = None) -> Appeal:
    _require(actor, "appeal.callback", appeal)
    now = timezone.now()
    days = working_days_between(timezone.localdate(appeal.received_at), timezone.localdate(now))
    return _transition(
        appeal,
        actor=actor,
        to=State.CLOSED,
        kind=EventKind.CLOSED,
        version=version,
        message=_("Closed."),
        closed_at=now,
        working_days_to_close=max(days, 0),
        due_on=None,
        flag="",
    )


@transaction.atomic
def appeal_merge(
    *, actor: Any, appeal: Appeal, into_number: str, version: int | None = None
) -> Appeal:
    """A duplicate: merged into another appeal of the same worker or case."""
    _require(actor, "appeal.handle", appeal)
    target = (
        Appeal.objects.visible_to(actor, "appeal.view").filter(number=into_number.strip()).first()
    )
    if target is None or target.pk == appeal.pk or target.state == State.MERGED:
        raise ValidationError({"into_number": _("Merge into: no such open appeal in your area.")})
    return _transition(
        appeal,
        actor=actor,
        to=State.MERGED,
        kind=EventKind.MERGED,
        version=version,
        message=_("Merged into %(number)s.") % {"number": target.number},
        merged_into=target,
        due_on=None,
        flag="",
    )


@transaction.atomic
def appeal_note(*, actor: Any, appeal: Appeal, text: str) -> AppealEvent:
    """An internal note: staff only, never on the worker's timeline."""
    _require(actor, "appeal.view", appeal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Note: please write something.")})
    return _event(appeal, EventKind.NOTE, actor=actor, message=text, public=False)


@transaction.atomic
def appeal_add_info(*, appeal: Appeal, text: str, files: list[Any] | None = None) -> AppealEvent:
    """The worker adds information on /m/track (the caller checked number and phone)."""
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError({"text": _("Information: please write something or add a file.")})
    if appeal.state in (State.CLOSED, State.MERGED):
        raise Conflict(_("This appeal is closed; please submit a new appeal."))
    for upload in files or []:
        attachment_add(actor=None, appeal=appeal, upload=upload, public=True)
    return _event(appeal, EventKind.INFO, message=text, public=True, actor_name=appeal.caller_name)
