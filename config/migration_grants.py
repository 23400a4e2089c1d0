"""Permissions given to the regency's groups (Editors, Moderators) by data migrations.

For migrations only, so it works with the historical `apps` it is handed and must
keep doing so: the migrations that call it have run on every database since.
"""


def grant_to_groups(apps, *, app_label: str, grants: dict[str, list[str]]) -> None:
    """Give each group (that exists) the app's permissions named by codename."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in grants.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
