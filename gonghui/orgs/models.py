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

    code = models.CharField(_("组织编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0)
    division = models.ForeignKey(
        Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    chair_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # The union office's published phone, not a worker's personal number: kept in clear.
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "path"

    class Meta:
        ordering = ["path"]
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
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
    """

    name = models.CharField(_("单位名称"), max_length=150)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    division = models.ForeignKey(
        Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices)
    size = models.CharField(_("规模"), max_length=16, choices=EmployerSize.choices)
    ownership = models.CharField(_("经济类型"), max_length=32, choices=Ownership.choices)
    employee_count = models.PositiveIntegerField(_("职工人数"), default=0)
    platform_kind = models.CharField(
        _("平台类型"), max_length=16, choices=PlatformKind.choices, blank=True, default=""
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("所属工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_employers",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("负责工会"),
        on_delete=models.PROTECT,
        related_name="responsible_employers",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["division"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return bool(self.platform_kind)
