"""Choice lists of the stations app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILT = "built", _("Built")
    ACCEPTED = "accepted", _("Accepted")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


# A station serves workers while built or accepted; planned, suspended and closed ones do not.
OPEN_STATUSES = (StationStatus.BUILT, StationStatus.ACCEPTED)


class BuildMode(models.TextChoices):
    UNION = "union", _("Union-built")
    CO_BUILT = "co_built", _("Co-built with a partner")


class Datum(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS)")
    GCJ02 = "gcj02", _("GCJ-02 (Amap, Tencent)")
    BD09 = "bd09", _("BD-09 (Baidu)")


class Facility(models.TextChoices):
    HOT_MEAL = "hot_meal", _("Hot meals")
    WATER = "water", _("Drinking water")
    REST = "rest", _("Rest area")
    TOILET = "toilet", _("Toilet")
    CHARGING = "charging", _("Phone and e-bike charging")
    FIRST_AID = "first_aid", _("First-aid kit")
    READING = "reading", _("Reading corner")
    CLIMATE = "climate", _("Air conditioning / heating")
    MICROWAVE = "microwave", _("Microwave")
    FRIDGE = "fridge", _("Fridge")
    WIFI = "wifi", _("Free Wi-Fi")
    HAND_WASH = "hand_wash", _("Hand washing")
    NURSING = "nursing", _("Private nursing room")
    LOCKER = "locker", _("Lockers")


FACILITY_LABELS = dict(Facility.choices)
# Spreadsheet users type the Chinese names; both the code and the name are accepted on import.
FACILITY_ALIASES = {
    "热饭": Facility.HOT_MEAL,
    "饮水": Facility.WATER,
    "休息": Facility.REST,
    "如厕": Facility.TOILET,
    "充电": Facility.CHARGING,
    "药箱": Facility.FIRST_AID,
    "阅读": Facility.READING,
    "空调/取暖": Facility.CLIMATE,
    "空调": Facility.CLIMATE,
    "取暖": Facility.CLIMATE,
    "微波炉": Facility.MICROWAVE,
    "冰箱": Facility.FRIDGE,
    "无线网络": Facility.WIFI,
    "WiFi": Facility.WIFI,
    "洗手": Facility.HAND_WASH,
    "哺乳": Facility.NURSING,
    "储物柜": Facility.LOCKER,
}


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    IMPORTED = "imported", _("Imported")
    BUILT = "built", _("Marked as built")
    ACCEPTED = "accepted", _("Accepted")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    CLOSED = "closed", _("Closed")
    PHOTO = "photo", _("Photo added")
    COUNT = "count", _("Daily count logged")


class VisitSource(models.TextChoices):
    QR = "qr", _("QR code check-in")
    STAFF = "staff", _("Logged by staff")
