"""What every API router shares: authentication, the one error shape, the one page shape.

Errors: ``{"error": {"code": "...", "message": "中文说明", "fields": {"field": ["..."]}}}``, also
for unknown addresses and methods under /api/ (``middleware.ApiErrorShapeMiddleware``). ``code``
is for programs: a ``ValidationError``'s own code (else ``invalid``), a ``Conflict``'s code,
``not_found``, ``forbidden``, ``unauthorized``, ``rate_limited`` (429), ``method_not_allowed``;
``message`` is every field's message in one text, ``fields`` the messages by field.
Lists: ``?page=&page_size=`` (at most 500) answering ``{"items": [...], "count": n}``; an
endpoint whose total has a cheaper query than ``queryset.count()`` returns
``with_page_count(queryset, count)`` (same rows, same answer shape).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer

from gonghui.core.api_errors import (
    join_messages,
    schema_error_location,
    schema_error_message,
    status_error,
    validation_code,
)
from gonghui.core.errors import Conflict, ScopeViolation

MAX_PAGE_SIZE = 500
TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for integrations; only the token's hash is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from gonghui.accounts.models import ApiToken
        from gonghui.accounts.selectors import user_for_token

        now = timezone.now()
        holder = user_for_token(
            key_hash=hash_token(token), now=now, stale_before=now - TOKEN_USE_RESOLUTION
        )
        if holder is None:
            return None
        # Record use at most once a minute: a busy integration would otherwise queue every
        # request behind an UPDATE of this one row.
        if holder.stale:
            ApiToken.objects.filter(pk=holder.token_id).update(last_used_at=now)
        request.user = holder.user
        return holder.user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _validation_fields(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {}


# What django-ninja itself says in English before an endpoint runs, by its exact words.
NINJA_BODY_UNREADABLE = "Cannot parse request body"
NINJA_CSRF_FAILED = "CSRF check Failed"


def _http_error(exc: HttpError) -> tuple[str, str]:
    """Code and message of an ``HttpError``: the endpoint's own message, ninja's in Chinese."""
    message = str(exc)
    if exc.status_code == 400 and message.startswith(NINJA_BODY_UNREADABLE):
        return "invalid_json", _("The request body is not valid JSON.")
    if exc.status_code == 403 and message == NINJA_CSRF_FAILED:
        return "csrf_failed", _(
            "The security check of the request failed (CSRF); reload the page and try again."
        )
    code, default = status_error(exc.status_code)
    return code, message or default


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every exception the services raise onto the one JSON error shape."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = _validation_fields(exc)
        message = join_messages(
            [m for ms in fields.values() for m in ms] if fields else exc.messages
        )
        return respond(request, 400, error_body(validation_code(exc), message, fields))

    @api.exception_handler(NinjaValidationError)
    def on_schema(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            fields.setdefault(schema_error_location(item), []).append(schema_error_message(item))
        message = join_messages(m for ms in fields.values() for m in ms)
        return respond(request, 422, error_body("invalid", message, fields))

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(
            request,
            404,
            error_body(
                "not_found", _("The record does not exist or is outside your jurisdiction.")
            ),
        )

    @api.exception_handler(ScopeViolation)
    def on_scope(request: HttpRequest, exc: ScopeViolation) -> HttpResponse:
        return respond(request, 404, error_body("not_found", exc.message))

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(
            request,
            403,
            error_body(
                "forbidden", str(exc) or _("You do not have permission to perform this action.")
            ),
        )

    @api.exception_handler(Conflict)
    def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return respond(request, 409, error_body(exc.code, exc.message))

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            error_body("unauthorized", _("Please log in or provide a valid API token.")),
        )

    @api.exception_handler(HttpError)
    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = _http_error(exc)
        return respond(request, exc.status_code, error_body(code, message))


PAGE_COUNT_ATTRIBUTE = "_gonghui_page_count"


def with_page_count(queryset: Any, count: Callable[[], int]) -> Any:
    """Mark ``queryset`` so that ``PagePagination`` takes the total from ``count()``.

    For selectors whose rows are best counted by a differently shaped query (a join the page
    needs but the count does not, another index). ``count`` must count exactly the queryset's
    rows; it is called once per request, after the page is read.
    """
    setattr(queryset, PAGE_COUNT_ATTRIBUTE, count)
    return queryset


class PagePagination(PaginationBase):
    """``?page=1&page_size=50`` (page_size at most 500) → ``{"items": [...], "count": n}``."""

    class Input(Schema):
        page: int = 1
        page_size: int = 50

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest | None = None, **params: Any
    ) -> dict[str, Any]:
        if pagination.page < 1:
            raise ValidationError({"page": [_("Page numbers start at 1.")]})
        if not 1 <= pagination.page_size <= MAX_PAGE_SIZE:
            raise ValidationError(
                {
                    "page_size": [
                        _("The page size must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        offset = (pagination.page - 1) * pagination.page_size
        items = list(queryset[offset : offset + pagination.page_size])
        count = getattr(queryset, PAGE_COUNT_ATTRIBUTE, None)  # see with_page_count
        if count is not None:
            total = count()
        elif hasattr(queryset, "count") and not isinstance(queryset, list):
            total = queryset.count()
        else:
            total = len(queryset)
        return {"items": items, "count": total}
