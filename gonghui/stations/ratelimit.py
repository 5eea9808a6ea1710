"""A fixed-window request limit per client address, kept in the shared Django cache, for the
public endpoints (the map is open to anyone, scrapers included)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from gonghui.core.ratelimit import client_address, hit


def limit_per_minute() -> int:
    return int(getattr(settings, "GONGHUI_STATIONS_RATE_PER_MINUTE", 600))


def check(request: HttpRequest, scope: str = "stations", limit: int | None = None) -> None:
    """Count this request; raise HTTP 429 past the limit of the current minute."""
    limit = limit_per_minute() if limit is None else limit
    if limit <= 0:
        return
    key = f"rl:{scope}:{client_address(request)}:{int(time.time() // 60)}"
    if hit(key, 90) > limit:
        raise HttpError(429, _("Too many requests; please try again in a minute."))


def rate_limited(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check(request)
        return view(request, *args, **kwargs)

    return wrapped
