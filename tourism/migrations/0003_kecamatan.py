"""The twenty kecamatan (sub-districts) of Kabupaten Banjar, as editors' snippets."""

from django.db import migrations
from django.utils.text import slugify

KECAMATAN = [
    "Aluh-Aluh", "Aranio", "Astambul", "Beruntung Baru", "Cintapuri Darussalam", "Gambut",
    "Karang Intan", "Kertak Hanyar", "Martapura", "Martapura Barat", "Martapura Timur",
    "Mataraman", "Paramasan", "Pengaron", "Sambung Makmur", "Simpang Empat", "Sungai Pinang",
    "Sungai Tabuk", "Tatah Makmur", "Telaga Bauntung",
]


def seed(apps, schema_editor):
    District = apps.get_model("tourism", "District")
    for name in KECAMATAN:
        District.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("tourism", "0002_categories_locales_workflow")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
