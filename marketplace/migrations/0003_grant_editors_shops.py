"""Editors (the regency's content editors) may see shops and decide on them in the admin.

Deciding is the "change" permission (marketplace.wagtail_hooks.ShopDecideView); adding a shop
stays refused to everyone by ShopPermissionPolicy.
"""

from django.db import migrations

from config.migration_grants import grant_to_groups

GRANTS = {"Editors": ["view_shop", "change_shop"]}


def grant(apps, schema_editor):
    grant_to_groups(apps, app_label="marketplace", grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_colors"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
