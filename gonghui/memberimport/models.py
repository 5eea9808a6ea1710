"""Import batches of mass enrolment (集中入会) and what each batch created, so it can be undone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.scoping import ScopedQuerySet


class ImportMode(models.TextChoices):
    STRICT = "strict", _("All or nothing")
    VALID_ONLY = "valid_only", _("Valid rows only")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, not imported")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Not imported")
    UNDONE = "undone", _("Undone")


class ImportBatch(models.Model):
    """One uploaded file of mass enrolment and its outcome (rule: issue 3, 集中入会).

    The file is kept (encrypted: it holds ID numbers and phones) so that the checked preview can be
    applied later and the error report rebuilt; its SHA-256 lets staff spot a file imported
    twice. ``organisation`` is the importing union, which scopes the batch. A batch that was
    applied can be undone as a whole within ``GONGHUI_IMPORT_UNDO_DAYS`` (7) days.
    """

    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    file_sealed = models.BinaryField(_("file (encrypted)"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("importing union"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(
        _("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.STRICT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row", "column", "code", "message"}, ...] as checked at preview (and again at apply).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the batch created, so that an undo removes exactly that: its memberships and the
    # people it registered as [first, last] id runs (``id_runs``: the ids of one import are
    # reserved together, so 100k memberships are one pair), and the employers it registered,
    # removed again when nothing else uses them.
    membership_ids = models.JSONField(default=list, blank=True)
    person_ids = models.JSONField(default=list, blank=True)
    created_employer_ids = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


def id_runs(ids: Iterable[int]) -> list[list[int]]:
    """``ids`` as sorted, inclusive [first, last] runs of consecutive ids."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def run_ids(runs: Iterable[Sequence[int]]) -> list[int]:
    """The ids of ``id_runs`` again."""
    return [pk for first, last in runs for pk in range(first, last + 1)]
