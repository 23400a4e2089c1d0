"""Editors and moderators may moderate visitors' photos and read the sharing dashboard."""

from django.db import migrations

from config.migration_grants import grant_to_groups

GRANTS = {"Editors": ["moderate_visitorphoto", "view_sharetally"],
          "Moderators": ["moderate_visitorphoto", "view_sharetally"]}


def grant(apps, schema_editor):
    grant_to_groups(apps, app_label="tourism", grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0004_campaigns_visitor_photos_share_tallies"),
        ("wagtailcore", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
