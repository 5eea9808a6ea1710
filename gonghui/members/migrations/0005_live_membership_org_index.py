"""PostgreSQL only: a partial index of the live memberships' organisation, for ``member_count``.

Counting the members under an organisation reads every live membership's entry of the subtree's
organisations; this index holds only those entries (the live states, no state column to test),
so the count is one index-only scan over the subtree's organisation ids (about 40 % faster than
the (organisation, state) index at Ningxia scale, see bench/RESULTS.md). SQLite already counts
in ~30 ms from the (organisation, state) index and is spared the extra insert cost.
The states are those of ``members.choices.LIVE_STATES``; the selector's filter must match them.
"""

from django.db import migrations

INDEX = "members_ms_live_org"
LIVE_STATES = ("active", "transferring", "retained")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    states = ", ".join(f"'{state}'" for state in LIVE_STATES)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_membership (organisation_id)"
        f" WHERE state IN ({states})"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0004_person_name_c_collation_indexes")]

    operations = [migrations.RunPython(create, drop)]
