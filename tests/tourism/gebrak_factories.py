"""Builders for the Gebrak tests (campaigns, pictures), on top of the tourism and marketplace factories."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale

from tourism.campaigns import campaign_index_ensure, raw_stream
from tourism.models import CampaignPage, HomePage


def picture(size=(1600, 1000), color=(40, 120, 160), name="gambar.jpg"):
    """A stored Wagtail image with a real JPEG inside."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG", quality=80)
    return get_image_model().objects.create(title=name, file=ContentFile(buffer.getvalue(), name=name))


def campaign(*, slug="gebrak-uji", title="Gebrak Uji", start=None, end=None, hashtag="#GebrakUji",
             body=None, english_title=None, **fields):
    home = HomePage.objects.get(locale=Locale.get_default())
    index_page = campaign_index_ensure(home=home)
    today = timezone.localdate()
    page = CampaignPage(slug=slug, title=title, summary=fields.pop("summary", "Ringkasan kampanye."),
                        hashtag=hashtag, start=start or today - timedelta(days=1),
                        end=end or today + timedelta(days=30), body=raw_stream(body or []), **fields)
    index_page.add_child(instance=page)
    page.save_revision().publish()
    if english_title:
        translation = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
        translation.title = english_title
        translation.summary = "Campaign summary."
        translation.save_revision().publish()
    return page
