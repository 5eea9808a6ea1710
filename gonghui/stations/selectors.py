"""Reads of stations: scoped console lists, the public list, and the coverage analysis."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gonghui.core.models import Division, division_prefix
from gonghui.orgs.models import Employer
from gonghui.stations.choices import OPEN_STATUSES, StationStatus
from gonghui.stations.data import DIVISION_CENTRES
from gonghui.stations.models import Station, StationKind
from gonghui.stations.rules import coverage as cv


def station_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    status: str = "",
    division: str = "",
    capability: str = "station.view",
) -> QuerySet[Station]:
    qs = Station.objects.visible_to(actor, capability).select_related(
        "kind", "division", "organisation"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
    if kind:
        qs = qs.filter(kind__code=kind)
    if status:
        qs = qs.filter(status=status)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    return qs.order_by("code")


def station_get_for_actor(*, actor: Any, code: str, capability: str = "station.view") -> Station:
    return Station.objects.select_related("kind", "division", "organisation").get_for_actor(
        actor, capability, code=code
    )


def public_station_list(
    *, kind: str = "", status: str = "", division: str = "", facility: str = "", q: str = ""
) -> QuerySet[Station]:
    """What anyone may see: stations that exist on the ground (not planned ones)."""
    qs = Station.objects.exclude(status=StationStatus.PLANNED).select_related("kind")
    if kind:
        qs = qs.filter(kind__code=kind)
    if status:
        qs = qs.filter(status=status)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if facility:
        # JSON containment differs between SQLite and PostgreSQL; a text match on the quoted
        # code is exact because facility codes never contain quotes and are not prefixes of
        # one another once quoted.
        qs = qs.filter(facilities__icontains=f'"{facility}"')
    return qs.order_by("code")


def public_station(code: str) -> Station:
    return (
        Station.objects.select_related("kind", "division")
        .exclude(status=StationStatus.PLANNED)
        .get(code=code)
    )


def kinds() -> list[StationKind]:
    return list(StationKind.objects.all())


# --- coverage -----------------------------------------------------------------------------------


@dataclass
class Demand:
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray
    source: str
    division: np.ndarray | None = None  # division code of each point, when known

    def __len__(self) -> int:
        return len(self.lat)


def _hash_unit(values: np.ndarray, salt: int) -> np.ndarray:
    """Deterministic pseudo-random numbers in (0, 1) from integer ids (a splitmix-style mix)."""
    x = (values.astype(np.uint64) + np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def jitter_around(ids: np.ndarray, centres: np.ndarray, sigma_deg: float = 0.02) -> np.ndarray:
    """Place rows without coordinates around their division's centre, deterministically per id
    (Box–Muller on hashed ids), so the same registry always gives the same coverage figure."""
    u1, u2 = _hash_unit(ids, 1), _hash_unit(ids, 2)
    r = np.sqrt(-2 * np.log(u1)) * sigma_deg
    return centres + np.column_stack((r * np.cos(2 * np.pi * u2), r * np.sin(2 * np.pi * u2)))


def registry_demand(division: str = "") -> Demand:
    """Demand from the registry: employers weighted by their members (when the members app is
    installed and has data), else by their employee counts. Employers have no coordinates, so
    each is placed at a deterministic jitter around its division's centre."""
    qs = Employer.objects.all()
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    rows = list(qs.values_list("pk", "division_id", "employee_count"))
    rows = [r for r in rows if r[1] in DIVISION_CENTRES]
    source = "employees"
    weights = {pk: count for pk, _d, count in rows}
    counts = member_counts(list(weights)) if rows else {}
    if counts:
        weights, source = {pk: counts.get(pk, 0) for pk in weights}, "members"
    if not rows:
        empty = np.zeros(0)
        return Demand(empty, empty, empty, source, np.zeros(0, dtype=object))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    centres = np.array([DIVISION_CENTRES[r[1]] for r in rows], dtype=float)
    placed = jitter_around(ids, centres)
    weight = np.array([weights[r[0]] for r in rows], dtype=float)
    codes = np.array([r[1] for r in rows], dtype=object)
    return Demand(placed[:, 0], placed[:, 1], weight, source, codes)


def member_counts(employer_ids: list[int]) -> dict[int, int]:
    """Live memberships per employer, if the members app is installed (looked up at run time:
    stations does not depend on members)."""
    if not apps.is_installed("gonghui.members"):
        return {}
    membership = apps.get_model("members", "Membership")
    counts: dict[int, int] = {}
    for start in range(0, len(employer_ids), 5000):  # keep IN lists small for SQLite
        chunk = employer_ids[start : start + 5000]
        counts.update(
            membership.objects.filter(employer_id__in=chunk, state__in=_live_states())
            .values("employer_id")
            .annotate(n=Count("pk"))
            .values_list("employer_id", "n")
        )
    return counts


def _live_states() -> list[str]:
    try:
        from gonghui.members.choices import LIVE_STATES

        return [str(s) for s in LIVE_STATES]
    except ImportError:  # an older members app: count active memberships only
        return ["active"]


def csv_demand(data: bytes) -> Demand:
    """Points uploaded as CSV: lat, lon[, weight] with an optional header row."""
    text = data.decode("utf-8-sig", errors="replace")
    lat, lon, weight = [], [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        try:
            a, b = float(row[0]), float(row[1])
            w = float(row[2]) if len(row) > 2 and row[2].strip() else 1.0
        except (ValueError, IndexError):
            if number == 1:
                continue  # header
            raise ValidationError(
                _("Row %(row)d: latitude, longitude and weight must be numbers.") % {"row": number}
            ) from None
        if not (-90 <= a <= 90 and -180 <= b <= 180) or w < 0:
            raise ValidationError(
                _("Row %(row)d: coordinates or weight out of range.") % {"row": number}
            )
        lat.append(a)
        lon.append(b)
        weight.append(w)
    return Demand(np.array(lat), np.array(lon), np.array(weight), "csv")


def open_station_coordinates(kind: str = "") -> tuple[np.ndarray, np.ndarray]:
    qs = Station.objects.filter(status__in=OPEN_STATUSES)
    if kind:
        qs = qs.filter(kind__code=kind)
    pairs = np.array(list(qs.values_list("lat", "lon")), dtype=float).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def coverage_report(
    demand: Demand,
    *,
    radius_m: float = cv.WALK_RADIUS_M,
    suggest: int = 0,
    cell_m: float = 1000,
    clusters: int = 10,
    kind: str = "",
) -> dict[str, Any]:
    """Coverage of ``demand`` by all open stations (stations across a county border count),
    the grid for the map, the largest uncovered clusters and, with ``suggest``, greedy sites."""
    slat, slon = open_station_coordinates(kind)
    result = cv.coverage(demand.lat, demand.lon, demand.weight, slat, slon, radius_m)
    report: dict[str, Any] = {
        "source": demand.source,
        "points": len(demand),
        "stations": len(slat),
        "radius_m": radius_m,
        **result.as_dict(),
    }
    report["clusters"] = [
        {
            "lat": round(c.lat, 6),
            "lon": round(c.lon, 6),
            "uncovered": round(c.uncovered, 1),
            "cells": c.cells,
        }
        for c in cv.uncovered_clusters(
            demand.lat, demand.lon, demand.weight, result.covered, cell_m, clusters
        )
    ]
    report["grid"] = [
        {"lat": round(g.lat, 5), "lon": round(g.lon, 5), "total": g.total, "covered": g.covered}
        for g in cv.grid(demand.lat, demand.lon, demand.weight, result.covered, cell_m)
    ]
    if demand.division is not None and len(demand):
        report["by_division"] = _by_division(demand, result.covered)
    if suggest:
        cands = cv.grid_candidates(demand.lat, demand.lon, cell_m / 2)
        picks = cv.greedy_placement(
            cands[:, 0],
            cands[:, 1],
            demand.lat,
            demand.lon,
            demand.weight,
            suggest,
            radius_m,
            result.covered,
        )
        report["suggestions"] = [
            {
                "rank": i + 1,
                "lat": round(p.lat, 6),
                "lon": round(p.lon, 6),
                "gain": round(p.gain, 3),
            }
            for i, p in enumerate(picks)
        ]
    return report


def _by_division(demand: Demand, covered: np.ndarray) -> list[dict[str, Any]]:
    """Coverage per division of the demand points, worst first (where to act)."""
    codes, inverse = np.unique(demand.division.astype(str), return_inverse=True)  # type: ignore[union-attr]
    total = np.bincount(inverse, weights=demand.weight, minlength=len(codes))
    cov = np.bincount(inverse, weights=np.where(covered, demand.weight, 0.0), minlength=len(codes))
    names = dict(Division.objects.filter(code__in=codes.tolist()).values_list("code", "name"))
    rows = [
        {
            "division": str(code),
            "name": names.get(str(code), ""),
            "total_demand": round(float(t), 3),
            "covered_demand": round(float(c), 3),
            "share": round(float(c / t), 6) if t else 0.0,
        }
        for code, t, c in zip(codes, total, cov, strict=True)
    ]
    return sorted(rows, key=lambda r: (r["share"], -r["total_demand"]))
