"""Signal receivers that send changed content to the index after commit.

Pages: publish, unpublish, move, slug change (descendants' URLs change),
delete, privacy changes. Taxonomies whose names are indexed (districts,
categories). The marketplace's shops and products: every save and delete, and
of what they show (photos, sizes, motifs, colours).

Writes that bypass signals (queryset .update(), e.g. stock reserved at checkout)
send marketplace.orders.stock.stock_changed, which this module listens to.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from search.documents import ModelDocument, PageDocument, document_types, keys_for_instance
from search.indexing import index_later, index_later_for


def page_keys(page, *, descendants: bool = False) -> list[str]:
    """Keys of the page's document (and of its descendants' documents)."""
    keys = keys_for_instance(page.specific_deferred if type(page) is Page else page)
    if descendants:
        for document_type in document_types():
            if isinstance(document_type, PageDocument):
                translation_keys = (document_type.get_model().objects.descendant_of(page, inclusive=False)
                                    .values_list("translation_key", flat=True))
                keys += [f"{document_type.type}:{key}" for key in translation_keys]
    return keys


def on_page_changed(sender, instance, **kwargs):
    index_later(page_keys(instance))


def on_page_moved(sender, instance, **kwargs):
    index_later(page_keys(instance, descendants=True))


def on_slug_changed(sender, instance, **kwargs):
    index_later(page_keys(instance, descendants=True))


def on_instance_saved_or_deleted(sender, instance, **kwargs):
    keys = keys_for_instance(instance)
    if keys:
        index_later(keys)


def on_relation_changed(sender, instance, action, **kwargs):
    """A product's colours changed (from either side of the relation)."""
    if action in ("post_add", "post_remove", "post_clear"):
        keys = keys_for_instance(instance)
        if kwargs.get("pk_set") and kwargs.get("model") is not None:
            for related in kwargs["model"].objects.filter(pk__in=kwargs["pk_set"]):
                keys += keys_for_instance(related)
        index_later(keys)


def on_view_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        index_later(page_keys(page, descendants=True))


def on_taxonomy_changed(sender, instance, **kwargs):
    """A renamed district or category changes the text of every document naming it."""
    from tourism.models import DestinationPage, EventPage
    from tourism.snippets import Category, District

    keys = []
    if isinstance(instance, District):
        for model, type_name in ((DestinationPage, "destination"), (EventPage, "event")):
            keys += [f"{type_name}:{key}" for key in
                     model.objects.filter(district=instance).values_list("translation_key", flat=True)]
        if apps.is_installed("marketplace"):
            from marketplace.models import Product, Shop

            keys += [f"artisan:{pk}" for pk in Shop.objects.filter(district=instance).values_list("pk", flat=True)]
            keys += [f"product:{pk}" for pk in
                     Product.objects.filter(shop__district=instance).values_list("pk", flat=True)]
    elif isinstance(instance, Category):
        keys += [f"destination:{key}" for key in
                 DestinationPage.objects.filter(category=instance).values_list("translation_key", flat=True)]
    index_later(keys)


def on_stock_changed(sender, product_ids, **kwargs):
    """Stock moved by queryset updates (marketplace/orders/stock.py): no post_save came. Sent only when
    what is shown of the stock changed, which includes every move into or out of sold out (in_stock)."""
    index_later_for(*(sender(pk=product_id) for product_id in product_ids))


def connect() -> None:
    from marketplace.orders.stock import stock_changed
    from search.models import SearchSynonym
    from search.synonyms import forget_synonyms
    from tourism.snippets import Category, District

    page_published.connect(on_page_changed, dispatch_uid="search.page_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="search.page_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="search.post_page_move")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="search.page_slug_changed")
    # Deleting a page deletes its specific row too: that post_delete names the type.
    post_delete.connect(on_instance_saved_or_deleted, dispatch_uid="search.post_delete")
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction,
                      dispatch_uid="search.restriction_saved")
    post_delete.connect(on_view_restriction_changed, sender=PageViewRestriction,
                        dispatch_uid="search.restriction_deleted")
    for model in (District, Category):
        post_save.connect(on_taxonomy_changed, sender=model, dispatch_uid=f"search.taxonomy.{model.__name__}")
    for document_type in document_types():
        if isinstance(document_type, ModelDocument):
            senders = [document_type.get_model()] + [apps.get_model(name) for name, _keys in document_type.related()]
            for sender in senders:
                post_save.connect(on_instance_saved_or_deleted, sender=sender,
                                  dispatch_uid=f"search.saved.{sender._meta.label}")
            for field in document_type.get_model()._meta.many_to_many:
                m2m_changed.connect(on_relation_changed, sender=field.remote_field.through,
                                    dispatch_uid=f"search.m2m.{field.remote_field.through._meta.label}")
    from wagtail.contrib.search_promotions.models import SearchPromotion

    from search.selectors import forget_promotions

    post_save.connect(forget_promotions, sender=SearchPromotion, dispatch_uid="search.promotion_saved")
    post_delete.connect(forget_promotions, sender=SearchPromotion, dispatch_uid="search.promotion_deleted")
    post_save.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="search.synonym_saved")
    stock_changed.connect(on_stock_changed, dispatch_uid="search.stock_changed")
    post_delete.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="search.synonym_deleted")
