"""Give priorities and measures a UUID to be addressed by in URLs.

Their ``code`` field ("A", "(i)") replaced the UUID ``code`` they inherited, so they had
none. Rows that already exist each get their own UUID (the Django recipe for adding a
unique field to a table with data)."""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    for model_name in ("Priority", "Measure"):
        model = apps.get_model("priorities", model_name)
        for row in model.objects.filter(uid__isnull=True).only("pk"):
            row.uid = uuid.uuid4()
            row.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeasure",
            name="uid",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="historicalpriority",
            name="uid",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="measure",
            name="uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="priority",
            name="uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="measure",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="priority",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
