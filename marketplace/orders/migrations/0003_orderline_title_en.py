"""Order lines keep the product's English title too, for buyers who bought on /en/.

Lines bought before take their product's English title where the product still has the
Indonesian title they were bought under; the others read in Indonesian, as before.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def backfill(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    Product = apps.get_model("marketplace", "Product")
    same_title = Product.objects.filter(pk=OuterRef("product_id"), title_id=OuterRef("title")).exclude(title_en="")
    OrderLine.objects.filter(Exists(same_title)).update(title_en=Subquery(same_title.values("title_en")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_grant_editors"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="title_en",
            field=models.CharField(blank=True, max_length=140, verbose_name="judul (Inggris)"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
