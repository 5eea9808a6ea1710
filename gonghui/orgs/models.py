"""The union organisation tree and the employers (用人单位) whose workers the unions serve."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.scoping import ScopedQuerySet
from gonghui.core.models import Division, TimeStampedModel
from gonghui.orgs.choices import (
    FEDERATION_KINDS,
    EmployerSize,
    Industry,
    OrgKind,
    OrgStatus,
    Ownership,
    PlatformKind,
)

PATH_SEGMENT_WIDTH = 8


def path_segment(pk: int) -> str:
    """One level of the materialized path: the organisation id, zero-padded to a fixed width."""
    return str(pk).zfill(PATH_SEGMENT_WIDTH)


class Organisation(TimeStampedModel):
    """A union organisation: a federation (region, city, county), a township, industry, joint or
    sector union, or a grassroots union.

    ``path`` is the materialized path (the ids from the root down, 8 digits each), so a subtree is
    one range scan; ``organisation_move`` rewrites the paths of a whole subtree in one UPDATE. The
    credit code is a GB 32100 code of registration authority 8 (unions); grassroots unions carry 81.
    """

    code = models.CharField(_("Organisation code"), max_length=16, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    short_name = models.CharField(_("Short name"), max_length=50, blank=True)
    kind = models.CharField(_("Type"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("Path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("Depth"), default=0)
    division = models.ForeignKey(
        Division, verbose_name=_("Division"), on_delete=models.PROTECT, related_name="+"
    )
    credit_code = models.CharField(
        _("Unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    chair_name = models.CharField(_("Union chair"), max_length=50, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    # The union office's published phone, not a worker's personal number: kept in clear.
    contact_phone = models.CharField(_("Contact phone"), max_length=20, blank=True)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    founded_on = models.DateField(_("Founding date"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "path"

    class Meta:
        ordering = ["path"]
        verbose_name = _("Union organisation")
        verbose_name_plural = _("Union organisations")
        indexes = [
            models.Index(fields=["kind", "path"]),
            models.Index(fields=["division", "kind"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_federation(self) -> bool:
        return self.kind in FEDERATION_KINDS


class Employer(TimeStampedModel):
    """An employer (用人单位) and the union responsible for its workers.

    ``union`` is the union that covers the employer, if it has one. ``organisation`` is who is
    responsible: the covering union, otherwise the county federation of the employer's division
    (属地管理); the services keep it so, and scoping goes through it.

    ``details_pending`` (待完善): registered in passing (a join application's typed employer, a
    mass enrolment's unknown one) with placeholder industry, size and ownership; staff saving
    the employer in the register clears it.
    """

    name = models.CharField(_("Employer name"), max_length=150)
    credit_code = models.CharField(
        _("Unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    division = models.ForeignKey(
        Division, verbose_name=_("Division"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("Address"), max_length=200, blank=True)
    industry = models.CharField(_("Industry section"), max_length=1, choices=Industry.choices)
    size = models.CharField(_("Size"), max_length=16, choices=EmployerSize.choices)
    ownership = models.CharField(_("Ownership type"), max_length=32, choices=Ownership.choices)
    employee_count = models.PositiveIntegerField(_("Number of employees"), default=0)
    platform_kind = models.CharField(
        _("Platform type"), max_length=16, choices=PlatformKind.choices, blank=True, default=""
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("Affiliated union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_employers",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Responsible union"),
        on_delete=models.PROTECT,
        related_name="responsible_employers",
    )
    details_pending = models.BooleanField(
        _("Details pending"),
        default=False,
        help_text=_("Registered with placeholder industry, size and ownership; to be completed."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("Employer")
        verbose_name_plural = _("Employers")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["division"]),
            # The register's "pending only" filter; few rows, so a partial index.
            models.Index(
                fields=["name"],
                condition=models.Q(details_pending=True),
                name="orgs_employer_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return bool(self.platform_kind)
