"""What a batch created moves from one link row per membership to id runs on the batch: 100k
link rows (with two indexes and two foreign keys each) were the import's only use of them."""

from django.db import migrations, models


# A copy of models.id_runs, on purpose: a migration must keep doing what it did when it was
# written, whatever later becomes of the app's code.
def _runs(ids):
    runs = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def links_to_runs(apps, schema_editor):
    ImportBatch = apps.get_model("memberimport", "ImportBatch")
    ImportedMembership = apps.get_model("memberimport", "ImportedMembership")
    for batch in ImportBatch.objects.filter(items__isnull=False).distinct().iterator():
        links = ImportedMembership.objects.filter(batch=batch)
        batch.membership_ids = _runs(links.values_list("membership_id", flat=True))
        batch.person_ids = _runs(
            links.filter(person_created=True).values_list("membership__person_id", flat=True)
        )
        batch.save(update_fields=["membership_ids", "person_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("memberimport", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="membership_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="person_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        # Backwards the link table comes back empty: undo reads the runs only.
        migrations.RunPython(links_to_runs, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="ImportedMembership",
        ),
    ]
