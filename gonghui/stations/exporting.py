"""Exports: POI batches for the 高德 (GCJ-02) and 百度 (BD-09) map platforms, as XLSX or CSV.
Every text cell is escaped against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from gonghui.core.excel import escape_formula
from gonghui.stations.models import Station
from gonghui.stations.rules import geo, hours

PLATFORM_DATUM = {"amap": geo.GCJ02, "baidu": geo.BD09}
HEADER = ["编号", "名称", "分类", "地址", "经度", "纬度", "坐标系", "电话", "营业时间", "设施"]
DATUM_NAME = {geo.GCJ02: "GCJ-02", geo.BD09: "BD-09"}


def poi_rows(stations: Iterable[Station], platform: str) -> list[list[Any]]:
    datum = PLATFORM_DATUM[platform]
    rows = []
    for s in stations:
        lat, lon = geo.from_wgs84(s.lat, s.lon, datum)
        rows.append(
            [
                s.code,
                s.name,
                s.kind.name,
                s.address,
                round(lon, 6),
                round(lat, 6),
                DATUM_NAME[datum],
                s.service_phone,
                hours.hours_text(s.schedule, s.is_24h),
                "、".join(s.facilities),
            ]
        )
    return rows


def poi_csv(stations: Iterable[Station], platform: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in poi_rows(stations, platform):
        writer.writerow([escape_formula(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def poi_xlsx(stations: Iterable[Station], platform: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("POI")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(poi_rows(stations, platform), start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, escape_formula(value))
            else:
                sheet.write_number(r, c, value)
    book.close()
    return buffer.getvalue()
