"""Behind nginx the public pages' budgets are per worker: the apps' limits through core's
client address (gonghui.core.clientip)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from gonghui.members import throttle

rf = RequestFactory()


def test_join_budget_is_per_client_behind_the_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    """Two workers behind nginx do not share the hourly join budget; a forged header does not
    buy a fresh one."""
    settings.GONGHUI_BEHIND_PROXY = True
    limit, _window = throttle.JOIN_LIMIT
    one = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert all(throttle.allow(one, "join", throttle.JOIN_LIMIT) for _ in range(limit))
    assert not throttle.allow(one, "join", throttle.JOIN_LIMIT)
    forged = rf.get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.20"
    )
    assert not throttle.allow(forged, "join", throttle.JOIN_LIMIT)
    other = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert throttle.allow(other, "join", throttle.JOIN_LIMIT)


def test_login_lockouts_count_the_client_not_the_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_BEHIND_PROXY = True
    request = rf.post("/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert get_client_ip_address(request) == "198.51.100.20"


def test_appeal_tracking_budget_is_per_client_behind_the_proxy(client, settings, db) -> None:  # type: ignore[no-untyped-def]
    """The 12351 tracking page counts attempts per worker behind nginx, not per proxy."""
    settings.GONGHUI_BEHIND_PROXY = True
    data = {"number": "NX0000000000", "phone": "13812345678"}

    def track(address: str) -> str:
        response = client.post(
            "/m/track/", data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address
        )
        return response.content.decode()

    busy = "尝试次数过多"
    assert all(busy not in track("198.51.100.20") for _ in range(20))
    assert busy in track("198.51.100.20")
    assert busy not in track("198.51.100.21")
