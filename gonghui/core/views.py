"""Home pages, the audit viewer, health check, and helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.scoping import actor_can, scope_filter
from gonghui.core.models import ChangeRecord
from gonghui.core.navigation import CONSOLE_NAV


def require_capability(capability: str) -> Callable:
    """A console view for holders of ``capability`` somewhere; others get a 404 (not a 403),
    so the page's existence is not confirmed to them."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not actor_can(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def home(request: HttpRequest) -> HttpResponse:
    """The console landing page: what this user can reach, by capability."""
    tiles = [item for item in CONSOLE_NAV if actor_can(request.user, item.capability)]
    # The login middleware guarantees a real user here.
    user = cast(User, request.user)
    assignments = RoleAssignment.objects.filter(user=user).select_related("organisation")
    return render(request, "console/home.html", {"tiles": tiles, "assignments": assignments})


@login_not_required
def h5_home(request: HttpRequest) -> HttpResponse:
    """The workers' phone home page (/m/)."""
    return render(request, "h5/home.html")


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def audit_list(request: HttpRequest) -> HttpResponse:
    """Change records of the auditor's subtree, filterable by object, actor and action."""
    if not actor_can(request.user, "audit.view"):
        raise Http404
    qs = ChangeRecord.objects.all()
    condition = scope_filter(request.user, "audit.view", "organisation_path")
    if condition is not None:
        qs = qs.filter(condition)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("actor", "action", "object_type", "object_id")
    }
    if filters["actor"]:
        qs = qs.filter(actor_name=filters["actor"])
    if filters["action"]:
        qs = qs.filter(action=filters["action"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        qs = qs.filter(object_id=filters["object_id"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_list.html",
        {"page_obj": page, "filters": filters, "actions": ChangeRecord.Action.choices},
    )
