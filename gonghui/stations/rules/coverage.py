"""The 15-minute service circle: coverage of weighted demand by stations, and where to build next.

Geometry. Points are mapped to 3-D unit vectors on the sphere. Two points are within great-circle
distance R exactly when their chord is within ``2·sin(R / 2 / Earth_R)`` (the chord grows
monotonically with the angle), so a k-d tree on the unit vectors (``scipy.spatial.cKDTree``)
answers "is there a station within R" with Euclidean queries — no projection error, no
special case at the date line or the poles.

Placement. Choosing K sites that cover the most still-uncovered demand is the maximum coverage
problem (NP-hard). The greedy algorithm — repeatedly take the site with the largest marginal
gain — covers at least (1 − 1/e) ≈ 63.2 % of what the best possible K sites would cover
(Nemhauser, Wolsey & Fisher 1978; Feige 1998 shows no polynomial algorithm does better unless
P = NP). Because coverage is submodular, a site's gain can only shrink as others are chosen, so
the "lazy" variant re-evaluates only the site at the top of a max-heap (Minoux 1978) and picks
exactly the same sites as the plain greedy.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage, sparse
from scipy.spatial import cKDTree

from gonghui.stations.rules.geo import EARTH_RADIUS_M

WALK_RADIUS_M = 1000  # ACFTU "双15": 1 km service radius, 15 minutes' walk
RIDER_RADIUS_M = 3000


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) unit vectors of latitude/longitude arrays in degrees."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_for(radius_m: float) -> float:
    """The straight-line distance between unit vectors that are ``radius_m`` apart on the ground."""
    return 2.0 * math.sin(radius_m / 2.0 / EARTH_RADIUS_M)


def metres_for(chord: np.ndarray | float) -> np.ndarray | float:
    """Inverse of ``chord_for``: ground distance in metres of a chord between unit vectors."""
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.asarray(chord) / 2.0))


def haversine_np(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
    """Vectorised great-circle distance in metres (broadcasting); the brute-force reference."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def covered_mask(
    point_lat: np.ndarray,
    point_lon: np.ndarray,
    station_lat: np.ndarray,
    station_lon: np.ndarray,
    radius_m: float,
    *,
    workers: int = -1,
) -> np.ndarray:
    """Boolean array: has each demand point at least one station within ``radius_m``?

    The tree is built on the (few) stations and every point asks for its nearest one with a
    distance bound, which stops each search early; ``workers=-1`` spreads the queries on all cores.
    """
    n = len(point_lat)
    if n == 0 or len(station_lat) == 0:
        return np.zeros(n, dtype=bool)
    tree = cKDTree(unit_vectors(station_lat, station_lon))
    # The bound is exclusive in cKDTree; nudge it so a point exactly at R counts as covered.
    bound = chord_for(radius_m) * (1 + 1e-12)
    distance, _ = tree.query(
        unit_vectors(point_lat, point_lon), k=1, distance_upper_bound=bound, workers=workers
    )
    return np.isfinite(distance)


@dataclass
class CoverageResult:
    total_weight: float
    covered_weight: float
    covered: np.ndarray = field(repr=False)

    @property
    def share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "total_demand": round(self.total_weight, 3),
            "covered_demand": round(self.covered_weight, 3),
            "share": round(self.share, 6),
        }


def coverage(
    point_lat: np.ndarray,
    point_lon: np.ndarray,
    weight: np.ndarray,
    station_lat: np.ndarray,
    station_lon: np.ndarray,
    radius_m: float = WALK_RADIUS_M,
) -> CoverageResult:
    """Covered demand = weight of the points with ≥ 1 (open) station within ``radius_m``."""
    weight = np.asarray(weight, dtype=np.float64)
    covered = covered_mask(point_lat, point_lon, station_lat, station_lon, radius_m)
    return CoverageResult(float(weight.sum()), float(weight[covered].sum()), covered)


def covered_mask_bruteforce(
    point_lat, point_lon, station_lat, station_lon, radius_m: float, chunk: int = 2000
) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Reference implementation: haversine from every point to every station (numpy, chunked)."""
    point_lat, point_lon = np.asarray(point_lat), np.asarray(point_lon)
    out = np.zeros(len(point_lat), dtype=bool)
    if len(station_lat) == 0:
        return out
    s_lat, s_lon = np.asarray(station_lat)[None, :], np.asarray(station_lon)[None, :]
    for start in range(0, len(point_lat), chunk):
        sl = slice(start, start + chunk)
        d = haversine_np(point_lat[sl, None], point_lon[sl, None], s_lat, s_lon)
        out[sl] = (d <= radius_m).any(axis=1)
    return out


# --- the coverage map ---------------------------------------------------------------------------


@dataclass
class GridCell:
    row: int
    col: int
    lat: float  # centre
    lon: float
    total: float
    covered: float


@dataclass
class Cluster:
    lat: float  # weighted centre of the uncovered demand
    lon: float
    uncovered: float
    cells: int


def _grid_index(lat: np.ndarray, lon: np.ndarray, cell_m: float):  # type: ignore[no-untyped-def]
    lat0, lon0 = float(lat.min()), float(lon.min())
    dlat = cell_m / (EARTH_RADIUS_M * math.pi / 180.0)
    mid = math.radians((float(lat.min()) + float(lat.max())) / 2)
    dlon = dlat / max(math.cos(mid), 1e-6)
    rows = ((lat - lat0) / dlat).astype(np.int64)
    cols = ((lon - lon0) / dlon).astype(np.int64)
    return rows, cols, lat0, lon0, dlat, dlon


def grid(
    lat: np.ndarray, lon: np.ndarray, weight: np.ndarray, covered: np.ndarray, cell_m: float = 1000
) -> list[GridCell]:
    """Demand and covered demand per square cell of about ``cell_m`` metres (non-empty cells)."""
    lat, lon, weight = np.asarray(lat), np.asarray(lon), np.asarray(weight, dtype=np.float64)
    if len(lat) == 0:
        return []
    rows, cols, lat0, lon0, dlat, dlon = _grid_index(lat, lon, cell_m)
    key = rows * (int(cols.max()) + 1) + cols
    uniq, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=weight)
    cov = np.bincount(inverse, weights=np.where(covered, weight, 0.0))
    width = int(cols.max()) + 1
    return [
        GridCell(
            int(k // width),
            int(k % width),
            lat0 + (k // width + 0.5) * dlat,
            lon0 + (k % width + 0.5) * dlon,
            float(t),
            float(c),
        )
        for k, t, c in zip(uniq, total, cov, strict=True)
    ]


def uncovered_clusters(
    lat: np.ndarray,
    lon: np.ndarray,
    weight: np.ndarray,
    covered: np.ndarray,
    cell_m: float = 1000,
    limit: int = 10,
) -> list[Cluster]:
    """The largest groups of adjacent grid cells holding uncovered demand, by uncovered weight."""
    lat, lon, weight = np.asarray(lat), np.asarray(lon), np.asarray(weight, dtype=np.float64)
    mask = ~np.asarray(covered) & (weight > 0)
    if not mask.any():
        return []
    lat, lon, weight = lat[mask], lon[mask], weight[mask]
    rows, cols, *_ = _grid_index(lat, lon, cell_m)
    image = np.zeros((int(rows.max()) + 1, int(cols.max()) + 1), dtype=bool)
    image[rows, cols] = True
    labels, count = ndimage.label(image, structure=np.ones((3, 3)))
    point_label = labels[rows, cols] - 1
    w = np.bincount(point_label, weights=weight, minlength=count)
    wlat = np.bincount(point_label, weights=weight * lat, minlength=count)
    wlon = np.bincount(point_label, weights=weight * lon, minlength=count)
    cells = np.bincount(labels[labels > 0] - 1, minlength=count)
    order = np.argsort(-w)[:limit]
    return [
        Cluster(float(wlat[i] / w[i]), float(wlon[i] / w[i]), float(w[i]), int(cells[i]))
        for i in order
        if w[i] > 0
    ]


def grid_candidates(lat: np.ndarray, lon: np.ndarray, cell_m: float = 500) -> np.ndarray:
    """Candidate sites when none are given: the centres of the grid cells that hold demand."""
    lat, lon = np.asarray(lat), np.asarray(lon)
    if len(lat) == 0:
        return np.zeros((0, 2))
    rows, cols, lat0, lon0, dlat, dlon = _grid_index(lat, lon, cell_m)
    cells = np.unique(np.column_stack((rows, cols)), axis=0)
    return np.column_stack((lat0 + (cells[:, 0] + 0.5) * dlat, lon0 + (cells[:, 1] + 0.5) * dlon))


# --- placement: greedy maximal covering ----------------------------------------------------------


@dataclass
class Pick:
    candidate: int  # index into the candidate arrays
    lat: float
    lon: float
    gain: float  # demand newly covered by this site, given the sites picked before it


def incidence(
    cand_lat: np.ndarray,
    cand_lon: np.ndarray,
    point_lat: np.ndarray,
    point_lon: np.ndarray,
    radius_m: float,
) -> sparse.csr_matrix:
    """Sparse candidate × point matrix: 1 where the point lies within ``radius_m`` of the site."""
    m = len(cand_lat)
    if m == 0 or len(point_lat) == 0:
        return sparse.csr_matrix((m, len(point_lat)), dtype=np.int8)
    tree = cKDTree(unit_vectors(point_lat, point_lon))
    bound = chord_for(radius_m) * (1 + 1e-12)
    hits = tree.query_ball_point(unit_vectors(cand_lat, cand_lon), r=bound, workers=-1)
    lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=m)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    indices = (
        np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
        if indptr[-1]
        else np.zeros(0, dtype=np.int64)
    )
    data = np.ones(len(indices), dtype=np.int8)
    return sparse.csr_matrix((data, indices, indptr), shape=(m, len(point_lat)))


def greedy_placement(
    cand_lat: np.ndarray,
    cand_lon: np.ndarray,
    point_lat: np.ndarray,
    point_lon: np.ndarray,
    weight: np.ndarray,
    k: int,
    radius_m: float = WALK_RADIUS_M,
    covered: np.ndarray | None = None,
) -> list[Pick]:
    """Pick up to ``k`` candidate sites by lazy greedy maximal covering.

    ``covered`` marks demand already served by existing stations (it adds nothing). Only the
    uncovered points enter the incidence matrix, which keeps it small. Sites with zero gain are
    not suggested.
    """
    cand_lat, cand_lon = np.asarray(cand_lat, float), np.asarray(cand_lon, float)
    weight = np.asarray(weight, dtype=np.float64)
    open_mask = weight > 0
    if covered is not None:
        open_mask &= ~np.asarray(covered)
    idx = np.flatnonzero(open_mask)
    matrix = incidence(
        cand_lat, cand_lon, np.asarray(point_lat)[idx], np.asarray(point_lon)[idx], radius_m
    )
    w = weight[idx].copy()  # remaining (still uncovered) weight per point; 0 once covered
    gains = np.asarray(matrix @ w).ravel()
    heap = [(-g, int(c)) for c, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    indptr, indices = matrix.indptr, matrix.indices
    picks: list[Pick] = []
    while heap and len(picks) < k:
        _stale, c = heapq.heappop(heap)
        cols = indices[indptr[c] : indptr[c + 1]]
        gain = float(w[cols].sum())
        if gain <= 0:
            continue
        # Lazy evaluation: a fresh gain still at least the next stale upper bound is the maximum.
        if heap and gain < -heap[0][0] - 1e-9:
            heapq.heappush(heap, (-gain, c))
            continue
        w[cols] = 0.0
        picks.append(Pick(c, float(cand_lat[c]), float(cand_lon[c]), gain))
    return picks
