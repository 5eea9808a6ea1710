"""Bulk loads: indexes and foreign keys off during the load, back exactly as migrated afterwards.

The PostgreSQL tests run on the real migrated tables of the registry, appeals and stations, with
their partial, expression and database-specific (RunSQL) indexes, unique constraints and
deferred foreign keys.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from gonghui.core import bulkload
from gonghui.core.models import Counter

pytestmark = pytest.mark.django_db

TABLES = [
    "members_person",
    "members_membership",
    "members_membershipevent",
    "appeals_appeal",
    "appeals_appealevent",
    "stations_stationdailycount",
]


def test_copy_rows_inserts_on_either_backend() -> None:
    bulkload.copy_rows(Counter, ["key", "value"], [("bulk:a", 3), ("bulk:b", 5)])
    assert dict(Counter.objects.filter(key__startswith="bulk:").values_list("key", "value")) == {
        "bulk:a": 3,
        "bulk:b": 5,
    }


def test_sqlite_keeps_everything_postgresql_strips() -> None:
    """On SQLite the helper does nothing (PostgreSQL: test_bulkload_postgresql.py)."""
    if connection.vendor != "sqlite":
        # PostgreSQL strips the registry's person table, restored in test_bulkload_postgresql.
        with transaction.atomic(), bulkload.indexes_dropped("members_person") as stripped:
            assert stripped == ["members_person"]
        return

    def indexes() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master ORDER BY name")
            return cursor.fetchall()

    before = indexes()
    with transaction.atomic(), bulkload.indexes_dropped("members_person") as stripped:
        assert stripped == []
        assert indexes() == before


def test_needs_a_transaction(monkeypatch) -> None:
    outside = SimpleNamespace(vendor="postgresql", in_atomic_block=False)
    monkeypatch.setattr(bulkload, "connection", outside)
    with pytest.raises(RuntimeError), bulkload.indexes_dropped("members_person"):
        pass
