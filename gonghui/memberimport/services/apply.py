"""Apply of a kept file: one pass, a chunk at a time, in one transaction (strict: all rows or
none), persons, memberships and their "joined" events written in bulk (bulk.py), one audit record
for the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import subtree_q
from gonghui.core import audit
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.memberimport import bulk
from gonghui.memberimport.models import ImportBatch, ImportMode, ImportStatus, id_runs
from gonghui.memberimport.rules import ParseResult
from gonghui.memberimport.services import registry
from gonghui.memberimport.services.chunks import CheckedChunk, checked_chunks
from gonghui.memberimport.services.common import (
    background_threshold,
    error_dicts,
    kept_file,
    progress_key,
    require,
    set_progress,
    sqlite_cache_mb,
)
from gonghui.members.choices import EventKind, MembershipState
from gonghui.members.models import PERSON_COLUMNS, Membership, MembershipEvent, Person
from gonghui.members.services import card_numbers
from gonghui.orgs.choices import EmployerSize, Industry, Ownership
from gonghui.orgs.models import Employer, Organisation


def batch_submit(*, actor: Any, batch: ImportBatch, mode: str | None = None) -> ImportBatch:
    """Apply now, or queue the background task for a large file (progress shown on the batch)."""
    require(actor, batch.organisation.path)
    if batch.total_rows > background_threshold():
        from gonghui.memberimport.tasks import apply_batch_task

        updated = ImportBatch.objects.filter(
            pk=batch.pk, status__in=[ImportStatus.PREVIEWED, ImportStatus.FAILED]
        ).update(status=ImportStatus.QUEUED, mode=mode or batch.mode, progress=0)
        if not updated:
            raise Conflict(_("This batch has already been imported or is being imported."))
        cache.set(progress_key(batch.pk), 0, 3600)
        apply_batch_task.enqueue(batch.pk, getattr(actor, "pk", None), mode or batch.mode)
        batch.refresh_from_db()
        return batch
    return batch_apply(actor=actor, batch=batch, mode=mode)


class _RowsFailed(Exception):
    """Strict mode met row errors while writing: roll back, keep the batch's errors."""

    def __init__(self, summary: ParseResult) -> None:
        super().__init__()
        self.summary = summary


def batch_apply(
    *,
    actor: Any,
    batch: ImportBatch,
    mode: str | None = None,
    progress: Callable[[int], None] | None = None,
    apart: bool = False,
) -> ImportBatch:
    """Import a batch's kept file in one pass: every row checked again (the registry may have
    changed since the preview) and stored as its chunk passes. Strict (default): all rows or
    none. Valid-only: every row without an error. A batch that failed wrote nothing and may be
    applied again, e.g. with valid rows only. ``apart``: check and seal the rows in a second
    process meanwhile (``bulk.produced_apart``; the background task and the command line)."""
    require(actor, batch.organisation.path)
    mode = mode or batch.mode
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.FAILED]
    ).update(status=ImportStatus.RUNNING, mode=mode, message="")
    if not claimed:
        raise Conflict(_("This batch has already been imported or is being imported."))
    batch.status, batch.mode = ImportStatus.RUNNING, mode
    report = progress or (lambda percent: set_progress(batch, percent))
    try:
        report(5)
        registry_apart = apart and registry.seen_apart()
        with bulk.sqlite_checkpoint_after():
            _apply(actor, batch, kept_file(batch), report, apart, registry_apart)
    except _RowsFailed as failed:
        summary = failed.summary
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED,
            total_rows=summary.total,
            error_rows=len(summary.error_rows),
            errors=error_dicts(summary),
            message=_(
                "Nothing was imported: %(count)d rows have problems. Fix them and upload again, "
                "or import the valid rows only."
            )
            % {"count": len(summary.error_rows)},
        )
        batch.refresh_from_db()
        return batch
    except Exception as error:
        if isinstance(error, ValidationError):
            message = error.messages[0]
        elif isinstance(error, IntegrityError):
            message = _(
                "Nothing was imported: someone in the file was registered elsewhere while the "
                "import ran. Check the file again."
            )
        else:
            message = getattr(error, "message", None) or str(error)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED, message=message[:500]
        )
        batch.refresh_from_db()
        if isinstance(error, ValidationError | Conflict | ScopeViolation | IntegrityError):
            return batch
        raise
    batch.refresh_from_db()
    set_progress(batch, 100)
    return batch


@transaction.atomic
def _apply(
    actor: Any,
    batch: ImportBatch,
    data: bytes,
    report: Callable,
    apart: bool,
    registry_apart: bool,
) -> None:
    batch = ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
    require(actor, batch.organisation.path)
    strict = batch.mode == ImportMode.STRICT
    expected = batch.total_rows  # from the preview, for the progress bar
    summary: ParseResult | None = None
    writer = _Writer(actor, batch)
    employers: dict[tuple[str, str], int] = {}
    created_employers: list[int] = []
    chunks = bulk.produced_apart(
        checked_chunks, batch.file_name, data, timezone.localdate(), registry_apart, apart=apart
    )
    with bulk.sqlite_page_cache(sqlite_cache_mb()):
        for chunk in chunks:
            if chunk.returning is None:
                chunk = chunk.registry_checked()
            summary = _absorb(summary, chunk.parsed)
            if strict and summary.errors:
                continue  # nothing will be kept: only the remaining rows' errors matter now
            created_employers += _resolve_employers(
                actor,
                batch.organisation,
                {(code, name) for code, name, *_ in chunk.enrolments},
                employers,
            )
            writer.write(chunk, employers)
            report(10 + 85 * summary.total // max(expected, summary.total))
    if summary is None:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if strict and summary.errors:
        raise _RowsFailed(summary)
    batch.total_rows = summary.total
    batch.errors = error_dicts(summary)
    batch.error_rows = len(summary.error_rows)
    batch.imported_rows = memberships = len(writer.membership_ids)
    batch.membership_ids = id_runs(writer.membership_ids)
    batch.person_ids = id_runs(writer.person_ids)
    batch.created_employer_ids = created_employers
    batch.status = ImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.message = ""
    batch.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="member_import_apply",
        obj=batch,
        after={
            "file_name": batch.file_name,
            "file_sha256": batch.file_sha256,
            "mode": batch.mode,
            "total_rows": batch.total_rows,
            "imported": memberships,
            "error_rows": batch.error_rows,
            "created_employers": len(created_employers),
        },
        organisation_path=batch.organisation.path,
    )


def _absorb(summary: ParseResult | None, parsed: ParseResult) -> ParseResult:
    """The file's results so far: counts and errors of each chunk, not its rows."""
    if summary is None:
        summary = ParseResult(header=parsed.header)
    summary.total += parsed.total
    summary.errors += parsed.errors
    summary.error_rows |= parsed.error_rows
    return summary


def _resolve_employers(
    actor: Any,
    organisation: Organisation,
    wanted: set[tuple[str, str]],
    known: dict[tuple[str, str], int],
) -> list[int]:
    """Add to ``known`` the employer id of each (credit code, name) ``wanted`` not in it yet:
    by credit code anywhere (it is unique nationally), else by name within the importing
    union's subtree, else registered as a new employer responsible to the importing union,
    with placeholder industry, size and ownership and ``details_pending`` set.
    Returns the ids of the employers registered."""
    keys = wanted - known.keys()
    codes = {code for code, _name in keys if code}
    by_code = dict(Employer.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
    names = {name for code, name in keys if not code or code not in by_code}
    by_name: dict[str, int] = {}
    for name, pk in (
        Employer.objects.filter(subtree_q("organisation__path", organisation.path))
        .filter(name__in=names)
        .order_by("pk")
        .values_list("name", "pk")
    ):
        by_name.setdefault(name, pk)
    new: dict[tuple[str, str], Employer] = {}
    waiting: dict[tuple[str, str], list[tuple[str, str]]] = {}  # new employer → its rows' keys
    for code, name in sorted(keys):  # sorted: the same file gives the same employers
        pk = by_code.get(code) if code else None
        if pk is None and not code:
            pk = by_name.get(name)
        if pk is not None:
            known[(code, name)] = pk
            continue
        key = (code, "") if code else ("", name)
        if key not in new:
            new[key] = Employer(
                name=name,
                credit_code=code or None,
                division_id=organisation.division_id,
                industry=Industry.O,
                size=EmployerSize.SMALL,
                ownership=Ownership.OTHER,
                details_pending=True,  # placeholders above: 待完善 in the register
                union=None if organisation.is_federation else organisation,
                organisation=organisation,
            )
        waiting.setdefault(key, []).append((code, name))
    created = Employer.objects.bulk_create(new.values())
    for key, employer in zip(new.keys(), created, strict=True):
        for row_key in waiting[key]:
            known[row_key] = employer.pk
    return [employer.pk for employer in created]


class _Writer:
    """Persons, memberships and their "joined" events of an import, written chunk by chunk in
    bulk (bulk.py); keeps the ids of the memberships and of the people registered."""

    def __init__(self, actor: Any, batch: ImportBatch) -> None:
        now = timezone.now()
        self.batch = batch
        self.people = bulk.RowWriter(Person, (*PERSON_COLUMNS, "id"), now=now)
        self.memberships = bulk.RowWriter(
            Membership,
            (
                "id",
                "person",
                "organisation",
                "employer",
                "occupation",
                "state",
                "card_number",
                "joined_on",
            ),
            now=now,
        )
        self.events = bulk.RowWriter(
            MembershipEvent, ("membership", "kind", "at", "actor", "note", "data"), now=now
        )
        self.at = bulk.datetime_adapter()(now)
        self.actor_id = getattr(actor, "pk", None)
        self.note = _("Mass enrolment: %(file)s") % {"file": batch.file_name}
        self.membership_ids: list[int] = []
        self.person_ids: list[int] = []

    def write(self, chunk: CheckedChunk, employers: dict[tuple[str, str], int]) -> None:
        count = len(chunk.rows)
        returning = chunk.returning
        if not count:
            return
        cards = card_numbers(count)  # one block from the registry's locked counter
        hashes = chunk.hashes
        new = [i for i in range(count) if hashes[i] not in returning] if returning else range(count)
        person_ids = bulk.reserve_ids(Person, len(new))
        membership_ids = bulk.reserve_ids(Membership, count)
        people = chunk.people
        self.people.write([people[i] + (pk,) for i, pk in zip(new, person_ids, strict=True)])
        owners = [returning.get(digest) for digest in hashes] if returning else [None] * count
        for i, pk in zip(new, person_ids, strict=True):
            owners[i] = pk
        organisation_id, batch_id = self.batch.organisation_id, self.batch.pk
        self.memberships.write(
            [
                (
                    membership_id,
                    owner,
                    organisation_id,
                    employers.get((code, name)),
                    occupation,
                    MembershipState.ACTIVE,
                    card,
                    joined_on,
                )
                for membership_id, owner, (code, name, occupation, joined_on), card in zip(
                    membership_ids, owners, chunk.enrolments, cards, strict=True
                )
            ]
        )
        at, actor_id, note = self.at, self.actor_id, self.note
        self.events.write(
            [
                (
                    membership_id,
                    EventKind.JOINED,
                    at,
                    actor_id,
                    note,
                    f'{{"batch": {batch_id}, "row": {row}}}',
                )
                for row, membership_id in zip(chunk.rows, membership_ids, strict=True)
            ]
        )
        self.membership_ids += membership_ids
        self.person_ids += person_ids
