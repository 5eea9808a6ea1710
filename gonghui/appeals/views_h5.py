"""The worker's phone pages: file an appeal (/m/appeal), follow, add to and rate it (/m/track).

Public pages (no login). A double submit never creates two appeals: the form carries a token
that becomes the appeal's idempotency key. Submissions are rate-limited per phone and per client
address through Django's cache (Redis in production, so the limit holds across app servers).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.appeals import selectors, services
from gonghui.appeals.choices import Channel, Satisfaction, State
from gonghui.appeals.forms import H5AppealForm, TrackForm
from gonghui.appeals.models import Appeal
from gonghui.core.errors import Conflict
from gonghui.core.pii import blind_index
from gonghui.core.ratelimit import client_address, hit
from gonghui.core.validators import normalise_phone
from gonghui.core.views import apply_validation_error

SESSION_KEY = "appeals_tracked"
RATE_WINDOW_SECONDS = 3600


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "GONGHUI_APPEAL_RATE_PER_PHONE", 5)),
        int(getattr(settings, "GONGHUI_APPEAL_RATE_PER_ADDRESS", 20)),
    )


def rate_limited(phone: str, address: str) -> bool:
    """Count one submission per phone and per address in the window; True when over a limit."""
    per_phone, per_address = _limits()
    try:
        phone_key = blind_index("phone", normalise_phone(phone)).hex()
    except ValidationError:
        phone_key = ""
    over = False
    for key, limit in (
        (f"appeals:rl:p:{phone_key}", per_phone),
        (f"appeals:rl:a:{address}", per_address),
    ):
        if key.endswith(":"):
            continue
        over = hit(key, RATE_WINDOW_SECONDS) > limit or over
    return over


def _remember(request: HttpRequest, number: str) -> None:
    tracked = list(request.session.get(SESSION_KEY, []))
    if number not in tracked:
        tracked = [*tracked[-9:], number]
    request.session[SESSION_KEY] = tracked


def _tracked(request: HttpRequest, number: str) -> Appeal:
    """An appeal this browser proved it owns (number + phone); otherwise back to /m/track."""
    if number not in request.session.get(SESSION_KEY, []):
        raise PermissionError
    return Appeal.objects.select_related("subject", "organisation").get(number=number)


@login_not_required
def appeal_form(request: HttpRequest) -> HttpResponse:
    form = H5AppealForm(
        request.POST or None, request.FILES or None, initial={"token": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        key = f"h5:{form.cleaned_data['token']}"
        existing = selectors.appeal_by_idempotency_key(key)
        if existing is not None:  # a double tap or a retry: the same receipt
            _remember(request, existing.number)
            return redirect("appeals:h5_receipt", number=existing.number)
        if rate_limited(form.cleaned_data["phone"], client_address(request)):
            form.add_error(
                None, _("Too many appeals from this phone or network; please call 12351.")
            )
        else:
            data = dict(form.cleaned_data)
            files = data.pop("files", [])
            try:
                appeal = services.appeal_intake(
                    actor=None, channel=Channel.WEB, data=data, idempotency_key=key, files=files
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                _remember(request, appeal.number)
                return redirect("appeals:h5_receipt", number=appeal.number)
    return render(request, "appeals/h5/appeal.html", {"form": form})


@login_not_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    try:
        appeal = _tracked(request, number)
    except (PermissionError, Appeal.DoesNotExist):
        return redirect("appeals:h5_track")
    return render(request, "appeals/h5/receipt.html", {"appeal": appeal})


@login_not_required
def track(request: HttpRequest) -> HttpResponse:
    """Case number + phone → status and the public timeline; then add information or rate."""
    appeal = None
    form = TrackForm(request.POST or None)
    number = request.GET.get("number", "")
    if request.method == "POST" and form.is_valid():
        if rate_limited("", f"track:{client_address(request)}"):
            form.add_error(None, _("Too many attempts; please try again later."))
        else:
            appeal = selectors.appeal_track(
                number=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
            )
            if appeal is None:
                form.add_error(None, _("No appeal matches this case number and phone."))
            else:
                _remember(request, appeal.number)
                return redirect(f"{request.path}?number={appeal.number}")
    elif number:
        try:
            appeal = _tracked(request, number)
        except (PermissionError, Appeal.DoesNotExist):
            appeal = None
    context = {"form": form, "appeal": appeal}
    if appeal is not None:
        context |= {
            "events": selectors.public_events(appeal),
            "can_rate": appeal.state in (State.REPLIED, State.CALLBACK) and not appeal.satisfaction,
            "can_add": appeal.state not in (State.CLOSED, State.MERGED),
            "ratings": [
                (Satisfaction.SATISFIED, Satisfaction.SATISFIED.label),
                (Satisfaction.BASIC, Satisfaction.BASIC.label),
                (Satisfaction.UNSATISFIED, Satisfaction.UNSATISFIED.label),
            ],
        }
    return render(request, "appeals/h5/track.html", context)


@login_not_required
@require_POST
def track_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    try:
        appeal = _tracked(request, number)
    except (PermissionError, Appeal.DoesNotExist):
        return redirect("appeals:h5_track")
    try:
        if action == "info":
            services.appeal_add_info(
                appeal=appeal,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
            )
        elif action == "rate":
            services.appeal_callback(
                actor=None, appeal=appeal, result=request.POST.get("result", ""), by_worker=True
            )
        else:
            return redirect("appeals:h5_track")
    except (ValidationError, Conflict) as error:
        messages.error(
            request, error.message if isinstance(error, Conflict) else "；".join(error.messages)
        )
    else:
        messages.success(request, _("Thank you, received."))
    return redirect(f"/m/track/?number={appeal.number}")
