"""Editors may see orders and settlements, refund orders and settle payouts; moderators may see orders."""

from django.db import migrations

GRANTS = {"Editors": ["view_order", "refund_order", "view_settlement", "settle_payouts"],
          "Moderators": ["view_order"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now.
    app_config = apps.get_app_config("orders")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
