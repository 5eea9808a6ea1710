"""Blind indexes become 16 raw bytes (core.pii.blind_index): the first 128 bits of the same
HMAC-SHA256, so the stored values are converted in place, nothing decrypted."""

from django.db import migrations

import gonghui.core.pii
from gonghui.core.migration_ops import blind_indexes_to_bytes


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_lean_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="id_number_hash",
            field=gonghui.core.pii.BlindIndexField(blank=True, default=b"", max_length=16),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="phone_hash",
            field=gonghui.core.pii.BlindIndexField(max_length=16),
        ),
        blind_indexes_to_bytes("appeals_appeal", "phone_hash", "id_number_hash"),
    ]
