"""A small fixed-window rate limit for the public H5 and API endpoints (join, progress check).

Counts live in Django's cache (Redis in production, so every app server shares them); a burst
beyond the limit is refused until the window ends.
"""

from __future__ import annotations

from django.http import HttpRequest

from gonghui.core.ratelimit import client_address, hit

JOIN_LIMIT = (10, 3600)  # applications per client address per hour
STATUS_LIMIT = (30, 3600)  # progress checks per client address per hour
# Employer look-ups as a worker types (one per pause): enough for a whole enrolment drive on one
# network, too few to copy the employer register.
SEARCH_LIMIT = (600, 3600)


def allow(request: HttpRequest, scope: str, limit: tuple[int, int]) -> bool:
    """Count one request of ``scope`` from this client; False once the window's limit is used."""
    count, window = limit
    return hit(f"members:rl:{scope}:{client_address(request)}", window) <= count
