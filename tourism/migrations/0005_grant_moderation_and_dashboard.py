"""Editors and moderators may moderate visitors' photos and read the sharing dashboard."""

from django.db import migrations

GRANTS = {"Editors": ["moderate_visitorphoto", "view_sharetally"],
          "Moderators": ["moderate_visitorphoto", "view_sharetally"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("tourism")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="tourism", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0004_campaigns_visitor_photos_share_tallies"),
        ("wagtailcore", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
