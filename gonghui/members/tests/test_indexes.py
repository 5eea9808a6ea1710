"""The registry's indexes: each one a reader needs, none that only slows every insert."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        return dict(cursor.fetchall())


def test_search_indexes_exist_per_database() -> None:
    person = _indexes("members_person")
    if connection.vendor == "postgresql":
        assert {"members_person_name_c", "members_person_initials_c"} <= person.keys()
        assert "members_ms_live_org" in _indexes("members_membership")
    else:
        assert {"members_person_name", "members_person_initials"} <= person.keys()
    assert "members_person_phone_hash" in person


@pytest.mark.parametrize(
    "table", ["members_person", "members_membership", "members_membershipevent"]
)
def test_no_like_only_or_shadowed_indexes(table: str) -> None:
    """No ``varchar_pattern_ops`` index (the searches use the "C" collation) and no foreign-key
    index whose column already leads a composite index."""
    indexes = _indexes(table)
    assert not [name for name, sql in indexes.items() if "pattern_ops" in sql]
    assert "members_membership_organisation_id_4433936f" not in indexes
    assert "members_membershipevent_membership_id_861a0508" not in indexes
