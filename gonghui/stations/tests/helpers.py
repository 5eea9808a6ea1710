"""Small builders for the stations tests."""

from __future__ import annotations

from typing import Any

from gonghui.core.models import Division
from gonghui.stations import services
from gonghui.stations.models import Station, StationKind
from gonghui.stations.rules import hours

XQ_CENTRE = (38.4670, 106.2880)
YZ_CENTRE = (36.0030, 106.2870)


def make_station(
    actor: Any,
    organisation: Any,
    *,
    division: str = "640104",
    lat: float = XQ_CENTRE[0],
    lon: float = XQ_CENTRE[1],
    kind: str = "outdoor",
    status: str = "built",
    facilities: list[str] | None = None,
    schedule: list | None = None,
    is_24h: bool = True,
    **extra: Any,
) -> Station:
    return services.station_create(
        actor=actor,
        kind=StationKind.objects.get(code=kind),
        name=extra.pop("name", f"驿站{lat},{lon}"),
        address=extra.pop("address", "解放西街1号"),
        division=Division.objects.get(code=division),
        lat=lat,
        lon=lon,
        organisation=organisation,
        facilities=facilities if facilities is not None else ["water", "microwave"],
        schedule=schedule if schedule is not None else hours.daily("08:00", "20:00"),
        is_24h=is_24h,
        status=status,
        **extra,
    )
