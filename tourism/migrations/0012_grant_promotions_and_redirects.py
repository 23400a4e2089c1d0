"""Editors and moderators manage search promotions and redirects (docs/decisions.md: editors pick
promotions from popular searches; a renamed or removed page's old address is theirs to redirect).

Wagtail's group screen offers add, change and delete for both, and its admin opens either area
with any of them; those three are granted. Names as of this migration (tourism 0009 named the
groups "Editor" and "Moderator"), never imported from tourism.roles.
"""

from django.db import migrations

from config.migration_grants import grant_to_groups

GRANTS = {
    "wagtailsearchpromotions": ["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"],
    "wagtailredirects": ["add_redirect", "change_redirect", "delete_redirect"],
}


def grant(apps, schema_editor):
    for app_label, codenames in GRANTS.items():
        grant_to_groups(apps, app_label=app_label, grants={"Editor": codenames, "Moderator": codenames})


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0011_campaign_image_help"),
        ("tourism", "0009_group_names_in_both_languages"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
