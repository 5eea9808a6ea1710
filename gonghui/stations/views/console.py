"""Console pages of the station registry: parse → access → one service → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.accounts.scoping import actor_can
from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.orgs.models import Organisation
from gonghui.stations import exporting, importing, links, selectors, services
from gonghui.stations.choices import FACILITY_LABELS, StationStatus
from gonghui.stations.forms import CountForm, CoverageForm, ImportForm, PhotoForm, StationForm
from gonghui.stations.rules import hours, lifecycle

DEMAND_SOURCES = {
    "members": gettext_lazy("members at their workplaces"),
    "employees": gettext_lazy("employers weighted by employees"),
    "csv": gettext_lazy("uploaded points"),
}


def _manageable_orgs(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Organisation.objects.visible_to(request.user, "station.manage").order_by("path")


@require_capability("station.view")
def station_list(request: HttpRequest) -> HttpResponse:
    params = {key: request.GET.get(key, "").strip() for key in ("q", "kind", "status", "division")}
    qs = selectors.station_list(actor=request.user, **params)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "stations/station_list.html",
        {
            "page_obj": page,
            "params": params,
            "kinds": selectors.kinds(),
            "statuses": StationStatus.choices,
            "can_manage": actor_can(request.user, "station.manage"),
        },
    )


@require_capability("station.manage")
def station_create(request: HttpRequest) -> HttpResponse:
    form = StationForm(request.POST or None, organisations=_manageable_orgs(request))
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(
                actor=request.user, datum=form.cleaned_data["datum"], **form.service_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Station %(code)s registered.") % {"code": station.code})
            return redirect("stations:station_detail", code=station.code)
    return render(request, "stations/station_form.html", {"form": form, "station": None})


@require_capability("station.manage")
def station_edit(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_get_for_actor(
        actor=request.user, code=code, capability="station.manage"
    )
    form = StationForm(
        request.POST or None,
        initial=StationForm.initial_for(station),
        organisations=_manageable_orgs(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not data.get("manager_phone"):
            data.pop("manager_phone", None)  # blank keeps the stored number
        try:
            services.station_update(
                actor=request.user, station=station, datum=form.cleaned_data["datum"], **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("stations:station_detail", code=station.code)
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@require_capability("station.view")
def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_get_for_actor(actor=request.user, code=code)
    can_manage = actor_can(request.user, "station.manage", station.organisation.path)
    signer = services.accepting_federation(station)
    can_accept = actor_can(request.user, "station.accept", signer.path)
    visits = station.visits.aggregate(n=Count("pk"), rating=Avg("rating"))
    actions = [
        (a, _label(a))
        for a in lifecycle.allowed_actions(station.status)
        if a != "accept" and can_manage
    ]
    context = {
        "station": station,
        "hours": hours.hours_text(station.schedule, station.is_24h),
        "facility_names": [FACILITY_LABELS.get(f, f) for f in station.facilities],
        # what the kind's facility checklist asks for and this station lacks
        "missing_facilities": [
            FACILITY_LABELS.get(f, f)
            for f in station.kind.facility_template
            if f not in station.facilities
        ],
        "can_manage": can_manage,
        "can_accept": can_accept and station.status == StationStatus.BUILT,
        "signer": signer,
        "actions": actions,
        "checklist": station.kind.acceptance_template,
        "visits": visits,
        "recent_visits": station.visits.all()[:10],
        "counts": station.daily_counts.all()[:14],
        "count_total": station.daily_counts.aggregate(total=Sum("count"))["total"] or 0,
        "events": station.events.select_related("actor")[:30],
        "photos": station.photos.all()[:12],
        "photo_form": PhotoForm(),
        "count_form": CountForm(),
        "can_reveal": actor_can(request.user, "pii.reveal", station.organisation.path),
        "amap_url": links.amap_url(station.lat, station.lon, station.name),
        "baidu_url": links.baidu_url(station.lat, station.lon, station.name),
    }
    return render(request, "stations/station_detail.html", context)


def _label(action: str) -> str:
    return {
        "build": _("Mark as built"),
        "suspend": _("Suspend"),
        "resume": _("Resume"),
        "close": _("Close"),
        "accept": _("Accept"),
    }[action]


@require_POST
@require_capability("station.view")
def station_action(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_get_for_actor(actor=request.user, code=code)
    action = request.POST.get("action", "")
    checklist = None
    if action == "accept":
        checklist = {
            item["code"]: bool(request.POST.get(f"item_{item['code']}"))
            for item in station.kind.acceptance_template
        }
    try:
        services.station_transition(
            actor=request.user,
            station=station,
            action=action,
            checklist=checklist,
            note=request.POST.get("note", "")[:300],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("stations:station_detail", code=station.code)


@require_POST
@require_capability("station.manage")
def station_photo(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_get_for_actor(
        actor=request.user, code=code, capability="station.manage"
    )
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.station_photo_add(
                actor=request.user,
                station=station,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("Photo added."))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
    return redirect("stations:station_detail", code=station.code)


@require_POST
@require_capability("station.manage")
def station_count(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_get_for_actor(
        actor=request.user, code=code, capability="station.manage"
    )
    form = CountForm(request.POST)
    if form.is_valid():
        try:
            services.daily_count_log(actor=request.user, station=station, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
    return redirect("stations:station_detail", code=station.code)


@require_POST
@require_capability("pii.reveal")
def station_reveal_phone(request: HttpRequest, code: str) -> HttpResponse:
    from gonghui.accounts.services import pii_reveal

    station = selectors.station_get_for_actor(actor=request.user, code=code)
    phone = pii_reveal(
        actor=request.user,
        obj=station,
        field="manager_phone",
        organisation_path=station.organisation.path,
    )
    return HttpResponse(phone, content_type="text/plain; charset=utf-8")


@require_capability("station.view")
def station_qr(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    station = selectors.station_get_for_actor(actor=request.user, code=code)
    if kind not in ("png", "svg"):
        raise Http404
    url = request.build_absolute_uri(links.landing_path(station.code))
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(links.qr_image(url, kind), content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{station.code}.{kind}"'
    return response


@require_capability("station.view")
def station_sign(request: HttpRequest, code: str) -> HttpResponse:
    """A printable A4 sign: kind, name, code, QR code, hours and facilities."""
    station = selectors.station_get_for_actor(actor=request.user, code=code)
    return render(
        request,
        "stations/station_sign.html",
        {
            "station": station,
            "hours": hours.hours_text(station.schedule, station.is_24h),
            "facility_names": [FACILITY_LABELS.get(f, f) for f in station.facilities],
        },
    )


@require_capability("station.manage")
def station_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_stations(
                actor=request.user, upload=upload, filename=upload.name
            )
        except ValidationError as error:
            form.add_error("file", "；".join(error.messages))
        else:
            if result.ok:
                messages.success(
                    request, _("%(n)d stations imported.") % {"n": len(result.created)}
                )
                return redirect("stations:station_list")
    return render(
        request,
        "stations/station_import.html",
        {"form": form, "result": result, "columns": list(importing.COLUMNS)},
    )


@require_capability("station.view")
def station_export(request: HttpRequest) -> HttpResponse:
    platform = request.GET.get("platform", "amap")
    fmt = request.GET.get("format", "xlsx")
    if platform not in exporting.PLATFORM_DATUM or fmt not in ("xlsx", "csv"):
        raise Http404
    qs = selectors.station_list(actor=request.user, kind=request.GET.get("kind", "")).exclude(
        status__in=[StationStatus.PLANNED, StationStatus.CLOSED]
    )
    stations = list(qs)
    body = (
        exporting.poi_xlsx(stations, platform)
        if fmt == "xlsx"
        else exporting.poi_csv(stations, platform)
    )
    if stations:
        audit.record(
            actor=request.user,
            action=ChangeRecord.Action.EXPORT,
            verb=f"station_poi_export:{platform}",
            obj=stations[0],
            after={"rows": len(stations), "format": fmt},
        )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="stations-poi-{platform}.{fmt}"'
    return response


@require_capability("station.view")
def station_coverage(request: HttpRequest) -> HttpResponse:
    """Coverage of registry demand in a division: share, grid map, uncovered clusters, sites."""
    form = CoverageForm(request.GET or None, initial={"radius": 1000, "suggest": 10})
    report = None
    if form.is_valid():
        division = form.cleaned_data["division"]
        demand = selectors.registry_demand(division.code if division else "")
        report = selectors.coverage_report(
            demand,
            radius_m=form.cleaned_data["radius"],
            suggest=form.cleaned_data["suggest"] or 0,
            cell_m=max(500, form.cleaned_data["radius"]),
        )
    map_data = (
        {
            "grid": report["grid"][:5000],
            "clusters": report["clusters"],
            "suggestions": report.get("suggestions", []),
        }
        if report
        else None
    )
    return render(
        request,
        "stations/coverage.html",
        {
            "form": form,
            "report": report,
            "map_data": map_data,
            "tile_url": settings.MAP_TILE_URL,
            "source_label": DEMAND_SOURCES.get(report["source"], "") if report else "",
        },
    )
