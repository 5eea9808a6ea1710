"""One row in, with its INSERT statement built once per model instead of once per row.

``Model.save()`` and ``objects.create()`` compile their INSERT anew for every call: resolving
every field's column, quoting names and running the SQL compiler takes longer than the database
takes to store the row. The rows written on the hottest paths (an appeal's intake, its timeline
events, every audit record) go through ``insert`` instead: the statement text is built once per
model and connection vendor, and each call only converts the instance's values, with the same
``pre_save`` (``auto_now_add``) and ``get_db_prep_save`` (JSON, dates, encrypted fields) that
``save()`` uses. With PostgreSQL's server-side binding the unchanged text also lets psycopg prepare
the statement once per connection.

``insert_with`` writes a row together with the rows that point at it (an appeal, its first
timeline event and its audit record). On PostgreSQL that is one statement, a ``WITH`` of INSERTs,
so the server is asked once instead of once per row: the parent's key is taken beforehand from its
own sequence, in blocks per process (``KEY_BLOCK``), so the children can carry it. Elsewhere the
rows are inserted one by one, the parent first.

What it does not do, by design: send ``pre_save``/``post_save`` signals (the platform has no
receivers on these models; ``tests`` check it) or update an existing row.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router, transaction

M = TypeVar("M", bound=models.Model)

KEY_BLOCK = 20
_keys: dict[tuple[type[models.Model], str], list[int]] = {}
_keys_lock = threading.Lock()


@functools.cache
def _statement(
    model: type[models.Model], alias: str, with_key: bool = False
) -> tuple[str, tuple[Any, ...], bool]:
    """The INSERT for ``model``, the fields whose values it takes in order, and whether the
    database makes the primary key (then the statement returns it). ``with_key``: the caller
    supplies the key (one reserved from the sequence)."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    made_by_database = not with_key and bool(getattr(meta.pk, "db_returning", False))
    fields = tuple(
        field for field in meta.concrete_fields if not (made_by_database and field is meta.pk)
    )
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 - names from the model
    if made_by_database:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields, made_by_database


def insert(obj: M) -> M:
    """Store the new ``obj`` (no primary key yet) and set its primary key, like ``save()`` would.

    Runs in the caller's transaction; an IntegrityError (a unique key already taken) propagates
    the same way as from ``save()``.
    """
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    sql, fields, returns_pk = _statement(model, alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(obj, fields, connection))
        _stored(obj, alias, cursor.fetchone()[0] if returns_pk else obj.pk)
    return obj


def _values(obj: models.Model, fields: tuple[Any, ...], connection: Any) -> list[Any]:
    """The row's values as ``save()`` sends them (``pre_save`` for auto_now_add, then the
    field's own conversion: JSON, dates, encryption)."""
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def _stored(obj: models.Model, alias: str, key: Any) -> None:
    obj.pk = key
    obj._state.adding = False
    obj._state.db = alias


def insert_with(parent: M, children_of: Callable[[M], Sequence[models.Model]]) -> M:
    """Store the new ``parent`` and the new rows ``children_of(parent)`` builds once the parent
    has its key, all or none; their keys are set like ``insert`` sets them."""
    model = type(parent)
    alias = router.db_for_write(model, instance=parent)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not getattr(model._meta.pk, "db_returning", False):
        with transaction.atomic(using=alias, savepoint=False):
            insert(parent)
            for child in children_of(parent):
                insert(child)
        return parent
    parent.pk = _reserved_key(model, alias)
    children = list(children_of(parent))
    rows: list[models.Model] = [parent, *children]
    parts: list[str] = []
    params: list[Any] = []
    for i, obj in enumerate(rows):
        sql, fields, _returns = _statement(type(obj), alias, with_key=obj is parent)
        parts.append(f"r{i} AS ({sql})")
        params += _values(obj, fields, connection)
    # The children's generated keys, as one row.
    generated = ", ".join(f"(SELECT * FROM r{i})" for i in range(1, len(children) + 1)) or "1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {generated}", params)
        row = cursor.fetchone()
    _stored(parent, alias, parent.pk)
    # ``row`` is "1" alone when there are no children.
    for child, key in zip(children, row, strict=False):
        _stored(child, alias, key)
    return parent


def _reserved_key(model: type[models.Model], alias: str) -> int:
    """A fresh primary key for ``model`` from its sequence, reserved ``KEY_BLOCK`` at a time
    (unused ones are skipped, as a rolled-back insert skips one)."""
    with _keys_lock:
        free = _keys.setdefault((model, alias), [])
        if not free:
            meta = model._meta
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, KEY_BLOCK],
                )
                free.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
        return free.pop()


def highest_key_taken(model: type[models.Model]) -> int:
    """The highest primary key in use or handed out: a bulk writer that numbers rows itself
    starts above it, so it never collides with keys a running process has reserved."""
    meta = model._meta
    highest = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s))",
                [meta.db_table, meta.pk.column],
            )
            highest = max(highest, cursor.fetchone()[0] or 0)
    return int(highest)
