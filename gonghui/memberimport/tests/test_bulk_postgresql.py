"""Foreign keys checked per statement during an import's writes (PostgreSQL only)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.memberimport import bulk

pytestmark = pytest.mark.django_db

DANGLING_EVENT = (
    "INSERT INTO members_membershipevent (membership_id, kind, at, note, data)"
    " VALUES (2147483000, 'joined', now(), '', '{}')"
)


def test_a_broken_reference_fails_its_statement_then_checks_are_deferred_again() -> None:
    with connection.cursor() as cursor:
        with (
            pytest.raises(IntegrityError),
            transaction.atomic(),
            bulk.foreign_keys_checked_per_statement(),
        ):
            cursor.execute(DANGLING_EVENT)  # fails here, not at the commit
        with transaction.atomic():
            with bulk.foreign_keys_checked_per_statement():
                pass
            cursor.execute(DANGLING_EVENT)  # deferred again: accepted for now...
            with pytest.raises(IntegrityError):
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ...and refused at the check
            transaction.set_rollback(True)
