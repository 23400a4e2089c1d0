"""StreamField blocks for tourism pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("gambar"))
    caption = blocks.CharBlock(label=_("keterangan"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("kredit"), required=False, max_length=120)

    class Meta:
        icon = "image"
        label = _("Gambar")
        template = "tourism/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("kutipan"))
    attribution = blocks.CharBlock(label=_("sumber"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Kutipan")
        template = "tourism/blocks/quote.html"


class PracticalInfoBlock(blocks.StructBlock):
    """Things a visitor needs before setting out: getting there, what to bring."""

    heading = blocks.CharBlock(label=_("judul"), default=_("Info praktis"), max_length=80)
    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("label", blocks.CharBlock(label=_("label"), max_length=60)),
                ("value", blocks.TextBlock(label=_("isi"))),
            ]
        ),
        label=_("butir"),
    )

    class Meta:
        icon = "info-circle"
        label = _("Info praktis")
        template = "tourism/blocks/practical_info.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraf"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        template="tourism/blocks/paragraph.html",
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    practical_info = PracticalInfoBlock()
