"""Request-scoped context for audit records."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse

from gonghui.core import audit


class RequestIdMiddleware:
    """Give every request an id (echoed as ``X-Request-ID``) that audit rows carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.bind_request(request.META.get("REMOTE_ADDR"))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = audit.current_request_id()
            return response
        finally:
            audit.unbind_request(token)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Deny by default: every page needs a login unless marked ``@login_not_required``.

    The JSON API is left to its own authentication, which answers 401 in the API's error shape
    instead of redirecting to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class BusinessErrorMiddleware:
    """Console pages: a write refused for scope is a 404 (DESIGN §4); a conflict shows its
    message on a 409 page instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404
        from django.shortcuts import render

        from gonghui.core.errors import Conflict, ScopeViolation

        if isinstance(exception, ScopeViolation):
            raise Http404(exception.message)
        if isinstance(exception, Conflict):
            return render(request, "409.html", {"message": exception.message}, status=409)
        return None
