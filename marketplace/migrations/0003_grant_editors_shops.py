"""Editors (the regency's content editors) may see shops and decide on them in the admin.

Deciding is the "change" permission (marketplace.wagtail_hooks.ShopDecideView); adding a shop
stays refused to everyone by ShopPermissionPolicy.
"""

from django.db import migrations

GRANTS = {"Editors": ["view_shop", "change_shop"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now.
    app_config = apps.get_app_config("marketplace")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="marketplace",
                                                         codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_colors"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
