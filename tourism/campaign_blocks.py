"""StreamField blocks of campaign pages: landing pages editors build for one campaign.

Card blocks store only the ids of what they show; `tourism.campaigns.campaign_sections`
fetches every chosen destination, event and product of a page in one query per kind,
so a campaign costs the same few queries however many cards it has.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class HeroBlock(blocks.StructBlock):
    image = ImageBlock(label=_("gambar"), required=False)
    heading = blocks.CharBlock(label=_("judul"), max_length=120)
    text = blocks.TextBlock(label=_("teks"), required=False, max_length=400)

    class Meta:
        icon = "image"
        label = _("Bagian utama")


class StoryBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("judul"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("cerita"), features=["h3", "bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "doc-full"
        label = _("Cerita")


class DestinationCardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("judul"), required=False, max_length=120)
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="tourism.DestinationPage"),
                             label=_("destinasi"), min_num=1, max_num=12)

    class Meta:
        icon = "site"
        label = _("Kartu destinasi")


class EventCardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("judul"), required=False, max_length=120)
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="tourism.EventPage"),
                             label=_("acara"), min_num=1, max_num=12)

    class Meta:
        icon = "date"
        label = _("Kartu acara")


class ProductCardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("judul"), required=False, max_length=120)
    products = blocks.ListBlock(SnippetChooserBlock("marketplace.Product"), label=_("produk"),
                                min_num=1, max_num=12)

    class Meta:
        icon = "tag"
        label = _("Kartu produk Kampung Sasirangan")


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("judul"), max_length=120)
    text = blocks.TextBlock(label=_("teks"), required=False, max_length=400)
    button_label = blocks.CharBlock(label=_("tulisan tombol"), max_length=60)
    page = blocks.PageChooserBlock(label=_("halaman tujuan"), required=False)
    url = blocks.URLBlock(label=_("atau alamat web"), required=False)

    class Meta:
        icon = "pick"
        label = _("Ajakan")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Pilih halaman tujuan atau isi alamat web."))})
        return value


class HashtagBlock(blocks.StructBlock):
    hashtag = blocks.RegexBlock(regex=r"^#?\w{2,60}$", label=_("tagar"), max_length=61,
                                error_messages={"invalid": _("Tagar hanya huruf, angka, dan garis bawah, mis. #GebrakBanjar.")})
    text = blocks.TextBlock(label=_("ajakan"), required=False, max_length=300)

    class Meta:
        icon = "tag"
        label = _("Tagar")


class CampaignBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    story = StoryBlock()
    destination_cards = DestinationCardsBlock()
    event_cards = EventCardsBlock()
    product_cards = ProductCardsBlock()
    call_to_action = CallToActionBlock()
    hashtag = HashtagBlock()
