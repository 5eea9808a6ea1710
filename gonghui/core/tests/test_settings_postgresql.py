"""PostgreSQL connections prepare the statements they repeat (collected on PostgreSQL only)."""

from __future__ import annotations

import pytest
from django.db import connection

from gonghui.core import inserts
from gonghui.core.models import ChangeRecord

pytestmark = pytest.mark.django_db


def test_repeated_insert_is_prepared_on_the_server() -> None:
    for i in range(6):
        inserts.insert(ChangeRecord(action="create", object_type="x", object_id=str(i)))
    raw = connection.connection
    assert raw.prepare_threshold == 5 and type(raw.cursor()).__name__ == "ServerBindingCursor"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("INSERT INTO" in sql and "core_changerecord" in sql for sql in prepared)
