"""Worker phone pages: the station map and list, the station page that the QR code opens,
check-in and rating. Public: no login."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from gonghui.core.errors import Conflict
from gonghui.stations import links, ratelimit, selectors, services
from gonghui.stations.choices import FACILITY_LABELS, OPEN_STATUSES, Facility
from gonghui.stations.data import DIVISION_CENTRES
from gonghui.stations.forms import CheckinForm
from gonghui.stations.models import Station
from gonghui.stations.rules import hours

# Facilities offered as quick filters on the map page (the most asked-for ones first).
FILTER_FACILITIES = [
    Facility.MICROWAVE,
    Facility.HOT_MEAL,
    Facility.WATER,
    Facility.TOILET,
    Facility.CHARGING,
    Facility.REST,
]


CHECKINS_PER_MINUTE = 10


def _default_centre() -> tuple[float, float]:
    region = getattr(settings, "GONGHUI_STATIONS_MAP_CENTRE", None)
    if region:
        return tuple(region)  # type: ignore[return-value]
    return DIVISION_CENTRES.get("640104", (38.4670, 106.2880))


@login_not_required
def h5_map(request: HttpRequest) -> HttpResponse:
    lat, lon = _default_centre()
    return render(
        request,
        "stations/h5_map.html",
        {
            "tile_url": settings.MAP_TILE_URL,
            "centre_lat": lat,
            "centre_lon": lon,
            "filters": [(code, FACILITY_LABELS[code]) for code in FILTER_FACILITIES],
            "kinds": selectors.kinds(),
        },
    )


@login_not_required
def h5_station(request: HttpRequest, code: str) -> HttpResponse:
    """The station page and QR landing page: hours, facilities, phone, navigation, check-in."""
    try:
        station = selectors.public_station(code)
    except Station.DoesNotExist:
        raise Http404 from None
    form = CheckinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # a check-in is a person at a door: a few a minute from one address is plenty
            ratelimit.check(request, "checkin", limit=CHECKINS_PER_MINUTE)
            services.visit_checkin(station=station, **form.cleaned_data)
        except HttpError as error:
            messages.error(request, str(error))
        except Conflict as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("Checked in. Thank you!"))
            return redirect("stations:h5_station", code=station.code)
    return render(
        request,
        "stations/h5_station.html",
        {
            "station": station,
            "hours": hours.hours_text(station.schedule, station.is_24h),
            "open_now": station.status in OPEN_STATUSES
            and hours.is_open(station.schedule, station.is_24h, timezone.now()),
            "facility_names": [FACILITY_LABELS.get(f, f) for f in station.facilities],
            "amap_url": links.amap_url(station.lat, station.lon, station.name),
            "baidu_url": links.baidu_url(station.lat, station.lon, station.name),
            "form": form,
            "from_qr": request.GET.get("from") == "qr",
            "can_checkin": station.status in OPEN_STATUSES,
        },
    )
