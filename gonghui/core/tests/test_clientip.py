"""The client's address behind the reverse proxy: rate limits and audit rows count the worker's
phone, not nginx, and a forged X-Forwarded-For picks no address of its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from gonghui.core.clientip import client_ip, trusted_networks
from gonghui.core.models import ChangeRecord
from gonghui.core.ratelimit import client_address

rf = RequestFactory()


def _request(peer: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_forged_header_is_ignored_when_not_behind_a_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = False
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_behind_the_proxy_the_right_most_untrusted_address_is_the_client(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1/32", "::1", "10.0.0.0/8"]
    # nginx appends the address it saw; the client wrote "1.2.3.4" itself to pick a budget.
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.20")) == "198.51.100.20"
    # Through a load balancer in 10/8 and nginx: both skipped.
    assert client_ip(_request("127.0.0.1", "198.51.100.20, 10.0.0.5")) == "198.51.100.20"
    # No header (a request from the server itself): the proxy's own address.
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
    # Everything trusted: the left-most hop.
    assert client_ip(_request("127.0.0.1", "10.1.1.1, 10.0.0.5")) == "10.1.1.1"


def test_a_peer_that_is_not_our_proxy_is_the_client_whatever_it_says(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_garbage_in_the_header_stops_at_the_last_trusted_hop(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1/32", "10.0.0.0/8"]
    assert client_ip(_request("127.0.0.1", "1.2.3.4, unknown, 10.0.0.5")) == "10.0.0.5"
    assert client_ip(_request("127.0.0.1", "")) == "127.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None
    assert client_address(rf.get("/", REMOTE_ADDR="")) == "unknown"


def test_ipv6_clients_and_proxies(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1/32", "::1", "fd00::/8"]
    request = _request("::1", "2001:DB8::1, 2001:db8:0:0:1::7, fd00::2")
    assert client_ip(request) == "2001:db8::1:0:0:7"
    # One IPv6 host picks addresses across its /64 at will: it counts as one client.
    assert client_address(request) == "2001:db8::/64"
    assert client_address(_request("::1", "2001:db8::ffff")) == "2001:db8::/64"
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    assert client_ip(_request("::ffff:127.0.0.1", "198.51.100.20")) == "198.51.100.20"
    settings.GONGHUI_BEHIND_PROXY = False
    assert client_ip(_request("::ffff:198.51.100.20")) == "198.51.100.20"
    assert client_address(_request("198.51.100.20")) == "198.51.100.20"


def test_malformed_trusted_proxies_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="GONGHUI_TRUSTED_PROXIES"):
        trusted_networks(("10.0.0.0/8", "10.0.0.300"))


def test_audit_row_records_the_forwarded_client(client, cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    client.force_login(cast.yc_staff)
    response = client.post(
        f"/console/orgs/{cast.xq_union.code}/edit/",
        {
            "name": cast.xq_union.name,
            "kind": "grassroots",
            "division": "640104",
            "status": "active",
            "chair_name": "丁海燕",
        },
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20",
    )
    assert response.status_code == 302
    assert ChangeRecord.objects.get(verb="organisation_update").ip_address == "198.51.100.20"
