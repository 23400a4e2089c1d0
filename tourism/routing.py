"""Serving pages with fewer queries: remembered routes and view restrictions.

Wagtail routes a URL by walking the tree from the site's root, two queries per
level (the child, then its specific row), and again for the English fallback
(TranslationFallbackMixin); then it reads the page's and its ancestors' view
restrictions (two more). Pages move, publish, unpublish or get restricted rarely, so
each process remembers the page a path led to and its fallback flag (config.page_cache.GenerationMemo),
and whether any page is restricted at all (config.remembered): until the content
generation moves on, or the page or one above it changes (config/dependencies.py: the
pages read on the way are its tags). Each request gets a copy of its own of the
remembered page, never an instance another thread reads.

Plain routes and a RoutablePageMixin page's own view (an event's page) are remembered; its
sub-routes (an event's .ics) and every 404 walk the tree as before.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, PageViewRestriction
from wagtail.url_routing import RouteResult

from config import dependencies
from config.page_cache import GenerationMemo, content_generation, page_translations_listed
from config.remembered import remember_fact, remember_read

remembered = GenerationMemo()  # routes


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
        if isinstance(page, RoutablePageMixin):
            # Its own view, as Wagtail resolves it (the sub-route "/", no query).
            return page.route(request, [])
        return RouteResult(page)
    result = walk(request, path_components)
    if _page_itself(result, root=root, path_components=path_components):
        # As the page is once rendered (its related rows and prefetches come with each copy).
        remembered.set(generation, key, (result.page, getattr(request, "translation_fallback", False)),
                       after_response=True)
    return result


def _page_itself(result: RouteResult, *, root, path_components) -> bool:
    """Whether the walk led to a page itself: a plain page's route, or a RoutablePageMixin page's
    own view (an event's page, which campaigns share), which took every component of the path on
    the way down. Its sub-routes (an event's .ics) walk every time."""
    if isinstance(result.page, RoutablePageMixin):
        return result.page.depth - root.depth == len(path_components)
    return not result.args and not result.kwargs


def any_view_restriction() -> bool:
    """Whether any page is private (password, login, groups) in this generation."""
    return remember_fact("any-view-restriction", PageViewRestriction.objects.exists)


def public_pages(pages):
    """`pages.public()` (Wagtail's: one query of every restriction, each time) only while some page
    is restricted; with none, the same pages without asking."""
    return pages.public() if any_view_restriction() else pages


def default_locale() -> tuple[int, str]:
    """(id, language code) of the default locale, once per generation: Wagtail's
    `Locale.get_default()` asks the database each time (a home page asked nine times)."""
    def read():
        locale = Locale.get_default()
        return locale.pk, locale.language_code
    return remember_fact("default-locale", read)


def locale_codes() -> dict[int, str]:
    """{locale id: language code}, once per generation (a dict of its own for each caller)."""
    return dict(remember_fact("locale-codes", lambda: tuple(Locale.objects.values_list("pk", "language_code"))))


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
    from the site's root page's `.localized`), and the translation itself remembered until it
    changes (config.remembered.remember_read: the page read is its tag): every English request
    asked for the English home again."""

    @property
    def localized_draft(self):
        active = active_locale_id() if settings.WAGTAIL_I18N_ENABLED else None
        if active is None:
            return super().localized_draft
        if active == self.locale_id:
            return self

        def read():
            # A translation made or deleted later changes the answer, though no row was read.
            dependencies.shown(page_translations_listed(self))
            return self.translation_read(active)

        translation = remember_read(("translation", self.translation_key, active), read)
        return translation or self

    def translation_read(self, locale_id: int):
        """The page in another locale as it is served (a page type may join what it shows)."""
        return self.get_translation_or_none(locale_id)


class RememberedRestrictionsMixin:
    """Page.get_view_restrictions without its two queries while no page is restricted."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
