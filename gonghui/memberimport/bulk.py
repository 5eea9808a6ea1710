"""Fast inserts for the 100k-row path: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Django's ``bulk_create`` spends ~100 µs per object in its SQL compiler (and splits SQLite inserts
into batches of ~80 rows to stay under the parameter limit): 300k objects take ~30 s, far from
the issue's figure. These helpers write the same rows in the database's bulk form. Columns and
defaults come from the model's own fields, so a field the registry adds later with a default is
filled in; ids are reserved up front (SQLite: the write lock is held by the IMMEDIATE
transaction; PostgreSQL: ``nextval`` of the table's sequence) so child rows can point at them.
The platform runs on these two databases only (DESIGN §2).
"""

from __future__ import annotations

import datetime
import json
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, models

from gonghui.core import bulkload

T = TypeVar("T")
_DONE = object()


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


def built_ahead(items: Iterable[T], *, background: bool | None = None) -> Iterator[T]:
    """``items``, each one built in a background thread while the caller writes the previous.

    On PostgreSQL a COPY returns when the server has stored and indexed its rows, on the other
    core; building the next chunk meanwhile (encryption, keyed hashes, tuples) overlaps the two.
    On SQLite the writes run in this process and would only fight the thread for the GIL, so
    the items come in order without a thread (``background`` overrides the choice). ``items``
    must not use the database connection.
    """
    if background is None:
        background = connection.vendor == "postgresql"
    if not background:
        yield from items
        return
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: Any) -> bool:
        """Hand ``item`` over unless the caller has stopped reading."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def build() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(_DONE)
        except BaseException as error:  # re-raised in the caller's thread
            offer(error)

    builder = threading.Thread(target=build, name="import-builder", daemon=True)
    builder.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        builder.join()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``; call inside the import's transaction."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
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
        return json.dumps(value, ensure_ascii=False)
    if connection.vendor == "sqlite":
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
    return value


class RowWriter:
    """Rows of ``model`` given as tuples of ``columns`` (field names, pk first); every other
    concrete field gets its default, ``auto_now``/``auto_now_add`` fields get ``now``.

    Values of ``columns`` must already be in database form (``prepare`` helps: encrypted text,
    JSON dumped, dates as the driver wants them).
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
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value: Any = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif getattr(field, "blank", False) and isinstance(field, models.CharField):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            tail.append(_adapt(field, value))
        self.tail = tuple(tail)
        self.column_names = [field.column for field in self.fields + tail_fields]

    def write(self, rows: list[tuple]) -> None:
        if rows:
            tail = self.tail
            bulkload.copy_rows(
                self.model, self.column_names, [row + tail for row in rows] if tail else rows
            )


def _same(value: Any) -> Any:
    return value


def date_adapter() -> Any:
    """Dates as the driver takes them: ISO text for SQLite, ``date`` objects for COPY."""
    return datetime.date.isoformat if connection.vendor == "sqlite" else _same


def datetime_adapter() -> Any:
    if connection.vendor == "sqlite":
        return connection.ops.adapt_datetimefield_value
    return _same
