"""Fast inserts for the 100k-row path: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Django's ``bulk_create`` spends ~100 µs per object in its SQL compiler (and splits SQLite inserts
into batches of ~80 rows to stay under the parameter limit): 300k objects take ~30 s, far from
the import's target (25,000 rows a second, bench/RESULTS.md). These helpers write the same rows
in the database's bulk form. Columns and defaults come from the model's own fields, so a field
the registry adds later with a default is filled in; ids are reserved up front (SQLite: the
write lock is held by the IMMEDIATE transaction; PostgreSQL: ``nextval`` of the table's
sequence) so child rows can point at them.
The platform runs on these two databases only (DESIGN §2).
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from gonghui.core import bulkload

T = TypeVar("T")


@contextmanager
def sqlite_page_cache(megabytes: int) -> Iterator[None]:
    """A larger SQLite page cache for this connection while a big import writes.

    New persons land at random places in the hash and name indexes of a large registry; when
    the dirty pages outgrow the cache, SQLite spills them mid-transaction and re-reads them. The
    old size comes back afterwards and the memory is released. No-op on PostgreSQL.
    """
    if connection.vendor != "sqlite" or megabytes <= 0:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{int(megabytes) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(previous)}")
            cursor.execute("PRAGMA shrink_memory")


class CheckpointLater:
    """What ``sqlite_checkpoint_after`` started: the thread checkpointing the log, if any."""

    thread: threading.Thread | None = None


@contextmanager
def sqlite_checkpoint_after(db: BaseDatabaseWrapper = connection) -> Iterator[CheckpointLater]:
    """Commits in the block leave SQLite's write-ahead log as it is; a thread moves it into the
    database file (a checkpoint) once the block ends.

    SQLite runs that checkpoint itself at the first commit that finds the log over 1,000 pages:
    after a 100k-row import ~1 s of copying and fsync, which the person importing would wait
    for although the rows are committed and visible already. SQLite's documentation suggests
    the alternative used here for bursts of writes: turn the automatic checkpoint off and run it
    in a thread of its own. That thread opens its own connection and runs a PASSIVE checkpoint,
    which never blocks readers or the next writer; the process waits for it before exiting.
    Does nothing on PostgreSQL, for an in-memory database, inside a transaction the block does
    not end (nothing is committed there) and within another such block.
    """
    later = CheckpointLater()
    in_memory = db.vendor == "sqlite" and db.is_in_memory_db()  # type: ignore[attr-defined]
    if db.vendor != "sqlite" or db.in_atomic_block or in_memory:
        yield later
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        previous = int(cursor.fetchone()[0])
        if previous > 0:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield later
    finally:
        if previous > 0:
            try:
                with db.cursor() as cursor:
                    cursor.execute(f"PRAGMA wal_autocheckpoint={previous}")
            except DatabaseError:
                pass  # the connection broke: Django discards it, its setting with it
            # Opened here (Django's SQLite connections may move between threads): ``db`` may be
            # the default connection's proxy, which would resolve to another one in the thread.
            raw = db.get_new_connection(db.get_connection_params())
            later.thread = threading.Thread(
                target=_checkpoint, args=(raw,), name="sqlite-checkpoint"
            )
            later.thread.start()


def _checkpoint(raw: Any) -> None:
    try:
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        raw.close()


def produced_apart(
    produce: Callable[..., Iterable[T]], *args: Any, apart: bool = True
) -> Iterator[T]:
    """The items of ``produce(*args)``, made in a child process while the caller stores the
    previous ones (``apart=False``: made here, in turn).

    Checking and sealing a file's rows is pure Python, and so is much of storing them: in a
    thread the two would take turns on the GIL (SQLite binds every row under it), while a second
    process has a core of its own. The child is forked, so it starts with this process's
    settings, keys and active language without importing anything; ``produce`` must not use the
    database connection it inherits. The child ends with ``os._exit`` (multiprocessing's fork
    start), so none of this process's cleanup runs twice. Items and errors come back pickled; a
    ``ValidationError`` keeps its messages and code.
    """
    if not apart:
        yield from produce(*args)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(sender, produce, args), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise RuntimeError(_failed(f"exit code {child.exitcode}")) from None
            if kind == "item":
                yield value
            elif kind == "done":
                return
            elif kind == "invalid":
                messages, code = value
                raise ValidationError(messages[0] if len(messages) == 1 else messages, code=code)
            else:
                raise RuntimeError(_failed(value))
    finally:
        if child.is_alive():  # the caller stopped early: the child may wait on a full pipe
            child.terminate()
        child.join()
        receiver.close()


def _failed(detail: str) -> str:
    """The batch's message when the second process breaks down (a fault, not the file's)."""
    return _("The process checking the file stopped with an error: %(detail)s") % {"detail": detail}


def _produce(sender: Any, produce: Callable[..., Iterable[Any]], args: tuple) -> None:
    """The child's side of ``produced_apart``: send each item, then "done" or the error."""
    try:
        for item in produce(*args):
            sender.send(("item", item))
        sender.send(("done", None))
    except ValidationError as error:
        sender.send(("invalid", (error.messages, error.code)))
    except BaseException as error:  # any other failure: its text, as the type may not pickle
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``; call inside the import's transaction."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once, not per id; one array, not a result row per id.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return sorted(cursor.fetchone()[0])
        # SQLite: the transaction holds the database's write lock (IMMEDIATE), so no other
        # writer can take these ids; AUTOINCREMENT's sqlite_sequence follows explicit ids.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
        first = cursor.fetchone()[0] + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row and row[0] >= first:
            first = row[0] + 1
    return list(range(first, first + count))


def _adapt(field: models.Field, value: Any) -> Any:
    """One value in the form the driver takes for this column."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return _as_json(json.dumps(value, ensure_ascii=False))
    if connection.vendor == "sqlite":
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
    return value


def _as_json(text: str) -> Any:
    """JSON text as the driver takes it for a JSON column: as it is on SQLite; on PostgreSQL,
    whose rows go by binary COPY, wrapped so that the driver sends it unchanged as ``jsonb``."""
    return Jsonb(text, dumps=_same) if connection.vendor == "postgresql" else text


class RowWriter:
    """Rows of ``model`` given as tuples of ``columns`` (field names); every other concrete
    field gets its default, ``auto_now``/``auto_now_add`` fields get ``now``.

    Values of ``columns`` must already be in database form: encrypted text, JSON as text, dates
    and datetimes as ``date_adapter`` and ``datetime_adapter`` give them. On PostgreSQL the rows
    go by binary COPY (``bulkload.copy_rows``): the server reads no value from text.
    """

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], *, now: datetime.datetime
    ) -> None:
        self.model = model
        given = list(columns)
        fields = {field.name: field for field in model._meta.concrete_fields}
        self.fields = [fields[name] for name in given]
        # A primary key left out is generated by the database (events).
        tail_fields = [
            field
            for field in model._meta.concrete_fields
            if field.name not in given and not field.primary_key
        ]
        tail: list[Any] = []
        for field in tail_fields:
            value = bulkload.left_out_value(field, now)
            # A column without a default, not nullable and not optional text: the rows must
            # give it ("now" is the value of an auto_now(_add) field).
            optional = field.has_default() or field.null or value is now
            if not optional and not (field.blank and isinstance(field, models.CharField)):
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            tail.append(_adapt(field, value))
        self.tail = tuple(tail)
        self.column_names = [field.column for field in self.fields + tail_fields]
        # JSON text given per row needs wrapping for binary COPY (``_as_json``); SQLite takes it.
        self.json_at = [
            i
            for i, field in enumerate(self.fields)
            if isinstance(field, models.JSONField) and connection.vendor == "postgresql"
        ]

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        json_at, tail = self.json_at, self.tail
        if json_at:  # one pass over the rows, not one per step
            rows = [_json_wrapped(row, json_at) + tail for row in rows]
        elif tail:
            rows = [row + tail for row in rows]
        bulkload.copy_rows(
            self.model, self.column_names, rows, binary=connection.vendor == "postgresql"
        )


def _json_wrapped(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = _as_json(values[i])
    return tuple(values)


def _same(value: Any) -> Any:
    return value


def date_adapter() -> Any:
    """Dates as the driver takes them: ISO text for SQLite, ``date`` objects for COPY."""
    return datetime.date.isoformat if connection.vendor == "sqlite" else _same


def datetime_adapter() -> Any:
    if connection.vendor == "sqlite":
        return connection.ops.adapt_datetimefield_value
    return _same
