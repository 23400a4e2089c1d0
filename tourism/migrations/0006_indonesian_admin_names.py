"""Name in Indonesian what Wagtail's own migrations named in English and shows to editors.

Wagtail prints these names as they are stored (no gettext), so "Moderators approval" read
"Ajukan ke Moderators approval" in the Indonesian admin and "Root" read "Menjelajahi: Root".
Only Wagtail's default names are renamed: a name the regency chose itself is left alone.
Two of our own inline models get Indonesian names too (the image and page usage screens
showed "Home featured destination"). The groups keep their names ("Editors", "Moderators"): code and migrations find them by
name, and only the superuser's Users and Groups screens show them.
"""

from django.db import migrations

WORKFLOW = ("Moderators approval", "Moderasi konten")
TASK = ("Moderators approval", "Persetujuan moderator")
ROOT_PAGE = ("Root", "Akar")
ROOT_COLLECTION = ("Root", "Koleksi utama")


def rename(apps, *, backwards=False):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")

    def pair(names):
        return (names[1], names[0]) if backwards else names

    old, new = pair(WORKFLOW)
    Workflow.objects.filter(name=old).update(name=new)
    old, new = pair(TASK)
    Task.objects.filter(name=old).update(name=new)
    old, new = pair(ROOT_PAGE)
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)
    old, new = pair(ROOT_COLLECTION)
    Collection.objects.filter(depth=1, name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0005_grant_moderation_and_dashboard"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(lambda apps, schema_editor: rename(apps),
                             lambda apps, schema_editor: rename(apps, backwards=True)),
        migrations.AlterModelOptions(
            name="destinationgalleryimage",
            options={"ordering": ["sort_order"], "verbose_name": "gambar galeri destinasi",
                     "verbose_name_plural": "gambar galeri destinasi"},
        ),
        migrations.AlterModelOptions(
            name="homefeatureddestination",
            options={"ordering": ["sort_order"], "verbose_name": "destinasi pilihan beranda",
                     "verbose_name_plural": "destinasi pilihan beranda"},
        ),
    ]
