"""The platform's middleware: request ids for audit, deny by default, business errors, language,
JSON errors under /api/."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from gonghui.core import audit
from gonghui.core.api import error_body
from gonghui.core.api_errors import status_error
from gonghui.core.clientip import client_ip
from gonghui.core.errors import Conflict, ScopeViolation


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class RequestIdMiddleware:
    """Give every request an id (echoed as ``X-Request-ID``) that audit rows carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.bind_request(client_ip(request))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = audit.current_request_id()
            return response
        finally:
            audit.unbind_request(token)


class ApiErrorShapeMiddleware:
    """An error under /api/ that no endpoint answered (an unknown address, a method the address
    does not take, a server error) in the API's JSON error shape instead of an HTML page.

    Sits inside ``CommonMiddleware``, so an address missing its final slash is still redirected,
    and inside the language middleware, so the message is in the user's language. With debug on,
    a server error keeps its traceback for the developer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not _is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
            or (response.status_code >= 500 and settings.DEBUG)
        ):
            return response
        allowed = response.get("Allow", "")
        code, message = status_error(
            response.status_code,
            method=request.method or "",
            allowed="、".join(sorted(method.strip() for method in allowed.split(","))),
        )
        shaped = JsonResponse(
            error_body(code, message),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
        if allowed:
            shaped["Allow"] = allowed
        return shaped


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Deny by default: every page needs a login unless marked ``@login_not_required``.

    The JSON API is left to its own authentication, which answers 401 in the API's error shape
    instead of redirecting to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if _is_api(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MessageMiddleware(DjangoMessageMiddleware):
    """Flash messages for pages; the JSON API shows none, so its requests skip building the
    message storage (cookie and session back-ends) that every page request pays for."""

    def process_request(self, request: HttpRequest) -> None:
        if not _is_api(request):
            super().process_request(request)


class BusinessErrorMiddleware:
    """Console pages: a write refused for scope is a 404 (DESIGN §4); a conflict shows its
    message on a 409 page instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ScopeViolation):
            raise Http404(exception.message)
        if isinstance(exception, Conflict):
            return render(request, "409.html", {"message": exception.message}, status=409)
        return None


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switch.

    The browser's Accept-Language is ignored on purpose: the platform speaks Chinese by default,
    also on a staff computer whose browser happens to be set to English.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else ""
        except LookupError:
            language = ""
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        # The next request served by this thread starts again from the default language.
        translation.deactivate()
        return response
