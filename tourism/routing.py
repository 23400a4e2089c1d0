"""Serving pages with fewer queries: remembered routes and view restrictions.

Wagtail routes a URL by walking the tree from the site's root, two queries per
level (the child, then its specific row), and again for the English fallback
(TranslationFallbackMixin); then it reads the page's and its ancestors' view
restrictions (two more). Pages move, publish, unpublish or get restricted rarely, so
each process remembers the page a path led to and its fallback flag, and whether any
page is restricted at all (config.page_cache.GenerationMemo): until the content
generation moves on, or the page or one above it changes (config/dependencies.py: the
pages read on the way are its tags). Each request gets a copy of its own of the
remembered page, never an instance another thread reads.

Only plain routes are remembered: a RoutablePageMixin page's sub-routes (an
event's .ics) and every 404 walk the tree as before.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, PageViewRestriction
from wagtail.url_routing import RouteResult

from config import dependencies
from config.page_cache import GenerationMemo, content_generation, current_generation

remembered = GenerationMemo()
_NOT_REMEMBERED = object()


def route_remembered(root, request, path_components, walk) -> RouteResult:
    """`walk(request, path_components)` once per path and generation, then the remembered page."""
    generation = content_generation(request)
    if generation is None:  # without the cache, route as Wagtail does
        return walk(request, path_components)
    key = ("route", root.pk, tuple(path_components))
    route = remembered.get(generation, key)
    if route is not None:
        page, fallback = route
        if fallback:
            request.translation_fallback = True
        return RouteResult(page)
    result = walk(request, path_components)
    if not result.args and not result.kwargs:
        # As the page is once rendered (its related rows and prefetches come with each copy).
        remembered.set(generation, key, (result.page, getattr(request, "translation_fallback", False)),
                       after_response=True)
    return result


def remember_untagged(generation: int, key, value) -> None:
    """Remember a site-wide fact (locales, whether any page is restricted) without the tags the
    current request has recorded so far: `GenerationMemo.set` keeps those, and every page that
    later read the fact would carry them (a product page the tags of the destination whose request
    first asked, so a publish of that destination purged it). A locale or a restriction written
    moves the content generation on (neither is a registered model), which empties the memo."""
    contextvars.Context().run(remembered.set, generation, key, value)  # a context with no request


def remember_read(key, read):
    """`read()` once per content generation, until a row it read or a thing it said it shows
    (`dependencies.shown`) changes; meanwhile each caller gets a copy of its own. The entry keeps
    only the tags `read` recorded, never those its first request had recorded before (see
    remember_untagged); the request shows them as a later one does when it finds the entry."""
    request_record = dependencies.current()
    if request_record is None:  # outside a request (a task, a command): nothing to spare
        return read()
    try:
        generation = current_generation()
    except Exception:  # noqa: BLE001 - without the cache, ask the database
        return read()
    found = remembered.get(generation, key, _NOT_REMEMBERED)
    if found is not _NOT_REMEMBERED:
        return found

    def read_and_remember():
        with dependencies.recording(started=request_record.started) as record:
            value = read()
            remembered.set(generation, key, value)
        return value, tuple(record.tags)

    value, tags = contextvars.Context().run(read_and_remember)
    dependencies.shown(*tags)
    return value


def any_view_restriction() -> bool:
    """Whether any page is private (password, login, groups) in this generation."""
    try:
        generation = current_generation()
    except Exception:  # noqa: BLE001 - without the cache, ask the database
        return True
    found = remembered.get(generation, "any-view-restriction")
    if found is None:
        found = PageViewRestriction.objects.exists()
        remember_untagged(generation, "any-view-restriction", found)
    return found


def public_pages(pages):
    """`pages.public()` (Wagtail's: one query of every restriction, each time) only while some page
    is restricted; with none, the same pages without asking."""
    return pages.public() if any_view_restriction() else pages


def default_locale() -> tuple[int, str]:
    """(id, language code) of the default locale, once per generation: Wagtail's
    `Locale.get_default()` asks the database each time (a home page asked nine times)."""
    try:
        generation = current_generation()
    except Exception:  # noqa: BLE001 - without the cache, ask the database
        generation = None
    found = remembered.get(generation, "default-locale") if generation is not None else None
    if found is None:
        locale = Locale.get_default()
        found = (locale.pk, locale.language_code)
        if generation is not None:
            remember_untagged(generation, "default-locale", found)
    return found


def locale_codes() -> dict[int, str]:
    """{locale id: language code}, once per generation (a dict of its own for each caller)."""
    try:
        generation = current_generation()
    except Exception:  # noqa: BLE001
        generation = None
    found = remembered.get(generation, "locale-codes") if generation is not None else None
    if found is None:
        found = tuple(Locale.objects.values_list("pk", "language_code"))
        if generation is not None:
            remember_untagged(generation, "locale-codes", found)
    return dict(found)


def active_locale_id() -> int | None:
    """The id of the locale of the active language, as Wagtail's `Locale.get_active()` finds it,
    without its query; None when no locale has that language."""
    try:
        code = get_supported_content_language_variant(get_language())
    except LookupError:
        return None
    return next((pk for pk, language_code in locale_codes().items() if language_code == code), None)


class RememberedLocaleMixin:
    """Page.localized_draft without the query for the active locale (Wagtail routes every request
    from the site's root page's `.localized`)."""

    @property
    def localized_draft(self):
        active = active_locale_id() if settings.WAGTAIL_I18N_ENABLED else None
        if active is None:
            return super().localized_draft
        if active == self.locale_id:
            return self
        return self.get_translation_or_none(active) or self


class RememberedRestrictionsMixin:
    """Page.get_view_restrictions without its two queries while no page is restricted."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
