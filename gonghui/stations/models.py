"""Service stations (工会驿站 and related facilities), their lifecycle, visits and counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.scoping import ScopedQuerySet
from gonghui.core.models import Division, TimeStampedModel
from gonghui.core.pii import BlindIndexField, EncryptedTextField, mask_phone
from gonghui.orgs.models import Organisation
from gonghui.stations.choices import (
    OPEN_STATUSES,
    BuildMode,
    EventKind,
    StationStatus,
    VisitSource,
)


class StationKind(TimeStampedModel):
    """A kind of facility with its own checklists (§9.6): the facility checklist (what a station
    of this kind should offer) and the acceptance checklist the county federation signs — "六有"
    for outdoor-worker stations by default. Both are data, editable in the admin."""

    code = models.SlugField(_("Code"), max_length=32, unique=True)
    name = models.CharField(_("Name"), max_length=60)
    facility_template = models.JSONField(_("Facility checklist"), default=list, blank=True)
    # [{"code": "sign", "label": "有统一的标识名称", "required": true}, ...]
    acceptance_template = models.JSONField(_("Acceptance checklist"), default=list, blank=True)
    min_capacity = models.PositiveIntegerField(_("Minimum capacity"), default=0)
    min_area = models.DecimalField(
        _("Minimum area (m²)"), max_digits=7, decimal_places=1, default=0
    )
    sort_order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("Station kind")
        verbose_name_plural = _("Station kinds")

    def __str__(self) -> str:
        return self.name


class Station(TimeStampedModel):
    """A station: unique code (QR code made from it), place in WGS-84, host organisation, hours,
    facilities and its lifecycle planned → built → accepted → suspended → closed (rules/lifecycle).

    Coordinates are always WGS-84; GCJ-02/BD-09 input is converted by the services and map links
    convert back. The manager's personal phone is encrypted with a blind index beside it; the
    station's published service phone is public.
    """

    code = models.CharField(_("Station code"), max_length=24, unique=True)
    kind = models.ForeignKey(StationKind, verbose_name=_("Kind"), on_delete=models.PROTECT)
    name = models.CharField(_("Name"), max_length=100)
    address = models.CharField(_("Address"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("Division"), on_delete=models.PROTECT, related_name="+"
    )
    lat = models.FloatField(_("Latitude (WGS-84)"))
    lon = models.FloatField(_("Longitude (WGS-84)"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Host organisation"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    build_mode = models.CharField(
        _("Build mode"), max_length=16, choices=BuildMode.choices, default=BuildMode.UNION
    )
    partner = models.CharField(_("Co-building partner"), max_length=100, blank=True)
    manager_name = models.CharField(_("Manager"), max_length=50, blank=True)
    manager_phone = EncryptedTextField(_("Manager phone"), blank=True, default="")
    manager_phone_hash = BlindIndexField(blank=True, default=b"", db_index=True)
    service_phone = models.CharField(_("Service phone"), max_length=20, blank=True)
    schedule = models.JSONField(_("Weekly opening hours"), default=list, blank=True)
    is_24h = models.BooleanField(_("Open 24 hours"), default=False)
    facilities = models.JSONField(_("Facilities"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("Capacity (people)"), default=0)
    area = models.DecimalField(_("Area (m²)"), max_digits=7, decimal_places=1, default=0)
    status = models.CharField(
        _("Status"), max_length=16, choices=StationStatus.choices, default=StationStatus.PLANNED
    )
    acceptance = models.JSONField(_("Acceptance checklist results"), default=dict, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_org = models.ForeignKey(
        Organisation,
        verbose_name=_("Accepting federation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("Status changed at"), null=True, blank=True)
    remark = models.TextField(_("Remark"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["code"]
        verbose_name = _("Station")
        verbose_name_plural = _("Stations")
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["division", "status"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_open_status(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def manager_phone_masked(self) -> str:
        return mask_phone(self.manager_phone)


class StationPhoto(TimeStampedModel):
    """A photo of a station; EXIF (which can hold the phone's location) is stripped on upload."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("Photo"), upload_to="stations/%Y/")
    caption = models.CharField(_("Caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "station__organisation__path"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Station photo")
        verbose_name_plural = _("Station photos")


class StationVisit(models.Model):
    """One visit: a worker's check-in through the station's QR page (optionally with a rating
    1–5 and a remark), or a visit recorded by staff."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("Visited at"), db_index=True)
    source = models.CharField(
        _("Source"), max_length=8, choices=VisitSource.choices, default=VisitSource.QR
    )
    rating = models.PositiveSmallIntegerField(_("Rating"), null=True, blank=True)
    remark = models.CharField(_("Remark"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "station__organisation__path"

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("Station visit")
        verbose_name_plural = _("Station visits")
        indexes = [models.Index(fields=["station", "visited_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="station_visit_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id}@{self.visited_at:%Y-%m-%d %H:%M}"


class StationDailyCount(models.Model):
    """Service count of one day, logged by the station's staff (§9.6 "service-count logging")."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="daily_counts")
    date = models.DateField(_("Date"))
    count = models.PositiveIntegerField(_("People served"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "station__organisation__path"

    class Meta:
        ordering = ["-date"]
        verbose_name = _("Daily count")
        verbose_name_plural = _("Daily counts")
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="station_daily_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station_id}@{self.date}: {self.count}"


class StationEvent(models.Model):
    """The station's timeline that staff see: creation, edits, lifecycle steps, photos."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("Event"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("At"), auto_now_add=True)
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Station event")
        verbose_name_plural = _("Station events")

    def __str__(self) -> str:
        return f"{self.station_id} {self.kind}"
