from django.db import migrations, models


def count_pending(apps, schema_editor):
    """Existing rollups get their counts of values not yet approved from one full rebuild."""
    from bqw.indicators.rollups import rollup_rebuild

    if apps.get_model("indicators", "Rollup").objects.exists():
        rollup_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0006_datavalue_entered_by_indicator_four_eyes"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="pending",
            field=models.IntegerField(db_default=0, default=0, verbose_name="含未审核项数"),
        ),
        migrations.AddField(
            model_name="rollup",
            name="pending_agg",
            field=models.IntegerField(db_default=0, default=0, verbose_name="下级含未审核项数"),
        ),
        migrations.RunPython(count_pending, migrations.RunPython.noop),
    ]
