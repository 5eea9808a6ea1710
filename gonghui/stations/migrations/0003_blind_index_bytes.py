"""Blind indexes become 16 raw bytes (core.pii.blind_index): the first 128 bits of the same
HMAC-SHA256, so the stored values are converted in place, nothing decrypted."""

from django.db import migrations

import gonghui.core.pii
from gonghui.core.migration_ops import blind_indexes_to_bytes


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0002_default_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="station",
            name="manager_phone_hash",
            field=gonghui.core.pii.BlindIndexField(
                blank=True, db_index=True, default=b"", max_length=16
            ),
        ),
        blind_indexes_to_bytes("stations_station", "manager_phone_hash"),
    ]
