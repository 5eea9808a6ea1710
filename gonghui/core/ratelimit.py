"""Fixed-window counters in the shared Django cache, for the public pages and endpoints.

The cache is Redis in production, so every app server counts together; each app decides its
own keys and limits and calls ``hit``.
"""

from __future__ import annotations

import ipaddress

from django.core.cache import cache
from django.http import HttpRequest

from gonghui.core.clientip import client_ip

# One IPv6 host usually holds a whole /64 and picks new addresses in it at will (privacy
# addresses), so a limit per single IPv6 address would be no limit at all.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """Who a request counts against: the client's address (``core.clientip``), an IPv6 client's
    /64 network."""
    address = client_ip(request)
    if address is None:
        return "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return address


def hit(key: str, window_seconds: int) -> int:
    """Count one request on ``key`` in its window; returns how many the window has seen."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window_seconds)
        return 1
