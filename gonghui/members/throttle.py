"""A small fixed-window rate limit for the public H5 and API endpoints (join, progress check).

Counts live in Django's cache (Redis in production, so every app server shares them); a burst
beyond the limit is refused until the window ends.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

JOIN_LIMIT = (10, 3600)  # applications per client address per hour
STATUS_LIMIT = (30, 3600)  # progress checks per client address per hour


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(request: HttpRequest, scope: str, limit: tuple[int, int]) -> bool:
    """Count one request of ``scope`` from this client; False once the window's limit is used."""
    count, window = limit
    key = f"members:rl:{scope}:{client_address(request)}"
    cache.add(key, 0, window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        used = 1
    return used <= count
