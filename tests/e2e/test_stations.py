"""A rider finds the three nearest open stations with a microwave on a phone, and gets navigation.

Map tiles point at a local address that does not serve them (as when the tile server is blocked
or the phone is offline), and every request leaving the test server is aborted: the list must
work without the map.
"""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.stations.rules import hours
from gonghui.stations.tests.helpers import make_station

RIDER = (38.4670, 106.2880)


@pytest.fixture
def stations(cast: Any) -> dict[str, Any]:
    made = {}
    for name, dlat, facilities, schedule, is_24h, status in [
        ("最近·无微波炉", 0.0005, ["water"], None, True, "built"),
        ("较近·已打烊", 0.0008, ["microwave"], [[] for _ in range(7)], False, "built"),
        ("较近·暂停", 0.0009, ["microwave"], None, True, "built"),
        ("第一站", 0.0015, ["microwave", "water"], None, True, "built"),
        ("第二站", 0.0030, ["microwave"], None, True, "built"),
        ("第三站", 0.0060, ["microwave", "hot_meal"], None, True, "built"),
        ("第四站", 0.0200, ["microwave"], None, True, "built"),
    ]:
        made[name] = make_station(
            cast.xq_staff,
            cast.xingqing,
            name=name,
            lat=RIDER[0] + dlat,
            lon=RIDER[1],
            facilities=facilities,
            schedule=schedule if schedule is not None else hours.daily("08:00", "20:00"),
            is_24h=is_24h,
            status=status,
            service_phone="0951-6000000",
        )
    from gonghui.stations import services

    services.station_transition(actor=cast.xq_staff, station=made["较近·暂停"], action="suspend")
    return made


def test_rider_finds_three_nearest_open_stations_with_microwave(
    phone_page: Any, stations: dict[str, Any], settings: Any, live_server: Any, tmp_path: Any
) -> None:
    settings.MAP_TILE_URL = live_server.url + "/no-tiles/{z}/{x}/{y}.png"
    settings.GONGHUI_STATIONS_RATE_PER_MINUTE = 0
    page = phone_page
    local = (live_server.url, "data:")
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(local) else route.abort(),
    )
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": RIDER[0], "longitude": RIDER[1]})

    page.goto(page.base_url + "/m/stations/")
    items = page.get_by_test_id("station-item")
    items.first.wait_for()
    page.get_by_text("正在开放", exact=True).first.click()
    page.locator("label[for=f-microwave]").click()
    # Three answers were asked for (on load, then one per filter); wait for the last one.
    page.wait_for_function("() => document.getElementById('stations-list').dataset.query === '3'")
    names = [item.locator("a.fw-semibold").inner_text() for item in items.all()]
    assert names[:3] == ["第一站", "第二站", "第三站"]
    first = items.first
    assert "正在开放" in first.inner_text()
    assert "微波炉" in first.inner_text()
    assert "m" in first.inner_text()  # a distance is shown
    amap = first.locator("[data-nav=amap]").get_attribute("href")
    baidu = first.locator("[data-nav=baidu]").get_attribute("href")
    assert amap.startswith("https://uri.amap.com/marker?position=") and "coordinate=gaode" in amap
    assert baidu.startswith("https://api.map.baidu.com/marker?location=") and "bd09ll" in baidu
    page.screenshot(path=str(tmp_path / "stations.png"), full_page=True)
    # no horizontal scrolling on the phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The station page (also the QR landing page) has hours, phone and both navigation links.
    first.locator("a.fw-semibold").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("station-name").inner_text() == "第一站"
    nav = page.get_by_test_id("nav-links")
    assert "高德导航" in nav.inner_text() and "百度导航" in nav.inner_text()
    assert "0951-6000000" in page.content()
