"""The address of the client a request came from, for rate limits and the audit record.

Behind nginx (``GONGHUI_BEHIND_PROXY=1``) the socket's peer is the proxy itself, so every
request would share one address. Each proxy appends the address it received the request from to
``X-Forwarded-For``; the client is the right-most address that is not one of our own proxies
(``GONGHUI_TRUSTED_PROXIES``). Anything left of it was written by the client and could be forged,
so it is never believed.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TRUSTED_PROXIES = ("127.0.0.1/32", "::1")


@functools.cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Parse the configured proxy networks (cached: the setting is read on every request)."""
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"GONGHUI_TRUSTED_PROXIES: {error}") from None


def _parse(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; compare and record them as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: from ``X-Forwarded-For`` behind our proxies, else the peer's.

    None only when the server gave no peer address at all.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not getattr(settings, "GONGHUI_BEHIND_PROXY", False):
        return str(peer)
    networks = trusted_networks(
        tuple(getattr(settings, "GONGHUI_TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES))
    )
    # A request that did not come through one of our proxies tells us nothing in its headers.
    nearest = peer
    if not _is_trusted(nearest, networks):
        return str(nearest)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        hop = _parse(entry)
        if hop is None:
            # Garbage where a trusted proxy should have written an address: stop at the last
            # address we can vouch for rather than guess.
            break
        nearest = hop
        if not _is_trusted(hop, networks):
            break
    return str(nearest)
