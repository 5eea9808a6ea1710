"""Cross-cutting data: divisions, the working-day override table, audit records, counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: every business row knows when it was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")


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

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

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

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.day} {self.note}"


class ChangeRecord(models.Model):
    """The auditors' generic change record (DESIGN §4): who changed or revealed what, when.

    Written by services in the same transaction as the change itself, never by signals, so a
    rolled-back change leaves no record and a committed one always has one. Rows are never
    updated; retention is configurable (GONGHUI_AUDIT_RETENTION_DAYS).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        REVEAL = "reveal", _("查看明文")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        OTHER = "other", _("其他")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=Action.choices)
    verb = models.CharField(_("业务动作"), max_length=64, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    organisation_path = models.CharField(_("组织路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"])]

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

    key = models.CharField(_("名称"), max_length=64, primary_key=True)
    value = models.BigIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
