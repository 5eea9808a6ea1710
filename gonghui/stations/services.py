"""Writes of stations: create, update, lifecycle, photos, visits, daily counts.

Each service opens its transaction, checks the rule, writes the change record and the station's
timeline event, re-checks the actor's scope and, once committed, tells every process to rebuild
its in-memory nearest-station index (``index.bump_version``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope
from gonghui.core import audit
from gonghui.core.counters import next_number
from gonghui.core.errors import Conflict
from gonghui.core.images import NotAnImage, strip_metadata
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.orgs.models import Organisation
from gonghui.orgs.selectors import local_federation
from gonghui.stations import index, validation
from gonghui.stations.choices import OPEN_STATUSES, Datum, EventKind, StationStatus, VisitSource
from gonghui.stations.models import (
    Station,
    StationDailyCount,
    StationEvent,
    StationKind,
    StationPhoto,
    StationVisit,
)
from gonghui.stations.rules import lifecycle

EDITABLE_FIELDS = (
    "kind",
    "name",
    "address",
    "division",
    "lat",
    "lon",
    "organisation",
    "build_mode",
    "partner",
    "manager_name",
    "manager_phone",
    "service_phone",
    "schedule",
    "is_24h",
    "facilities",
    "capacity",
    "area",
    "remark",
)
MASKED = frozenset({"manager_phone"})


def _event(station: Station, kind: str, actor: Any, note: str = "") -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    StationEvent.objects.create(station=station, kind=kind, actor=user, note=note[:300])


def clean_station_data(data: dict[str, Any], *, datum: str = Datum.WGS84) -> dict[str, Any]:
    """Validate and normalise the editable fields present in ``data`` (a ValidationError names
    the field). Coordinates entered in GCJ-02 or BD-09 come back in WGS-84."""
    out = dict(data)
    division = out.get("division")
    if "lat" in out or "lon" in out:
        code = division.code if isinstance(division, Division) else str(division or "")
        out["lat"], out["lon"] = validation.clean_coordinates(
            out.get("lat"), out.get("lon"), datum, code
        )
    if not str(out.get("name", "x")).strip():
        raise ValidationError({"name": _("This field is required.")})
    if "address" in out and not str(out["address"]).strip():
        raise ValidationError({"address": _("This field is required.")})
    if "facilities" in out:
        out["facilities"] = validation.clean_facilities(out["facilities"])
    if "schedule" in out or "is_24h" in out:
        out["schedule"] = validation.clean_schedule(
            out.get("schedule") or [], bool(out.get("is_24h"))
        )
    if "manager_phone" in out:
        out["manager_phone"] = validation.clean_phone(out["manager_phone"], "manager_phone")
    if "service_phone" in out:
        out["service_phone"] = validation.clean_service_phone(out["service_phone"])
    if "capacity" in out:
        out["capacity"] = validation.clean_non_negative(out["capacity"], "capacity")
    if "area" in out:
        out["area"] = validation.clean_non_negative(out["area"], "area", decimal=True)
    return out


def new_station_code(division_code: str) -> str:
    return f"GH{division_code}{next_number(f'station:{division_code}'):04d}"


def _phone_hash(phone: str) -> bytes:
    return blind_index("phone", phone) if phone else b""


@transaction.atomic
def station_create(
    *, actor: Any, datum: str = Datum.WGS84, event: str = EventKind.CREATED, **data: Any
) -> Station:
    """Register a station (status planned unless ``status`` says built) under a host
    organisation inside the actor's scope."""
    organisation: Organisation = data["organisation"]
    require_scope(actor, "station.manage", organisation.path)
    status = data.pop("status", StationStatus.PLANNED) or StationStatus.PLANNED
    if status not in (StationStatus.PLANNED, StationStatus.BUILT):
        raise ValidationError({"status": _("A new station is either planned or built.")})
    clean = clean_station_data(data, datum=datum)
    station = Station(
        code=new_station_code(clean["division"].code),
        status=status,
        status_changed_at=timezone.now(),
        manager_phone_hash=_phone_hash(clean.get("manager_phone", "")),
        **clean,
    )
    station.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="station_create",
        obj=station,
        after=audit.snapshot(station, masked=MASKED),
        organisation_path=organisation.path,
    )
    _event(station, event, actor)
    index.bump_version_on_commit()
    return station


@transaction.atomic
def station_update(
    *, actor: Any, station: Station, datum: str = Datum.WGS84, **data: Any
) -> Station:
    """Edit a station's facts (its status changes only through ``station_transition``)."""
    row = Station.objects.select_for_update().get(pk=station.pk)
    require_scope(actor, "station.manage", row.organisation.path)
    if "organisation" in data:
        require_scope(actor, "station.manage", data["organisation"].path)
    if ("lat" in data or "lon" in data) and "division" not in data:
        data["division"] = row.division
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = audit.snapshot(row, masked=MASKED)
    clean = clean_station_data(data, datum=datum)
    for field, value in clean.items():
        setattr(row, field, value)
    if "manager_phone" in clean:
        row.manager_phone_hash = _phone_hash(clean["manager_phone"])
    row.save()
    old, new = audit.changed_fields(before, audit.snapshot(row, masked=MASKED))
    if new:
        audit.record(
            actor=actor,
            action=ChangeRecord.Action.UPDATE,
            verb="station_update",
            obj=row,
            before=old,
            after=new,
            organisation_path=row.organisation.path,
        )
        _event(row, EventKind.UPDATED, actor, ", ".join(sorted(new)))
    require_scope(actor, "station.manage", row.organisation.path)
    index.bump_version_on_commit()
    return row


def accepting_federation(station: Station) -> Organisation:
    """Who signs the acceptance: the county federation of the station's division (属地)."""
    return local_federation(station.division) or station.organisation


@transaction.atomic
def station_transition(
    *,
    actor: Any,
    station: Station,
    action: str,
    checklist: dict[str, bool] | None = None,
    note: str = "",
) -> Station:
    """One lifecycle step. Acceptance needs ``station.accept`` over the county federation of
    the station's division, and every required item of the kind's acceptance checklist ticked."""
    if action not in lifecycle.TRANSITIONS:
        raise ValidationError({"action": _("Unknown action.")})
    row = (
        Station.objects.select_for_update()
        .select_related("kind", "organisation")
        .get(pk=station.pk)
    )
    sources, capability = lifecycle.TRANSITIONS[action]
    require_scope(actor, "station.view", row.organisation.path)
    if action == "accept":
        signer = accepting_federation(row)
        require_scope(actor, capability, signer.path)
    else:
        require_scope(actor, capability, row.organisation.path)
    if row.status not in sources:
        raise Conflict(
            _("A station that is “%(status)s” cannot do this.")
            % {"status": row.get_status_display()}
        )
    before = audit.snapshot(row, ["status", "acceptance", "accepted_at"])
    if action == "accept":
        results = {str(k): bool(v) for k, v in (checklist or {}).items()}
        missing = lifecycle.missing_acceptance_items(row.kind.acceptance_template, results)
        if missing:
            raise ValidationError(
                {"acceptance": _("Not yet met: %(items)s") % {"items": "、".join(missing)}}
            )
        row.acceptance = results
        row.accepted_by = actor
        row.accepted_org = signer
        row.accepted_at = timezone.now()
    row.status = lifecycle.target_status(action, was_accepted=row.accepted_at is not None)
    row.status_changed_at = timezone.now()
    row.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb=f"station_{action}",
        obj=row,
        before=before,
        after=audit.snapshot(row, ["status", "acceptance", "accepted_at"]),
        organisation_path=row.organisation.path,
    )
    kind = {
        "build": EventKind.BUILT,
        "accept": EventKind.ACCEPTED,
        "suspend": EventKind.SUSPENDED,
        "resume": EventKind.RESUMED,
        "close": EventKind.CLOSED,
    }[action]
    _event(row, kind, actor, note)
    index.bump_version_on_commit()
    return row


def strip_exif(upload: Any) -> ContentFile:
    """Re-encode an uploaded image without its metadata (EXIF may carry the GPS position).
    The orientation tag is applied to the pixels first, so the photo still looks upright."""
    try:
        data, fmt = strip_metadata(upload.read())
    except NotAnImage:
        raise ValidationError({"image": _("The file is not an image.")}) from None
    name = getattr(upload, "name", "photo") or "photo"
    stem = name.rsplit(".", 1)[0][:50]
    return ContentFile(data, name=f"{stem}.{'png' if fmt == 'PNG' else 'jpg'}")


@transaction.atomic
def station_photo_add(
    *, actor: Any, station: Station, upload: Any, caption: str = ""
) -> StationPhoto:
    require_scope(actor, "station.manage", station.organisation.path)
    photo = StationPhoto(station=station, caption=caption[:100], uploaded_by=actor)
    clean = strip_exif(upload)
    photo.image.save(clean.name, clean, save=False)
    photo.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="station_photo_add",
        obj=photo,
        after={"station": station.code, "image": photo.image.name},
        organisation_path=station.organisation.path,
    )
    _event(station, EventKind.PHOTO, actor, caption)
    return photo


@transaction.atomic
def visit_checkin(
    *,
    station: Station,
    rating: int | None = None,
    remark: str = "",
    when: datetime.datetime | None = None,
) -> StationVisit:
    """A worker's check-in from the QR page (anonymous). Only open stations take check-ins."""
    if station.status not in OPEN_STATUSES:
        raise Conflict(_("This station is not open."))
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("The rating is from 1 to 5 stars.")})
    return StationVisit.objects.create(
        station=station,
        visited_at=when or timezone.now(),
        source=VisitSource.QR,
        rating=rating,
        remark=remark.strip()[:300],
    )


@transaction.atomic
def daily_count_log(
    *, actor: Any, station: Station, date: datetime.date, count: int
) -> StationDailyCount:
    """Staff log how many people a station served on a day; logging again corrects the figure."""
    require_scope(actor, "station.manage", station.organisation.path)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if count < 0:
        raise ValidationError({"count": _("This value cannot be negative.")})
    row, _created = StationDailyCount.objects.update_or_create(
        station=station, date=date, defaults={"count": count, "logged_by": actor}
    )
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb="station_daily_count",
        obj=station,
        after={"date": date.isoformat(), "count": count},
        organisation_path=station.organisation.path,
    )
    _event(station, EventKind.COUNT, actor, f"{date}: {count}")
    return row


def kind_by_code(code: str) -> StationKind:
    try:
        return StationKind.objects.get(code=code)
    except StationKind.DoesNotExist:
        raise ValidationError(
            {"kind": _("Unknown station kind “%(value)s”.") % {"value": code}}
        ) from None
