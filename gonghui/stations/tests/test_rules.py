"""Pure rules: datum conversions, distances, opening hours, coverage and greedy placement."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.stations.rules import coverage as cv
from gonghui.stations.rules import geo, hours, lifecycle

SH = hours.SHANGHAI


# --- datums ------------------------------------------------------------------------------------


def test_gcj02_matches_published_reference_point():
    # Beijing, Tiananmen: a widely published WGS-84 → GCJ-02 pair (offset ≈ 0.0013°/0.0062°).
    lat, lon = geo.wgs84_to_gcj02(39.908692, 116.397477)
    assert lat == pytest.approx(39.910093, abs=2e-5)
    assert lon == pytest.approx(116.403719, abs=2e-5)


def test_outside_china_is_unchanged():
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert geo.gcj02_to_wgs84(48.8566, 2.3522) == (48.8566, 2.3522)


def test_gcj_offset_in_ningxia_is_hundreds_of_metres():
    lat, lon = geo.wgs84_to_gcj02(38.4670, 106.2880)
    assert 100 < geo.haversine_m(38.4670, 106.2880, lat, lon) < 1000


@settings(max_examples=200, deadline=None)
@given(st.floats(18.0, 53.0), st.floats(74.0, 134.0))
def test_round_trips_stay_under_one_metre(lat, lon):
    for forward, back in (
        (geo.wgs84_to_gcj02, geo.gcj02_to_wgs84),
        (geo.gcj02_to_bd09, geo.bd09_to_gcj02),
        (geo.wgs84_to_bd09, geo.bd09_to_wgs84),
    ):
        again = back(*forward(lat, lon))
        assert geo.haversine_m(lat, lon, *again) < 1.0


def test_to_and_from_wgs84_by_datum_name():
    for datum in geo.DATUMS:
        converted = geo.from_wgs84(38.47, 106.29, datum)
        assert geo.haversine_m(38.47, 106.29, *geo.to_wgs84(*converted, datum)) < 1.0
    assert geo.from_wgs84(38.47, 106.29, geo.BD09) != geo.from_wgs84(38.47, 106.29, geo.GCJ02)


def test_haversine_one_degree_of_latitude():
    assert geo.haversine_m(38.0, 106.0, 39.0, 106.0) == pytest.approx(111_195, rel=1e-3)


# --- opening hours -------------------------------------------------------------------------------


def at(day: int, hh: int, mm: int = 0) -> datetime.datetime:
    # 2026-11-23 is a Monday
    return datetime.datetime(2026, 11, 23 + day, hh, mm, tzinfo=SH)


def test_daily_hours():
    schedule = hours.daily("08:00", "20:00")
    assert hours.is_open(schedule, False, at(0, 8))
    assert hours.is_open(schedule, False, at(0, 19, 59))
    assert not hours.is_open(schedule, False, at(0, 20))
    assert not hours.is_open(schedule, False, at(0, 7, 59))


def test_hours_are_read_in_shanghai_time():
    schedule = hours.daily("08:00", "20:00")
    utc_noon = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)  # 12:00 in Shanghai
    assert hours.is_open(schedule, False, utc_noon)
    utc_late = datetime.datetime(2026, 11, 23, 13, 0, tzinfo=datetime.UTC)  # 21:00
    assert not hours.is_open(schedule, False, utc_late)


def test_overnight_interval_spills_into_next_day():
    schedule = [[["20:00", "06:00"]], [], [], [], [], [], []]
    assert hours.is_open(schedule, False, at(0, 23))
    assert hours.is_open(schedule, False, at(1, 5, 30))
    assert not hours.is_open(schedule, False, at(1, 6))
    assert not hours.is_open(schedule, False, at(2, 23))


def test_24h_flag_and_closed_days():
    assert hours.is_open([[] for _ in range(7)], True, at(6, 3))
    weekdays = [[["09:00", "17:00"]]] * 5 + [[], []]
    assert hours.is_open(weekdays, False, at(4, 10))
    assert not hours.is_open(weekdays, False, at(5, 10))


def test_parse_hours_text():
    schedule, is_24h = hours.parse_hours_text("08:00-12:00，14:00-20:00")
    assert not is_24h and schedule[3] == [["08:00", "12:00"], ["14:00", "20:00"]]
    assert hours.parse_hours_text("24小时") == ([[] for _ in range(7)], True)
    with pytest.raises(hours.HoursError):
        hours.parse_hours_text("早上八点")
    with pytest.raises(hours.HoursError):
        hours.parse_hours_text("25:00-26:00")
    assert hours.hours_text(schedule, False) == "每天 08:00-12:00,14:00-20:00"
    assert (
        hours.hours_text([[["08:00", "20:00"]]] * 5 + [[]] * 2, False)
        == "周一至周五 08:00-20:00；周六、周日 休息"
    )


# --- coverage --------------------------------------------------------------------------------------


def random_world(seed: int, n_points: int, n_stations: int):
    rng = np.random.default_rng(seed)
    plat = rng.uniform(38.3, 38.6, n_points)
    plon = rng.uniform(106.1, 106.4, n_points)
    weight = rng.integers(0, 20, n_points).astype(float)
    slat = rng.uniform(38.3, 38.6, n_stations)
    slon = rng.uniform(106.1, 106.4, n_stations)
    return plat, plon, weight, slat, slon


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("radius", [300, 1000, 3000])
def test_coverage_equals_brute_force(seed, radius):
    plat, plon, weight, slat, slon = random_world(seed, 5000, 40)
    result = cv.coverage(plat, plon, weight, slat, slon, radius)
    brute = cv.covered_mask_bruteforce(plat, plon, slat, slon, radius)
    assert (result.covered == brute).all()
    assert result.covered_weight == pytest.approx(weight[brute].sum())
    assert result.total_weight == pytest.approx(weight.sum())
    assert 0 < result.share < 1


def test_coverage_pure_python_haversine_agrees():
    plat, plon, weight, slat, slon = random_world(7, 300, 15)
    result = cv.coverage(plat, plon, weight, slat, slon, 1000)
    expected = [
        any(geo.haversine_m(a, b, c, d) <= 1000 for c, d in zip(slat, slon, strict=True))
        for a, b in zip(plat, plon, strict=True)
    ]
    assert result.covered.tolist() == expected


def test_coverage_without_stations_or_points():
    assert cv.coverage([], [], [], [1.0], [1.0]).share == 0
    result = cv.coverage([38.4], [106.2], [5.0], [], [])
    assert result.covered_weight == 0 and result.total_weight == 5


def test_chord_matches_ground_distance():
    assert cv.metres_for(cv.chord_for(1234.5)) == pytest.approx(1234.5)
    a, b = cv.unit_vectors([38.0, 38.01], [106.0, 106.0])
    assert cv.metres_for(np.linalg.norm(a - b)) == pytest.approx(
        geo.haversine_m(38, 106, 38.01, 106)
    )


def test_grid_and_clusters_account_for_all_demand():
    plat, plon, weight, slat, slon = random_world(4, 4000, 10)
    result = cv.coverage(plat, plon, weight, slat, slon, 1000)
    cells = cv.grid(plat, plon, weight, result.covered, 1000)
    assert sum(c.total for c in cells) == pytest.approx(weight.sum())
    assert sum(c.covered for c in cells) == pytest.approx(result.covered_weight)
    clusters = cv.uncovered_clusters(plat, plon, weight, result.covered, 500, limit=50)
    assert clusters == sorted(clusters, key=lambda c: -c.uncovered)
    assert sum(c.uncovered for c in clusters) <= weight.sum() - result.covered_weight + 1e-6


def test_uncovered_clusters_find_the_hole():
    rng = np.random.default_rng(5)
    # two towns, a station only in the first
    lat = np.concatenate([rng.normal(38.0, 0.002, 500), rng.normal(38.2, 0.002, 300)])
    lon = np.concatenate([rng.normal(106.0, 0.002, 500), rng.normal(106.2, 0.002, 300)])
    covered = cv.covered_mask(lat, lon, np.array([38.0]), np.array([106.0]), 1000)
    clusters = cv.uncovered_clusters(lat, lon, np.ones(800), covered, 1000)
    assert len(clusters) == 1
    assert clusters[0].uncovered == 300
    assert geo.haversine_m(clusters[0].lat, clusters[0].lon, 38.2, 106.2) < 300


@pytest.mark.parametrize("seed", [11, 12])
def test_greedy_gains_are_monotone_and_equal_recomputed_coverage(seed):
    plat, plon, weight, slat, slon = random_world(seed, 6000, 8)
    existing = cv.coverage(plat, plon, weight, slat, slon, 1000)
    rng = np.random.default_rng(seed)
    cand = rng.integers(0, len(plat), 300)
    picks = cv.greedy_placement(
        plat[cand], plon[cand], plat, plon, weight, 10, 1000, covered=existing.covered
    )
    assert len(picks) == 10
    gains = [p.gain for p in picks]
    assert gains == sorted(gains, reverse=True)
    chosen_lat, chosen_lon = list(slat), list(slon)
    covered_so_far = existing.covered_weight
    for pick in picks:
        chosen_lat.append(pick.lat)
        chosen_lon.append(pick.lon)
        again = cv.coverage(plat, plon, weight, np.array(chosen_lat), np.array(chosen_lon), 1000)
        assert again.covered_weight - covered_so_far == pytest.approx(pick.gain)
        covered_so_far = again.covered_weight


def test_greedy_first_pick_is_the_best_single_site():
    plat, plon, weight, *_ = random_world(21, 3000, 1)
    rng = np.random.default_rng(21)
    cand = rng.integers(0, len(plat), 100)
    picks = cv.greedy_placement(plat[cand], plon[cand], plat, plon, weight, 1, 1000)
    best = max(
        cv.coverage(plat, plon, weight, plat[[c]], plon[[c]], 1000).covered_weight for c in cand
    )
    assert picks[0].gain == pytest.approx(best)


def test_greedy_on_grid_candidates_stops_when_nothing_is_left():
    lat = np.array([38.0, 38.0001, 39.0])
    lon = np.array([106.0, 106.0, 106.0])
    cands = cv.grid_candidates(lat, lon, 500)
    picks = cv.greedy_placement(cands[:, 0], cands[:, 1], lat, lon, np.ones(3), 5, 1000)
    assert len(picks) == 2
    assert sum(p.gain for p in picks) == 3
    assert math.isclose(picks[0].gain, 2)


# --- lifecycle --------------------------------------------------------------------------------------


def test_lifecycle_rules():
    assert lifecycle.allowed_actions("planned") == ["build", "close"]
    assert lifecycle.allowed_actions("built") == ["accept", "suspend", "close"]
    assert lifecycle.allowed_actions("closed") == []
    assert lifecycle.target_status("resume", was_accepted=True) == "accepted"
    assert lifecycle.target_status("resume", was_accepted=False) == "built"
    template = [{"code": "a", "label": "A"}, {"code": "b", "label": "B", "required": False}]
    assert lifecycle.missing_acceptance_items(template, {"b": True}) == ["A"]
    assert lifecycle.missing_acceptance_items(template, {"a": True}) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 1440)), max_size=2),
        min_size=7,
        max_size=7,
    ),
    st.integers(0, 7 * 1440 - 1),
)
def test_week_intervals_agree_with_is_open(days, minute):
    schedule = [[[hours._fmt(a), hours._fmt(b)] for a, b in day if a != b] for day in days]
    when = datetime.datetime(2026, 11, 23, tzinfo=SH) + datetime.timedelta(minutes=minute)
    assert hours.minute_of_week(when) == minute
    in_interval = any(a <= minute < b for a, b in hours.week_intervals(schedule, False))
    assert in_interval == hours.is_open(schedule, False, when)
