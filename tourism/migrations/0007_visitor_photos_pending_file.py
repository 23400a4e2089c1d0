"""Visitors' photos wait for moderation as a file in the private storage, not as a public image."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0006_indonesian_admin_names"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitorphoto",
            name="pending_file",
            field=models.CharField(blank=True, editable=False, max_length=255,
                                   verbose_name="berkas menunggu moderasi"),
        ),
        migrations.AlterField(
            model_name="visitorphoto",
            name="image",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.CASCADE, related_name="+",
                                    to="wagtailimages.image", verbose_name="foto"),
        ),
    ]
