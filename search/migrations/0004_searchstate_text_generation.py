"""The text's own generation (issue 15): remembered matches survive stock, price and popularity changes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_indexing_on_the_task_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchstate",
            name="text_generation",
            field=models.CharField(default="", max_length=32),
        ),
    ]
