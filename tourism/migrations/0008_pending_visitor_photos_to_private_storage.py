"""Photos that were waiting for moderation before 0007 were Wagtail images in the public storage,
where anyone who learnt a file's URL could read them. Their files move to the private storage and
the images go, with their renditions' files. Not atomic: with the media in buckets every step is a
network call, and none may hold the database's locks; a photo half moved keeps its image, so
running the migration again finishes it."""

import uuid

from django.db import migrations


def pending_photos_to_private_storage(apps, schema_editor):
    from django.core.files.storage import default_storage, storages

    VisitorPhoto = apps.get_model("tourism", "VisitorPhoto")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    for photo in VisitorPhoto.objects.filter(status="pending", image__isnull=False).select_related("image"):
        image = photo.image
        extension = image.file.name.rsplit(".", 1)[-1].lower()
        with default_storage.open(image.file.name, "rb") as handle:
            photo.pending_file = storages["private"].save(f"visitor-photos/{uuid.uuid4().hex}.{extension}", handle)
        photo.image = None
        photo.save(update_fields=["pending_file", "image"])
        for name in Rendition.objects.filter(image=image).values_list("file", flat=True):
            default_storage.delete(name)
        default_storage.delete(image.file.name)
        image.delete()


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tourism", "0007_visitor_photos_pending_file")]

    operations = [migrations.RunPython(pending_photos_to_private_storage, migrations.RunPython.noop)]
