"""Editors and moderators may moderate buyers' reviews (the admin's review queue)."""

from django.db import migrations

from config.migration_grants import grant_to_groups

GRANTS = {"Editors": ["moderate_review", "view_review"], "Moderators": ["moderate_review", "view_review"]}


def grant(apps, schema_editor):
    grant_to_groups(apps, app_label="reviews", grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("tourism", "0002_categories_locales_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
