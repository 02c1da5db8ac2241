from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("topologies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="topology",
            name="forked_via_view_link",
            field=models.BooleanField(default=False, db_default=False),
        ),
        migrations.AddField(
            model_name="revision",
            name="problems",
            field=models.JSONField(blank=True, db_default=models.Value("[]"), default=list),
        ),
    ]
