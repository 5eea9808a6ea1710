"""Join applications: the public application (H5), the review queue and its decisions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core.api import PagePagination
from gonghui.members import selectors, services, throttle
from gonghui.members.api import router
from gonghui.members.api.registry import MemberOut
from gonghui.members.choices import ApplicationState
from gonghui.members.models import JoinApplication
from gonghui.orgs.models import Employer


class ApplicationIn(Schema):
    name: str
    id_number: str
    phone: str
    occupation: str
    employer_id: int | None = None
    employer_name: str = ""
    employer_credit_code: str = ""
    employer_division: str = ""
    employment_type: str = ""
    ethnicity: str = ""
    education: str = ""
    # The worker agreed to the personal-information notice shown with the form (PIPL art. 14);
    # an application without it is refused.
    consent: bool = False


class ApplicationOut(Schema):
    id: int
    name: str
    state: str
    state_label: str
    organisation_code: str
    organisation_name: str
    occupation: str
    employer_name: str
    due_on: datetime.date
    reject_reason: str
    membership_id: int | None
    forwarded_from_name: str | None
    forwarded_at: datetime.datetime | None
    forward_reason: str

    @staticmethod
    def resolve_organisation_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.organisation.code

    @staticmethod
    def resolve_forwarded_from_name(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.forwarded_from.name if obj.forwarded_from_id else None

    @staticmethod
    def resolve_state_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_state_display())

    @staticmethod
    def resolve_organisation_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.organisation.name

    @staticmethod
    def resolve_employer_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.employer.name if obj.employer_id else obj.employer_name


# Fields refused with a shared validator's message, which does not say whose value it is about
# ("统一社会信用代码校验位不正确"): the API answers with the messages alone, so it names the
# field before them (a page shows the field's label beside the message already).
_LABELS = {"employer_credit_code": _lazy("Employer's unified social credit code")}


def _labelled(error: ValidationError) -> ValidationError:
    """``error`` with the messages of the fields in ``_LABELS`` led by the field's label (each
    message keeps its code)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            field: [
                ValidationError(_label(field, message), code=leaf.code)
                for leaf in errors
                for message in leaf.messages
            ]
            for field, errors in error.error_dict.items()
        }
    )


def _label(field: str, message: str) -> str:
    if field not in _LABELS:
        return message
    return _("%(field)s: %(error)s") % {"field": _LABELS[field], "error": message}


class RejectIn(Schema):
    reason: str


class BulkApproveIn(Schema):
    ids: list[int]


class ApprovedOut(Schema):
    id: int
    membership_id: int
    card_number: str | None


class SkippedOut(Schema):
    id: int
    code: str
    message: str


class BulkApproveOut(Schema):
    approved: list[ApprovedOut]
    skipped: list[SkippedOut]


class ForwardIn(Schema):
    organisation: str
    reason: str


@router.post(
    "/applications", response={201: ApplicationOut}, auth=None, summary="Apply to join (H5)"
)
def application_submit(request: HttpRequest, payload: ApplicationIn):
    """Public: a worker's application, routed to the employer's union or the local federation.
    ``consent: true`` is required: the worker agreed to the personal-information notice."""
    if not throttle.allow(request, "join", throttle.JOIN_LIMIT):
        raise HttpError(429, _("Too many attempts from this network; please try again later."))
    if payload.consent is not True:
        message = _("Consent to the personal information notice is required (consent: true).")
        raise ValidationError({"consent": [ValidationError(message, code="consent_required")]})
    from gonghui.core.models import Division

    employer = (
        Employer.objects.select_related("union", "organisation")
        .filter(pk=payload.employer_id)
        .first()
        if payload.employer_id
        else None
    )
    division = (
        Division.objects.filter(pk=payload.employer_division).first()
        if payload.employer_division
        else None
    )
    try:
        application = _submit(payload, employer, division)
    except ValidationError as error:
        raise _labelled(error) from None
    return Status(201, application)


def _submit(payload: ApplicationIn, employer: Employer | None, division: Any) -> JoinApplication:
    return services.join_application_submit(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        occupation=payload.occupation,
        employer=employer,
        employer_name=payload.employer_name,
        employer_credit_code=payload.employer_credit_code,
        employer_division=division,
        employment_type=payload.employment_type,
        ethnicity=payload.ethnicity,
        education=payload.education,
        consent=payload.consent,
    )


@router.get("/applications", response=list[ApplicationOut], summary="Review queue")
@paginate(PagePagination)
def application_queue(request: HttpRequest, state: str = ApplicationState.PENDING):
    return selectors.application_queue(actor=request.user, state=state)


@router.post(
    "/applications/approve", response=BulkApproveOut, summary="Approve join applications in bulk"
)
def application_bulk_approve(request: HttpRequest, payload: BulkApproveIn):
    """Each id through the single approval, in a transaction of its own; the ones that cannot be
    approved are skipped with a reason code (``not_found`` also for an application outside the
    caller's scope, ``already_reviewed``, ``already_member``, ``invalid``). At most 500 ids."""
    result = services.join_applications_approve(actor=request.user, applications=payload.ids)
    return {
        "approved": [
            {
                "id": item.application_id,
                "membership_id": item.membership.pk,
                "card_number": item.membership.card_number,
            }
            for item in result.approved
        ],
        "skipped": [
            {"id": item.application_id, "code": item.code, "message": item.message}
            for item in result.skipped
        ],
    }


@router.get(
    "/applications/{int:application_id}", response=ApplicationOut, summary="Join application"
)
def application_detail(request: HttpRequest, application_id: int):
    return selectors.application_get_for_actor(actor=request.user, pk=application_id)


@router.post(
    "/applications/{int:application_id}/approve",
    response=MemberOut,
    summary="Approve a join application",
)
def application_approve(request: HttpRequest, application_id: int):
    application: JoinApplication = selectors.application_get_for_actor(
        actor=request.user, pk=application_id
    )
    return services.join_application_approve(actor=request.user, application=application)


@router.post(
    "/applications/{int:application_id}/reject",
    response=ApplicationOut,
    summary="Reject a join application",
)
def application_reject(request: HttpRequest, application_id: int, payload: RejectIn):
    application = selectors.application_get_for_actor(actor=request.user, pk=application_id)
    return services.join_application_reject(
        actor=request.user, application=application, reason=payload.reason
    )


@router.post(
    "/applications/{int:application_id}/forward",
    response=ApplicationOut,
    summary="Forward a misrouted join application (转办)",
)
def application_forward(request: HttpRequest, application_id: int, payload: ForwardIn):
    """To the union with the organisation code (or exact name) ``organisation``, with a reason;
    the deadline restarts. 409 for the same union, an inactive one or a reviewed application.
    The caller usually no longer sees the application afterwards."""
    application = selectors.application_get_for_actor(actor=request.user, pk=application_id)
    target = selectors.forward_target(actor=request.user, text=payload.organisation)
    if target is None:
        raise ValidationError(
            {"organisation": _("No union has this organisation code or name; check it.")}
        )
    return services.join_application_forward(
        actor=request.user, application=application, to_organisation=target, reason=payload.reason
    )
