"""One row in, with its INSERT statement built once per model instead of once per row.

``Model.save()`` and ``objects.create()`` compile their INSERT anew for every call: resolving
every field's column, quoting names and running the SQL compiler takes longer than the database
takes to store the row. The rows written on the hottest paths (an appeal's intake, its timeline
events, every audit record) go through ``insert`` instead: the statement text is built once per
model and connection vendor, and each call only converts the instance's values, with the same
``pre_save`` (``auto_now_add``) and ``get_db_prep_save`` (JSON, dates, encrypted fields) that
``save()`` uses. With PostgreSQL's server-side binding the unchanged text also lets psycopg prepare
the statement once per connection.

What it does not do, by design: send ``pre_save``/``post_save`` signals (the platform has no
receivers on these models; ``tests`` check it) or update an existing row.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


@functools.cache
def _statement(model: type[models.Model], alias: str) -> tuple[str, tuple[Any, ...], bool]:
    """The INSERT for ``model``, the fields whose values it takes in order, and whether the
    database makes the primary key (then the statement returns it)."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    made_by_database = bool(getattr(meta.pk, "db_returning", False))  # auto-increment ids
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
    params: list[Any] = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returns_pk:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = alias
    return obj
