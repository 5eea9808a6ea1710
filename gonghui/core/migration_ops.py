"""Data steps that several apps' migrations share."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The hex digests written before blind indexes became 16 raw bytes (core.pii.blind_index).
_HEX_DIGEST_CHARS = 64
_KEPT_HEX_CHARS = 32


def _from_hex_digest(value: Any) -> Any:
    """A stored hex digest → its first 16 bytes; empty → ``b""``; anything else unchanged."""
    if isinstance(value, bytes | memoryview):
        value = bytes(value)
        if len(value) != _HEX_DIGEST_CHARS:
            return value
        value = value.decode("ascii")
    if value is None:
        return None
    if value == "":
        return b""
    return bytes.fromhex(value[:_KEPT_HEX_CHARS])


def blind_indexes_to_bytes(table: str, *columns: str) -> migrations.RunPython:
    """Convert blind-index columns from 64-character hex text to 16 raw bytes, in place.

    Runs after the ``AlterField`` to ``BlindIndexField``: on PostgreSQL that left the hex text as
    its ASCII bytes (``::bytea``), on SQLite the text itself; the first 128 bits of the digest
    are exactly what ``blind_index`` computes now, so no value has to be decrypted. One
    ``UPDATE`` per column (SQLite through a Python function registered for it). Irreversible:
    the dropped half of each digest cannot be recomputed without the plaintext.
    """

    def forwards(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for column in columns:
                name = quote(column)
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {name} ="  # noqa: S608 - names from code
                        f" decode(substr(convert_from({name}, 'UTF8'), 1, {_KEPT_HEX_CHARS}),"
                        f" 'hex') WHERE length({name}) = {_HEX_DIGEST_CHARS}"
                    )
                else:
                    connection.connection.create_function(
                        "gonghui_from_hex_digest", 1, _from_hex_digest, deterministic=True
                    )
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {name} = gonghui_from_hex_digest({name})"  # noqa: S608
                    )

    return migrations.RunPython(forwards, elidable=False)
