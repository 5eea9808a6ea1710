"""Bulk loads into PostgreSQL the standard way: secondary indexes and foreign keys off meanwhile.

PostgreSQL's "Populating a Database" advice: building an index once over all the loaded rows (one
sort) is far cheaper than inserting every row into it at a random place, and checking a foreign
key once (one join) far cheaper than one deferred trigger per row. ``indexes_dropped`` does that
around a load::

    with transaction.atomic(), bulkload.indexes_dropped(Person, Membership):
        ...COPY...

- PostgreSQL only; on SQLite it does nothing.
- Only for tables that are empty or nearly so (at most ``max_existing_rows`` rows, counted up to
  that limit): on a table that already holds more, the load pays for its indexes row by row as
  usual, because rebuilding them over the existing rows would cost more than it saves. Rows
  already in the table are covered either way: the indexes are rebuilt over the whole table and
  the foreign keys re-checked for every row.
- Must run inside a transaction (``transaction.atomic``): the DDL is transactional, so an error
  anywhere, in the load or in re-creating a unique index over duplicate rows, rolls everything
  back, indexes and constraints included (when the block raises, nothing is put back: the
  enclosing atomic block must end there). The tables stay locked (ACCESS EXCLUSIVE) until the
  transaction ends, which is right for a seed or a restore, not for a table in live use.
- What is dropped and re-created comes from the catalog (``pg_get_indexdef``,
  ``pg_get_constraintdef``), read just before dropping, so it is exactly what the migrations
  built, database-specific ``RunSQL`` indexes included. Each statement is first tried on the
  (nearly empty) table inside a savepoint; where PostgreSQL's printed definition does not parse
  back into the very same one (some partial-index predicates), the model's own DDL from the
  schema editor is tried instead, and an index that neither gives back identically is left in
  place. After the load the catalog is compared with the saved copy and any difference raises.
  Primary keys and CHECK constraints stay (ids arrive in order, and other tables' foreign keys
  need the keys), and so does any unique index a foreign key points at.
- Indexes are rebuilt with ``maintenance_work_mem`` raised for the transaction (512 MB by default)
  so each one sorts in memory; the previous value is put back afterwards.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

MAX_EXISTING_ROWS = 10_000
MAINTENANCE_WORK_MEM = "512MB"


@dataclass(frozen=True)
class _Piece:
    """One index or constraint taken off a table, with the statements to drop and re-create it."""

    table: str
    name: str
    drop: str
    create: str
    foreign_key: bool = False


def left_out_value(field: models.Field, now: datetime.datetime) -> Any:
    """What a bulk insert stores for a column its rows leave out, as ``bulk_create`` would:
    "now" for ``auto_now``/``auto_now_add`` fields, else the field's default (Django's
    ``get_default``: "" for text, None for a nullable field without one). The import's and the
    seeders' bulk writers share it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    binary: bool = False,
) -> None:
    """Insert rows of ``columns`` values as fast as the database allows: ``COPY`` on PostgreSQL,
    one ``executemany`` on SQLite. Values must already be what the driver takes (no field
    conversion happens here).

    ``binary``: PostgreSQL's binary COPY, which spares the server reading every value from text
    (timestamps and dates cost it the most). Each value must then be of a Python type the driver
    writes for its column's type: a ``date`` for a date column, JSON wrapped in ``Jsonb``.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _column_types(cursor, table, columns) if binary else []
            options = " (FORMAT BINARY)" if binary else ""
            # The driver's own cursor: wrap its errors into Django's (IntegrityError...).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN{options}") as copy,
            ):
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model's metadata, never from input.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))


def _column_types(cursor: Any, table: str, columns: Sequence[str]) -> list[int]:
    """The type of each of ``columns`` as the table declares it (binary COPY must name them)."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def catalog(tables: Sequence[str]) -> list[tuple[str, ...]]:
    """The indexes and constraints of ``tables`` as PostgreSQL describes them, sorted: what
    ``indexes_dropped`` must leave exactly as it found it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', c.relname, i.relname, pg_get_indexdef(i.oid) "
            "FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = ANY(%s::regclass[]) "
            "UNION ALL "
            "SELECT 'constraint', c.relname, k.conname, pg_get_constraintdef(k.oid) "
            "|| CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END "
            "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2, 3",
            [list(tables), list(tables)],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _existing_rows(cursor: Any, table: str, limit: int) -> int:
    quote = connection.ops.quote_name
    # The table name comes from a model's metadata, never from input.
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {quote(table)} LIMIT %s) AS t",  # noqa: S608
        [limit + 1],
    )
    return int(cursor.fetchone()[0])


def _model_sql(model: type[models.Model] | None, name: str) -> list[str]:
    """The schema editor's statement for the model index or constraint called ``name``, if the
    model declares one: a second way to re-create it when the catalog's text does not give back
    the very same definition (PostgreSQL prints some partial-index predicates in a form that
    parses into a different, equivalent expression)."""
    if model is None:
        return []
    with connection.schema_editor(atomic=False, collect_sql=True) as editor:
        for item in [*model._meta.indexes, *model._meta.constraints]:
            if item.name == name:
                return [str(item.create_sql(model, editor))]
    return []


def _pieces(cursor: Any, table: str, model: type[models.Model] | None) -> list[_Piece]:
    """Foreign keys, then unique/exclusion constraints, then the other secondary indexes of
    ``table``, each with the candidate statements that would re-create it."""
    quote = connection.ops.quote_name
    alter = f"ALTER TABLE {quote(table)}"
    pieces: list[_Piece] = []
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' AND convalidated ORDER BY conname",
        [table],
    )
    for name, definition in cursor.fetchall():
        drop = f"{alter} DROP CONSTRAINT {quote(name)}"
        create = f"{alter} ADD CONSTRAINT {quote(name)} {definition}"
        pieces.append(_Piece(table, name, drop, create, foreign_key=True))
    # The primary key stays, and so does any index a foreign key (of any table) points at.
    cursor.execute(
        "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "WHERE k.conrelid = %s::regclass AND k.contype IN ('u', 'x') "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
        "                WHERE f.contype = 'f' AND f.conindid = k.conindid) "
        "ORDER BY k.conname",
        [table],
    )
    for name, definition in cursor.fetchall():
        drop = f"{alter} DROP CONSTRAINT {quote(name)}"
        for create in [
            f"{alter} ADD CONSTRAINT {quote(name)} {definition}",
            *_model_sql(model, name),
        ]:
            pieces.append(_Piece(table, name, drop, create))
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
        "ORDER BY i.relname",
        [table],
    )
    for name, definition in cursor.fetchall():
        drop = f"DROP INDEX {quote(name)}"
        for create in [definition, *_model_sql(model, name)]:
            pieces.append(_Piece(table, name, drop, create))
    return pieces


def _round_trips(cursor: Any, piece: _Piece) -> bool:
    """Whether dropping ``piece`` and running its ``create`` statement gives back the very same
    catalog entries. Tried on the (nearly empty) table inside a savepoint, so it costs little and
    leaves the table as it was."""
    before = catalog([piece.table])
    savepoint = transaction.savepoint()
    try:
        cursor.execute(piece.drop)
        cursor.execute(piece.create)
        same = catalog([piece.table]) == before
    except DatabaseError:
        same = False
    transaction.savepoint_rollback(savepoint)
    return same


@contextlib.contextmanager
def indexes_dropped(
    *tables: type[models.Model] | str,
    max_existing_rows: int = MAX_EXISTING_ROWS,
    maintenance_work_mem: str = MAINTENANCE_WORK_MEM,
) -> Iterator[list[str]]:
    """Drop the secondary indexes, unique constraints and foreign keys of ``tables`` (models or
    table names) for the duration of the block and re-create them afterwards, exactly as they
    were. Yields the names of the tables it stripped (none on SQLite, none that held more than
    ``max_existing_rows`` rows). An index or constraint that no known statement re-creates
    identically stays in place."""
    if connection.vendor != "postgresql":
        yield []
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_dropped() must run inside transaction.atomic()")
    known = {m._meta.db_table: m for m in apps.get_models()}
    models_by_table = {
        (t if isinstance(t, str) else t._meta.db_table): (known.get(t) if isinstance(t, str) else t)
        for t in tables
    }
    with connection.cursor() as cursor:
        stripped = [
            t
            for t in models_by_table
            if _existing_rows(cursor, t, max_existing_rows) <= max_existing_rows
        ]
    if not stripped:
        yield []
        return
    before = catalog(stripped)
    chosen: list[_Piece] = []
    with connection.cursor() as cursor:
        # Deferred checks still pending (rows inserted earlier in this transaction) would block
        # ALTER TABLE on the tables they touch: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in stripped:
            done: set[str] = set()
            for piece in _pieces(cursor, table, models_by_table[table]):
                if piece.name not in done and _round_trips(cursor, piece):
                    chosen.append(piece)
                    done.add(piece.name)
        for piece in chosen:
            cursor.execute(piece.drop)
        _restore_deferral(cursor)

    yield stripped

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        previous = cursor.fetchone()[0]
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)", [maintenance_work_mem]
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Indexes first: a foreign key between two loaded tables may need a unique one.
        for piece in [p for p in chosen if not p.foreign_key] + [
            p for p in chosen if p.foreign_key
        ]:
            cursor.execute(piece.create)
        _restore_deferral(cursor)
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [previous])
    after = catalog(stripped)
    if after != before:
        missing = sorted(set(before) - set(after))
        extra = sorted(set(after) - set(before))
        raise RuntimeError(f"indexes_dropped: catalog differs; missing {missing}, extra {extra}")


def _restore_deferral(cursor: Any) -> None:
    """Back to each constraint's declared timing after ``SET CONSTRAINTS ALL IMMEDIATE``:
    Django declares its foreign keys DEFERRABLE INITIALLY DEFERRED."""
    run = cursor.execute
    run("SET CONSTRAINTS ALL DEFERRED")
    run(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(k.conname) FROM pg_constraint k "
        "JOIN pg_namespace n ON n.oid = k.connamespace "
        "WHERE k.condeferrable AND NOT k.condeferred AND n.nspname = ANY(current_schemas(false))"
    )
    immediate = [row[0] for row in cursor.fetchall()]
    if immediate:
        run(f"SET CONSTRAINTS {', '.join(immediate)} IMMEDIATE")
