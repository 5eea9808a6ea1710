"""The nearest-station finder: an in-memory k-d tree of open stations, one per process.

The tree (on 3-D unit vectors, see rules.coverage) and the public fields of every open station
are built once and kept in the process. Every write to a station bumps a version stamp in the
shared Django cache after its transaction commits; each process compares its tree's stamp with the
cache on every query (one cache read) and rebuilds when they differ. So the state that matters
lives in the database and the shared cache, and any number of app servers stay consistent.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from scipy.spatial import cKDTree

from gonghui.stations import links
from gonghui.stations.choices import FACILITY_LABELS, OPEN_STATUSES, Facility
from gonghui.stations.rules import coverage, hours

VERSION_KEY = "stations:index-version"
_FACILITY_BITS = {code: 1 << i for i, code in enumerate(Facility.values)}


def bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def bump_version_on_commit() -> None:
    transaction.on_commit(bump_version)


def facility_mask(codes: list[str]) -> int:
    mask = 0
    for code in codes:
        mask |= _FACILITY_BITS.get(code, 0)
    return mask


@dataclass
class StationIndex:
    version: str
    tree: cKDTree | None
    rows: list[dict[str, Any]]  # public fields, in tree order
    kinds: np.ndarray
    facilities: np.ndarray
    # minute-of-week opening intervals of all stations, flattened: owner, start, end
    interval_owner: np.ndarray
    interval_start: np.ndarray
    interval_end: np.ndarray

    def open_mask(self, when: datetime.datetime) -> np.ndarray:
        """Which stations are open at ``when``: one vectorised range test over all intervals."""
        minute = hours.minute_of_week(when)
        hit = (self.interval_start <= minute) & (minute < self.interval_end)
        mask = np.zeros(len(self.rows), dtype=bool)
        mask[self.interval_owner[hit]] = True
        return mask

    def __len__(self) -> int:
        return len(self.rows)


def _public_row(station: Any) -> dict[str, Any]:
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind.code,
        "kind_name": station.kind.name,
        "status": station.status,
        "address": station.address,
        "division_code": station.division_id,
        "lat": station.lat,
        "lon": station.lon,
        "is_24h": station.is_24h,
        "hours": hours.hours_text(station.schedule, station.is_24h),
        "facilities": list(station.facilities),
        "facility_names": [str(FACILITY_LABELS.get(f, f)) for f in station.facilities],
        "service_phone": station.service_phone,
        "amap_url": links.amap_url(station.lat, station.lon, station.name),
        "baidu_url": links.baidu_url(station.lat, station.lon, station.name),
    }


def build(version: str) -> StationIndex:
    from gonghui.stations.models import Station

    stations = list(
        Station.objects.filter(status__in=OPEN_STATUSES).select_related("kind").order_by("pk")
    )
    rows = [_public_row(s) for s in stations]
    lat = np.array([s.lat for s in stations], dtype=float)
    lon = np.array([s.lon for s in stations], dtype=float)
    tree = cKDTree(coverage.unit_vectors(lat, lon)) if stations else None
    owner, start, end = [], [], []
    for i, s in enumerate(stations):
        for a, b in hours.week_intervals(s.schedule, s.is_24h):
            owner.append(i)
            start.append(a)
            end.append(b)
    return StationIndex(
        version=version,
        tree=tree,
        rows=rows,
        kinds=np.array([s.kind.code for s in stations], dtype=object),
        facilities=np.array([facility_mask(s.facilities) for s in stations], dtype=np.int64),
        interval_owner=np.array(owner, dtype=np.int64),
        interval_start=np.array(start, dtype=np.int64),
        interval_end=np.array(end, dtype=np.int64),
    )


_lock = threading.Lock()
_current: StationIndex | None = None


def current() -> StationIndex:
    """This process's index, rebuilt if a station changed since it was built."""
    global _current
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    snapshot = _current
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _lock:
        if _current is None or _current.version != version:
            _current = build(version)
        return _current


def nearest(
    lat: float,
    lon: float,
    *,
    kind: str = "",
    facilities: list[str] | None = None,
    open_now: bool = False,
    limit: int = 10,
    when: datetime.datetime | None = None,
) -> list[dict[str, Any]]:
    """The ``limit`` nearest open stations (optionally of a kind, with all given facilities,
    open at ``when``), each with ``distance_m`` and ``open_now``.

    Asks the tree for a few more neighbours than needed and widens the search only when the
    filters reject too many, so the usual query touches a few dozen stations.
    """
    idx = current()
    n = len(idx)
    if n == 0 or limit <= 0:
        return []
    when = when or timezone.now()
    point = coverage.unit_vectors(np.array([lat]), np.array([lon]))[0]
    is_open = idx.open_mask(when)
    eligible = np.ones(n, dtype=bool)
    if kind:
        eligible &= idx.kinds == kind
    need = facility_mask(facilities or [])
    if need:
        eligible &= (idx.facilities & need) == need
    if open_now:
        eligible &= is_open
    available = int(eligible.sum())
    if available == 0:
        return []
    wanted = min(limit, available)
    # Ask the tree for a few more neighbours than needed; widen only when filters reject many.
    k = min(n, max(4 * limit, 32))
    while True:
        chords, positions = idx.tree.query(point, k=k)  # type: ignore[union-attr]
        chords, positions = np.atleast_1d(chords), np.atleast_1d(positions)
        keep = eligible[positions]
        if int(keep.sum()) >= wanted or k >= n:
            break
        k = min(n, k * 4)
    return [
        idx.rows[pos]
        | {
            "distance_m": round(float(coverage.metres_for(chord)), 1),
            "open_now": bool(is_open[pos]),
        }
        for chord, pos in zip(chords[keep][:limit], positions[keep][:limit], strict=True)
    ]
