"""Writes of mass enrolment (集中入会): preview a file, apply it, undo a batch.

The apply path is built for 100k-row files and runs in one pass, a chunk at a time: the rows
read, checked and sealed (keyed hashes, encryption, initials), in a second process for large
files (``checked_chunks``, ``bulk.produced_apart``), with one registry query per chunk for the
people already registered (there too when its own connection sees the committed registry); then,
per chunk, employers matched once per distinct name/credit code, card numbers reserved as one
block from the locked counter, and persons, memberships and timeline events written with
``executemany`` or ``COPY`` (bulk.py); one audit record for the batch. All of it runs in one
transaction: in strict mode an error in any row leaves nothing behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CASCADE, SET_NULL, Exists, OuterRef, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope, subtree_q
from gonghui.core import audit
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import BLIND_INDEX_BYTES, blind_index_many, encrypt_many
from gonghui.memberimport import bulk, files
from gonghui.memberimport.models import ImportBatch, ImportMode, ImportStatus, id_runs
from gonghui.memberimport.rules import (
    ParseResult,
    RowError,
    education_value,
    iter_table,
    occupation_value,
    parse_chunks,
    parse_table,
)
from gonghui.members.choices import LIVE_STATES, EventKind, MembershipState
from gonghui.members.models import PERSON_COLUMNS, Membership, MembershipEvent, Person
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


def prepare(data: bytes, file_name: str, *, today: datetime.date | None = None) -> ParseResult:
    """Read and check a file against the rules and the registry (no writes). The cells
    themselves are not kept (a 100k-row sheet is ~100 MB of Python objects); the error report
    reads the kept file again."""
    rows = iter_table(file_name, data)  # one row at a time: the valid rows keep what they need
    today = today or timezone.localdate()
    parsed = parse_table(rows, today=today, occupation_of=occupation_value)
    digests = blind_index_many("id", [row.id_number for row in parsed.valid])
    kept, _returning = _check_registry(parsed, [row.row for row in parsed.valid], digests)
    if len(kept) < len(parsed.valid):
        parsed.valid = [parsed.valid[i] for i in kept]
    return parsed


def _check_registry(
    parsed: ParseResult,
    rows: Sequence[int],
    hashes: Sequence[bytes],
    db: BaseDatabaseWrapper = connection,
) -> tuple[list[int], dict[bytes, int]]:
    """Flag the valid rows whose person already holds a live membership (already_member) in
    ``parsed``; return the positions of the rows that stay valid and the people registered
    before without one (ID hash → person id). ``rows`` are the valid rows' numbers, ``hashes``
    their ID hashes. One query per chunk on the unique hash index."""
    known: dict[bytes, tuple[int, bool]] = {}
    for pk, digest, is_live in _registered(hashes, db):
        known[digest] = (pk, is_live)
    if not known:
        return list(range(len(rows))), {}
    kept: list[int] = []
    returning: dict[bytes, int] = {}
    label = parsed.header.label("id_number")
    for position, (row, digest) in enumerate(zip(rows, hashes, strict=True)):
        hit = known.get(digest)
        if hit is not None and hit[1]:
            parsed.add_error(
                RowError(
                    row,
                    label,
                    "already_member",
                    _(
                        "This person is already a union member; "
                        "ask their union for a membership transfer instead."
                    ),
                )
            )
            continue
        if hit is not None:
            returning[digest] = hit[0]
        kept.append(position)
    parsed.errors.sort(key=lambda error: error.row)
    return kept, returning


def _registered(
    hashes: Sequence[bytes], db: BaseDatabaseWrapper = connection
) -> Iterator[tuple[int, bytes, bool]]:
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
    postgres = db.vendor == "postgresql"
    # PostgreSQL: the hashes travel as one bytea and the server cuts it apart; a 100k-element
    # array parameter costs more on the client than the lookups on the server.
    size = BLIND_INDEX_BYTES
    unpacked = (
        f"SELECT substring(%s::bytea FROM g * {size} + 1 FOR {size})"  # noqa: S608 - no input
        " FROM generate_series(0, %s - 1) g"
    )
    with db.cursor() as cursor:
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
) -> tuple[ImportBatch, ParseResult]:
    """Check an uploaded file and keep it as a batch awaiting apply. File-level problems (not a
    spreadsheet, no ID column...) raise ValidationError({"file": ...}) and keep nothing."""
    _require(actor, organisation.path)
    try:
        parsed = prepare(data, file_name, today=today)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=error.code) from None
    batch = _keep(
        actor,
        organisation,
        file_name,
        data,
        mode,
        total_rows=parsed.total,
        error_rows=len(parsed.error_rows),
        errors=_error_dicts(parsed),
    )
    return batch, parsed


def batch_import(
    *, actor: Any, organisation: Organisation, file_name: str, data: bytes, mode: str
) -> ImportBatch:
    """Keep a file as a batch and import it in one pass, without a preview first (the command
    line): the rows are checked as they are stored, in a second process (``batch_apply``)."""
    _require(actor, organisation.path)
    with bulk.sqlite_checkpoint_after():  # the kept file alone fills SQLite's log past a checkpoint
        batch = _keep(actor, organisation, file_name, data, mode)
        return batch_apply(actor=actor, batch=batch, mode=mode, apart=True)


def _keep(
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
        report(5)
        registry_apart = apart and _registry_seen_apart()
        with bulk.sqlite_checkpoint_after():
            _apply(actor, batch, kept_file(batch), report, apart, registry_apart)
    except _RowsFailed as failed:
        summary = failed.summary
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED,
            total_rows=summary.total,
            error_rows=len(summary.error_rows),
            errors=_error_dicts(summary),
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


def _registry_seen_apart(db: BaseDatabaseWrapper = connection) -> bool:
    """Whether the second process of an import may check the rows against the registry on a
    connection of its own, which takes that work off the importing connection (~0.3 s of a
    100k-row import). It sees the committed registry, which is what the import's transaction
    sees too: people the import itself stores cannot come up again, as a file names each person
    once (duplicate_in_file), and anyone registered elsewhere meanwhile is still stopped by the
    unique constraints at the insert. Not inside a transaction (a test's, say, whose rows no
    other connection sees), nor for SQLite in memory or in a journal mode other than WAL, in
    which a reader may wait for the importing writer while the writer waits for it."""
    if db.in_atomic_block:
        return False
    if db.vendor != "sqlite":
        return True
    if db.is_in_memory_db():  # type: ignore[attr-defined]
        return False
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0] == "wal"


@dataclass
class CheckedChunk:
    """A part of a file checked by the rules, its valid rows ready to store: each one's row
    number, ID hash, person columns (``PERSON_COLUMNS``, in database form: ID and mobile sealed,
    keyed hashes, initials; the importing process adds the id it reserves) and enrolment
    (credit code, employer name, occupation, join date). Plain tuples, not row objects: they
    cross from the second process, and unpickling objects would cost the importing process more
    than the rest of its Python work per row. ``returning`` is None until the chunk has been
    checked against the registry (``registry_checked``)."""

    parsed: ParseResult  # counts and errors; its valid rows travel as the lists below
    rows: list[int]
    hashes: list[bytes]
    people: list[tuple]
    enrolments: list[tuple[str, str, str, Any]]
    returning: dict[bytes, int] | None = None  # ID hash → person registered before, no live one

    def registry_checked(self, db: BaseDatabaseWrapper = connection) -> CheckedChunk:
        """The chunk with its live members flagged (already_member) and left out, and the
        people it brings back to the registry found (``_check_registry``)."""
        kept, returning = _check_registry(self.parsed, self.rows, self.hashes, db)
        if len(kept) == len(self.rows):
            return replace(self, returning=returning)

        def pick(column: list[T]) -> list[T]:
            return [column[i] for i in kept]

        return CheckedChunk(
            self.parsed,
            pick(self.rows),
            pick(self.hashes),
            pick(self.people),
            pick(self.enrolments),
            returning,
        )


def checked_chunks(
    file_name: str, data: bytes, today: datetime.date, registry: bool = False
) -> Iterator[CheckedChunk]:
    """The file's rows checked and the valid ones sealed, ``CHUNK`` rows at a time, without the
    importing transaction's connection: this is what ``produced_apart`` runs in the second
    process. ``registry``: each chunk checked against the registry here too, on a connection of
    its own (see ``_registry_seen_apart``)."""
    db = connections.create_connection(DEFAULT_DB_ALIAS) if registry else None
    if db is not None and db.vendor == "sqlite":
        # SQLite's default page cache, not the platform's 64 MB: the lookups touch each index
        # page about once, which the system's file cache holds anyway; a large cache only
        # added ~10 MB to the import's peak memory.
        with db.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-2000")
    try:
        for chunk in _sealed_chunks(file_name, data, today):
            yield chunk if db is None else chunk.registry_checked(db)
    finally:
        if db is not None:
            db.close()


def _sealed_chunks(file_name: str, data: bytes, today: datetime.date) -> Iterator[CheckedChunk]:
    table = iter_table(file_name, data)
    date = bulk.date_adapter()
    for parsed in parse_chunks(table, today=today, occupation_of=occupation_value, size=CHUNK):
        valid, parsed.valid = parsed.valid, []
        numbers = [row.id_number for row in valid]
        hashes = blind_index_many("id", numbers)
        phones = [row.phone for row in valid if row.phone]
        sealed_phones = iter(
            zip(encrypt_many(phones), blind_index_many("phone", phones), strict=True)
        )
        initials = bulk_name_initials([row.name for row in valid])
        yield CheckedChunk(
            parsed=parsed,
            rows=[row.row for row in valid],
            hashes=hashes,
            people=[
                (
                    row.name,
                    initials[row.name],
                    sealed_id,
                    digest,
                    row.sex,
                    date(row.birth_date),
                    row.division_code,
                    row.ethnicity,
                    *(next(sealed_phones) if row.phone else ("", b"")),
                    education_value(row.education),
                )
                for row, sealed_id, digest in zip(valid, encrypt_many(numbers), hashes, strict=True)
            ],
            enrolments=[
                (row.credit_code, row.employer_name, row.occupation, date(row.joined_on))
                for row in valid
            ],
        )


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
    _require(actor, batch.organisation.path)
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
    batch.errors = _error_dicts(summary)
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
    union's subtree, else registered as a new employer responsible to the importing union.
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
    imported = sum(last - first + 1 for first, last in batch.membership_ids)
    changed = _changed_memberships(batch, imported)
    if changed:
        raise Conflict(
            _(
                "This batch cannot be undone: %(count)d of its memberships changed since the "
                "import (for example card %(card)s). Handle those members one by one instead."
            )
            % {"count": len(changed), "card": changed[0]},
            code="batch_changed",
        )
    for runs in _chunks(batch.membership_ids, RUNS_PER_QUERY):
        _delete_rows(Membership, _in_runs(runs))
    removed_people = 0
    without_membership = Q(~Exists(Membership.objects.filter(person=OuterRef("pk"))))
    for runs in _chunks(batch.person_ids, RUNS_PER_QUERY):
        # People who joined elsewhere since the import keep their registry entry.
        removed_people += _delete_rows(Person, _in_runs(runs) & without_membership)
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
        before={"imported": imported, "file_sha256": batch.file_sha256},
        after={
            "removed_memberships": imported,
            "removed_people": removed_people,
            "removed_employers": removed_employers,
        },
        organisation_path=batch.organisation.path,
    )
    return batch


# A batch's ids are a few [first, last] runs (ids are reserved a chunk at a time): one range test
# per run instead of 100k ids as parameters. SQLite nests OR terms as deep as they are many, and
# refuses an expression deeper than 1,000.
RUNS_PER_QUERY = 200


def _in_runs(runs: Sequence[Sequence[int]]) -> Q:
    """Rows whose id lies in one of the [first, last] ``runs``."""
    condition = Q(pk__in=[])  # no runs: no rows
    for first, last in runs:
        condition |= Q(pk__range=(first, last))
    return condition


def _delete_rows(model: type[Any], where: Q) -> int:
    """Delete the rows of ``model`` matching ``where`` in a few statements instead of Django's
    collector (which loads every related row first: minutes for 100k memberships); returns how
    many. Rows pointing here with CASCADE go first, SET_NULL ones are cleared; anything else
    that still points here (PROTECT) makes the database's foreign-key check fail the whole
    undo, which is the rule: touch nothing else.
    """
    rows = model._base_manager.filter(where)
    for relation in model._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": rows.values("pk")}
        )
        if relation.on_delete is CASCADE:
            related.delete()
        elif relation.on_delete is SET_NULL:
            related.update(**{relation.field.name: None})
    return int(rows._raw_delete(model._base_manager.db))


def _changed_memberships(batch: ImportBatch, imported: int) -> list[str]:
    """Card numbers of the batch's memberships that changed after the import (state, union,
    any edit, any timeline entry besides joining), or "?" when some of the ``imported`` are
    gone."""
    assert batch.applied_at is not None
    changed: set[str] = set()
    present = 0
    for runs in _chunks(batch.membership_ids, RUNS_PER_QUERY):
        rows = Membership.objects.filter(_in_runs(runs))
        present += rows.count()
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
    if present != imported:
        changed.add("?")
    return sorted(changed)
