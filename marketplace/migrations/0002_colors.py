"""The Indonesian colour words products are filtered by (editors can add more)."""

from django.db import migrations

COLORS = [
    ("merah", "merah", "red", "#b3261e"),
    ("merah-muda", "merah muda", "pink", "#e07a9a"),
    ("marun", "marun", "maroon", "#6d1a26"),
    ("jingga", "jingga", "orange", "#e0701b"),
    ("kuning", "kuning", "yellow", "#e6b422"),
    ("emas", "emas", "gold", "#c9a227"),
    ("hijau", "hijau", "green", "#2e7d32"),
    ("tosca", "tosca", "turquoise", "#1a9c95"),
    ("biru", "biru", "blue", "#1f4e9c"),
    ("nila", "nila", "indigo", "#2c2f7a"),
    ("ungu", "ungu", "purple", "#6a3d8f"),
    ("coklat", "coklat", "brown", "#7b4a2a"),
    ("krem", "krem", "cream", "#efe3c8"),
    ("putih", "putih", "white", "#fafafa"),
    ("abu-abu", "abu-abu", "grey", "#8a8a8a"),
    ("hitam", "hitam", "black", "#1d1d1d"),
]


def seed(apps, schema_editor):
    Color = apps.get_model("marketplace", "Color")
    for slug, name_id, name_en, hex_value in COLORS:
        Color.objects.get_or_create(slug=slug, defaults={"name_id": name_id, "name_en": name_en, "hex": hex_value})


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
