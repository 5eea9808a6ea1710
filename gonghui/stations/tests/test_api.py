"""The public API: nearest stations with filters, the public list, rate limiting, the index."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from gonghui.stations import index, services
from gonghui.stations.rules import hours
from gonghui.stations.tests.helpers import make_station

pytestmark = pytest.mark.django_db

ORIGIN = (38.4670, 106.2880)
URL = "/api/v1/stations/nearest"


@pytest.fixture
def stations(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        near_day = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="近·白天",
            lat=38.4680,
            lon=106.2880,
            is_24h=False,
            schedule=hours.daily("08:00", "18:00"),
            facilities=["water", "microwave"],
        )
        mid_24h = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="中·全天",
            lat=38.4700,
            lon=106.2880,
            facilities=["microwave", "hot_meal"],
            manager_name="王师傅",
            manager_phone="13912345678",
        )
        far_24h = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="远·全天",
            lat=38.4900,
            lon=106.2880,
            facilities=["microwave"],
        )
        no_mw = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="无微波炉",
            lat=38.4675,
            lon=106.2880,
            facilities=["water"],
        )
        mummy = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="妈咪小屋",
            kind="mummy",
            lat=38.4671,
            lon=106.2881,
            facilities=["nursing", "fridge"],
        )
        planned = make_station(
            cast.xq_staff,
            cast.xingqing,
            name="规划中",
            status="planned",
            lat=38.4670,
            lon=106.2880,
        )
    return dict(
        near_day=near_day,
        mid_24h=mid_24h,
        far_24h=far_24h,
        no_mw=no_mw,
        mummy=mummy,
        planned=planned,
    )


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


def test_nearest_sorted_with_distance_and_code(client, stations):
    data = client.get(URL, {"lat": ORIGIN[0], "lon": ORIGIN[1], "limit": 10}).json()
    assert [row["name"] for row in data][:2] == ["妈咪小屋", "无微波炉"]
    assert "规划中" not in [row["name"] for row in data]
    distances = [row["distance_m"] for row in data]
    assert distances == sorted(distances)
    mid = next(row for row in data if row["name"] == "中·全天")
    assert mid["code"] == stations["mid_24h"].code
    assert mid["distance_m"] == pytest.approx(333.6, abs=1.0)
    assert "manager_phone" not in mid and "manager_name" not in mid
    from gonghui.stations.api import NearestOut

    assert set(mid) == set(NearestOut.model_fields)
    assert "uri.amap.com" in mid["amap_url"] and "bd09ll" in mid["baidu_url"]


@time_machine.travel(datetime.datetime(2026, 11, 24, 22, 0, tzinfo=hours.SHANGHAI), tick=False)
def test_nearest_open_now_and_facility_filter_at_night(client, stations):
    got = names(
        client.get(
            URL,
            {
                "lat": ORIGIN[0],
                "lon": ORIGIN[1],
                "open_now": "true",
                "facility": "microwave",
                "limit": 3,
            },
        )
    )
    assert got == ["中·全天", "远·全天"]


@time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0, tzinfo=hours.SHANGHAI), tick=False)
def test_nearest_open_now_by_day_and_kind_filter(client, stations):
    got = names(
        client.get(
            URL,
            {
                "lat": ORIGIN[0],
                "lon": ORIGIN[1],
                "open_now": "true",
                "facility": "microwave",
                "limit": 3,
            },
        )
    )
    assert got == ["近·白天", "中·全天", "远·全天"]
    assert names(client.get(URL, {"lat": ORIGIN[0], "lon": ORIGIN[1], "kind": "mummy"})) == [
        "妈咪小屋"
    ]
    both = names(
        client.get(URL, {"lat": ORIGIN[0], "lon": ORIGIN[1], "facility": ["microwave", "hot_meal"]})
    )
    assert both == ["中·全天"]


def test_nearest_rejects_bad_input(client, stations):
    response = client.get(URL, {"lat": 95, "lon": 106})
    assert response.status_code == 400
    response = client.get(URL, {"lat": 38, "lon": 106, "facility": "sauna"})
    assert response.status_code == 400 and "sauna" in response.json()["error"]["message"]
    assert client.get(URL, {"lat": "x", "lon": 106}).status_code == 422


def test_index_rebuilds_after_a_change(client, cast, stations, django_capture_on_commit_callbacks):
    first = index.current()
    assert index.current() is first
    with django_capture_on_commit_callbacks(execute=True):
        services.station_transition(
            actor=cast.xq_staff, station=stations["no_mw"], action="suspend"
        )
    assert index.current() is not first
    assert "无微波炉" not in names(client.get(URL, {"lat": ORIGIN[0], "lon": ORIGIN[1]}))


def test_public_list_exposes_public_fields_only(client, stations):
    response = client.get("/api/v1/stations/", {"page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5  # the planned station is not public
    row = next(r for r in body["items"] if r["code"] == stations["mid_24h"].code)
    assert set(row) == {
        "code",
        "name",
        "kind",
        "kind_name",
        "status",
        "address",
        "division_code",
        "lat",
        "lon",
        "is_24h",
        "hours",
        "facilities",
        "service_phone",
    }
    assert "13912345678" not in response.content.decode()
    assert "王师傅" not in response.content.decode()


def test_public_list_filters(client, stations):
    def codes(**params):
        return {r["name"] for r in client.get("/api/v1/stations/", params).json()["items"]}

    assert codes(kind="mummy") == {"妈咪小屋"}
    assert codes(facility="hot_meal") == {"中·全天"}
    assert codes(q="全天") == {"中·全天", "远·全天"}
    assert codes(division="640400") == set()
    assert client.get("/api/v1/stations/", {"facility": "sauna"}).status_code == 400


def test_rate_limit(client, stations, settings):
    settings.GONGHUI_STATIONS_RATE_PER_MINUTE = 3
    codes = [client.get(URL, {"lat": 38.4, "lon": 106.2}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert "请求过于频繁" in client.get("/api/v1/stations/").json()["error"]["message"]
