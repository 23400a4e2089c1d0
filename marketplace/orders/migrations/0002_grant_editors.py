"""Editors may see orders and settlements, refund orders and settle payouts; moderators may see orders."""

from django.db import migrations

from config.migration_grants import grant_to_groups

GRANTS = {"Editors": ["view_order", "refund_order", "view_settlement", "settle_payouts"],
          "Moderators": ["view_order"]}


def grant(apps, schema_editor):
    grant_to_groups(apps, app_label="orders", grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
