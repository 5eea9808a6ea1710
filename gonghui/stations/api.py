"""Public station endpoints: the nearest-station finder and the public list (rate-limited)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core.api import PagePagination
from gonghui.stations import index, selectors
from gonghui.stations.choices import FACILITY_LABELS, Facility
from gonghui.stations.ratelimit import rate_limited
from gonghui.stations.rules import hours

router = Router(tags=["stations"])


class NearestOut(Schema):
    code: str
    name: str
    kind: str
    kind_name: str
    status: str
    address: str
    division_code: str
    lat: float
    lon: float
    is_24h: bool
    hours: str
    facilities: list[str]
    facility_names: list[str]
    service_phone: str
    amap_url: str
    baidu_url: str
    distance_m: float
    open_now: bool


class StationPublicOut(Schema):
    code: str
    name: str
    kind: str
    kind_name: str
    status: str
    address: str
    division_code: str
    lat: float
    lon: float
    is_24h: bool
    hours: str
    facilities: list[str]
    service_phone: str

    @staticmethod
    def resolve_kind(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.kind.name

    @staticmethod
    def resolve_division_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.division_id

    @staticmethod
    def resolve_hours(obj) -> str:  # type: ignore[no-untyped-def]
        return hours.hours_text(obj.schedule, obj.is_24h)


def _facilities(values: list[str]) -> list[str]:
    codes = [c for v in values for c in v.split(",") if c]
    unknown = [c for c in codes if c not in Facility.values]
    if unknown:
        raise HttpError(400, _("Unknown facility “%(value)s”.") % {"value": unknown[0]})
    return codes


@router.get(
    "/nearest",
    response=list[NearestOut],
    auth=None,
    summary="Nearest open stations",
    url_name="stations_nearest",
)
@rate_limited
def nearest(
    request: HttpRequest,
    lat: float,
    lon: float,
    kind: str = "",
    open_now: bool = False,
    facility: list[str] = Query([]),  # noqa: B008 - ninja's way to read a repeated parameter
    limit: int = 10,
):
    """Open stations nearest to a WGS-84 point, with their distance in metres; ``facility``
    may repeat (all must be present), ``open_now`` uses the Asia/Shanghai clock."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise HttpError(400, _("Latitude must be between -90 and 90."))
    rows = index.nearest(
        lat,
        lon,
        kind=kind,
        facilities=_facilities(facility),
        open_now=open_now,
        limit=max(1, min(limit, 50)),
    )
    # The rows already have exactly the NearestOut shape (built once per index); re-validating
    # them through pydantic on every request would cost more than the search itself.
    return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})


@router.get("/", response=list[StationPublicOut], auth=None, summary="Public station list")
@rate_limited
@paginate(PagePagination)
def station_list(
    request: HttpRequest,
    kind: str = "",
    status: str = "",
    division: str = "",
    facility: str = "",
    q: str = "",
):
    """Stations on the ground (not planned ones), public fields only."""
    if facility:
        _facilities([facility])
    return selectors.public_station_list(
        kind=kind, status=status, division=division, facility=facility, q=q
    )


@router.get("/facilities", auth=None, summary="Facility codes and names")
def facility_list(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "name": str(label)} for code, label in FACILITY_LABELS.items()]
