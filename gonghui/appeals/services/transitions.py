"""One service per transition of the table in rules.TRANSITIONS (conditional UPDATE on version)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can
from gonghui.appeals import rules
from gonghui.appeals.choices import (
    EventKind,
    Satisfaction,
    State,
)
from gonghui.appeals.models import (
    Appeal,
    AppealEvent,
)
from gonghui.appeals.services.attachments import attachment_add
from gonghui.appeals.services.common import (
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
    **fields: Any,
) -> Appeal:
    """Move ``appeal`` to ``to`` if the table allows it and nobody changed it meanwhile."""
    current = appeal.state
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
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb=f"appeal_{kind}",
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


@transaction.atomic
def appeal_extend(
    *, actor: Any, appeal: Appeal, days: int, reason: str, version: int | None = None
) -> Appeal:
    """One extension of at most 7 working days, approved by the dispatching level."""
    _require(actor, "appeal.view", appeal)
    approver = extension_approver(appeal)
    if not actor_can(actor, "appeal.dispatch", approver.path):
        raise Conflict(
            _("Only %(org)s, the dispatching level, can approve an extension.")
            % {"org": approver.name},
            code="forbidden",
        )
    if appeal.extension_used:
        raise Conflict(_("The time limit of this appeal has already been extended once."))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= rules.MAX_EXTENSION_DAYS:
        raise ValidationError(
            {
                "days": _("Days: an extension is 1 to %(max)d working days.")
                % {"max": rules.MAX_EXTENSION_DAYS}
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Reason: say why more time is needed.")})
    base = appeal.reply_due or timezone.localdate()
    new_due = add_working_days(base, days)
    return _transition(
        appeal,
        actor=actor,
        to=State.EXTENDED,
        kind=EventKind.EXTENDED,
        version=version,
        message=_("Time limit extended by %(days)d working days to %(due)s: %(reason)s")
        % {"days": days, "due": new_due.isoformat(), "reason": reason.strip()},
        extension_used=True,
        reply_due=new_due,
        due_on=new_due,
        flag="",
    )


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
