"""Bulk loads on PostgreSQL: indexes and foreign keys off during the load, back exactly as
migrated afterwards, on the real migrated tables of the registry, appeals and stations with their
partial, expression and database-specific (RunSQL) indexes, unique constraints and deferred
foreign keys. Collected only on PostgreSQL (conftest.py); on SQLite the helper is a no-op,
checked in test_bulkload.py.
"""

from __future__ import annotations

import random

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.core import bulkload
from gonghui.core.tests.test_bulkload import TABLES

pytestmark = pytest.mark.django_db


def _person(id_hash: bytes) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_person (created_at, updated_at, name, name_initials, id_number, "
            "id_number_hash, sex, birth_date, id_division_code, ethnicity, phone, phone_hash, "
            "education) VALUES (now(), now(), '张三', 'zs', '', %s, 'M', '1990-01-01', "
            "'640104', '', '', ''::bytea, '')",
            [id_hash],
        )


def _names(tables: list[str]) -> set[str]:
    return {name for _kind, _table, name, _definition in bulkload.catalog(tables)}


def test_drops_secondary_indexes_and_keys_and_restores_them_exactly() -> None:
    from gonghui.members.models import Person

    before = bulkload.catalog(TABLES)
    with bulkload.indexes_dropped(*TABLES) as stripped:
        assert stripped == TABLES
        during = _names(TABLES)
        _person(b"h1")
    # Primary keys and CHECK constraints stay; secondary indexes, unique constraints and foreign
    # keys go (the partial unique index through the model's own SQL).
    assert "members_person_pkey" in during
    assert "stations_stationdailycount_count_check" in during
    for gone in (
        "members_person_id_hash_uniq",
        "members_person_phone_hash",
        "members_person_name_c",
        "members_one_live_membership",
        "members_ms_org_state",
        "members_membership_person_id_12ff447c_fk_members_person_id",
        "appeals_kpi_idx",
        "appeals_number_uniq",
        "station_daily_count_unique",
    ):
        assert gone not in during
    assert bulkload.catalog(TABLES) == before
    # and the indexes work on the row loaded meanwhile
    assert Person.objects.get(id_number_hash=b"h1").name == "张三"


def test_what_cannot_be_recreated_identically_stays() -> None:
    # members_ms_live_org (a RunSQL index, not in the model) has a predicate that PostgreSQL
    # prints in a form that parses back into a different expression: it is never dropped.
    with bulkload.indexes_dropped("members_membership"):
        assert "members_ms_live_org" in _names(["members_membership"])


def test_rows_loaded_meanwhile_are_checked_when_everything_returns() -> None:
    before = bulkload.catalog(TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1000 FROM members_person")
        missing_person = cursor.fetchone()[0]
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulkload.indexes_dropped("members_membership"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO members_membership (created_at, updated_at, person_id, "
            "organisation_id, occupation, employment_type, state, retained_reason, joined_on) "
            "SELECT now(), now(), %s, id, '', '', 'left', '', current_date "
            "FROM orgs_organisation LIMIT 1",
            [missing_person],
        )
        if not cursor.rowcount:  # no organisation: the foreign key on it fails just as well
            cursor.execute(
                "INSERT INTO members_membership (created_at, updated_at, person_id, "
                "organisation_id, occupation, employment_type, state, retained_reason, "
                "joined_on) VALUES (now(), now(), %s, -1, '', '', 'left', '', current_date)",
                [missing_person],
            )
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulkload.indexes_dropped("members_person"),
    ):
        _person(b"dup")  # twice: the unique keyed hash is rebuilt over duplicates
        _person(b"dup")
    assert bulkload.catalog(TABLES) == before


def test_tables_that_hold_rows_are_left_alone() -> None:
    _person(b"h2")
    before = bulkload.catalog(["members_person"])
    with bulkload.indexes_dropped(
        "members_person", "members_membershipevent", max_existing_rows=0
    ) as stripped:
        assert stripped == ["members_membershipevent"]
        assert bulkload.catalog(["members_person"]) == before


def test_pending_deferred_checks_do_not_get_in_the_way(cast) -> None:
    """A membership inserted earlier in the transaction leaves deferred foreign-key checks
    pending on its table; dropping the events' key to it must still work."""
    from gonghui.members.tests.factories import make_member

    make_member(cast.xq_union)
    with connection.cursor() as cursor:
        cursor.execute("SHOW maintenance_work_mem")
        work_mem = cursor.fetchone()[0]
    with bulkload.indexes_dropped("members_membershipevent") as stripped:
        assert stripped == ["members_membershipevent"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW maintenance_work_mem")
        assert cursor.fetchone()[0] == work_mem
        # the foreign keys are back to DEFERRABLE INITIALLY DEFERRED: a dangling id is accepted
        # until commit (here: until the savepoint ends)
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(
                "INSERT INTO members_membershipevent (membership_id, kind, at, note, data) "
                "VALUES (-1, 'joined', now(), '', '{}')"
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_small_seed_leaves_the_schema_as_migrated() -> None:
    """The seeders that load through ``indexes_dropped`` (registry, stations, appeals)."""
    from gonghui.accounts import seed as accounts_seed
    from gonghui.appeals import seed as appeals_seed
    from gonghui.core.management.commands.seed_demo import World
    from gonghui.members import seed as members_seed
    from gonghui.orgs import seed as orgs_seed
    from gonghui.stations import seed as stations_seed

    tables = [*TABLES, "stations_stationvisit"]
    before = bulkload.catalog(tables)
    world = World(scale="small", rng=random.Random(2026))
    for module in (orgs_seed, accounts_seed, members_seed, stations_seed, appeals_seed):
        module.seed(world)
    assert bulkload.catalog(tables) == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_membershipevent")
        assert cursor.fetchone()[0] > 0
