"""Field checks shared by the station form, the API and the spreadsheet import, so a single
form and a 10,000-row file get the same clear messages (DESIGN §4 "Bad input")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import normalise_phone
from gonghui.stations.choices import FACILITY_ALIASES, Datum, Facility
from gonghui.stations.data import DIVISION_CENTRES
from gonghui.stations.rules import geo, hours

# A station farther than this from its county's centre is a typo (swapped or wrong digits),
# not a real place: counties in Ningxia span well under 100 km.
MAX_KM_FROM_DIVISION = 150
MAX_KM_FROM_REGION = 400


def parse_float(value: Any, field: str) -> float:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("“%(value)s” is not a number.") % {"value": value}}
        ) from None


def clean_coordinates(lat: Any, lon: Any, datum: str, division_code: str) -> tuple[float, float]:
    """Numbers in range, converted to WGS-84, and not far outside the station's division."""
    lat_f, lon_f = parse_float(lat, "lat"), parse_float(lon, "lon")
    if not -90 <= lat_f <= 90:
        raise ValidationError({"lat": _("Latitude must be between -90 and 90.")})
    if not -180 <= lon_f <= 180:
        raise ValidationError({"lon": _("Longitude must be between -180 and 180.")})
    if datum not in Datum.values:
        raise ValidationError(
            {"datum": _("Unknown coordinate system “%(value)s”.") % {"value": datum}}
        )
    lat_f, lon_f = geo.to_wgs84(lat_f, lon_f, datum)
    centre = DIVISION_CENTRES.get(division_code)
    if centre is not None:
        km = geo.haversine_m(lat_f, lon_f, *centre) / 1000
        if km > MAX_KM_FROM_DIVISION:
            raise ValidationError(
                {
                    "lat": _(
                        "The coordinates lie %(km)d km from the division's centre: check that "
                        "latitude and longitude are not swapped or mistyped."
                    )
                    % {"km": km}
                }
            )
    elif DIVISION_CENTRES and division_code[:2] == next(iter(DIVISION_CENTRES))[:2]:
        nearest = min(geo.haversine_m(lat_f, lon_f, *c) for c in DIVISION_CENTRES.values()) / 1000
        if nearest > MAX_KM_FROM_REGION:
            raise ValidationError({"lat": _("The coordinates lie far outside the region.")})
    return round(lat_f, 7), round(lon_f, 7)


def clean_facilities(values: Any) -> list[str]:
    """Facility codes from codes or Chinese names (list, or text separated by 、,，;)."""
    if isinstance(values, str):
        values = [v for v in re.split(r"[、,，;；\s]+", values) if v]
    result: list[str] = []
    for raw in values or []:
        text = str(raw).strip()
        code = text if text in Facility.values else FACILITY_ALIASES.get(text)
        if code is None:
            raise ValidationError(
                {"facilities": _("Unknown facility “%(value)s”.") % {"value": text}}
            )
        if code not in result:
            result.append(str(code))
    return result


def clean_schedule(schedule: Any, is_24h: bool) -> list:
    if is_24h and not schedule:
        return [[] for _ in range(7)]
    try:
        return hours.validate_schedule(schedule)
    except hours.HoursError as error:
        raise ValidationError({"schedule": str(error)}) from None


def clean_hours_text(text: str) -> tuple[list, bool]:
    try:
        return hours.parse_hours_text(text)
    except hours.HoursError as error:
        raise ValidationError({"schedule": str(error)}) from None


def clean_phone(value: Any, field: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as error:
        raise ValidationError({field: error}) from None  # the field keeps its code


def clean_service_phone(value: Any) -> str:
    """A station's published phone may be a landline (0951-1234567) or a mobile."""
    text = str(value or "").strip()
    if not text:
        return ""
    digits = text.replace("-", "").replace(" ", "")
    if not digits.isdigit() or not 7 <= len(digits) <= 12:
        raise ValidationError(
            {"service_phone": _("“%(value)s” is not a phone number.") % {"value": text}}
        )
    return text


def clean_non_negative(value: Any, field: str, *, decimal: bool = False) -> Any:
    if value in (None, ""):
        return Decimal(0) if decimal else 0
    try:
        number = Decimal(str(value).strip()) if decimal else int(float(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("“%(value)s” is not a number.") % {"value": value}}
        ) from None
    if number < 0:
        raise ValidationError({field: _("This value cannot be negative.")})
    return number
