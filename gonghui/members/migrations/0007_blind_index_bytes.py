"""Blind indexes become 16 raw bytes (core.pii.blind_index): the first 128 bits of the same
HMAC-SHA256, so the stored values are converted in place, nothing decrypted.

SQLite rebuilds the person table for the new column type, which drops the name and initials
indexes that live outside the model state (0006): the last step puts them back."""

import importlib

from django.db import migrations

import gonghui.core.pii
from gonghui.core.migration_ops import blind_indexes_to_bytes

LEAN_INDEXES = importlib.import_module("gonghui.members.migrations.0006_registry_lean_indexes")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_registry_lean_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="joinapplication",
            name="id_number_hash",
            field=gonghui.core.pii.BlindIndexField(
                db_index=True, max_length=16, verbose_name="ID number hash"
            ),
        ),
        migrations.AlterField(
            model_name="joinapplication",
            name="phone_hash",
            field=gonghui.core.pii.BlindIndexField(max_length=16, verbose_name="mobile hash"),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_hash",
            field=gonghui.core.pii.BlindIndexField(max_length=16, verbose_name="ID number hash"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone_hash",
            field=gonghui.core.pii.BlindIndexField(
                blank=True, default=b"", max_length=16, verbose_name="mobile hash"
            ),
        ),
        blind_indexes_to_bytes("members_joinapplication", "id_number_hash", "phone_hash"),
        blind_indexes_to_bytes("members_person", "id_number_hash", "phone_hash"),
        migrations.RunPython(LEAN_INDEXES.ensure_database_indexes, migrations.RunPython.noop),
    ]
