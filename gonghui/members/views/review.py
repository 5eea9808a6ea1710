"""The review queue of online join applications: one by one, in bulk, and forwarding."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.accounts.scoping import actor_can
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.members import selectors, services
from gonghui.members.choices import ApplicationState
from gonghui.members.forms import ForwardForm, RejectForm
from gonghui.members.models import JoinApplication
from gonghui.members.rules import BULK_APPROVE_LIMIT
from gonghui.members.views.common import reveal_response

# Skipped applications named one by one in the bulk approval's message; the rest are counted.
SKIPPED_LISTED = 20


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
            # Only pending applications can be approved, so only their tab has checkboxes.
            "bulk": state == ApplicationState.PENDING and bool(page.object_list),
            "bulk_limit": BULK_APPROVE_LIMIT,
        },
    )


def _posted_ids(request: HttpRequest) -> list[int]:
    """The ticked applications; a value that is no id cannot name an application, so it is
    dropped (the page only sends ids)."""
    return [int(value) for value in request.POST.getlist("ids") if value.isdigit()]


@require_capability("member.review")
@require_POST
def application_bulk_approve(request: HttpRequest) -> HttpResponse:
    """The queue's "approve selected": every ticked application through the single approval;
    the message counts the approved ones and names the skipped ones with their reason."""
    try:
        result = services.join_applications_approve(
            actor=request.user, applications=_posted_ids(request)
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        _report_bulk(request, result)
    back = request.POST.get("page", "")
    query = f"?page={back}" if back.isdigit() else ""
    return redirect(f"{_queue_url()}{query}")


def _queue_url() -> str:
    return reverse("members:application_queue")


def _report_bulk(request: HttpRequest, result: services.BulkApproval) -> None:
    approved, skipped = len(result.approved), len(result.skipped)
    if not skipped:
        messages.success(request, _("Approved %(approved)d.") % {"approved": approved})
        return
    listed = [
        _("%(who)s (%(reason)s)")
        % {
            "who": item.name or _("application %(id)d") % {"id": item.application_id},
            "reason": item.message,
        }
        for item in result.skipped[:SKIPPED_LISTED]
    ]
    if skipped > SKIPPED_LISTED:
        listed.append(_("and %(more)d more") % {"more": skipped - SKIPPED_LISTED})
    text = _("Approved %(approved)d, %(skipped)d not approved: %(list)s") % {
        "approved": approved,
        "skipped": skipped,
        "list": _("; ").join(listed),
    }
    messages.warning(request, text)


@require_capability("member.review")
@require_GET
def application_unions(request: HttpRequest) -> HttpResponse:
    """htmx: the forwarding form's lookup, unions of the actor's region tree as datalist
    options (value: the code, label: the name)."""
    unions = selectors.forward_suggestions(
        actor=request.user, text=request.GET.get("organisation", "")
    )
    return render(request, "members/_union_options.html", {"unions": unions})


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
    action = request.POST.get("action")
    reject_form = RejectForm(request.POST if action == "reject" else None)
    forward_form = ForwardForm(request.POST if action == "forward" else None, prefix="forward")
    if request.method == "POST":
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
            if action == "forward" and forward_form.is_valid():
                return _forward(request, application, forward_form)
        except ValidationError as error:
            apply_validation_error(forward_form if action == "forward" else reject_form, error)
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
            "forward_form": forward_form,
            "today": timezone.localdate(),
        },
    )


def _forward(request: HttpRequest, application: JoinApplication, form: ForwardForm) -> HttpResponse:
    """Forward, then show the application if the actor still reviews it, else the queue (the
    receiving union is usually outside the actor's scope)."""
    target = selectors.forward_target(actor=request.user, text=form.cleaned_data["organisation"])
    if target is None:
        raise ValidationError(
            {"organisation": _("No union has this organisation code or name; check it.")}
        )
    row = services.join_application_forward(
        actor=request.user,
        application=application,
        to_organisation=target,
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request, _("Forwarded to %(union)s with a new review deadline.") % {"union": target.name}
    )
    if actor_can(request.user, "member.review", row.organisation.path):
        return redirect("members:application_detail", pk=row.pk)
    return redirect("members:application_queue")
