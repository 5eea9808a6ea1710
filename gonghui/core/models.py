"""Cross-cutting data: divisions, the working-day override table, audit records, counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: every business row knows when it was created and last changed."""

    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        abstract = True


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province level")
    CITY = "city", _("Prefecture level")
    COUNTY = "county", _("County level")


def division_prefix(code: str) -> str:
    """Leading digits shared by a division code and every division inside it (GB/T 2260)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Division(models.Model):
    """An administrative division of GB/T 2260 (province, prefecture-level city, county).

    Divisions are data, loaded per province from a CSV file (``load_divisions``), so the platform
    is not tied to one region.
    """

    code = models.CharField(_("Division code"), max_length=6, primary_key=True)
    name = models.CharField(_("Name"), max_length=64)
    level = models.CharField(_("Level"), max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("Administrative division")
        verbose_name_plural = _("Administrative divisions")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return division_prefix(self.code)


class CalendarOverride(models.Model):
    """A day whose working status the holiday package does not know or gets wrong.

    Each row wins over the package: ``is_workday`` True makes a make-up working day (调休上班),
    False a holiday. Editable in the admin so that a new year's State Council notice can be
    entered before the package is updated.
    """

    day = models.DateField(_("Date"), unique=True)
    is_workday = models.BooleanField(_("Working day"))
    note = models.CharField(_("Note"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("Working-day adjustment")
        verbose_name_plural = _("Working-day adjustments")

    def __str__(self) -> str:
        return f"{self.day} {self.note}"


class ChangeRecord(models.Model):
    """The auditors' generic change record (DESIGN §4): who changed or revealed what, when.

    Written by services in the same transaction as the change itself, never by signals, so a
    rolled-back change leaves no record and a committed one always has one. Rows are never
    updated; retention is configurable (GONGHUI_AUDIT_RETENTION_DAYS).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        REVEAL = "reveal", _("Reveal plain text")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Log in")
        OTHER = "other", _("Other")

    created_at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("Operator username"), max_length=150, blank=True)
    request_id = models.CharField(_("Request ID"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("Action"), max_length=16, choices=Action.choices)
    verb = models.CharField(_("Business action"), max_length=64, blank=True)
    object_type = models.CharField(_("Object type"), max_length=64)
    object_id = models.CharField(_("Object ID"), max_length=64)
    object_repr = models.CharField(_("Object"), max_length=200, blank=True)
    organisation_path = models.CharField(_("Organisation path"), max_length=255, blank=True)
    before = models.JSONField(_("Before"), null=True, blank=True)
    after = models.JSONField(_("After"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Audit record")
        verbose_name_plural = _("Audit records")
        # Written on every change, so only the indexes the audit viewer reads, without the
        # LIKE-only twins ``db_index=True`` adds to text columns on PostgreSQL: the subtree is a
        # range on the path, the other filters are equality; object_type alone leads the first.
        indexes = [
            models.Index(fields=["object_type", "object_id", "-created_at"]),
            models.Index(fields=["object_id"], name="core_audit_object_id"),
            models.Index(fields=["request_id"], name="core_audit_request_id"),
            models.Index(fields=["organisation_path"], name="core_audit_org_path"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
        )


class Counter(models.Model):
    """A named counter for case and card numbers (DESIGN §4: never ``max()+1``).

    ``next_number`` increments it with one conditional UPDATE, which takes the row lock on
    PostgreSQL and the write lock on SQLite, so two requests never get the same number; a rolled
    back transaction may leave a gap, which the numbering rules tolerate.
    """

    key = models.CharField(_("Name"), max_length=64, primary_key=True)
    value = models.BigIntegerField(_("Current value"), default=0)

    class Meta:
        verbose_name = _("Number counter")
        verbose_name_plural = _("Number counters")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
