"""Name the regency's groups so they read right in Indonesian and English alike.

Wagtail's own migrations create "Editors" and "Moderators", English plurals the superuser's
Users and Groups screens print as stored (no gettext). "Editor" and "Moderator" are words of
both languages (KBBI has both). Renamed only while Wagtail's name is unchanged and the new one
is free: a name the regency chose itself is left alone. Names as of this migration, never
imported from tourism.roles (which names them for code): a migration keeps its meaning.

It runs after every migration that looks the groups up by their old name (Wagtail's admin,
image and document permissions, the lock permission, and the grants of tourism 0005,
marketplace 0003, orders 0002, reviews 0002), so a database migrated from empty gets the
same permissions as one migrated before the rename. Those are migration dependencies only,
no import: tourism's code still knows nothing of the marketplace.
"""

from django.db import migrations

RENAMES = [("Editors", "Editor"), ("Moderators", "Moderator")]


def rename(apps, *, backwards=False):
    Group = apps.get_model("auth", "Group")
    for old, new in RENAMES:
        if backwards:
            old, new = new, old
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0008_pending_visitor_photos_to_private_storage"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
        ("marketplace", "0003_grant_editors_shops"),
        ("orders", "0002_grant_editors"),
        ("reviews", "0002_grant_moderation"),
    ]

    operations = [
        migrations.RunPython(lambda apps, schema_editor: rename(apps),
                             lambda apps, schema_editor: rename(apps, backwards=True)),
    ]
