"""Shared parts of mass enrolment's services: settings, the scope check, progress of the
polling bar, and the kept upload file (sealed: it holds ID numbers and phones)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope
from gonghui.core.errors import Conflict
from gonghui.memberimport import files
from gonghui.memberimport.models import ImportBatch, ImportStatus
from gonghui.memberimport.rules import ParseResult
from gonghui.orgs.models import Organisation

CAPABILITY = "member.import"
T = TypeVar("T")


def undo_days() -> int:
    return int(getattr(settings, "GONGHUI_IMPORT_UNDO_DAYS", 7))


def sqlite_cache_mb() -> int:
    """SQLite page cache (MB) while an import writes; 0 keeps the connection's own.

    128 MB holds the pages that 100k new people dirty in the keyed-hash and name indexes of a
    1M-member registry (the person insert takes ~40 % less time); a 100k-row import then peaks
    at ~400 MB. SQLite takes the pages only as it needs them, so a small file costs nothing.
    """
    return int(getattr(settings, "GONGHUI_IMPORT_SQLITE_CACHE_MB", 128))


def background_threshold() -> int:
    """Files with more rows than this run as a background task (default 5,000)."""
    return int(getattr(settings, "GONGHUI_IMPORT_BACKGROUND_ROWS", 5000))


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def require(actor: Any, path: str) -> None:
    require_scope(
        actor, CAPABILITY, path, _("This union is outside your area; nothing was imported.")
    )


# --- progress ----------------------------------------------------------------------------------


def progress_key(batch_id: int) -> str:
    return f"memberimport:progress:{batch_id}"


def set_progress(batch: ImportBatch, percent: int) -> None:
    """Progress for the polling bar: the cache always, the batch row when no transaction is open
    (inside the all-or-nothing transaction other connections could not see the row anyway)."""
    percent = max(0, min(100, percent))
    cache.set(progress_key(batch.pk), percent, 3600)
    if not transaction.get_connection().in_atomic_block:
        ImportBatch.objects.filter(pk=batch.pk).update(progress=percent)
    batch.progress = percent


def get_progress(batch: ImportBatch) -> int:
    if batch.status in (ImportStatus.APPLIED, ImportStatus.UNDONE):
        return 100
    cached = cache.get(progress_key(batch.pk))
    return int(cached) if cached is not None else batch.progress


def error_dicts(parsed: ParseResult) -> list[dict[str, Any]]:
    return [error.as_dict() for error in parsed.errors]


def keep(
    actor: Any, organisation: Organisation, file_name: str, data: bytes, mode: str, **counts: Any
) -> ImportBatch:
    """A new batch holding the file, sealed (it has ID numbers and phones)."""
    return ImportBatch.objects.create(
        file_name=file_name[:255],
        file_sha256=files.sha256(data),
        file_sealed=files.seal(data),
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        mode=mode,
        **counts,
    )


def kept_file(batch: ImportBatch) -> bytes:
    """The uploaded file, or Conflict once it was purged (``members_import_purge``)."""
    if not batch.file_sealed:
        raise Conflict(
            _("The uploaded file was deleted after %(days)d days; upload it again.")
            % {"days": undo_days()},
            code="file_purged",
        )
    return files.unseal(batch.file_sealed)


def purge_kept_files(*, older_than_days: int | None = None) -> int:
    """Delete kept upload files (ID numbers and phones) once the undo window has passed;
    counts, errors and the audit trail stay. Idempotent: run it daily."""
    days = undo_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return (
        ImportBatch.objects.filter(created_at__lt=cutoff)
        .exclude(file_sealed=b"")
        .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        .update(file_sealed=b"")
    )
