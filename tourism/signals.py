"""Draw a page's share images when it is published; delete them when it is unpublished (also by being
deleted: Wagtail unpublishes a page it deletes) or made private: on the task queue's worker, after the
commit (tourism.share_images), so the publish never waits for Pillow nor an unpublish for the storage.
An Indonesian page unpublished takes its English translation down, once. And a campaign published,
unpublished or deleted makes stale whatever showed which campaign runs."""

from contextvars import ContextVar
from functools import partial

from django.core.signals import request_finished
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from config.page_cache import purge_tags
from config.tasks import enqueue_on_commit


def _draw_share_images(sender, instance, **kwargs):
    from tourism.share_images import page_share_images_make

    # After the commit: the drawing reads the published page as the public will.
    enqueue_on_commit(page_share_images_make, page_id=instance.pk)


# The Indonesian pages whose admin unpublish page is unpublishing them now (between Wagtail's
# before_unpublish_page and after_unpublish_page hooks, tourism.wagtail_hooks): that page unpublishes
# the English translations itself, those the cascade hook named on its confirmation.
_admin_unpublishing: ContextVar[frozenset[int]] = ContextVar("tourism_admin_unpublishing", default=frozenset())


def admin_unpublish_begins(page_id: int) -> None:
    _admin_unpublishing.set(_admin_unpublishing.get() | {page_id})


def admin_unpublish_ends(page_id: int | None = None, **kwargs) -> None:
    """After the admin's unpublish page, and at the end of every request (an error or another hook's
    answer may have stopped the page before its after_unpublish_page hook)."""
    _admin_unpublishing.set(_admin_unpublishing.get() - {page_id} if page_id is not None else frozenset())


def _english_unpublished_with_its_original(sender, instance, **kwargs):
    """An Indonesian page unpublished by any way (the page listing's bulk action, its expiry time run by
    the worker's schedule, code) takes its live English translations down with it, once.

    The admin's own unpublish page says so first and unpublishes them itself
    (tourism.wagtail_hooks.english_unpublished_with_its_original), holding instances read before: had
    this unpublished them too, it would again, a second line in the English page's history. So this
    leaves them to it. Any other way, after the commit (at once outside a transaction): a caller that
    unpublishes several pages in one transaction (the bulk action with the English page chosen too)
    has then done the English itself, and what is still live is read afresh. Robust: a failure is
    logged and never skips the other work waiting for the commit (cache purges, share images)."""
    from tourism.routing import default_locale

    if instance.locale_id != default_locale()[0] or instance.pk in _admin_unpublishing.get():
        return
    transaction.on_commit(partial(_english_unpublish, page_id=instance.pk, translation_key=instance.translation_key),
                          robust=True)


def _english_unpublish(*, page_id: int, translation_key) -> None:
    """The live translations of the page unpublished, unless it was published again before the commit;
    by key, since a page deleted (Wagtail unpublishes it first) is gone by now."""
    from wagtail.models import Page

    if Page.objects.filter(pk=page_id, live=True).exists():
        return
    for translation in (Page.objects.filter(translation_key=translation_key, alias_of__isnull=True, live=True)
                        .exclude(pk=page_id)):
        translation.specific.unpublish()


def _private_pages_share_images_removed(sender, instance, raw=False, **kwargs):
    """A page made private (or its restriction changed): the worker deletes the stored share images of
    it and the pages below it, after the commit (a restriction rolled back deletes nothing)."""
    from tourism.share_images import page_tree_share_images_remove

    if not raw:
        enqueue_on_commit(page_tree_share_images_remove, page_id=instance.page_id)


def _moved_pages_share_images_removed(sender, instance, **kwargs):
    """A page moved under a private one is private from then on, though no restriction was saved:
    the same removal, which keeps the images of pages still public (any move but into privacy)."""
    from tourism.share_images import page_tree_share_images_remove

    enqueue_on_commit(page_tree_share_images_remove, page_id=instance.pk)


def _campaigns_changed(sender, instance, **kwargs):
    from tourism.sharing import CAMPAIGNS

    purge_tags((CAMPAIGNS,))


def _event_dates_carried(sender, instance, **kwargs):
    """An event published: after the commit, its translations take the Indonesian original's dates
    (tourism.translations.event_dates_follow_original), their share images redrawn by the worker."""
    transaction.on_commit(partial(_event_dates_follow, instance.pk), robust=True)


def _event_dates_follow(page_id: int) -> None:
    from tourism.share_images import page_share_images_make
    from tourism.translations import event_dates_follow_original

    for translation_id in event_dates_follow_original(page_id=page_id):
        enqueue_on_commit(page_share_images_make, page_id=translation_id)


def connect():
    from wagtail.models import PageViewRestriction

    from tourism.models import CampaignPage, EventPage

    page_published.connect(_draw_share_images, dispatch_uid="tourism-share-images-redraw")
    page_published.connect(_event_dates_carried, sender=EventPage, dispatch_uid="tourism-event-dates-follow")
    # Unpublished: the same task deletes them (it draws only for a live, public page).
    page_unpublished.connect(_draw_share_images, dispatch_uid="tourism-share-images-remove")
    page_unpublished.connect(_english_unpublished_with_its_original, dispatch_uid="tourism-english-unpublished")
    request_finished.connect(admin_unpublish_ends, dispatch_uid="tourism-admin-unpublish-ends")
    post_save.connect(_private_pages_share_images_removed, sender=PageViewRestriction,
                      dispatch_uid="tourism-share-images-private")
    post_page_move.connect(_moved_pages_share_images_removed, dispatch_uid="tourism-share-images-moved")
    for name, signal in (("published", page_published), ("unpublished", page_unpublished), ("deleted", post_delete)):
        signal.connect(_campaigns_changed, sender=CampaignPage, dispatch_uid=f"tourism-campaign-{name}")
