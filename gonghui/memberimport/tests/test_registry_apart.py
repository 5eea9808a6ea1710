"""The registry check of an import in its second process, on a connection of its own
(``services.registry.seen_apart``): only committed rows are visible there, so these tests commit.

These tests commit: conftest.py marks them ``committed`` and `make test` runs them after the
others; ``serialized_rollback`` brings the migrations' reference data back for each of them.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.core.pii import blind_index
from gonghui.memberimport import services
from gonghui.memberimport.models import ImportBatch, ImportMode, ImportStatus
from gonghui.memberimport.services import registry
from gonghui.memberimport.tests.factories import member_row, registered, xlsx_bytes
from gonghui.members.choices import MembershipState
from gonghui.members.models import Membership, Person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_second_process_checks_the_committed_registry(cast, monkeypatch):
    """Outside a transaction the second process checks the rows against the registry on a
    connection of its own (PostgreSQL here; SQLite for a file in WAL mode): a live member is
    flagged and a person who left comes back as the same registry row, as when the importing
    process checks them itself."""
    registered(cast, 1)
    left = registered(cast, 2, state=MembershipState.LEFT)
    checked_here = []
    original = registry.check_registry

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        checked_here.append(os.getpid())  # the child's calls stay in the child's copy of the list
        return original(*args, **kwargs)

    monkeypatch.setattr(registry, "check_registry", spy)
    data = xlsx_bytes([member_row(1), member_row(3), member_row(2), member_row(4)])
    apart = connection.vendor == "postgresql"  # the test database of SQLite lives in memory
    assert registry.seen_apart() is apart

    def run(mode: str) -> ImportBatch:
        return services.batch_import(
            actor=cast.xq_staff,
            organisation=cast.xq_union,
            file_name="m.xlsx",
            data=data,
            mode=mode,
        )

    failed = run(ImportMode.STRICT)
    assert failed.status == ImportStatus.FAILED
    assert [(e["row"], e["code"]) for e in failed.errors] == [(2, "already_member")]
    batch = run(ImportMode.VALID_ONLY)
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 3
    assert bool(checked_here) is not apart
    joined = Membership.objects.filter(organisation=cast.xq_union).select_related("person")
    owners = {m.person.id_number: m.person_id for m in joined}
    assert owners[member_row(2)[1]] == left.person_id
    assert Person.objects.count() == 4


def test_the_registry_check_of_a_chunk_on_another_connection(cast):
    """``checked_chunks(registry=True)`` (what the second process runs) on a connection of its
    own, in this process: the registry's committed rows are what it checks against."""
    registered(cast, 1)
    left = registered(cast, 2, state=MembershipState.LEFT)
    data = xlsx_bytes([member_row(1), member_row(2), member_row(3)])
    (chunk,) = services.checked_chunks("m.xlsx", data, timezone.localdate(), True)
    assert [(e.row, e.code) for e in chunk.parsed.errors] == [(2, "already_member")]
    assert chunk.rows == [3, 4]
    assert chunk.returning == {blind_index("id", member_row(2)[1]): left.person_id}
    (unchecked,) = services.checked_chunks("m.xlsx", data, timezone.localdate())
    assert unchecked.returning is None and unchecked.rows == [2, 3, 4]
