"""The review queue of online join applications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.scoping import actor_can
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.members import selectors, services
from gonghui.members.choices import ApplicationState
from gonghui.members.forms import (
    RejectForm,
)
from gonghui.members.views.common import reveal_response


@require_capability("member.review")
def application_queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", ApplicationState.PENDING)
    if state not in ApplicationState.values:
        state = ApplicationState.PENDING
    qs = selectors.application_queue(actor=request.user, state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/application_queue.html",
        {
            "page_obj": page,
            "state": state,
            "states": ApplicationState.choices,
            "today": timezone.localdate(),
            "backlog": selectors.applications_backlog(actor=request.user),
            "querystring_without_page": f"state={state}&",
        },
    )


@require_capability("member.review")
@require_POST
def application_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The applicant's ID number or phone in plain text, so the reviewer can reach them; for
    pii.reveal holders over the reviewing union, audited like the member's reveal."""
    application = selectors.application_get_for_actor(actor=request.user, pk=pk)
    return reveal_response(request, application, field, application.organisation.path)


@require_capability("member.review")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_actor(actor=request.user, pk=pk)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                membership = services.join_application_approve(
                    actor=request.user, application=application
                )
                messages.success(
                    request,
                    _("Approved: card number %(card)s.") % {"card": membership.card_number},
                )
                return redirect("members:member_detail", pk=membership.pk)
            if action == "reject" and reject_form.is_valid():
                services.join_application_reject(
                    actor=request.user,
                    application=application,
                    reason=reject_form.cleaned_data["reason"],
                )
                messages.success(request, _("Rejected; the worker sees the reason."))
                return redirect("members:application_queue")
        except ValidationError as error:
            apply_validation_error(reject_form, error)
        except (Conflict, ScopeViolation) as error:
            messages.error(request, error.message)
            return redirect("members:application_detail", pk=pk)
    return render(
        request,
        "members/application_detail.html",
        {
            "a": application,
            "masked_id": mask_id_number(application.id_number),
            "masked_phone": mask_phone(application.phone),
            "can_reveal": actor_can(request.user, "pii.reveal", application.organisation.path),
            "reject_form": reject_form,
            "today": timezone.localdate(),
        },
    )
