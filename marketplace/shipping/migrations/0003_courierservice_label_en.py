"""Courier services get the name English pages show (label_en); the seeded service whose name is
Indonesian gets its English one."""

from django.db import migrations, models

# code, the seeded Indonesian label, its English name
SEEDED_ENGLISH = [("pos-ems", "POS EMS (luar negeri)", "POS EMS (international)")]


def name_in_english(apps, schema_editor):
    CourierService = apps.get_model("shipping", "CourierService")
    for code, label, label_en in SEEDED_ENGLISH:
        # An editor's own name for the service is theirs to translate.
        CourierService.objects.filter(code=code, label=label, label_en="").update(label_en=label_en)


class Migration(migrations.Migration):

    dependencies = [
        ('shipping', '0002_seed_rate_table'),
    ]

    operations = [
        migrations.AddField(
            model_name='courierservice',
            name='label_en',
            field=models.CharField(blank=True, help_text='Yang dibaca pembeli di halaman bahasa Inggris, mis. POS EMS (international). Kosong: nama di atas (cukup untuk nama merek seperti JNE REG).', max_length=60, verbose_name='nama dalam bahasa Inggris'),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
