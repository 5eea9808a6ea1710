"""Import of stations from a spreadsheet (XLSX or CSV): every row is checked with the same
rules as the form; any error anywhere means nothing is stored, and every error names its row
and column in the user's language."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.scoping import actor_can
from gonghui.core.models import Division
from gonghui.core.validators import normalise_text_code
from gonghui.orgs.models import Organisation
from gonghui.stations import services, validation
from gonghui.stations.choices import BuildMode, Datum, EventKind, StationStatus
from gonghui.stations.models import Station, StationKind

# column header → field; Chinese headers as users type them, English codes also accepted.
COLUMNS: dict[str, str] = {
    "站点名称": "name",
    "类型": "kind",
    "地址": "address",
    "区划代码": "division",
    "纬度": "lat",
    "经度": "lon",
    "坐标系": "datum",
    "主办工会编码": "organisation",
    "共建单位": "partner",
    "负责人": "manager_name",
    "负责人电话": "manager_phone",
    "服务电话": "service_phone",
    "开放时间": "hours",
    "营业时间": "hours",
    "服务时间": "hours",
    "设施": "facilities",
    "容纳人数": "capacity",
    "面积": "area",
    "状态": "status",
}
REQUIRED = ("name", "kind", "address", "division", "lat", "lon", "organisation", "hours")
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "address": gettext_lazy("Address"),
    "division": gettext_lazy("Division"),
    "lat": gettext_lazy("Latitude"),
    "lon": gettext_lazy("Longitude"),
    "datum": gettext_lazy("Coordinate system"),
    "organisation": gettext_lazy("Host organisation"),
    "partner": gettext_lazy("Co-building partner"),
    "manager_name": gettext_lazy("Manager"),
    "manager_phone": gettext_lazy("Manager phone"),
    "service_phone": gettext_lazy("Service phone"),
    "hours": gettext_lazy("Opening hours"),
    "schedule": gettext_lazy("Opening hours"),
    "facilities": gettext_lazy("Facilities"),
    "capacity": gettext_lazy("Capacity (people)"),
    "area": gettext_lazy("Area (m²)"),
    "status": gettext_lazy("Status"),
}
DATUM_ALIASES = {
    "": Datum.WGS84,
    "wgs84": Datum.WGS84,
    "wgs-84": Datum.WGS84,
    "gps": Datum.WGS84,
    "gcj02": Datum.GCJ02,
    "gcj-02": Datum.GCJ02,
    "高德": Datum.GCJ02,
    "腾讯": Datum.GCJ02,
    "bd09": Datum.BD09,
    "bd-09": Datum.BD09,
    "百度": Datum.BD09,
}
STATUS_ALIASES = {
    "": StationStatus.PLANNED,
    "planned": "planned",
    "规划": "planned",
    "built": "built",
    "已建成": "built",
    "建成": "built",
}
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    created: list[Station] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(upload: Any, filename: str) -> list[list[Any]]:
    """All rows of the first sheet (XLSX/XLS via calamine) or of a CSV file (UTF-8 or GBK)."""
    data = upload.read() if hasattr(upload, "read") else upload
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("The CSV file is neither UTF-8 nor GBK text."))
        return [row for row in csv.reader(io.StringIO(text))]
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error types for a damaged or foreign file
        raise ValidationError(_("The file cannot be read as an Excel workbook.")) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) > 1000:
        return str(int(value))  # Excel turned a code into a number
    return str(value).strip()


def _messages(
    error: ValidationError, row_number: int, headers: dict[str, str] | None = None
) -> list[str]:
    """One line per message, naming the row and the column as the file heads it (营业时间 or
    开放时间 alike), else the field's label."""
    out = []
    headers = {"schedule": headers.get("hours", "")} | headers if headers else {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    for name, messages in items:
        label = (headers.get(name) or str(FIELD_LABELS.get(name, name))) if name else ""
        for message in messages:
            out.append(
                _("Row %(row)d, %(field)s: %(message)s")
                % {"row": row_number, "field": label, "message": message}
                if label
                else _("Row %(row)d: %(message)s") % {"row": row_number, "message": message}
            )
    return out


def _parse_row(
    values: dict[str, str],
    kinds: dict[str, StationKind],
    divisions: dict[str, Division],
    orgs: dict[str, Organisation],
    actor: Any,
) -> dict[str, Any]:
    for name in REQUIRED:
        if not values.get(name):
            raise ValidationError({name: _("This field is required.")})
    kind = kinds.get(values["kind"])
    if kind is None:
        raise ValidationError(
            {"kind": _("Unknown station kind “%(value)s”.") % {"value": values["kind"]}}
        )
    division = divisions.get(normalise_text_code(values["division"]))
    if division is None:
        raise ValidationError(
            {"division": _("Unknown division code “%(value)s”.") % {"value": values["division"]}}
        )
    org = orgs.get(values["organisation"])
    if org is None or not actor_can(actor, "station.manage", org.path):
        raise ValidationError(
            {
                "organisation": _("No organisation with code “%(value)s” in your scope.")
                % {"value": values["organisation"]}
            }
        )
    datum = DATUM_ALIASES.get(values.get("datum", "").lower())
    if datum is None:
        raise ValidationError(
            {"datum": _("Unknown coordinate system “%(value)s”.") % {"value": values["datum"]}}
        )
    status = STATUS_ALIASES.get(values.get("status", "").lower())
    if status is None:
        raise ValidationError({"status": _("A new station is either planned or built.")})
    schedule, is_24h = validation.clean_hours_text(values["hours"])
    if not is_24h and not any(schedule):
        raise ValidationError(
            {"hours": _("The station would never be open: give its hours or 24小时.")}
        )
    data = {
        "kind": kind,
        "name": values["name"][:100],
        "address": values["address"][:200],
        "division": division,
        "lat": values["lat"],
        "lon": values["lon"],
        "organisation": org,
        "build_mode": BuildMode.CO_BUILT if values.get("partner") else BuildMode.UNION,
        "partner": values.get("partner", "")[:100],
        "manager_name": values.get("manager_name", "")[:50],
        "manager_phone": values.get("manager_phone", ""),
        "service_phone": values.get("service_phone", ""),
        "schedule": schedule,
        "is_24h": is_24h,
        "facilities": values.get("facilities", ""),
        "capacity": values.get("capacity", ""),
        "area": values.get("area", ""),
    }
    clean = services.clean_station_data(data, datum=datum)
    clean["status"] = status
    return clean


def import_stations(*, actor: Any, upload: Any, filename: str) -> ImportResult:
    """Check every row first; store all rows in one transaction only if none has an error."""
    result = ImportResult()
    rows = read_rows(upload, filename)
    if not rows:
        result.errors.append(_("The file is empty."))
        return result
    header = [_cell(h) for h in rows[0]]
    columns = {
        i: COLUMNS.get(h, h if h in COLUMNS.values() else None) for i, h in enumerate(header)
    }
    headers = {f: header[i] for i, f in columns.items() if f}
    present = set(columns.values())
    missing = list(dict.fromkeys(f for f in COLUMNS.values() if f in REQUIRED and f not in present))
    missing = [next(h for h, f in COLUMNS.items() if f == name) for name in missing]
    if missing:
        result.errors.append(_("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        return result
    kinds = {k.name: k for k in StationKind.objects.all()} | {
        k.code: k for k in StationKind.objects.all()
    }
    divisions = {d.code: d for d in Division.objects.all()}
    orgs = {o.code: o for o in Organisation.objects.all().only("code", "path", "name")}
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(rows[1:], start=2):
        values = {columns[i]: _cell(v) for i, v in enumerate(raw) if columns.get(i)}
        if not any(values.values()):
            continue
        try:
            parsed.append((number, _parse_row(values, kinds, divisions, orgs, actor)))
        except ValidationError as error:
            result.errors.extend(_messages(error, number, headers))
    if result.errors:
        return result
    if not parsed:
        result.errors.append(_("The file has no data rows."))
        return result
    try:
        with transaction.atomic():
            for number, data in parsed:
                try:
                    result.created.append(
                        services.station_create(actor=actor, event=EventKind.IMPORTED, **data)
                    )
                except ValidationError as error:
                    result.errors.extend(_messages(error, number, headers))
                    raise
    except ValidationError:
        result.created = []
    return result
