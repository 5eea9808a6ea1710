"""Migration 0002 turns a batch's link rows into id runs on the batch. Collected only on
PostgreSQL (conftest.py), where schema changes run inside the test's transaction."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

BEFORE = [("memberimport", "0001_initial")]
AFTER = [("memberimport", "0002_batch_id_runs")]


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The registry stays as migrated: its models as they are now, the import's as in targets.
    members = executor.loader.graph.leaf_nodes("members")
    return executor.loader.project_state([*targets, *members]).apps


def test_links_become_id_runs_of_memberships_and_created_people(cast) -> None:
    old = _migrate(BEFORE)
    Person = old.get_model("members", "Person")
    Membership = old.get_model("members", "Membership")
    ImportBatch = old.get_model("memberimport", "ImportBatch")
    ImportedMembership = old.get_model("memberimport", "ImportedMembership")
    batch = ImportBatch.objects.create(
        file_name="a.xlsx", file_sha256="0" * 64, file_sealed=b"", organisation_id=cast.xq_union.pk
    )
    other = ImportBatch.objects.create(
        file_name="b.xlsx", file_sha256="1" * 64, file_sealed=b"", organisation_id=cast.xq_union.pk
    )
    memberships = []
    for n in range(4):
        person = Person.objects.create(
            name=f"张{n}",
            id_number="x",
            id_number_hash=bytes([n]) * 16,
            sex="M",
            birth_date=datetime.date(1990, 1, 1),
            id_division_code="640104",
        )
        memberships.append(
            Membership.objects.create(
                person=person,
                organisation_id=cast.xq_union.pk,
                card_number=f"C{n}",
                joined_on=datetime.date(2026, 1, 5),
            )
        )
    for n, membership in enumerate(memberships):
        if n != 2:  # the third one belongs to nobody's batch
            ImportedMembership.objects.create(
                batch=batch, membership=membership, person_created=n != 1
            )

    with connection.cursor() as cursor:  # ALTER TABLE needs the deferred key checks done
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = _migrate(AFTER)
    batches = new.get_model("memberimport", "ImportBatch").objects
    migrated = batches.get(pk=batch.pk)
    first = memberships[0].pk
    assert migrated.membership_ids == [[first, first + 1], [first + 3, first + 3]]
    people = [m.person_id for m in memberships]
    assert migrated.person_ids == [[people[0], people[0]], [people[3], people[3]]]
    assert batches.get(pk=other.pk).membership_ids == []
