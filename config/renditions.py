"""Make image renditions when content is published, on the task queue, never inside a request.

A rendition made during a page view costs the visitor the decoding and resizing of
a photo (hundreds of milliseconds for a 1600px original) and a write. So each
image gets, at publish or save time, every size the templates in site/templates
ask of it in its role (hero, card, gallery, body picture, product photo ...).
tests/reliability/test_renditions.py proves an anonymous GET of each published
page type creates no Rendition rows; a template that starts asking for a new
size must add it here. The work runs on the task queue's worker (`image_renditions_make`,
`page_renditions_make`, enqueued after the commit that saved the image's role): neither the
artisan's upload nor the editor's publish waits for it or holds its memory. Until the worker has
run, a page asking for a missing size shows a placeholder and asks the worker for it
(config.image_tags, rendition_of, renditions_awaited); without a worker (tasks run at once) it makes
it as Wagtail does, from an original that uploads keep at most 2000 px on its long side
(config.photos.max_stored_side).

The specs are written as the template tags expand them: `{% srcset_image img
fill-{480x320,960x640} format-webp %}` asks for "fill-480x320|format-webp" and
"fill-960x640|format-webp".
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable

from config.tasks import enqueue_on_commit, retried_task

logger = logging.getLogger(__name__)
# A missing size asked of the worker at most once in this long per image and sizes (renditions_awaited).
AWAITED_ASKED_SECONDS = 60


def _expand(spec: str) -> list[str]:
    """ "fill-{480x320,960x640}|format-webp" -> the two specs it stands for."""
    if "{" not in spec:
        return [spec]
    head, rest = spec.split("{", 1)
    options, tail = rest.split("}", 1)
    return [f"{head}{option}{tail}" for option in options.split(",")]


def _specs(*specs: str) -> tuple[str, ...]:
    return tuple(expanded for spec in specs for expanded in _expand(spec))


JSONLD = "fill-1200x630|format-jpeg"  # tourism.seo.JSONLD_RENDITION (structured data)
# Tourism pages (site/templates/tourism/...)
# 720 wide for phones: a card in the home page's rails is 84 % of a 375-430 px screen, which at
# twice its density needs 630-720 pixels; 960 was nearly twice the bytes (bench/page_weight.py).
TOURISM_CARD = _specs("fill-{480x320,720x480,960x640}|format-webp")  # destination, event and campaign cards
DETAIL_HERO = _specs("fill-{640x480-c50,960x540-c50,1440x810-c50}|format-webp")  # destination and event hero
TOURISM_MAIN = _specs(
    *DETAIL_HERO,
    *TOURISM_CARD,
    "fill-{160x120,320x240}|format-webp",  # NEARBY_THUMB
    JSONLD,
)
# A destination's thumbnail where places nearby are listed: its page, the trip plan's stops and
# suggestions, the marketplace's stops.
NEARBY_THUMB = _specs("fill-{160x120,320x240}|format-webp")
NEARBY_SHOP_THUMB = ("fill-320x320|format-webp",)  # a shop near a destination (tourism/includes/nearby.html)
HOME_HERO = _specs("fill-{640x800-c50,1280x720-c50,1920x1080-c50}|format-webp")
GALLERY = _specs("fill-{480x360,960x720}|format-webp")  # a destination's gallery and visitors' photos
BODY_IMAGE = _specs("width-{480,960,1440}|format-webp")
CAMPAIGN_HERO = _specs("fill-{640x480-c50,1280x640-c50,1920x800-c50}|format-webp")
# Kampung Sasirangan (site/templates/marketplace/...)
PRODUCT_CARD = _specs("fill-{400x400,800x800}|format-webp")
PRODUCT_PHOTO = _specs(
    "fill-{600x600,900x900,1200x1200}|format-webp",  # product page main photo
    "fill-160x160|format-webp",  # product page thumbnails, dashboard
    *PRODUCT_CARD,
)
SHOP_PHOTO = _specs("fill-{320x320,640x640}|format-webp", "fill-160x160|format-webp", JSONLD)
MOTIF_IMAGE = _specs("fill-{600x600,900x900}|format-webp", "fill-{320x320,640x640}|format-webp")
# A buyer's review photo (site/templates/reviews/includes/product_reviews.html): its thumbnail, its link.
REVIEW_PHOTO = _specs("fill-160x160|format-webp", "max-1200x1200|format-webp")
# Every size the public templates ask for: made by the worker, a placeholder until then
# (config.image_tags). Other sizes (the admin's) are made as Wagtail makes them.
WORKER_SPECS = frozenset(TOURISM_MAIN + HOME_HERO + GALLERY + BODY_IMAGE + CAMPAIGN_HERO + PRODUCT_PHOTO
                         + SHOP_PHOTO + MOTIF_IMAGE + REVIEW_PHOTO)


def _renditions_prefetch(image: str, filter_specs):
    """The renditions of the joined-in image at `image` (a lookup) that a template shows, where
    Wagtail's `ImageQuerySet.prefetch_renditions` puts them (`prefetched_renditions`, where its
    image tags look first): with the image in a select_related, one query fewer per list than
    prefetching the images."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=filter_specs)
    return Prefetch(f"{image}__renditions", queryset=renditions, to_attr="prefetched_renditions")


# The columns of an image that a picture in a list reads: its file (and whether it is an SVG), its size
# (a placeholder's box), its alt text, its focal point (Wagtail's lookup of a `fill` rendition names
# it) and its hash (Wagtail's `get_rendition` reads it when a size is made in the request, without a
# worker). Any other column read would be a query per card; a list's rows skip them: who uploaded the
# image and when, its collection, its size in bytes.
PICTURE_COLUMNS = ("file", "width", "height", "title", "description", "file_hash",
                   "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height")


def picture_columns(image: str) -> tuple[str, ...]:
    """PICTURE_COLUMNS of the image at `image` (a lookup), for a queryset's `only()` that joins it."""
    return tuple(f"{image}__{column}" for column in PICTURE_COLUMNS)


def with_image_renditions(queryset, image: str, filter_specs):
    """`queryset` with the image at `image` (a lookup) joined in, and its renditions `filter_specs`
    prefetched (_renditions_prefetch); with `filter_specs` None only joined: the caller attaches them
    with others' (renditions_attach)."""
    queryset = queryset.select_related(image)
    return queryset.prefetch_related(_renditions_prefetch(image, filter_specs)) if filter_specs else queryset


def renditions_attach(wanted: Iterable[tuple[object, Iterable[str]]]) -> bool:
    """The renditions of many images, each with its own specs, in one query, put where Wagtail's
    image tags look first (`prefetched_renditions`, where `ImageQuerySet.prefetch_renditions` puts
    them): a page of several kinds of cards asks once, not once per kind. True when all of them
    were there (none still to be made)."""
    from wagtail.images import get_image_model

    specs_of: dict[int, set[str]] = defaultdict(set)
    images_of: dict[int, list] = defaultdict(list)
    for image, specs in wanted:
        specs_of[image.pk].update(specs)
        images_of[image.pk].append(image)
    if not specs_of:
        return True
    found = defaultdict(list)
    for rendition in get_image_model().get_rendition_model().objects.filter(
            image_id__in=list(specs_of), filter_spec__in=set().union(*specs_of.values())):
        if rendition.filter_spec in specs_of[rendition.image_id]:
            found[rendition.image_id].append(rendition)
    for pk, images in images_of.items():
        for image in images:
            image.prefetched_renditions = found[pk]
        for rendition in found[pk]:
            rendition.image = images[0]  # its alt text is the image's: no query for it
    return all(renditions_complete(images_of[pk][0], specs) for pk, specs in specs_of.items())


def renditions_attach_or_read_again(wanted: Iterable[tuple[object, Iterable[str]]]) -> None:
    """renditions_attach for a remembered read (config.remembered.remember_read): when a picture's
    sizes are still with the worker, the read is not remembered (dependencies.incomplete), or its
    card would keep the placeholder after the worker made them."""
    from config import dependencies

    if not renditions_attach(wanted):
        dependencies.incomplete()


def renditions_complete(image, specs: Iterable[str]) -> bool:
    """Whether the renditions `image` came with (renditions_attach, prefetch_renditions) hold all of
    `specs` for its focal point as it is now: Wagtail keeps a moved focal point's old renditions (their
    `focal_point_key` is the old one's), and its image tags pass them over as missing."""
    from wagtail.images.models import Filter

    there = {(rendition.filter_spec, rendition.focal_point_key)
             for rendition in getattr(image, "prefetched_renditions", None) or ()}
    return all((spec, Filter(spec=spec).get_cache_key(image)) in there for spec in specs)


def came_with_renditions(image) -> bool:
    """Whether the image came with its renditions (`ImageQuerySet.prefetch_renditions()`, whose
    `to_attr` is `prefetched_renditions`, or renditions_attach): then what `find_existing_renditions`
    found is all there is, and Wagtail's lookups would only look it up again and write it back to
    the renditions cache."""
    return getattr(image, "prefetched_renditions", None) is not None


def rendition_of(image, spec):
    """The rendition of `image` at `spec` (a spec or a parsed Filter), as Wagtail's `image.get_rendition(spec)` gives it, or None
    while the worker is to make it (worker_makes): then it is asked for (renditions_awaited), and the
    caller leaves the picture out (a page's JSON-LD: the page cache's tag brings it back once made).
    Made inside the request, a photo's decode and resize would cost the visitor what the image tags'
    placeholders spare them.

    For an image that came with its renditions (prefetched, or attached: renditions_attach), found
    among them and nothing more: `get_rendition` also writes what it found back to the renditions
    cache, every time (a product page's JSON-LD: one write per photo on each first render; with
    Redis, a network call each). For others, `get_rendition` itself when it exists: its write fills
    the cache its next lookup reads."""
    from wagtail.images.models import Filter

    spec_filter = spec if isinstance(spec, Filter) else Filter(spec=spec)
    found = image.find_existing_renditions(spec_filter).get(spec_filter)
    if found is not None and came_with_renditions(image):
        return found
    if found is None and worker_makes([spec_filter.spec]) and not image.is_svg():
        renditions_awaited(image, [spec_filter.spec])
        return None
    return image.get_rendition(spec_filter)


def worker_makes(specs: Iterable[str]) -> bool:
    """Whether a request finding these sizes missing leaves them to the task queue's worker: sizes
    the public templates ask for (WORKER_SPECS), with tasks deferred to a worker (a backend that
    runs them at once, as the tests' default, means there is no worker to wait for)."""
    from django_tasks import default_task_backend

    return default_task_backend.supports_defer and all(spec in WORKER_SPECS for spec in specs)


def renditions_awaited(image, specs: Iterable[str]) -> None:
    """A request found these renditions of `image` missing and showed the page without them: the
    page notes `renditions_tag(image.pk)` for the page cache (the worker moves it on once it has
    made them, so no stored page keeps what was shown meanwhile), and the worker is asked for them,
    once a minute per image and sizes however many visitors come meanwhile."""
    from django.core.cache import cache

    from config import dependencies

    specs = list(specs)
    dependencies.shown(renditions_tag(image.pk))
    wanted = hashlib.sha256("|".join(specs).encode()).hexdigest()[:16]
    if cache.add(f"renditions-wanted:{image.pk}:{wanted}", True, AWAITED_ASKED_SECONDS):
        renditions_wanted(image_id=image.pk, specs=specs)


def renditions_tag(image_id: int) -> str:
    """The page cache's tag of a page that showed a placeholder for this image's renditions
    (config.dependencies): moved on when the worker has made some."""
    return f"renditions:image:{image_id}"


def renditions_make(*, image, specs: Iterable[str]) -> int:
    """Make the renditions of `image` that do not exist yet (existing ones cost one query), one at a
    time; returns how many were made. Raises what Wagtail raises (a missing or broken file).

    Not `image.get_renditions(*specs)`: for several missing renditions Wagtail decodes the original
    in three threads at once, and each rendition holds about twice the decoded photo (the decode,
    then auto_orient's and the crop's copies). For a photo at the 40-megapixel limit (160 MB
    decoded) that was 830 MB at once; one at a time it is about 310 MB
    (tests/reliability/test_upload_limits.py measures it).
    """
    if image is None:
        return 0
    from wagtail.images.models import Filter

    wanted = [Filter(spec=spec) for spec in dict.fromkeys(specs)]
    existing = image.find_existing_renditions(*wanted)
    missing = [spec_filter for spec_filter in wanted if spec_filter not in existing]
    for spec_filter in missing:
        rendition_store(image=image, spec_filter=spec_filter)
    if missing:
        from config import dependencies

        # Pages that showed a placeholder for them are stale now (after the rendition's commit).
        dependencies.changed(renditions_tag(image.pk))
    return len(missing)


def rendition_store(*, image, spec_filter) -> None:
    """Make one rendition and write its file, then insert its row: Wagtail's `create_rendition`
    writes the file inside its `get_or_create`'s transaction, where, with SQLite's IMMEDIATE
    transactions (config/settings/base.py), it held the write lock every checkout waits for, and
    with the media in a bucket it is a network call. Made by another worker meanwhile: that one
    stays, and this file goes."""
    from django.db import IntegrityError, transaction

    cleaned = image.clean_filter_for_svg(spec_filter)
    if cleaned.spec != spec_filter.spec and image.find_existing_renditions(cleaned):
        return  # an SVG's spec, cleaned of its raster operations, names one there is
    spec_filter = cleaned
    rendition = image.get_rendition_model()(
        image=image, filter_spec=spec_filter.spec, focal_point_key=spec_filter.get_cache_key(image),
        file=image.generate_rendition_file(spec_filter))
    # What FileField.pre_save would do inside the INSERT's transaction, done before it.
    rendition.file.save(rendition.file.name, rendition.file.file, save=False)
    try:
        with transaction.atomic():
            rendition.save(force_insert=True)
    except IntegrityError:
        rendition.file.delete(save=False)
        return
    # Where Wagtail's get_rendition puts what it made, for a page's next lookup of an image that
    # did not come with its renditions.
    rendition_model = type(rendition)
    rendition_model.cache_backend.set(
        rendition_model.construct_cache_key(image, rendition.focal_point_key, rendition.filter_spec), rendition)


def renditions_prepare(*, image, specs: Iterable[str]) -> None:
    """`renditions_make`, logging instead of raising: for callers a bad file must not fail."""
    try:
        renditions_make(image=image, specs=specs)
    except Exception:  # noqa: BLE001 - a bad file must not fail its caller; a page view will try again
        logger.exception("renditions of image %s could not be made", getattr(image, "pk", None))


def _stream_images(value) -> Iterable:
    """Every image inside a StreamField value, however deeply nested."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, image_model):
            yield current
        elif hasattr(current, "raw_data") or isinstance(current, (list, tuple)):
            stack.extend(getattr(child, "value", child) for child in current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def page_image_roles(page) -> list[tuple[object, tuple[str, ...]]]:
    """(image, specs) for everything a published page shows."""
    from wagtail.fields import StreamField

    roles = []
    if getattr(page, "main_image", None) is not None:
        roles.append((page.main_image, TOURISM_MAIN))
    if getattr(page, "hero_image", None) is not None:
        roles.append((page.hero_image, HOME_HERO))
    for item in getattr(page, "gallery_images", None).all() if hasattr(page, "gallery_images") else []:
        roles.append((item.image, GALLERY))
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            specs = BODY_IMAGE + (CAMPAIGN_HERO if type(page).__name__ == "CampaignPage" else ())
            for image in _stream_images(getattr(page, field.name)):
                roles.append((image, specs))
    return roles


def page_renditions_prepare(*, page) -> None:
    for image, specs in page_image_roles(page.specific):
        renditions_prepare(image=image, specs=specs)


# --- Tasks (the worker makes them) ----------------------------------------------------------------

# What an image is to the page that shows it: the name a task carries, the sizes it needs.
ROLES = {"product_photo": PRODUCT_PHOTO, "shop_photo": SHOP_PHOTO, "motif": MOTIF_IMAGE, "gallery": GALLERY,
         "review_photo": REVIEW_PHOTO}


@retried_task(attempts=3, first_delay_seconds=60)
def image_renditions_make(*, image_id: int, role: str) -> int:
    """The renditions an image needs in its role; nothing when they exist or the image is gone.
    Returns how many were made."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    return renditions_make(image=image, specs=ROLES[role]) if image is not None else 0


@retried_task(attempts=3, first_delay_seconds=60)
def image_specs_make(*, image_id: int, specs: list[str]) -> int:
    """The renditions a page asked for and showed a placeholder instead of (config.image_tags);
    only sizes of WORKER_SPECS. Nothing when they exist or the image is gone."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    wanted = [spec for spec in specs if spec in WORKER_SPECS]
    return renditions_make(image=image, specs=wanted) if image is not None else 0


def renditions_wanted(*, image_id: int, specs: list[str]) -> None:
    """Have the worker make these renditions (after the request's commit, if any)."""
    enqueue_on_commit(image_specs_make, image_id=image_id, specs=list(specs))


@retried_task(attempts=3, first_delay_seconds=60)
def page_renditions_make(*, page_id: int) -> int:
    """The renditions of every picture a live page shows; a picture that fails does not stop the
    others, and the task is tried again for it. Returns how many were made."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id, live=True).first()
    if page is None:
        return 0
    made, failures = 0, []
    for image, specs in page_image_roles(page.specific):
        try:
            made += renditions_make(image=image, specs=specs)
        except Exception as error:  # noqa: BLE001 - raised below, once the other pictures are done
            failures.append(error)
    if failures:
        raise failures[0]
    return made


# --- Signal handlers (connected in config.apps) -----------------------------------------------

def on_page_published(sender, instance, **kwargs):
    enqueue_on_commit(page_renditions_make, page_id=instance.pk)


def _image_role_saved(image_id, role: str) -> None:
    if image_id:
        enqueue_on_commit(image_renditions_make, image_id=image_id, role=role)


def on_product_photo_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _image_role_saved(instance.image_id, "product_photo")


def on_shop_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _image_role_saved(instance.photo_id, "shop_photo")


def on_motif_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _image_role_saved(instance.image_id, "motif")


def on_visitor_photo_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _image_role_saved(instance.image_id, "gallery")


def on_review_photo_saved(sender, instance, raw=False, **kwargs):
    """A review photo becomes an image when the review is approved (marketplace.reviews.services)."""
    if not raw:
        _image_role_saved(instance.image_id, "review_photo")
