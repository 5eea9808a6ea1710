"""Writes of mass enrolment (集中入会): preview a file, apply it, undo a batch.

The apply path is built for 100k-row files: the file read row by row, one registry query for the
people already registered, employers matched once per distinct name/credit code, card numbers
reserved as one block from the locked counter, then persons, memberships and timeline events
written in chunks with ``executemany`` or ``COPY`` (bulk.py), and one audit record
for the batch. Strict mode runs all of it in one transaction: a failure anywhere leaves nothing
behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CASCADE, SET_NULL, Exists, OuterRef, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope, subtree_q
from gonghui.core import audit, bulkload
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import BLIND_INDEX_BYTES, blind_index_many, encrypt_many
from gonghui.memberimport import bulk, files
from gonghui.memberimport.models import ImportBatch, ImportMode, ImportStatus, id_runs, run_ids
from gonghui.memberimport.rules import (
    ParseResult,
    RowError,
    ValidRow,
    education_value,
    iter_table,
    occupation_value,
    parse_table,
)
from gonghui.members.choices import LIVE_STATES, EventKind, MembershipState
from gonghui.members.models import Membership, MembershipEvent, Person
from gonghui.members.rules import bulk_name_initials
from gonghui.members.services import card_numbers
from gonghui.orgs.choices import EmployerSize, Industry, Ownership
from gonghui.orgs.models import Employer, Organisation

CAPABILITY = "member.import"
CHUNK = 5000
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
    """Files with more rows than this run as a background task (the issue: 5,000)."""
    return int(getattr(settings, "GONGHUI_IMPORT_BACKGROUND_ROWS", 5000))


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _require(actor: Any, path: str) -> None:
    require_scope(
        actor, CAPABILITY, path, _("This union is outside your area; nothing was imported.")
    )


# --- progress ----------------------------------------------------------------------------------


def _progress_key(batch_id: int) -> str:
    return f"memberimport:progress:{batch_id}"


def set_progress(batch: ImportBatch, percent: int) -> None:
    """Progress for the polling bar: the cache always, the batch row when no transaction is open
    (inside the all-or-nothing transaction other connections could not see the row anyway)."""
    percent = max(0, min(100, percent))
    cache.set(_progress_key(batch.pk), percent, 3600)
    if not transaction.get_connection().in_atomic_block:
        ImportBatch.objects.filter(pk=batch.pk).update(progress=percent)
    batch.progress = percent


def get_progress(batch: ImportBatch) -> int:
    if batch.status in (ImportStatus.APPLIED, ImportStatus.UNDONE):
        return 100
    cached = cache.get(_progress_key(batch.pk))
    return int(cached) if cached is not None else batch.progress


# --- preview -----------------------------------------------------------------------------------


@dataclass
class Prepared:
    """A file read and checked: what ``batch_apply`` needs without reading the file again.

    The cells themselves are not kept (a 100k-row sheet is ~100 MB of Python objects); the error
    report reads the kept file again."""

    parsed: ParseResult
    # id_number_hash → id of a registered person without a live membership (re-joining).
    returning: dict[bytes, int] = field(default_factory=dict)
    hashes: dict[int, bytes] = field(default_factory=dict)  # row number → id_number_hash


def prepare(data: bytes, file_name: str, *, today: datetime.date | None = None) -> Prepared:
    """Read and check a file against the rules and the registry (no writes)."""
    rows = iter_table(file_name, data)  # one row at a time: the valid rows keep what they need
    today = today or timezone.localdate()
    prepared = Prepared(parsed=parse_table(rows, today=today, occupation_of=occupation_value))
    _check_registry(prepared)
    return prepared


def _check_registry(prepared: Prepared) -> None:
    """Flag rows whose person already holds a live membership (already_member), and note people
    registered before without one. One query per chunk on the unique hash index."""
    parsed = prepared.parsed
    if not prepared.hashes:  # computed once; the re-check under the transaction reuses them
        digests = blind_index_many("id", [row.id_number for row in parsed.valid])
        prepared.hashes = {
            row.row: digest for row, digest in zip(parsed.valid, digests, strict=True)
        }
    known: dict[bytes, tuple[int, bool]] = {}
    for pk, digest, is_live in _registered(list(prepared.hashes.values())):
        known[digest] = (pk, is_live)
    if not known:
        return
    still_valid: list[ValidRow] = []
    label = parsed.header.label("id_number")
    for row in parsed.valid:
        digest = prepared.hashes[row.row]
        hit = known.get(digest)
        if hit is None:
            still_valid.append(row)
        elif hit[1]:
            parsed.add_error(
                RowError(
                    row.row,
                    label,
                    "already_member",
                    _(
                        "This person is already a union member; "
                        "ask their union for a membership transfer instead."
                    ),
                )
            )
        else:
            prepared.returning[digest] = hit[0]
            still_valid.append(row)
    parsed.valid = still_valid
    parsed.errors.sort(key=lambda error: error.row)


def _registered(hashes: list[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """(person id, ID hash, holds a live membership) of the registered people among ``hashes``.

    Plain SQL on the unique hash index: for 100k hashes the ORM's handling of each parameter
    costs more than the index lookups. PostgreSQL gets all of them in one parameter; SQLite
    takes chunks of ``IN``."""
    person, membership = Person._meta.db_table, Membership._meta.db_table
    states = [*LIVE_STATES]
    query = (
        f"SELECT p.id, p.id_number_hash, EXISTS (SELECT 1 FROM {membership} m"  # noqa: S608
        f" WHERE m.person_id = p.id AND m.state IN ({', '.join(['%s'] * len(states))}))"
        f" FROM {person} p WHERE p.id_number_hash"
    )
    postgres = connection.vendor == "postgresql"
    # PostgreSQL: the hashes travel as one bytea and the server cuts it apart; a 100k-element
    # array parameter costs more on the client than the lookups on the server.
    size = BLIND_INDEX_BYTES
    unpacked = (
        f"SELECT substring(%s::bytea FROM g * {size} + 1 FOR {size})"  # noqa: S608 - no input
        " FROM generate_series(0, %s - 1) g"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(hashes, max(len(hashes), 1) if postgres else 5000):
            if postgres:
                cursor.execute(f"{query} IN ({unpacked})", [*states, b"".join(chunk), len(chunk)])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{query} IN ({marks})", [*states, *chunk])
            for pk, digest, live in cursor.fetchall():
                yield pk, bytes(digest), bool(live)


def _error_dicts(parsed: ParseResult) -> list[dict[str, Any]]:
    return [error.as_dict() for error in parsed.errors]


@transaction.atomic
def batch_preview(
    *,
    actor: Any,
    organisation: Organisation,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.STRICT,
    today: datetime.date | None = None,
) -> tuple[ImportBatch, Prepared]:
    """Check an uploaded file and keep it as a batch awaiting apply. File-level problems (not a
    spreadsheet, no ID column...) raise ValidationError({"file": ...}) and keep nothing."""
    _require(actor, organisation.path)
    try:
        prepared = prepare(data, file_name, today=today)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=error.code) from None
    parsed = prepared.parsed
    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        file_sha256=files.sha256(data),
        file_sealed=files.seal(data),
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        mode=mode,
        total_rows=parsed.total,
        error_rows=len(parsed.error_rows),
        errors=_error_dicts(parsed),
    )
    return batch, prepared


def kept_file(batch: ImportBatch) -> bytes:
    """The uploaded file, or Conflict once it was purged (``members_import_purge``)."""
    if not batch.file_sealed:
        raise Conflict(
            _("The uploaded file was deleted after %(days)d days; upload it again.")
            % {"days": undo_days()},
            code="file_purged",
        )
    return files.unseal(batch.file_sealed)


def batch_prepared(batch: ImportBatch) -> Prepared:
    """Read and check a kept batch file again (the registry may have changed since preview)."""
    return prepare(kept_file(batch), batch.file_name)


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


# --- apply -------------------------------------------------------------------------------------


def batch_submit(*, actor: Any, batch: ImportBatch, mode: str | None = None) -> ImportBatch:
    """Apply now, or queue the background task for a large file (progress shown on the batch)."""
    _require(actor, batch.organisation.path)
    if batch.total_rows > background_threshold():
        from gonghui.memberimport.tasks import apply_batch_task

        updated = ImportBatch.objects.filter(
            pk=batch.pk, status__in=[ImportStatus.PREVIEWED, ImportStatus.FAILED]
        ).update(status=ImportStatus.QUEUED, mode=mode or batch.mode, progress=0)
        if not updated:
            raise Conflict(_("This batch has already been imported or is being imported."))
        cache.set(_progress_key(batch.pk), 0, 3600)
        apply_batch_task.enqueue(batch.pk, getattr(actor, "pk", None), mode or batch.mode)
        batch.refresh_from_db()
        return batch
    return batch_apply(actor=actor, batch=batch, mode=mode)


def batch_apply(
    *,
    actor: Any,
    batch: ImportBatch,
    mode: str | None = None,
    prepared: Prepared | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Import a checked batch. Strict (default): all rows or none. Valid-only: every row
    without an error. Without ``prepared`` the kept file is read and checked again (the
    registry may have changed since the preview). A batch that failed wrote nothing and may be
    applied again, e.g. with valid rows only."""
    _require(actor, batch.organisation.path)
    mode = mode or batch.mode
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.FAILED]
    ).update(status=ImportStatus.RUNNING, mode=mode, message="")
    if not claimed:
        raise Conflict(_("This batch has already been imported or is being imported."))
    batch.status, batch.mode = ImportStatus.RUNNING, mode
    report = progress or (lambda percent: set_progress(batch, percent))
    try:
        if prepared is None:
            report(5)
            prepared = batch_prepared(batch)
        report(20)
        _apply(actor, batch, prepared, report)
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
def _apply(actor: Any, batch: ImportBatch, prepared: Prepared, report: Callable) -> None:
    batch = ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
    _require(actor, batch.organisation.path)
    # The registry was checked moments ago (prepare); someone joining since then trips the
    # unique constraints, which batch_apply turns into a clear message.
    parsed = prepared.parsed
    batch.total_rows = parsed.total
    batch.errors = _error_dicts(parsed)
    batch.error_rows = len(parsed.error_rows)
    if parsed.errors and batch.mode == ImportMode.STRICT:
        batch.status = ImportStatus.FAILED
        batch.message = _(
            "Nothing was imported: %(count)d rows have problems. Fix them and upload again, "
            "or import the valid rows only."
        ) % {"count": batch.error_rows}
        batch.save()
        return
    rows = parsed.valid
    employers, created_employers = _resolve_employers(actor, batch.organisation, rows)
    report(30)
    with bulk.sqlite_page_cache(sqlite_cache_mb()):
        membership_ids, person_ids = _insert_rows(actor, batch, prepared, rows, employers, report)
    now = timezone.now()
    batch.imported_rows = memberships = len(membership_ids)
    batch.membership_ids = id_runs(membership_ids)
    batch.person_ids = id_runs(person_ids)
    batch.created_employer_ids = created_employers
    batch.status = ImportStatus.APPLIED
    batch.applied_at = now
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
    _require(actor, batch.organisation.path)


def _resolve_employers(
    actor: Any, organisation: Organisation, rows: list[ValidRow]
) -> tuple[dict[tuple[str, str], int], list[int]]:
    """Employer id per (credit code, name): by credit code anywhere (it is unique nationally),
    else by name within the importing union's subtree, else registered as a new employer
    responsible to the importing union."""
    keys = {(row.credit_code, row.employer_name) for row in rows}
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
    result: dict[tuple[str, str], int] = {}
    new: dict[tuple[str, str], Employer] = {}
    waiting: dict[tuple[str, str], list[tuple[str, str]]] = {}  # new employer → its rows' keys
    for code, name in sorted(keys):  # sorted: the same file gives the same employers
        pk = by_code.get(code) if code else None
        if pk is None and not code:
            pk = by_name.get(name)
        if pk is not None:
            result[(code, name)] = pk
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
                union=None if organisation.is_federation else organisation,
                organisation=organisation,
            )
        waiting.setdefault(key, []).append((code, name))
    created = Employer.objects.bulk_create(new.values())
    for key, employer in zip(new.keys(), created, strict=True):
        for row_key in waiting[key]:
            result[row_key] = employer.pk
    return result, [employer.pk for employer in created]


def _insert_rows(
    actor: Any,
    batch: ImportBatch,
    prepared: Prepared,
    rows: list[ValidRow],
    employers: dict[tuple[str, str], int],
    report: Callable,
) -> tuple[list[int], list[int]]:
    """Persons, memberships and their "joined" events, written in bulk (bulk.py). Returns the
    ids of the memberships and of the people registered."""
    if not rows:
        return [], []
    now = timezone.now()
    cards = card_numbers(len(rows))  # one block from the registry's locked counter
    initials = bulk_name_initials([row.name for row in rows])
    new_rows = [row for row in rows if prepared.hashes[row.row] not in prepared.returning]
    person_ids = bulk.reserve_ids(Person, len(new_rows))
    next_person_id = iter(person_ids).__next__
    membership_ids = bulk.reserve_ids(Membership, len(rows))
    people = bulk.RowWriter(
        Person,
        (
            "id",
            "name",
            "name_initials",
            "id_number",
            "id_number_hash",
            "sex",
            "birth_date",
            "id_division_code",
            "ethnicity",
            "phone",
            "phone_hash",
            "education",
        ),
        now=now,
    )
    memberships = bulk.RowWriter(
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
    events = bulk.RowWriter(
        MembershipEvent, ("membership", "kind", "at", "actor", "note", "data"), now=now
    )
    date = bulk.date_adapter()
    at = bulk.datetime_adapter()(now)
    actor_id = getattr(actor, "pk", None)
    note = _("Mass enrolment: %(file)s") % {"file": batch.file_name}
    organisation_id = batch.organisation_id

    def chunks() -> Iterator[tuple[int, list[tuple], list[tuple], list[tuple]]]:
        """The rows of each table, chunk by chunk (pure Python: no database access)."""
        for start in range(0, len(rows), CHUNK):
            new_people: list[tuple[int, ValidRow, bytes]] = []
            membership_rows, event_rows = [], []
            for offset, row in enumerate(rows[start : start + CHUNK], start):
                digest = prepared.hashes[row.row]
                person_id = prepared.returning.get(digest)
                if person_id is None:
                    person_id = next_person_id()
                    new_people.append((person_id, row, digest))
                membership_id = membership_ids[offset]
                membership_rows.append(
                    (
                        membership_id,
                        person_id,
                        organisation_id,
                        employers.get((row.credit_code, row.employer_name)),
                        row.occupation,
                        MembershipState.ACTIVE,
                        cards[offset],
                        date(row.joined_on),
                    )
                )
                event_rows.append(
                    (
                        membership_id,
                        EventKind.JOINED,
                        at,
                        actor_id,
                        note,
                        f'{{"batch": {batch.pk}, "row": {row.row}}}',
                    )
                )
            person_rows = _person_rows(new_people, initials, date)
            yield start + len(membership_rows), person_rows, membership_rows, event_rows

    total = len(rows)
    with bulkload.foreign_keys_checked_per_statement():
        for done, person_rows, membership_rows, event_rows in bulk.built_ahead(chunks()):
            people.write(person_rows)
            memberships.write(membership_rows)
            events.write(event_rows)
            report(30 + 65 * done // total)
    return membership_ids, person_ids


def _person_rows(
    people: list[tuple[int, ValidRow, bytes]], initials: dict[str, str], date: Callable
) -> list[tuple]:
    """Rows of the people a chunk registers, (id, row, ID hash) each: IDs and mobiles encrypted
    and mobiles indexed with the bulk forms of ``encrypt`` and ``blind_index``."""
    id_numbers = encrypt_many([row.id_number for _pk, row, _digest in people])
    phones = [row.phone for _pk, row, _digest in people if row.phone]
    sealed = iter(zip(encrypt_many(phones), blind_index_many("phone", phones), strict=True))
    return [
        (
            pk,
            row.name,
            initials[row.name],
            id_number,
            digest,
            row.sex,
            date(row.birth_date),
            row.division_code,
            row.ethnicity,
            *(next(sealed) if row.phone else ("", b"")),
            education_value(row.education),
        )
        for (pk, row, digest), id_number in zip(people, id_numbers, strict=True)
    ]


# --- undo --------------------------------------------------------------------------------------


@transaction.atomic
def batch_undo(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Remove exactly what the batch created (memberships, their events, the people it
    registered, employers it registered that nothing else uses), within the undo window.

    Refused when any of its memberships changed since (a transfer, a status change, an edit):
    undoing would then destroy someone's later work.
    """
    batch = ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
    _require(actor, batch.organisation.path)
    if batch.status != ImportStatus.APPLIED or batch.applied_at is None:
        raise Conflict(_("Only an imported batch can be undone."), code="not_applied")
    if timezone.now() - batch.applied_at > datetime.timedelta(days=undo_days()):
        raise Conflict(
            _("A batch can only be undone within %(days)d days of its import.")
            % {"days": undo_days()},
            code="undo_expired",
        )
    membership_ids = run_ids(batch.membership_ids)
    created_people = run_ids(batch.person_ids)
    changed = _changed_memberships(batch, membership_ids)
    if changed:
        raise Conflict(
            _(
                "This batch cannot be undone: %(count)d of its memberships changed since the "
                "import (for example card %(card)s). Handle those members one by one instead."
            )
            % {"count": len(changed), "card": changed[0]},
            code="batch_changed",
        )
    for chunk in _chunks(membership_ids, 5000):
        _delete_rows(Membership, chunk)
    for chunk in _chunks(created_people, 5000):
        _delete_rows(
            Person,
            list(
                Person.objects.filter(pk__in=chunk, memberships__isnull=True).values_list(
                    "pk", flat=True
                )
            ),
        )
    removed_employers = 0
    for pk in batch.created_employer_ids:
        try:
            removed_employers += (
                Employer.objects.filter(pk=pk, memberships__isnull=True)
                .delete()[1]
                .get("orgs.Employer", 0)
            )
        except ProtectedError:
            continue  # something else uses it now: keep it
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor if getattr(actor, "pk", None) else None
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.DELETE,
        verb="member_import_undo",
        obj=batch,
        before={"imported": len(membership_ids), "file_sha256": batch.file_sha256},
        after={
            "removed_memberships": len(membership_ids),
            "removed_people": len(created_people),
            "removed_employers": removed_employers,
        },
        organisation_path=batch.organisation.path,
    )
    return batch


def _delete_rows(model: type[Any], ids: Sequence[int]) -> None:
    """Delete rows by id in a few statements instead of Django's collector (which loads every
    related row first: minutes for 100k memberships). Rows pointing here with CASCADE go first,
    SET_NULL ones are cleared; anything else that still points here (PROTECT) makes the
    database's foreign-key check fail the whole undo, which is the rule: touch nothing else.
    """
    if not ids:
        return
    for relation in model._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue
        related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is CASCADE:
            related.delete()
        elif relation.on_delete is SET_NULL:
            related.update(**{relation.field.name: None})
    model._base_manager.filter(pk__in=ids)._raw_delete(model._base_manager.db)


def _changed_memberships(batch: ImportBatch, membership_ids: list[int]) -> list[str]:
    """Card numbers of the batch's memberships that changed after the import (state, union,
    any edit, any timeline entry besides joining), or "?" for one that is gone."""
    assert batch.applied_at is not None
    changed: set[str] = set()
    for chunk in _chunks(membership_ids, 5000):
        rows = Membership.objects.filter(pk__in=chunk)
        changed.update(
            card or "?"
            for card in rows.filter(
                ~Q(state=MembershipState.ACTIVE)
                | ~Q(organisation_id=batch.organisation_id)
                | Q(updated_at__gt=batch.applied_at)
                | Exists(
                    MembershipEvent.objects.filter(membership=OuterRef("pk")).exclude(
                        kind=EventKind.JOINED
                    )
                )
            ).values_list("card_number", flat=True)[:10]
        )
        if rows.count() != len(chunk):
            changed.add("?")
    return sorted(changed)
