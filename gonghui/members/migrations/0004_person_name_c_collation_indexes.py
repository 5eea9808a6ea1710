"""PostgreSQL only: indexes on name and pinyin initials in the "C" collation, so a prefix search
is both filtered and ordered by one index (the varchar_pattern_ops indexes give the LIKE range
but not the ORDER BY of the database's collation). SQLite compares in binary order already."""

from django.db import migrations

INDEXES = {
    "members_person_name_c": "name",
    "members_person_initials_c": "name_initials",
}


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {index} ON members_person (({column} COLLATE "C"))'
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_timestamp_labels")]

    operations = [migrations.RunPython(create, drop)]
