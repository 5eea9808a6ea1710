from django.db import migrations


def forwards(apps, schema_editor):
    from gonghui.core.divisions import DEFAULT_FILE, load_divisions

    load_divisions(apps.get_model("core", "Division"), DEFAULT_FILE.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
