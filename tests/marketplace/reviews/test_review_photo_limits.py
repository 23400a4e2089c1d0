"""The review form's photos have the same limits as the artisans' and the visitors' (issue 12):
config.photos.photos_validate, judged from the headers before any pixel is decoded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.reviews.models import Review, ReviewPhoto
from tests.marketplace.reviews import test_reviews as reviews
from tests.reliability import test_upload_limits as limits

# The reviews' and the upload limits' fixtures, used here as they are.
bought, delivered = reviews.bought, reviews.delivered
decoded_sizes = limits.decoded_sizes
errors_of, post_review, private_files = reviews.errors_of, reviews.post_review, reviews.private_files
zeros_jpeg, zeros_png = limits.zeros_jpeg, limits.zeros_png

pytestmark = pytest.mark.django_db


def test_a_png_too_large_to_decode_is_refused_undecoded(client, delivered, decoded_sizes):
    response = post_review(client, delivered["line"], photos=[
        SimpleUploadedFile("nol.png", zeros_png(), content_type="image/png")])
    assert response.status_code == 400
    assert "Foto “nol.png” (6300×6300 piksel) terlalu besar untuk PNG atau WebP" in errors_of(response)
    assert decoded_sizes == []
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists() and private_files() == []


def test_the_review_photos_share_the_request_budget(client, delivered, decoded_sizes, settings):
    settings.PHOTO_REQUEST_PIXEL_BUDGET = 20_000_000  # two 6300x6300 JPEGs decoded at half: 19.8 MP
    response = post_review(client, delivered["line"], photos=[
        SimpleUploadedFile(f"kain-{number}.jpg", zeros_jpeg(), content_type="image/jpeg") for number in (1, 2, 3)])
    assert response.status_code == 400
    assert "Foto “kain-3.jpg” melebihi batas satu kiriman" in errors_of(response)
    assert "kain-2.jpg" not in errors_of(response)
    assert decoded_sizes == []
    assert not Review.objects.exists() and private_files() == []
