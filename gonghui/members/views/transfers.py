"""Membership transfers (会籍接转) in the console: the list, a request in, the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.pii import blind_index
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.members import selectors, services
from gonghui.members.choices import LIVE_STATES, TransferState
from gonghui.members.forms import (
    RejectForm,
    TransferInForm,
)
from gonghui.members.views.common import querystring_without_page
from gonghui.orgs.models import Employer, Organisation


@require_capability("member.transfer")
def transfer_list(request: HttpRequest) -> HttpResponse:
    direction = request.GET.get("direction", "")
    state = request.GET.get("state", TransferState.PENDING)
    if state not in TransferState.values and state != "":
        state = TransferState.PENDING
    qs = selectors.transfer_list(
        actor=request.user, state=state, direction=direction if direction in ("in", "out") else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/transfer_list.html",
        {
            "page_obj": page,
            "direction": direction,
            "state": state,
            "states": TransferState.choices,
            "today": timezone.localdate(),
            "backlog": selectors.transfers_backlog(actor=request.user),
            "querystring_without_page": querystring_without_page(request),
        },
    )


@require_capability("member.transfer")
def transfer_new(request: HttpRequest) -> HttpResponse:
    """The new union asks for a member of another union (会籍接转), by ID number and name."""
    form = TransferInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = _request_transfer_in(request, data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Conflict, ScopeViolation) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Transfer requested; the old union has been asked."))
            return redirect("members:transfer_detail", pk=transfer.pk)
    return render(request, "members/transfer_new.html", {"form": form})


def _request_transfer_in(request: HttpRequest, data: dict[str, Any]) -> Any:
    resident = services.clean_resident_id(data["id_number"])
    membership = services.live_membership_of(blind_index("id", resident.number))
    # Name and ID must match a live membership; the same message either way, so the form does
    # not confirm who is a member.
    if membership is None or membership.person.name != data["name"].strip():
        raise ValidationError({"id_number": _("No membership matches this ID number and name.")})
    to_employer = to_organisation = None
    if data["to_employer"]:
        to_employer = (
            Employer.objects.visible_to(request.user, "employer.view")
            .filter(credit_code=data["to_employer"].strip().upper())
            .first()
        )
        if to_employer is None:
            raise ValidationError(
                {"to_employer": _("No employer in your jurisdiction has this credit code.")}
            )
    elif data["to_organisation"]:
        to_organisation = (
            Organisation.objects.visible_to(request.user, "member.transfer")
            .filter(code=data["to_organisation"].strip())
            .first()
        )
        if to_organisation is None:
            raise ValidationError(
                {"to_organisation": _("No union in your jurisdiction has this code.")}
            )
    return services.transfer_request(
        actor=request.user,
        membership=membership,
        to_employer=to_employer,
        to_organisation=to_organisation,
        reason=data["reason"],
    )


@require_capability("member.transfer")
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer_get_for_actor(actor=request.user, pk=pk)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.transfer_confirm(actor=request.user, transfer=transfer)
                messages.success(request, _("Transfer confirmed."))
                return redirect("members:transfer_detail", pk=pk)
            if action == "cancel":
                services.transfer_cancel(actor=request.user, transfer=transfer)
                messages.success(request, _("Transfer request withdrawn."))
                return redirect("members:transfer_detail", pk=pk)
            if action == "reject" and reject_form.is_valid():
                services.transfer_reject(
                    actor=request.user, transfer=transfer, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("Transfer rejected."))
                return redirect("members:transfer_detail", pk=pk)
        except ValidationError as error:
            apply_validation_error(reject_form, error)
        except (Conflict, ScopeViolation) as error:
            messages.error(request, error.message)
            return redirect("members:transfer_detail", pk=pk)
    pending = transfer.state == TransferState.PENDING
    return render(
        request,
        "members/transfer_detail.html",
        {
            "t": transfer,
            "person": transfer.membership.person,
            "reject_form": reject_form,
            "can_decide": pending
            and actor_can(request.user, "member.transfer", transfer.from_organisation.path),
            "can_cancel": pending
            and actor_can(request.user, "member.transfer", transfer.to_organisation.path),
            "live_states": LIVE_STATES,
        },
    )
