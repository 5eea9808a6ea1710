"""Console and H5 pages: scope (404 outside), forms, lifecycle buttons, import/export, QR,
coverage, the public map and the QR landing page with check-in."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.stations.models import Station, StationVisit
from gonghui.stations.tests.helpers import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def yz_station(cast):
    return make_station(
        cast.yz_staff, cast.yuanzhou, division="640402", lat=36.0, lon=106.28, name="原州驿站"
    )


@pytest.fixture
def xq_station(cast):
    return make_station(
        cast.xq_staff,
        cast.xingqing,
        name="兴庆驿站",
        manager_phone="13812345678",
        service_phone="0951-1234567",
    )


def test_scope_xq_staff_gets_404_for_yuanzhou_station(client, cast, yz_station):
    client.force_login(cast.xq_staff)
    for name in ("station_detail", "station_edit", "station_sign"):
        assert client.get(reverse(f"stations:{name}", args=[yz_station.code])).status_code == 404
    assert (
        client.get(reverse("stations:station_qr", args=[yz_station.code, "png"])).status_code == 404
    )
    response = client.post(reverse("stations:station_edit", args=[yz_station.code]), {"name": "x"})
    assert response.status_code == 404
    response = client.post(
        reverse("stations:station_action", args=[yz_station.code]), {"action": "close"}
    )
    assert response.status_code == 404
    yz_station.refresh_from_db()
    assert yz_station.status == "built" and yz_station.name == "原州驿站"
    assert "原州驿站" not in client.get(reverse("stations:station_list")).content.decode()


def test_nobody_gets_404_on_console(client, cast):
    client.force_login(cast.nobody)
    assert client.get(reverse("stations:station_list")).status_code == 404


def test_list_and_detail_show_masked_phone(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    body = client.get(reverse("stations:station_list")).content.decode()
    assert "兴庆驿站" in body and "服务站点" in body
    body = client.get(reverse("stations:station_detail", args=[xq_station.code])).content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert "uri.amap.com" in body and "api.map.baidu.com" in body
    assert "本类站点清单中缺少" in body and "热饭" in body  # outdoor checklist asks for hot meals


def _form(cast, **over):
    data = {
        "kind": 1,
        "name": "新建驿站",
        "address": "湖滨街2号",
        "division": "640104",
        "lat": "38.47",
        "lon": "106.29",
        "datum": "wgs84",
        "organisation": cast.xingqing.pk,
        "build_mode": "union",
        "capacity": "6",
        "area": "25",
        "facilities": ["water", "microwave"],
        "day_0": "08:00-20:00",
        "day_1": "08:00-20:00",
        "day_2": "08:00-20:00",
        "day_3": "08:00-20:00",
        "day_4": "08:00-20:00",
        "day_5": "",
        "day_6": "",
    }
    data.update(over)
    return data


def test_create_through_the_form(client, cast):
    client.force_login(cast.xq_staff)
    from gonghui.stations.models import StationKind

    kind = StationKind.objects.get(code="outdoor")
    response = client.post(reverse("stations:station_create"), _form(cast, kind=kind.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    station = Station.objects.get(name="新建驿站")
    assert station.schedule[5] == [] and station.schedule[0] == [["08:00", "20:00"]]
    assert station.status == "planned"


def test_form_shows_field_errors_in_chinese(client, cast):
    client.force_login(cast.xq_staff)
    from gonghui.stations.models import StationKind

    kind = StationKind.objects.get(code="outdoor")
    response = client.post(
        reverse("stations:station_create"), _form(cast, kind=kind.pk, lat="28.47", day_0="八点")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "星期一" in body and "应写作08:00-20:00" in body
    response = client.post(
        reverse("stations:station_create"), _form(cast, kind=kind.pk, lat="28.47")
    )
    assert "公里" in response.content.decode()
    assert not Station.objects.exists()


def test_edit_keeps_phone_when_blank(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    data = _form(cast, kind=xq_station.kind.pk, name="改名驿站", manager_phone="")
    response = client.post(reverse("stations:station_edit", args=[xq_station.code]), data)
    assert response.status_code == 302
    xq_station.refresh_from_db()
    assert xq_station.name == "改名驿站" and xq_station.manager_phone == "13812345678"


def test_lifecycle_buttons_and_acceptance(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    body = client.get(reverse("stations:station_detail", args=[xq_station.code])).content.decode()
    assert 'data-testid="acceptance"' not in body  # org_staff cannot sign
    client.force_login(cast.yc_staff)
    body = client.get(reverse("stations:station_detail", args=[xq_station.code])).content.decode()
    assert "有地图可查" in body
    url = reverse("stations:station_action", args=[xq_station.code])
    items = {f"item_{c}": "1" for c in ["sign", "layout", "facilities", "functions", "rules"]}
    response = client.post(url, {"action": "accept", **items}, follow=True)
    assert "尚未达到" in response.content.decode()
    client.post(url, {"action": "accept", **items, "item_on_map": "1"})
    xq_station.refresh_from_db()
    assert xq_station.status == "accepted"
    client.post(url, {"action": "suspend"})
    xq_station.refresh_from_db()
    assert xq_station.status == "suspended"


def test_reveal_phone_is_audited(client, cast, xq_station):
    client.force_login(cast.xq_staff)  # org_staff has no pii.reveal
    assert (
        client.post(reverse("stations:station_reveal", args=[xq_station.code])).status_code == 404
    )
    client.force_login(cast.yc_staff)
    response = client.post(reverse("stations:station_reveal", args=[xq_station.code]))
    assert response.content.decode() == "13812345678"


def test_qr_png_svg_and_sign(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    png = client.get(reverse("stations:station_qr", args=[xq_station.code, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = client.get(reverse("stations:station_qr", args=[xq_station.code, "svg"]))
    assert b"<svg" in svg.content
    sign = client.get(reverse("stations:station_sign", args=[xq_station.code]))
    assert xq_station.code in sign.content.decode()


def test_import_page_reports_rows_and_export_downloads(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    book = openpyxl.Workbook()
    book.active.append(
        ["站点名称", "类型", "地址", "区划代码", "纬度", "经度", "主办工会编码", "开放时间", "设施"]
    )
    book.active.append(
        [
            "甲站",
            "爱心妈咪小屋",
            "某路1号",
            "640104",
            38.47,
            106.29,
            cast.xingqing.code,
            "24h",
            "冰箱、桑拿",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "s.xlsx"
    buffer.seek(0)
    response = client.post(reverse("stations:station_import"), {"file": buffer})
    body = response.content.decode()
    assert "第2行，设施" in body and "桑拿" in body
    assert Station.objects.count() == 1
    response = client.get(reverse("stations:station_export") + "?platform=baidu&format=csv")
    assert response.status_code == 200
    assert "BD-09" in response.content.decode("utf-8-sig")


def test_coverage_page(client, cast, xq_station):
    client.force_login(cast.xq_staff)
    cast.xq_employer.employee_count = 120
    cast.xq_employer.save()
    response = client.get(
        reverse("stations:station_coverage"), {"division": "640104", "radius": 3000, "suggest": 3}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="coverage-share"' in body and "coverage-data" in body
    cast.yz_employer.employee_count = 40
    cast.yz_employer.save()
    body = client.get(
        reverse("stations:station_coverage"), {"radius": 1000, "suggest": 0}
    ).content.decode()
    assert 'data-testid="by-division"' in body and "原州区" in body and "各区划覆盖率" in body


def test_h5_map_is_public(client, xq_station):
    response = client.get(reverse("stations:h5_map"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "附近驿站" in body and "/api/v1/stations/nearest" in body


def test_h5_station_page_and_checkin(client, xq_station):
    url = reverse("stations:h5_station", args=[xq_station.code])
    body = client.get(url + "?from=qr").content.decode()
    assert "兴庆驿站" in body and "0951-1234567" in body and "13812345678" not in body
    assert "uri.amap.com" in body and "coord_type=bd09ll" in body
    response = client.post(url, {"rating": "5", "remark": "热水很方便"}, follow=True)
    assert "签到成功" in response.content.decode()
    visit = StationVisit.objects.get()
    assert visit.rating == 5 and visit.remark == "热水很方便"


def test_checkins_are_rate_limited(client, xq_station):
    url = reverse("stations:h5_station", args=[xq_station.code])
    for _ in range(10):
        client.post(url, {"rating": "4"})
    response = client.post(url, {"rating": "4"}, follow=True)
    assert "请求过于频繁" in response.content.decode()
    assert StationVisit.objects.count() == 10


def test_h5_station_hides_planned(client, cast):
    planned = make_station(cast.xq_staff, cast.xingqing, status="planned")
    assert client.get(reverse("stations:h5_station", args=[planned.code])).status_code == 404
