"""Helpers shared by the console views of the registry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.accounts.services import pii_reveal

REVEALABLE = ("id_number", "phone")


def querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def reveal_response(request: HttpRequest, obj: Any, field: str, path: str) -> HttpResponse:
    """htmx: the plaintext of ``obj``'s ID number or phone through ``accounts.pii_reveal``
    (pii.reveal over ``path``, one audit row per reveal); 404 for anyone else or another field."""
    if field not in REVEALABLE:
        raise Http404
    try:
        value = pii_reveal(actor=request.user, obj=obj, field=field, organisation_path=path)
    except PermissionDenied:
        raise Http404 from None
    return render(request, "members/_revealed.html", {"value": value, "field": field})
