"""12351 appeal endpoints: intake (idempotent), scoped list and detail, one POST per action,
and the public tracking lookup."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gonghui.accounts.scoping import actor_can
from gonghui.appeals import selectors, services
from gonghui.appeals.choices import Channel, State
from gonghui.appeals.models import Appeal
from gonghui.core.api import PagePagination, SessionAuth, TokenAuth
from gonghui.core.pii import mask_name, mask_phone
from gonghui.core.ratelimit import client_address

router = Router(tags=["appeals"])


class AppealIn(Schema):
    caller_name: str
    phone: str
    division: str
    facts: str
    demand: str = ""
    request_type: str = "help"
    complexity: str = "ordinary"
    subject: str | None = None
    id_number: str = ""
    employer_name: str = ""
    urgent: bool = False
    channel: str | None = None


class AppealOut(Schema):
    number: str
    channel: str
    state: str
    state_label: str
    received_at: datetime.datetime
    caller_name: str
    phone: str
    division_code: str
    employer_name: str
    facts: str
    demand: str
    request_type: str
    subject: str
    suggested_subject: str | None
    suggestion_confidence: float | None
    suggestion_terms: list[str]
    complexity: str
    urgent: bool
    organisation: str
    sign_due: datetime.date | None
    reply_due: datetime.date | None
    due_on: datetime.date | None
    flag: str
    supervised: bool
    reply: str
    wages_recovered: Decimal
    satisfaction: str
    extension_pending: bool
    extension_used: bool
    version: int

    @staticmethod
    def resolve_state_label(obj: Appeal) -> str:
        return str(State(obj.state).label)

    @staticmethod
    def resolve_phone(obj: Appeal) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_division_code(obj: Appeal) -> str:
        return obj.division_id

    @staticmethod
    def resolve_subject(obj: Appeal) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_suggested_subject(obj: Appeal) -> str | None:
        return obj.suggested_subject.code if obj.suggested_subject_id else None

    @staticmethod
    def resolve_organisation(obj: Appeal) -> str:
        return obj.organisation.code


class EventOut(Schema):
    created_at: datetime.datetime
    kind: str
    message: str
    organisation_name: str


class TrackOut(Schema):
    number: str
    state: str
    state_label: str
    caller_name: str
    received_at: datetime.datetime
    reply: str
    satisfaction: str
    events: list[EventOut]

    @staticmethod
    def resolve_state_label(obj: Appeal) -> str:
        return str(State(obj.state).label)

    @staticmethod
    def resolve_caller_name(obj: Appeal) -> str:
        return mask_name(obj.caller_name)

    @staticmethod
    def resolve_events(obj: Appeal) -> list[Any]:
        return list(selectors.public_events(obj))


class VersionIn(Schema):
    version: int | None = None


class DispatchIn(VersionIn):
    organisation: str | None = None
    note: str = ""


class ReplyIn(VersionIn):
    reply: str
    wages_recovered: Decimal | None = None


class ReasonIn(VersionIn):
    reason: str


class ExtendIn(VersionIn):
    days: int
    reason: str


class ExtensionApproveIn(VersionIn):
    days: int | None = None  # fewer than requested; default: the days requested
    note: str = ""


class CallbackIn(VersionIn):
    result: str
    note: str = ""


class MergeIn(VersionIn):
    into_number: str


class NoteIn(Schema):
    text: str


def _get(request: HttpRequest, number: str) -> Appeal:
    return selectors.appeal_get_for_actor(actor=request.auth, number=number)


def _optional_user(request: HttpRequest) -> Any:
    """Integrations authenticate; the H5 page may post anonymously (then rate-limited)."""
    for auth in (TokenAuth(), SessionAuth(csrf=True)):
        user = auth(request)
        if user:
            return user
    return None


@router.post("/", response={200: AppealOut, 201: AppealOut}, auth=None, summary="Submit an appeal")
def appeal_create(request: HttpRequest, payload: AppealIn) -> Status:
    """A repeated ``Idempotency-Key`` header returns the first appeal (200) instead of a new one."""
    from gonghui.appeals.views_h5 import rate_limited

    user = _optional_user(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    staff = user is not None and actor_can(user, "appeal.intake")
    # Keys are scoped to the caller, so nobody receives another caller's appeal by its key.
    scoped_key = (f"api:u{user.pk}:{key}" if staff else f"api:anon:{key}") if key else None
    if not staff and scoped_key:  # a retry is answered before it counts against the rate limit
        existing = selectors.appeal_by_idempotency_key(scoped_key)
        if existing is not None:
            return Status(200, existing)
    if not staff and rate_limited(payload.phone, client_address(request)):
        raise ValidationError(_("Too many appeals from this phone or network; please call 12351."))
    data = payload.dict()
    channel = data.pop("channel") or (Channel.PHONE if staff else Channel.WEB)
    if not staff:
        channel = Channel.WEB
    appeal, created = services.appeal_intake_once(
        actor=user if staff else None, channel=channel, data=data, idempotency_key=scoped_key
    )
    return Status(201 if created else 200, appeal)


@router.get("/", response=list[AppealOut], summary="Appeals in my area")
@paginate(PagePagination)
def appeal_list(
    request: HttpRequest, state: str = "", subject: str = "", q: str = "", flag: str = ""
) -> Any:
    return selectors.appeal_list(
        actor=request.auth, state=state, subject=subject, q=q, flag=flag
    ).select_related("suggested_subject")


@router.get("/track", response=TrackOut, auth=None, summary="Track an appeal (public)")
def appeal_track(request: HttpRequest, number: str, phone: str) -> Appeal:
    from django.http import Http404

    from gonghui.appeals.views_h5 import rate_limited

    if rate_limited("", f"track:{client_address(request)}"):
        raise ValidationError(_("Too many attempts; please try again later."))
    appeal = selectors.appeal_track(number=number, phone=phone)
    if appeal is None:
        raise Http404
    return appeal


@router.get("/{number}", response=AppealOut, summary="One appeal")
def appeal_detail(request: HttpRequest, number: str) -> Appeal:
    return _get(request, number)


@router.post("/{number}/dispatch", response=AppealOut, summary="Dispatch (default: routing table)")
def appeal_dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> Appeal:
    from gonghui.orgs.models import Organisation

    appeal = _get(request, number)
    routed, reason = services.route_for(appeal.subject, appeal.division, appeal.employer)
    target = routed
    if payload.organisation:
        target = Organisation.objects.get_for_actor(
            request.auth, "appeal.dispatch", code=payload.organisation
        )
        reason = _("Chosen by the dispatcher.")
    return services.appeal_dispatch(
        actor=request.auth,
        appeal=appeal,
        organisation=target,
        reason=f"{reason} {payload.note}".strip(),
        version=payload.version,
    )


@router.post("/{number}/sign", response=AppealOut, summary="Sign for")
def appeal_sign(request: HttpRequest, number: str, payload: VersionIn) -> Appeal:
    return services.appeal_sign(
        actor=request.auth, appeal=_get(request, number), version=payload.version
    )


@router.post("/{number}/start", response=AppealOut, summary="Start handling")
def appeal_start(request: HttpRequest, number: str, payload: VersionIn) -> Appeal:
    return services.appeal_start(
        actor=request.auth, appeal=_get(request, number), version=payload.version
    )


@router.post("/{number}/reply", response=AppealOut, summary="Reply to the worker")
def appeal_reply(request: HttpRequest, number: str, payload: ReplyIn) -> Appeal:
    return services.appeal_reply(
        actor=request.auth,
        appeal=_get(request, number),
        reply=payload.reply,
        wages_recovered=payload.wages_recovered,
        version=payload.version,
    )


@router.post("/{number}/return", response=AppealOut, summary="Return (wrong routing)")
def appeal_return(request: HttpRequest, number: str, payload: ReasonIn) -> Appeal:
    return services.appeal_return(
        actor=request.auth,
        appeal=_get(request, number),
        reason=payload.reason,
        version=payload.version,
    )


@router.post(
    "/{number}/extension-request",
    response=AppealOut,
    summary="Request the one extension (handling union)",
)
def appeal_extension_request(request: HttpRequest, number: str, payload: ExtendIn) -> Appeal:
    appeal = _get(request, number)
    services.appeal_extension_request(
        actor=request.auth,
        appeal=appeal,
        days=payload.days,
        reason=payload.reason,
        version=payload.version,
    )
    return _get(request, number)


@router.post(
    "/{number}/extension-approve",
    response=AppealOut,
    summary="Approve the pending extension (dispatching level)",
)
def appeal_extension_approve(
    request: HttpRequest, number: str, payload: ExtensionApproveIn
) -> Appeal:
    return services.appeal_extension_approve(
        actor=request.auth,
        appeal=_get(request, number),
        days=payload.days,
        note=payload.note,
        version=payload.version,
    )


@router.post(
    "/{number}/extension-reject",
    response=AppealOut,
    summary="Refuse the pending extension (dispatching level)",
)
def appeal_extension_reject(request: HttpRequest, number: str, payload: ReasonIn) -> Appeal:
    return services.appeal_extension_reject(
        actor=request.auth,
        appeal=_get(request, number),
        reason=payload.reason,
        version=payload.version,
    )


@router.post("/{number}/callback", response=AppealOut, summary="Record a callback")
def appeal_callback(request: HttpRequest, number: str, payload: CallbackIn) -> Appeal:
    return services.appeal_callback(
        actor=request.auth,
        appeal=_get(request, number),
        result=payload.result,
        note=payload.note,
        version=payload.version,
    )


@router.post("/{number}/close", response=AppealOut, summary="Close")
def appeal_close(request: HttpRequest, number: str, payload: VersionIn) -> Appeal:
    return services.appeal_close(
        actor=request.auth, appeal=_get(request, number), version=payload.version
    )


@router.post("/{number}/merge", response=AppealOut, summary="Merge into another appeal")
def appeal_merge(request: HttpRequest, number: str, payload: MergeIn) -> Appeal:
    return services.appeal_merge(
        actor=request.auth,
        appeal=_get(request, number),
        into_number=payload.into_number,
        version=payload.version,
    )


@router.post("/{number}/note", response=EventOut, summary="Internal note")
def appeal_note(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    return services.appeal_note(actor=request.auth, appeal=_get(request, number), text=payload.text)
