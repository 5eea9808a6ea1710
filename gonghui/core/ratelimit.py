"""Fixed-window counters in the shared Django cache, for the public pages and endpoints.

The cache is Redis in production, so every app server counts together; each app decides its
own keys and limits and calls ``hit``.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(key: str, window_seconds: int) -> int:
    """Count one request on ``key`` in its window; returns how many the window has seen."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window_seconds)
        return 1
