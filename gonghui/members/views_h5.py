"""The workers' phone pages (public, no account): join, check progress, ask for a transfer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
from gonghui.core.validators import normalise_text_code
from gonghui.core.views import apply_validation_error
from gonghui.members import selectors, services, throttle
from gonghui.members.forms import JoinForm, MemberTransferForm, StatusForm
from gonghui.orgs.models import Employer

EMPLOYER_SUGGESTIONS = 8


def _too_many(request: HttpRequest, form: Any) -> None:
    form.add_error(None, _("Too many attempts from this network; please try again later."))


def _employer_from(data: dict[str, Any]) -> Employer | None:
    """The employer the worker picked from the list, or typed by its exact registered name."""
    if data.get("employer"):
        return (
            Employer.objects.select_related("union", "organisation")
            .filter(pk=data["employer"])
            .first()
        )
    name = (data.get("employer_name") or "").strip()
    if name and not data.get("employer_credit_code"):
        matches = list(
            Employer.objects.select_related("union", "organisation").filter(name=name)[:2]
        )
        if len(matches) == 1:
            return matches[0]
    return None


@login_not_required
def join(request: HttpRequest) -> HttpResponse:
    """H5 ``/m/join``: the online application."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "join", throttle.JOIN_LIMIT):
            _too_many(request, form)
        else:
            data = form.cleaned_data
            try:
                application = services.join_application_submit(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    occupation=data["occupation"],
                    employer=_employer_from(data),
                    employer_name=data["employer_name"],
                    employer_credit_code=data["employer_credit_code"],
                    employer_division=data["employer_division"],
                    employment_type=data["employment_type"],
                    ethnicity=data["ethnicity"],
                    education=data["education"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return render(request, "members/h5/join_done.html", {"a": application})
    return render(request, "members/h5/join.html", {"form": form})


@login_not_required
def join_employers(request: HttpRequest) -> HttpResponse:
    """htmx: employers matching a typed name or credit code (public register data only)."""
    q = request.GET.get("employer_name", request.GET.get("q", "")).strip()
    employers: list[Employer] = []
    if len(q) >= 2 and not throttle.allow(request, "employers", throttle.SEARCH_LIMIT):
        # 200, not 429: htmx swaps only successful answers, and the list says why it is empty.
        context = {"employers": [], "q": q, "limited": True}
        return render(request, "members/h5/_employers.html", context)
    if len(q) >= 2:
        code = normalise_text_code(q)
        employers = list(
            Employer.objects.filter(Q(name__contains=q) | Q(credit_code=code))
            .select_related("division")
            .only("pk", "name", "credit_code", "division__name")
            .order_by("name")[:EMPLOYER_SUGGESTIONS]
        )
    return render(request, "members/h5/_employers.html", {"employers": employers, "q": q})


@login_not_required
def join_status(request: HttpRequest) -> HttpResponse:
    """H5 ``/m/join/status``: progress by ID number + phone of the worker's applications (a
    rejection shows its reason, an approval the card number) and of the member's pending or
    latest transfer (the two unions, the date it completes by itself)."""
    form = StatusForm(request.POST or None)
    applications = transfer = None
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "status", throttle.STATUS_LIMIT):
            _too_many(request, form)
        else:
            try:
                resident = services.clean_resident_id(form.cleaned_data["id_number"])
                phone = services.clean_phone(form.cleaned_data["phone"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                applications = selectors.application_status(id_number=resident.number, phone=phone)
                transfer = selectors.transfer_status(id_number=resident.number, phone=phone)
    return render(
        request,
        "members/h5/join_status.html",
        {"form": form, "applications": applications, "transfer": transfer},
    )


@login_not_required
def member_transfer(request: HttpRequest) -> HttpResponse:
    """H5 ``/m/transfer``: a member who changed employer asks to move there. The new employer is
    found as on ``/m/join`` (``join_employers``), or typed with its county when not registered:
    then the county federation receives the request with the typed name in its note
    (``services.transfer_request_by_member``)."""
    form = MemberTransferForm(request.POST or None)
    transfer = None
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "status", throttle.STATUS_LIMIT):
            _too_many(request, form)
        else:
            data = form.cleaned_data
            try:
                transfer = services.transfer_request_by_member(
                    id_number=data["id_number"],
                    phone=data["phone"],
                    employer=_employer_from(data),
                    employer_name=data["employer_name"],
                    employer_credit_code=data["employer_credit_code"],
                    employer_division=data["employer_division"],
                    reason=data["reason"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
    return render(request, "members/h5/transfer.html", {"form": form, "transfer": transfer})
