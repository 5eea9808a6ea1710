"""What the permission contract test (tests/test_permission_contract.py) needs from this app."""

from __future__ import annotations

import datetime

from gonghui.stations.data import DIVISION_CENTRES


def _station(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.accounts.models import User
    from gonghui.stations.tests.helpers import make_station

    division = org.division_id if org.division_id in DIVISION_CENTRES else "640104"
    lat, lon = DIVISION_CENTRES[division]
    root = User.objects.filter(is_superuser=True).first()
    return make_station(root, org, division=division, lat=lat, lon=lon, name=f"{org.name}驿站")


def _photo(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.stations.models import StationPhoto

    return StationPhoto.objects.create(station=_station(cast, org), image="stations/x.jpg")


def _visit(cast, org):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from gonghui.stations.models import StationVisit

    return StationVisit.objects.create(station=_station(cast, org), visited_at=timezone.now())


def _count(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.stations.models import StationDailyCount

    return StationDailyCount.objects.create(
        station=_station(cast, org), date=datetime.date(2026, 1, 15), count=3
    )


def _code(cast, org):  # type: ignore[no-untyped-def]
    return {"code": _station(cast, org).code}


SCOPED = {
    "stations.Station": ("station.view", _station),
    "stations.StationPhoto": ("station.view", _photo),
    "stations.StationVisit": ("station.view", _visit),
    "stations.StationDailyCount": ("station.view", _count),
}

URLS = {
    "stations:station_detail": ("station.view", _code),
    "stations:station_edit": ("station.manage", _code),
    "stations:station_action": ("station.manage", _code),
    "stations:station_photo": ("station.manage", _code),
    "stations:station_count": ("station.manage", _code),
    "stations:station_reveal": ("pii.reveal", _code),
    "stations:station_sign": ("station.view", _code),
    "stations:station_qr": ("station.view", lambda cast, org: _code(cast, org) | {"kind": "png"}),
}

# The stations API is public (no parameters in its paths, no scoped rows): nothing to add.
API: dict = {}


def _station_to_other_county(cast):  # type: ignore[no-untyped-def]
    from gonghui.stations import services
    from gonghui.stations.models import Station

    station = Station.objects.get(name="兴庆越界驿站")
    services.station_update(actor=cast.xq_staff, station=station, organisation=cast.yuanzhou)


def _station_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.stations.models import Station

    if not Station.objects.filter(name="兴庆越界驿站").exists():
        from gonghui.stations.tests.helpers import make_station

        make_station(cast.xq_staff, cast.xingqing, name="兴庆越界驿站")
    return list(Station.objects.filter(name="兴庆越界驿站").values("organisation_id", "updated_at"))


ESCAPES = [(_station_to_other_county, _station_state)]
