"""Geodesy: the three datums used on Chinese maps, and great-circle distance.

Stations are stored in WGS-84 (GPS). 高德 and 腾讯 draw in GCJ-02, an obfuscated datum whose
published forward formula (the "Krasovsky" transform below) is applied only inside China's
bounding box; 百度 draws in BD-09, a further rotation of GCJ-02. The inverse directions have no
closed form, so they are solved by fixed-point iteration on the forward formula, which converges
to well under a centimetre in a few steps (round trips are tested to stay under 1 m).
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), used for distances and coverage
_KRASOVSKY_A = 6_378_245.0
_KRASOVSKY_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
DATUMS = (WGS84, GCJ02, BD09)


def out_of_china(lat: float, lon: float) -> bool:
    """GCJ-02 is defined only inside this box; outside it the datums coincide with WGS-84."""
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _delta_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _delta_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (the published forward formula)."""
    if out_of_china(lat, lon):
        return lat, lon
    dlat = _delta_lat(lon - 105.0, lat - 35.0)
    dlon = _delta_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lon + dlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (百度's published rotation and shift)."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _invert(forward, lat: float, lon: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Solve forward(x) = (lat, lon) by fixed-point iteration; the map is a small perturbation
    of the identity, so each step shrinks the error by orders of magnitude."""
    guess_lat, guess_lon = lat, lon
    for _ in range(30):
        f_lat, f_lon = forward(guess_lat, guess_lon)
        err_lat, err_lon = f_lat - lat, f_lon - lon
        guess_lat -= err_lat
        guess_lon -= err_lon
        if abs(err_lat) < 1e-10 and abs(err_lon) < 1e-10:
            break
    return guess_lat, guess_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    return _invert(wgs84_to_gcj02, lat, lon)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    return _invert(gcj02_to_bd09, lat, lon)


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def to_wgs84(lat: float, lon: float, datum: str) -> tuple[float, float]:
    """Coordinates entered in ``datum`` (wgs84/gcj02/bd09) as WGS-84."""
    if datum == GCJ02:
        return gcj02_to_wgs84(lat, lon)
    if datum == BD09:
        return bd09_to_wgs84(lat, lon)
    return lat, lon


def from_wgs84(lat: float, lon: float, datum: str) -> tuple[float, float]:
    """WGS-84 coordinates in the datum a map platform expects."""
    if datum == GCJ02:
        return wgs84_to_gcj02(lat, lon)
    if datum == BD09:
        return wgs84_to_bd09(lat, lon)
    return lat, lon


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
