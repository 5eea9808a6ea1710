"""Demo stations: 1,018 outdoor-worker stations, 60 爱心妈咪小屋 and 40 爱心托管班 (ningxia scale;
about 100 in all at small scale), placed around real town centres of the 22 counties, with hours,
facilities, managers, a year of QR check-ins with ratings and a year of daily service counts.

Stations are bulk-created; counts and check-ins go in as tuples (executemany / COPY); the station
counters are set so that codes made later continue the series.
"""

from __future__ import annotations

import datetime
import math
import sqlite3
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import bulkload
from gonghui.core.models import Counter
from gonghui.core.pii import blind_index
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Organisation
from gonghui.stations import index
from gonghui.stations.choices import BuildMode, Facility, StationStatus, VisitSource
from gonghui.stations.data import TOWNS
from gonghui.stations.models import Station, StationDailyCount, StationKind, StationVisit
from gonghui.stations.rules import hours

COUNTS = {
    "ningxia": {"outdoor": 1018, "mummy": 60, "childcare": 40},
    "small": {"outdoor": 84, "mummy": 10, "childcare": 6},
}
PARTNERS = [
    "中国邮政储蓄银行{town}支行",
    "中国石化{town}加油站",
    "中国石油{town}加油站",
    "宁夏银行{town}支行",
    "中国移动{town}营业厅",
    "{town}社区党群服务中心",
    "{town}环卫所",
    "{town}供电所",
]
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗"
GIVEN = "建国海军丽娟秀英志强玉兰明亮文华小燕红梅永福国庆淑珍春生"
PLACE_WORDS = ["环卫", "快递", "外卖", "交警", "出租车", "建筑", "综合", "邮政", "银行", "加油站"]
COUNT_DAYS = 365  # a year of daily counts
REMARKS = [
    "热水很方便",
    "微波炉好用",
    "夏天有空调，很凉快",
    "工作人员很热情",
    "冬天能取暖",
    "可以给电动车充电",
    "",
]


def _facilities(kind: str, rng: Any) -> list[str]:
    if kind == "mummy":
        base = [Facility.NURSING, Facility.FRIDGE, Facility.HAND_WASH, Facility.WATER]
        extra = [Facility.CLIMATE, Facility.REST]
    elif kind == "childcare":
        base = [Facility.WATER, Facility.REST, Facility.TOILET, Facility.READING]
        extra = [Facility.FIRST_AID, Facility.CLIMATE]
    else:
        base = [Facility.WATER, Facility.REST, Facility.TOILET, Facility.CHARGING]
        extra = [
            Facility.MICROWAVE,
            Facility.MICROWAVE,
            Facility.HOT_MEAL,
            Facility.FIRST_AID,
            Facility.READING,
            Facility.CLIMATE,
            Facility.FRIDGE,
            Facility.WIFI,
        ]
    chosen = list(base)
    for code in extra:
        if code not in chosen and rng.random() < 0.6:
            chosen.append(code)
    return [str(c) for c in chosen]


def _hours(kind: str, rng: Any) -> tuple[list, bool]:
    if kind == "outdoor":
        if rng.random() < 0.3:
            return [[] for _ in range(7)], True
        start, end = rng.choice([("06:00", "22:00"), ("07:00", "21:00"), ("08:00", "20:00")])
        return hours.daily(start, end), False
    if kind == "mummy":
        return [[["08:30", "18:00"]]] * 5 + [[], []], False
    return [[["14:00", "18:30"]]] * 5 + [[["08:30", "17:30"]], []], False


def _county_federations(world: Any) -> dict[str, Organisation]:
    feds = world.notes.get("county_federations")
    if feds:
        return dict(feds)
    return {
        o.division_id: o
        for o in Organisation.objects.filter(kind=OrgKind.COUNTY_FEDERATION).only(
            "pk", "path", "division_id"
        )
    }


def _town_choices() -> tuple[list[tuple[str, str, float, float]], list[int]]:
    towns, weights = [], []
    for county, rows in TOWNS.items():
        for name, lat, lon, weight in rows:
            towns.append((county, name, lat, lon))
            weights.append(weight)
    return towns, weights


@transaction.atomic
def seed(world: Any) -> str:
    rng = world.rng
    scale = "ningxia" if world.full else "small"
    feds = _county_federations(world)
    kinds = {k.code: k for k in StationKind.objects.all()}
    towns, weights = _town_choices()
    towns_weights = [(t, w) for t, w in zip(towns, weights, strict=True) if t[0] in feds]
    towns = [t for t, _w in towns_weights]
    weights = [w for _t, w in towns_weights]
    if not towns:
        return "no county federations: no stations"
    now = timezone.now()
    seq: dict[str, int] = {}
    stations: list[Station] = []
    for kind_code, total in COUNTS[scale].items():
        for i in range(total):
            county, town, lat0, lon0 = rng.choices(towns, weights)[0]
            # Stations cluster in town centres: a Gaussian of ~1.2 km around the town centre.
            r = 0.011 * math.sqrt(-2 * math.log(1 - rng.random()))
            theta = rng.random() * 2 * math.pi
            lat = lat0 + r * math.cos(theta)
            lon = lon0 + r * math.sin(theta) / math.cos(math.radians(lat0))
            seq[county] = seq.get(county, 0) + 1
            schedule, is_24h = _hours(kind_code, rng)
            co_built = rng.random() < 0.7
            phone = f"139{rng.randrange(10**8):08d}"
            word = rng.choice(PLACE_WORDS)
            name = {
                "outdoor": f"{town}{word}工会驿站",
                "mummy": f"{town}爱心妈咪小屋",
                "childcare": f"{town}职工子女爱心托管班",
            }[kind_code]
            stations.append(
                Station(
                    code=f"GH{county}{seq[county]:04d}",
                    kind=kinds[kind_code],
                    name=f"{name}{i % 7 + 1 if kind_code == 'outdoor' else ''}",
                    address=f"{town}{rng.choice(['人民', '解放', '文化', '新华', '民族', '建设'])}路{rng.randint(1, 300)}号",
                    division_id=county,
                    lat=round(lat, 6),
                    lon=round(lon, 6),
                    organisation=feds[county],
                    build_mode=BuildMode.CO_BUILT if co_built else BuildMode.UNION,
                    partner=rng.choice(PARTNERS).format(town=town) if co_built else "",
                    manager_name=rng.choice(SURNAMES)
                    + rng.choice(GIVEN[::2])
                    + rng.choice(GIVEN[1::2]),
                    manager_phone=phone,
                    manager_phone_hash=blind_index("phone", phone),
                    service_phone=f"0951-{rng.randrange(10**7):07d}",
                    schedule=schedule,
                    is_24h=is_24h,
                    facilities=_facilities(kind_code, rng),
                    capacity=rng.randint(5, 20) if kind_code == "outdoor" else rng.randint(2, 30),
                    area=rng.randint(15, 60),
                    status=StationStatus.ACCEPTED if rng.random() < 0.9 else StationStatus.BUILT,
                    status_changed_at=now,
                    accepted_at=now - datetime.timedelta(days=rng.randint(30, 700)),
                    accepted_org=feds[county],
                )
            )
    for station in stations:
        if station.status != StationStatus.ACCEPTED:
            station.accepted_at = None
            station.accepted_org = None
    Station.objects.bulk_create(stations, batch_size=1000)
    Counter.objects.bulk_create(
        [Counter(key=f"station:{county}", value=n) for county, n in seq.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )
    # PostgreSQL: the counts' and check-ins' indexes built once and their foreign keys checked in
    # one join after the load, instead of one deferred trigger per row (core.bulkload).
    with bulkload.indexes_dropped(StationDailyCount, StationVisit):
        counts, visits = _activity(stations, rng)
    transaction.on_commit(index.bump_version)
    return f"{len(stations)} stations, {counts} daily counts, {visits} check-ins"


def _activity(stations: list[Station], rng: Any) -> tuple[int, int]:
    """A year of QR check-ins with ratings and a year of daily service counts (1,118 × 365 ≈
    408k rows at ningxia scale). The counts are one numpy array (per-station base × the day's
    season and weekday factor + noise) written as plain tuples or one COPY payload: model
    instances would take seconds just to construct."""
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=d) for d in range(1, COUNT_DAYS + 1)]
    # busier in summer heat and winter cold, quieter at weekends
    factor = np.array(
        [
            (1.3 if day.month in (1, 7, 8, 12) else 1.0) * (0.7 if day.weekday() >= 5 else 1.0)
            for day in days
        ]
    )
    noise_rng = np.random.default_rng(rng.getrandbits(64))
    base = noise_rng.integers(5, 61, size=(len(stations), 1))
    noise = noise_rng.integers(-4, 5, size=(len(stations), len(days)))
    counts = np.clip(np.trunc(base * factor + noise), 0, None).astype(np.int64)
    _insert_counts([s.pk for s in stations], [d.isoformat() for d in days], counts)
    visits: list[tuple[int, datetime.datetime, str, int | None, str]] = []
    for station in stations:
        for _ in range(rng.randint(5, 25)):
            at = datetime.datetime.combine(
                rng.choice(days),
                datetime.time(rng.randint(6, 21), rng.randint(0, 59)),
                tzinfo=hours.SHANGHAI,
            )
            rating = rng.choice([None, 3, 4, 4, 5, 5, 5])
            visits.append((station.pk, at, VisitSource.QR.value, rating, rng.choice(REMARKS)))
    _insert_visits(visits)
    return counts.size, len(visits)


def _insert_counts(pks: list[int], days: list[str], counts: np.ndarray) -> None:
    """One COPY payload on PostgreSQL, one executemany of precomputed tuples on SQLite."""
    table = StationDailyCount._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            payload = "".join(
                f"{pk}\t{day}\t{n}\n"
                for pk, row in zip(pks, counts.tolist(), strict=True)
                for day, n in zip(days, row, strict=True)
            )
            with cursor.cursor.copy(f"COPY {table} (station_id, date, count) FROM STDIN") as copy:
                copy.write(payload.encode())
        else:
            rows = [
                (pk, day, n)
                for pk, row in zip(pks, counts.tolist(), strict=True)
                for day, n in zip(days, row, strict=True)
            ]
            # the sqlite3 cursor itself: Django's wrapper tees the parameter list (2x slower)
            sqlite3.Cursor.executemany(
                cursor.cursor,
                f"INSERT INTO {table} (station_id, date, count) VALUES (?, ?, ?)",  # noqa: S608 - table name from the model
                rows,
            )


def _insert_visits(rows: list[tuple[int, datetime.datetime, str, int | None, str]]) -> None:
    """Check-ins as tuples (datetimes in the backend's stored form)."""
    adapt = connection.ops.adapt_datetimefield_value
    bulkload.copy_rows(
        StationVisit,
        ["station_id", "visited_at", "source", "rating", "remark"],
        [(pk, adapt(at), source, rating, remark) for pk, at, source, rating, remark in rows],
    )
