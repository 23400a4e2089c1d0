"""Visitors' photos: submitted with consent, checked like artisans' photos, shown only once approved."""

import io
import re
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from config.media import private_storage
from tests.marketplace.factories import UserFactory
from tests.marketplace.test_uploads import has_location, phone_photo
from tests.tourism import factories
from tourism import visitor_photos
from tourism.models import VisitorPhoto, VisitorPhotoStatus
from tourism.roles import MODERATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(home_page):
    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                 english_title="Lok Baintan Floating Market")


def form_url(place, language="id"):
    return f"/{language}/foto-pengunjung/{place.pk}/"


def submit(client, place, *, photo=None, name="Siti Rahmah", instagram="@siti.jalan", consent="on",
           language="id", **extra):
    data = {"name": name, "instagram": instagram, "caption": "Jukung buah saat subuh", "website": ""}
    if consent:
        data["consent"] = consent
    data["photo"] = photo if photo is not None else SimpleUploadedFile("subuh.jpg", phone_photo(), "image/jpeg")
    data.update(extra.pop("data", {}))
    return client.post(form_url(place, language), data, REMOTE_ADDR=extra.pop("ip", "198.51.100.20"), **extra)


def approve(photo):
    return visitor_photos.visitor_photo_decide(photo=photo, approve=True, decided_by=None)


def test_the_form_is_linked_from_the_destination_in_both_languages(client, place):
    for language in ("id", "en"):
        html = client.get(f"/{language}/destinasi/lok-baintan/").text
        assert f'href="/{language}/foto-pengunjung/' in html
    assert "CC BY 4.0" in client.get(form_url(place)).text
    assert "Send your photo" in client.get(form_url(place, "en"), follow=True).text


def test_the_language_switch_leads_to_the_same_place_in_the_other_language(client, place):
    """The address names one language's page, and the switch keeps its number: the Indonesian form
    read "Kirim foto Anda: Lok Baintan Floating Market"."""
    english = place.get_translation(place.locale.__class__.objects.get(language_code="en"))
    to_english = client.get(f"/en/foto-pengunjung/{place.pk}/?terkirim=1")
    assert to_english.status_code == 302 and to_english["Location"] == f"/en/foto-pengunjung/{english.pk}/?terkirim=1"
    to_indonesian = client.get(f"/id/foto-pengunjung/{english.pk}/")
    assert to_indonesian.status_code == 302 and to_indonesian["Location"] == f"/id/foto-pengunjung/{place.pk}/"
    assert "Pasar Terapung Lok Baintan" in client.get(to_indonesian["Location"]).text
    assert "Lok Baintan Floating Market" in client.get(f"/en/foto-pengunjung/{english.pk}/").text


def test_a_sent_photo_waits_for_moderation_without_its_location(client, place, settings):
    response = submit(client, place)
    assert response.status_code == 303 and response["Location"].endswith("?terkirim=1")
    assert "Terima kasih" in client.get(response["Location"]).text
    photo = VisitorPhoto.objects.get()
    assert photo.status == VisitorPhotoStatus.PENDING
    assert (photo.name, photo.instagram, photo.licence) == ("Siti Rahmah", "siti.jalan", "cc-by-4.0")
    assert photo.destination_id == place.pk and photo.consented_at
    # Not public yet: a file in the private storage, nothing in the image library or MEDIA_ROOT.
    assert photo.image is None and not get_image_model().objects.exists()
    with private_storage().open(photo.pending_file, "rb") as stored:
        assert not has_location(stored.read())
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_english_form_attaches_the_photo_to_the_indonesian_original(client, place):
    english = place.get_translation(place.locale.__class__.objects.get(language_code="en"))
    response = client.post(f"/en/foto-pengunjung/{english.pk}/", {
        "name": "Ann", "consent": "on", "photo": SimpleUploadedFile("a.jpg", phone_photo(), "image/jpeg")})
    assert response.status_code == 303
    assert VisitorPhoto.objects.get().destination_id == place.pk


class TestShownOnlyWhenApproved:
    def gallery_text(self, client, language="id"):
        return client.get(f"/{language}/destinasi/lok-baintan/").text

    def test_pending_and_rejected_photos_are_never_shown(self, client, place, django_capture_on_commit_callbacks):
        submit(client, place, name="Pengirim Menunggu")
        submit(client, place, name="Pengirim Ditolak", ip="198.51.100.21")
        files = [Path(photo.pending_file).stem for photo in VisitorPhoto.objects.all()]
        rejected = VisitorPhoto.objects.get(name="Pengirim Ditolak")
        with django_capture_on_commit_callbacks(execute=True):
            visitor_photos.visitor_photo_decide(photo=rejected, approve=False, decided_by=None)
        assert not private_storage().exists(f"visitor-photos/{files[1]}.jpg")  # a rejected photo is deleted
        for language in ("id", "en"):
            html = self.gallery_text(client, language)
            assert "Pengirim Menunggu" not in html and "Pengirim Ditolak" not in html
            assert not any(stem in html for stem in files)
        assert visitor_photos.visitor_photos_approved(destination=place) == []

    def test_approved_photos_join_the_gallery_with_credit_in_both_languages(self, client, place):
        submit(client, place)
        approve(VisitorPhoto.objects.get())
        for language in ("id", "en"):
            html = self.gallery_text(client, language)
            assert "Siti Rahmah (@siti.jalan) · CC BY 4.0" in html
            assert "Jukung buah saat subuh" in html


class TestRefusals:
    def test_missing_consent(self, client, place):
        response = submit(client, place, consent="")
        assert response.status_code == 400
        assert "Centang persetujuan agar foto dapat diterbitkan." in response.text
        assert not VisitorPhoto.objects.exists()

    def test_bad_instagram_handle(self, client, place):
        response = submit(client, place, instagram="bukan akun!")
        assert response.status_code == 400 and "Nama Instagram hanya huruf" in response.text

    def test_a_file_that_is_not_a_photo(self, client, place):
        fake = SimpleUploadedFile("foto.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")
        response = submit(client, place, photo=fake)
        assert response.status_code == 400
        assert "bukan foto JPEG, PNG, atau WebP" in response.text
        assert not VisitorPhoto.objects.exists()

    def test_a_pixel_bomb_is_refused_before_decoding(self, client, place):
        buffer = io.BytesIO()
        PILImage.new("1", (9000, 5000)).save(buffer, "PNG")  # 45 MP in a few KB
        bomb = SimpleUploadedFile("bom.png", buffer.getvalue(), "image/png")
        response = submit(client, place, photo=bomb)
        assert response.status_code == 400
        assert "terlalu besar resolusinya" in response.text
        assert not VisitorPhoto.objects.exists()

    def test_an_animated_image_is_refused(self, client, place):
        frames = [PILImage.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 255, 0))]
        buffer = io.BytesIO()
        frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:])
        response = submit(client, place, photo=SimpleUploadedFile("gerak.webp", buffer.getvalue(), "image/webp"))
        assert response.status_code == 400 and "animasi" in response.text

    def test_a_body_larger_than_any_photo_is_refused_unread(self, client, place):
        response = submit(client, place, CONTENT_LENGTH=str(50 * 1024 * 1024))
        assert response.status_code == 413
        assert "Ukuran maksimal 10 MB" in response.text
        assert not VisitorPhoto.objects.exists()

    def test_unknown_or_unpublished_destination(self, client, place):
        assert client.get("/id/foto-pengunjung/999999/").status_code == 404
        place.unpublish()
        assert submit(client, place).status_code == 404

    def test_messages_in_english(self, client, place):
        response = submit(client, place, consent="", language="en")
        assert response.status_code == 400
        assert "Tick the consent box" in response.text


def test_honeypot_catches_robots_silently(client, place):
    response = submit(client, place, data={"website": "http://spam.example"})
    assert response.status_code == 303  # told it worked
    assert not VisitorPhoto.objects.exists()


def test_rate_limit_per_address(client, place, monkeypatch):
    monkeypatch.setattr(visitor_photos, "RATE_LIMIT", 2)
    codes = [submit(client, place).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert "beberapa foto dalam satu jam terakhir" in submit(client, place).text
    assert submit(client, place, ip="198.51.100.99").status_code == 303  # someone else is not blocked
    assert VisitorPhoto.objects.count() == 3


def test_nothing_about_the_sender_beyond_the_credit_is_stored(client, place):
    submit(client, place, HTTP_USER_AGENT="UjiBrowser/1.0")
    fields = {field.name for field in VisitorPhoto._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "email", "user_agent"}
    assert "198.51.100.20" not in repr(list(VisitorPhoto.objects.values()))


class TestModerationQueue:
    @pytest.fixture
    def moderator(self, client):
        user = UserFactory(username="moderator-uji")
        user.groups.add(Group.objects.get(name=MODERATORS))
        return user

    def test_moderators_see_the_queue_and_approve(self, client, place, moderator, django_capture_on_commit_callbacks):
        submit(client, place)
        photo = VisitorPhoto.objects.get()
        waiting = photo.pending_file
        client.force_login(moderator)
        queue = client.get("/admin/gebrak/foto-pengunjung/")
        assert queue.status_code == 200 and "Siti Rahmah" in queue.text
        assert "Foto pengunjung" in client.get("/admin/").text  # the menu item
        # The queue shows the waiting photo through a view that checks the permission.
        photo_url = f"/admin/gebrak/foto-pengunjung/{photo.pk}/foto/"
        assert f'src="{photo_url}"' in queue.text
        assert waiting_photo_bytes(client, photo_url)[:3] == b"\xff\xd8\xff"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/gebrak/foto-pengunjung/{photo.pk}/putuskan/", {"decision": "approve"})
        assert response.status_code == 302
        photo.refresh_from_db()
        assert photo.status == VisitorPhotoStatus.APPROVED and photo.decided_by == moderator
        # Now a public Wagtail image (with the gallery's renditions); the private file is gone.
        assert photo.image.file.storage.exists(photo.image.file.name) and photo.pending_file == ""
        assert photo.image.renditions.count() == 2
        assert not private_storage().exists(waiting)
        assert client.get(photo_url).status_code == 404
        after = client.get("/admin/gebrak/foto-pengunjung/").text
        assert "Foto dari Siti Rahmah disetujui" in after  # the confirmation
        assert "Tidak ada foto yang menunggu moderasi." in after

    def test_others_cannot_moderate(self, client, place):
        submit(client, place)
        photo = VisitorPhoto.objects.get()
        outsider = UserFactory(username="bukan-editor")
        from django.contrib.auth.models import Permission

        outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
        assert client.get(f"/admin/gebrak/foto-pengunjung/{photo.pk}/foto/").status_code == 302  # to sign in
        client.force_login(outsider)
        assert client.get("/admin/gebrak/foto-pengunjung/").status_code in (302, 403)
        assert client.get(f"/admin/gebrak/foto-pengunjung/{photo.pk}/foto/").status_code in (302, 403)
        client.post(f"/admin/gebrak/foto-pengunjung/{photo.pk}/putuskan/", {"decision": "approve"})
        photo.refresh_from_db()
        assert photo.status == VisitorPhotoStatus.PENDING
        assert not re.search(r"gebrak/foto-pengunjung", client.get("/admin/").text)


def waiting_photo_bytes(client, url) -> bytes:
    """What a moderator's browser gets: the file, or (photos in a bucket) a short-lived signed URL to it."""
    response = client.get(url)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    if response.status_code == 302:
        assert "X-Amz-Signature=" in response["Location"] and "X-Amz-Expires=300" in response["Location"]
        with urllib.request.urlopen(response["Location"], timeout=10) as signed:
            return signed.read()
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_photos_waiting_from_before_the_private_storage_are_moved_there(place):
    """tourism 0008: a waiting photo stored as a public Wagtail image becomes a private file."""
    import importlib

    from django.apps import apps

    from tests.marketplace.factories import ImageFactory, jpeg_bytes

    migration = importlib.import_module("tourism.migrations.0008_pending_visitor_photos_to_private_storage")
    image = ImageFactory(file=SimpleUploadedFile("lama.jpg", jpeg_bytes(size=(64, 48))))
    image.get_rendition("fill-480x360|format-webp")
    public_files = [image.file.name, image.renditions.get().file.name]
    storage = image.file.storage
    with storage.open(image.file.name, "rb") as stored:
        content = stored.read()
    old = VisitorPhoto.objects.create(destination=place, image=image, name="Lama", consented_at=image.created_at)
    approved = VisitorPhoto.objects.create(destination=place, image=ImageFactory(), name="Terbit",
                                           consented_at=image.created_at, status=VisitorPhotoStatus.APPROVED)

    migration.pending_photos_to_private_storage(apps, None)

    old.refresh_from_db()
    assert old.image is None and old.pending_file.startswith("visitor-photos/")
    with private_storage().open(old.pending_file, "rb") as moved:
        assert moved.read() == content
    assert not any(storage.exists(name) for name in public_files)
    assert not get_image_model().objects.filter(pk=image.pk).exists()
    approved.refresh_from_db()
    assert approved.image_id and approved.pending_file == ""  # decided photos stay as they are
