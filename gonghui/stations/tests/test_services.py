"""Station writes: create/update with datum conversion and validation, lifecycle, scope,
photos, visits, counts, import and export."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from PIL import Image

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import blind_index
from gonghui.stations import exporting, importing, selectors, services
from gonghui.stations.models import Station, StationEvent, StationVisit
from gonghui.stations.rules import geo
from gonghui.stations.tests.helpers import XQ_CENTRE, make_station

pytestmark = pytest.mark.django_db


def test_create_assigns_code_encrypts_phone_and_audits(cast):
    station = make_station(cast.xq_staff, cast.xingqing, manager_phone="138-1234-5678")
    assert station.code.startswith("GH640104")
    assert station.status == "built"
    assert station.manager_phone == "13812345678"
    assert station.manager_phone_masked == "138****5678"
    assert station.manager_phone_hash == blind_index("phone", station.manager_phone)
    with connection.cursor() as cursor:
        cursor.execute("SELECT manager_phone FROM stations_station WHERE id = %s", [station.pk])
        raw = cursor.fetchone()[0]
    assert "13812345678" not in raw
    record = ChangeRecord.objects.get(verb="station_create", object_id=str(station.pk))
    assert record.after["manager_phone"] == "***"
    assert StationEvent.objects.filter(station=station, kind="created").exists()


def test_gcj02_and_bd09_input_is_stored_as_wgs84(cast):
    gcj = geo.wgs84_to_gcj02(*XQ_CENTRE)
    a = make_station(cast.xq_staff, cast.xingqing, lat=gcj[0], lon=gcj[1], datum="gcj02")
    bd = geo.wgs84_to_bd09(*XQ_CENTRE)
    b = make_station(cast.xq_staff, cast.xingqing, lat=bd[0], lon=bd[1], datum="bd09")
    for station in (a, b):
        assert geo.haversine_m(station.lat, station.lon, *XQ_CENTRE) < 1.0


@pytest.mark.parametrize(
    ("lat", "lon", "field", "text"),
    [
        (91, 106.2, "lat", "纬度"),
        (38.4, 190, "lon", "经度"),
        (28.4670, 106.2880, "lat", "公里"),  # mistyped: far from 兴庆区
        ("abc", 106.2, "lat", "不是数字"),
    ],
)
def test_bad_coordinates_are_refused_with_chinese_messages(cast, lat, lon, field, text):
    with pytest.raises(ValidationError) as caught:
        make_station(cast.xq_staff, cast.xingqing, lat=lat, lon=lon)
    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])
    assert not Station.objects.exists()


def test_unknown_facility_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        make_station(cast.xq_staff, cast.xingqing, facilities=["water", "jacuzzi"])
    assert "jacuzzi" in caught.value.message_dict["facilities"][0]
    assert "未知" in caught.value.message_dict["facilities"][0]


def test_facility_names_in_chinese_are_accepted(cast):
    station = make_station(cast.xq_staff, cast.xingqing, facilities=["热饭", "微波炉", "water"])
    assert station.facilities == ["hot_meal", "microwave", "water"]


def test_update_changes_fields_and_records_only_changes(cast):
    station = make_station(cast.xq_staff, cast.xingqing)
    services.station_update(actor=cast.xq_staff, station=station, name="新名字", capacity=8)
    station.refresh_from_db()
    assert station.name == "新名字" and station.capacity == 8
    record = ChangeRecord.objects.get(verb="station_update")
    assert set(record.after) == {"name", "capacity"}


def test_scope_other_county_cannot_see_or_edit(cast):
    station = make_station(cast.yz_staff, cast.yuanzhou, division="640402", lat=36.0, lon=106.28)
    with pytest.raises(Http404):
        selectors.station_get_for_actor(actor=cast.xq_staff, code=station.code)
    with pytest.raises(ScopeViolation):
        services.station_update(actor=cast.xq_staff, station=station, name="x")
    with pytest.raises(ScopeViolation):
        make_station(cast.xq_staff, cast.yuanzhou, division="640402", lat=36.0, lon=106.28)
    assert selectors.station_get_for_actor(actor=cast.yz_staff, code=station.code) == station
    assert station not in selectors.station_list(actor=cast.xq_staff)
    assert station in selectors.station_list(actor=cast.nx_admin)


def test_lifecycle_through_acceptance_by_county_federation(cast):
    station = make_station(cast.xq_staff, cast.xq_union, status="planned")
    services.station_transition(actor=cast.xq_staff, station=station, action="build")
    # org_staff may not accept: the county federation's admin signs.
    with pytest.raises(ScopeViolation):
        services.station_transition(
            actor=cast.xq_staff, station=station, action="accept", checklist={}
        )
    with pytest.raises(ValidationError) as caught:
        services.station_transition(
            actor=cast.yc_staff, station=station, action="accept", checklist={"sign": True}
        )
    assert "有地图可查" in caught.value.message_dict["acceptance"][0]
    checklist = dict.fromkeys(
        ["sign", "layout", "facilities", "functions", "rules", "on_map"], True
    )
    station = services.station_transition(
        actor=cast.yc_staff, station=station, action="accept", checklist=checklist
    )
    assert station.status == "accepted"
    assert station.accepted_org == cast.xingqing
    assert station.accepted_by == cast.yc_staff
    station = services.station_transition(actor=cast.xq_staff, station=station, action="suspend")
    assert station.status == "suspended"
    station = services.station_transition(actor=cast.xq_staff, station=station, action="resume")
    assert station.status == "accepted"
    station = services.station_transition(actor=cast.xq_staff, station=station, action="close")
    with pytest.raises(Conflict):
        services.station_transition(actor=cast.xq_staff, station=station, action="resume")
    kinds = list(StationEvent.objects.filter(station=station).values_list("kind", flat=True))
    assert {"built", "accepted", "suspended", "resumed", "closed"} <= set(kinds)
    assert ChangeRecord.objects.filter(verb="station_accept").count() == 1


def test_planned_cannot_be_accepted(cast):
    station = make_station(cast.xq_staff, cast.xingqing, status="planned")
    with pytest.raises(Conflict):
        services.station_transition(
            actor=cast.nx_admin, station=station, action="accept", checklist={}
        )


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (38.0, 28.0, 1.0)}  # GPSInfo: latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_photo_upload_strips_exif(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(cast.xq_staff, cast.xingqing)
    raw = _jpeg_with_exif()
    assert Image.open(io.BytesIO(raw)).getexif()
    photo = services.station_photo_add(
        actor=cast.xq_staff, station=station, upload=SimpleUploadedFile("p.jpg", raw)
    )
    with photo.image.open("rb") as handle:
        assert not Image.open(handle).getexif()
    with pytest.raises(ValidationError):
        services.station_photo_add(
            actor=cast.xq_staff,
            station=station,
            upload=SimpleUploadedFile("x.jpg", b"not an image"),
        )


def test_visits_and_daily_counts(cast):
    station = make_station(cast.xq_staff, cast.xingqing)
    visit = services.visit_checkin(station=station, rating=5, remark=" 很好 ")
    assert visit.remark == "很好"
    with pytest.raises(ValidationError):
        services.visit_checkin(station=station, rating=6)
    planned = make_station(cast.xq_staff, cast.xingqing, status="planned")
    with pytest.raises(Conflict):
        services.visit_checkin(station=planned)
    day = datetime.date(2026, 1, 15)
    services.daily_count_log(actor=cast.xq_staff, station=station, date=day, count=30)
    row = services.daily_count_log(actor=cast.xq_staff, station=station, date=day, count=31)
    assert row.count == 31 and station.daily_counts.count() == 1
    with pytest.raises(ScopeViolation):
        services.daily_count_log(actor=cast.yz_staff, station=station, date=day, count=1)
    assert StationVisit.objects.count() == 1


# --- import ---------------------------------------------------------------------------------------

HEADER = [
    "站点名称",
    "类型",
    "地址",
    "区划代码",
    "纬度",
    "经度",
    "坐标系",
    "主办工会编码",
    "负责人电话",
    "开放时间",
    "设施",
]


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(cast, **over):
    values = {
        "站点名称": "兴庆环卫驿站",
        "类型": "户外劳动者服务站（工会驿站）",
        "地址": "文化街1号",
        "区划代码": "640104",
        "纬度": 38.468,
        "经度": 106.29,
        "坐标系": "高德",
        "主办工会编码": cast.xingqing.code,
        "负责人电话": "13900001111",
        "开放时间": "08:00-20:00",
        "设施": "热饭、饮水、微波炉",
    } | over
    return [values[h] for h in HEADER]


def test_import_creates_all_rows_and_converts_datum(cast):
    data = _xlsx([_row(cast), _row(cast, 站点名称="第二站", 坐标系="", 开放时间="24小时")])
    result = importing.import_stations(actor=cast.xq_staff, upload=data, filename="s.xlsx")
    assert result.ok, result.errors
    assert Station.objects.count() == 2
    first = Station.objects.get(name="兴庆环卫驿站")
    assert geo.haversine_m(first.lat, first.lon, *geo.gcj02_to_wgs84(38.468, 106.29)) < 0.5
    assert first.facilities == ["hot_meal", "water", "microwave"]
    assert Station.objects.get(name="第二站").is_24h
    assert StationEvent.objects.filter(kind="imported").count() == 2


def test_import_errors_name_row_and_field_and_store_nothing(cast):
    data = _xlsx(
        [
            _row(cast),
            _row(cast, 纬度=95),
            _row(cast, 设施="热饭、按摩椅"),
            _row(cast, 主办工会编码=cast.yuanzhou.code),
            _row(cast, 开放时间="白天"),
        ]
    )
    result = importing.import_stations(actor=cast.xq_staff, upload=data, filename="s.xlsx")
    assert not result.ok
    text = "\n".join(result.errors)
    assert "第3行，纬度" in text
    assert "第4行，设施" in text and "按摩椅" in text
    assert "第5行，主办工会" in text
    assert "第6行，开放时间" in text
    assert "第2行" not in text
    assert Station.objects.count() == 0


def test_import_csv_gbk_and_missing_columns(cast):
    lines = [",".join(HEADER), ",".join(str(v) for v in _row(cast))]
    result = importing.import_stations(
        actor=cast.xq_staff, upload="\n".join(lines).encode("gb18030"), filename="s.csv"
    )
    assert result.ok, result.errors
    result = importing.import_stations(
        actor=cast.xq_staff, upload="站点名称\n甲".encode(), filename="s.csv"
    )
    assert "缺少" in result.errors[0] and Station.objects.count() == 1


def test_export_poi_batches_use_each_platforms_datum(cast):
    station = make_station(cast.xq_staff, cast.xingqing, name="=HYPERLINK(1)")
    stations = list(Station.objects.select_related("kind"))
    amap = exporting.poi_csv(stations, "amap").decode("utf-8-sig").splitlines()
    lon, lat = (float(v) for v in amap[1].split(",")[4:6])
    assert geo.haversine_m(lat, lon, *geo.wgs84_to_gcj02(station.lat, station.lon)) < 0.2
    assert "GCJ-02" in amap[1] and ",'=HYPERLINK(1)," in amap[1]
    book = openpyxl.load_workbook(io.BytesIO(exporting.poi_xlsx(stations, "baidu")))
    row = [c.value for c in book.active[2]]
    bd = geo.wgs84_to_bd09(station.lat, station.lon)
    assert geo.haversine_m(row[5], row[4], *bd) < 0.2 and row[6] == "BD-09"
    assert row[1] == "'=HYPERLINK(1)"


def test_import_failing_while_writing_rolls_back_every_row(cast, monkeypatch):
    real = services.station_create
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ValidationError({"name": "写入失败"})
        return real(**kwargs)

    monkeypatch.setattr(services, "station_create", flaky)
    data = _xlsx([_row(cast, 站点名称=f"站{i}") for i in range(4)])
    result = importing.import_stations(actor=cast.xq_staff, upload=data, filename="s.xlsx")
    assert not result.ok and result.created == []
    assert "第4行，站点名称：写入失败" in result.errors
    assert Station.objects.count() == 0
    assert not StationEvent.objects.exists()
