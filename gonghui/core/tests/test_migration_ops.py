"""The migration step that turns stored hex digests into the 16-byte blind indexes."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core import pii
from gonghui.core.migration_ops import blind_indexes_to_bytes

pytestmark = pytest.mark.django_db


def _old_blind_index(kind: str, value: str) -> str:
    """What ``blind_index`` stored before: the whole HMAC-SHA256 as hex text."""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.GONGHUI_PII_HASH_KEY, message, hashlib.sha256).hexdigest()


def test_stored_hex_digests_become_todays_blind_indexes() -> None:
    old = [_old_blind_index("phone", "13812345678"), _old_blind_index("id", "640102199001011234")]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # The column as the AlterField leaves it: bytea holding the ASCII of the hex text on
        # PostgreSQL, the text itself on SQLite.
        cursor.execute(
            f"CREATE TEMPORARY TABLE legacy (id integer, h {'bytea' if postgres else 'blob'})"
        )
        cursor.executemany(
            "INSERT INTO legacy (id, h) VALUES (%s, %s)",
            [
                (1, old[0].encode() if postgres else old[0]),
                (2, old[1].encode() if postgres else old[1]),
                (3, b"" if postgres else ""),
            ],
        )
        blind_indexes_to_bytes("legacy", "h").code(None, connection.schema_editor())
        cursor.execute("SELECT h FROM legacy ORDER BY id")
        stored = [bytes(row[0]) for row in cursor.fetchall()]
        cursor.execute("DROP TABLE legacy")
    assert stored == [
        pii.blind_index("phone", "13812345678"),
        pii.blind_index("id", "640102199001011234"),
        b"",
    ]
