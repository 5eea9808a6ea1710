"""The stations_coverage command, registry demand and the demo seed."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gonghui.core.management.commands.seed_demo import World
from gonghui.stations import selectors
from gonghui.stations.data import DIVISION_CENTRES, TOWNS
from gonghui.stations.models import Station, StationDailyCount, StationVisit
from gonghui.stations.rules import coverage as cv
from gonghui.stations.rules import geo
from gonghui.stations.tests.helpers import make_station

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("stations_coverage", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_with_points_csv_matches_the_engine(cast, tmp_path):
    make_station(cast.xq_staff, cast.xingqing, lat=38.4670, lon=106.2880)
    make_station(cast.xq_staff, cast.xingqing, lat=38.4800, lon=106.3000, status="planned")
    rng = np.random.default_rng(3)
    lat = rng.uniform(38.44, 38.50, 500)
    lon = rng.uniform(106.26, 106.32, 500)
    w = rng.integers(1, 10, 500)
    path = tmp_path / "points.csv"
    path.write_text(
        "lat,lon,weight\n" + "\n".join(f"{a},{b},{c}" for a, b, c in zip(lat, lon, w, strict=True))
    )
    report = run("--points", str(path), "--radius", "1000", "--suggest", "3")
    expected = cv.coverage(lat, lon, w, np.array([38.4670]), np.array([106.2880]), 1000)
    assert report["stations"] == 1  # the planned station does not count
    assert report["total_demand"] == pytest.approx(w.sum())
    assert report["covered_demand"] == pytest.approx(expected.covered_weight)
    assert report["share"] == pytest.approx(expected.share, abs=1e-6)
    gains = [s["gain"] for s in report["suggestions"]]
    assert len(gains) == 3 and gains == sorted(gains, reverse=True)
    assert "grid" not in report


def test_command_rejects_bad_input(cast, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("38.1,106.2,1\nabc,106,1\n")
    with pytest.raises(CommandError, match="第2行"):
        run("--points", str(path))
    with pytest.raises(CommandError):
        run("--division", "999999")
    with pytest.raises(CommandError):
        run("--radius", "0")


def test_registry_demand_from_employees_is_deterministic(cast):
    cast.xq_employer.employee_count = 80
    cast.xq_employer.save()
    cast.yz_employer.employee_count = 30
    cast.yz_employer.save()
    a = selectors.registry_demand()
    b = selectors.registry_demand()
    assert a.source == "employees"
    assert sorted(a.weight.tolist()) == [30.0, 80.0]
    assert (a.lat == b.lat).all() and (a.lon == b.lon).all()
    only_xq = selectors.registry_demand("640104")
    assert only_xq.weight.tolist() == [80.0]
    assert geo.haversine_m(only_xq.lat[0], only_xq.lon[0], *DIVISION_CENTRES["640104"]) < 15_000
    city = selectors.registry_demand("640100")
    assert city.weight.tolist() == [80.0]


def test_registry_demand_prefers_member_counts(cast, monkeypatch):
    cast.xq_employer.employee_count = 80
    cast.xq_employer.save()
    assert selectors.member_counts([cast.xq_employer.pk]) == {}  # no memberships yet
    monkeypatch.setattr(selectors, "member_counts", lambda ids: {cast.xq_employer.pk: 7})
    demand = selectors.registry_demand()
    assert demand.source == "members"
    assert sorted(demand.weight.tolist()) == [0.0, 7.0]


def test_coverage_per_division_worst_first(cast):
    from gonghui.testing import make_employer

    cast.xq_employer.employee_count = 50
    cast.xq_employer.save()
    other = make_employer("金凤某公司", cast.jinfeng)
    other.employee_count = 20
    other.division_id = "640106"
    other.save()
    xq = selectors.registry_demand("640104")
    make_station(cast.xq_staff, cast.xingqing, lat=float(xq.lat[0]), lon=float(xq.lon[0]))
    report = run("--division", "640100", "--radius", "200")
    rows = {r["division"]: r for r in report["by_division"]}
    assert rows["640104"]["share"] == 1.0 and rows["640104"]["name"] == "兴庆区"
    assert rows["640106"]["share"] == 0.0 and rows["640106"]["total_demand"] == 20
    assert report["by_division"][0]["division"] == "640106"  # worst first
    assert report["share"] == pytest.approx(50 / 70)
    assert "by_division" not in run("--division", "640100", "--no-divisions")


def test_registry_demand_by_division_coverage(cast):
    cast.xq_employer.employee_count = 50
    cast.xq_employer.save()
    demand = selectors.registry_demand("640104")
    make_station(cast.xq_staff, cast.xingqing, lat=float(demand.lat[0]), lon=float(demand.lon[0]))
    report = selectors.coverage_report(demand, radius_m=100)
    assert report["share"] == 1.0 and report["covered_demand"] == 50


def test_seed_small_places_stations_around_towns(db):
    from gonghui.orgs import seed as orgs_seed
    from gonghui.stations import seed as stations_seed

    world = World(scale="small", rng=random.Random(7))
    orgs_seed.seed(world)
    summary = stations_seed.seed(world)
    assert "100 stations" in summary
    assert Station.objects.filter(kind__code="mummy").count() == 10
    assert Station.objects.filter(kind__code="childcare").count() == 6
    assert stations_seed.COUNT_DAYS == 365
    assert StationDailyCount.objects.count() == 100 * 365  # a year of daily counts per station
    one = Station.objects.order_by("pk").first()
    days = one.daily_counts.values_list("date", flat=True)
    assert len(set(days)) == 365 and (max(days) - min(days)).days == 364
    assert StationVisit.objects.filter(station=one).exists()
    # the bulk load put the foreign keys back (PostgreSQL drops them during COPY)
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, StationDailyCount._meta.db_table
        )
    assert any(c["foreign_key"] == ("stations_station", "id") for c in constraints.values())
    towns = [(lat, lon) for rows in TOWNS.values() for _n, lat, lon, _w in rows]
    for station in Station.objects.all():
        assert station.division_id in DIVISION_CENTRES
        assert min(geo.haversine_m(station.lat, station.lon, a, b) for a, b in towns) < 10_000
        assert station.organisation.division_id == station.division_id
    # codes made afterwards continue each county's series
    first = Station.objects.filter(division_id="640104").order_by("-code").first()
    new = make_station(
        first.organisation.__class__.objects.get(pk=first.organisation_id) and _admin(),
        first.organisation,
    )
    assert new.code > first.code


def _admin():
    from gonghui.accounts.models import User

    return User.objects.create_superuser("seedroot", password="x")
