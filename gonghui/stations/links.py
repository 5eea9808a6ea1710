"""Links out: the station's QR landing URL and navigation links to 高德 (GCJ-02) and 百度 (BD-09)."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno
from django.urls import reverse

from gonghui.stations.rules import geo


def amap_url(lat: float, lon: float, name: str) -> str:
    g_lat, g_lon = geo.wgs84_to_gcj02(lat, lon)
    return (
        f"https://uri.amap.com/marker?position={g_lon:.6f},{g_lat:.6f}"
        f"&name={quote(name)}&coordinate=gaode&callnative=1"
    )


def baidu_url(lat: float, lon: float, name: str) -> str:
    b_lat, b_lon = geo.wgs84_to_bd09(lat, lon)
    return (
        f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lon:.6f}"
        f"&title={quote(name)}&content={quote(name)}&coord_type=bd09ll&output=html&src=gonghui"
    )


def landing_path(code: str) -> str:
    return reverse("stations:h5_station", args=[code]) + "?from=qr"


def qr_image(url: str, kind: str) -> bytes:
    """The QR code of ``url`` as PNG or SVG (error correction M: survives a scuffed sign)."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=2, xmldecl=True)
    else:
        code.save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()
