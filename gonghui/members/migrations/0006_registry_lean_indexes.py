"""A leaner registry: every index a new member pays for at insert time has a reader.

- Keyed hashes and card numbers are compared for equality only: unique constraints and a plain
  index replace ``unique=True``/``db_index=True``, which on PostgreSQL also built a second
  ``varchar_pattern_ops`` index each (LIKE-only, never used, random-order for the hashes).
- The name and initials ``varchar_pattern_ops`` indexes leave the model: PostgreSQL searches
  through the "C"-collation expression indexes of 0004 and drops them here; SQLite keeps plain
  indexes of the same names for its prefix search.
- The database-specific indexes (0004, 0005, the SQLite name indexes) are not in the model state,
  so the field changes above may drop them (SQLite rebuilds the table; PostgreSQL drops every
  single-column index on a foreign key that stops being indexed): the last step makes sure
  they exist.
- The foreign-key indexes on ``membership.organisation`` and ``membershipevent.membership`` go:
  the composite indexes ``members_ms_org_state`` and ``members_event_ms_at`` lead with them.
"""

import django.db.models.deletion
from django.db import migrations, models

PATTERN_INDEXES = {"members_person_name": "name", "members_person_initials": "name_initials"}


def drop_pattern_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for index in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def restore_pattern_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for index, column in PATTERN_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON members_person ({column} varchar_pattern_ops)"
            )


def ensure_database_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS members_ms_live_org ON members_membership (organisation_id)"
            " WHERE state IN ('active', 'transferring', 'retained')"
        )
        for index, column in (
            ("members_person_name_c", "name"),
            ("members_person_initials_c", "name_initials"),
        ):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS {index} ON members_person (({column} COLLATE "C"))'
            )
    else:
        for index, column in PATTERN_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON members_person ({column})"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_live_membership_org_index"),
        ("orgs", "0002_alter_employer_options_alter_organisation_options_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="person", name="members_person_name"),
                migrations.RemoveIndex(model_name="person", name="members_person_initials"),
            ],
            database_operations=[
                migrations.RunPython(drop_pattern_indexes, restore_pattern_indexes),
            ],
        ),
        migrations.AlterField(
            model_name="membership",
            name="card_number",
            field=models.CharField(
                blank=True, max_length=20, null=True, verbose_name="card number"
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="orgs.organisation",
                verbose_name="union",
            ),
        ),
        migrations.AlterField(
            model_name="membershipevent",
            name="membership",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="members.membership",
                verbose_name="membership",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_hash",
            field=models.CharField(max_length=64, verbose_name="ID number hash"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="mobile hash"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone_hash"], name="members_person_phone_hash"),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("card_number",), name="members_ms_card_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("id_number_hash",), name="members_person_id_hash_uniq"
            ),
        ),
        migrations.RunPython(ensure_database_indexes, migrations.RunPython.noop),
    ]
