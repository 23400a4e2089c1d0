"""What a page type's template reads besides the page, built by the modules that read it.

The page types live in tourism.models; the reads that fill their templates (tourism.selectors,
tourism.campaigns) import those models, so a page type's own get_context could not import them
back without a cycle (pyproject.toml: import-linter's `acyclic` contract). Each page type takes
its context from the builders registered for it here instead, and TourismConfig.ready() wires
them up once at start: the models know this registry, the reads know the models, nothing points
back. Filled before the first request and only read after, like the app's other registries.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from functools import partial

from django.utils.functional import SimpleLazyObject

from config import dependencies

logger = logging.getLogger(__name__)

# (page, request) -> the entries the page type's template reads besides `page`.
ContextBuilder = Callable[..., dict]

CONTEXT_BUILDERS: dict[type, list[ContextBuilder]] = {}


def page_context_register(page_type: type, *builders: ContextBuilder) -> None:
    """Add builders of `page_type`'s context, in order (an AppConfig.ready() calls this once)."""
    registered = CONTEXT_BUILDERS.setdefault(page_type, [])
    registered.extend(builder for builder in builders if builder not in registered)


def lazy_entries(read: Callable[[], dict], names: tuple[str, ...]) -> dict:
    """{name: the entry of `read()`}, read once, when the template first asks for one: a stored
    fragment of the page (config/fragment_cache.py) asks for none. operator.getitem, not
    `sections.__getitem__`: naming an attribute of a lazy object reads what it wraps.

    A read that fails is logged once, with its traceback, and its entries show empty (empty tuples):
    raised, a template's `{% if hero_image %}` or `{% for %}` would answer it with a 500, and an
    `{% if a or b %}` would swallow it unseen. The request then stores nothing of the page
    (config.dependencies.incomplete): the next visitor's request reads the entries again."""
    sections = SimpleLazyObject(_ReadOrEmpty(read, names))
    return {name: SimpleLazyObject(partial(operator.getitem, sections, name)) for name in names}


class _ReadOrEmpty:
    """`read()` for one request's entries; each entry empty (an empty tuple) when it fails."""

    def __init__(self, read: Callable[[], dict], names: tuple[str, ...]):
        self.read, self.names = read, names

    def __call__(self) -> dict:
        try:
            return self.read()
        except Exception:
            logger.exception("a page's sections could not be read; they show empty and the page is not stored")
            dependencies.incomplete()
            return dict.fromkeys(self.names, ())


class RegisteredContextMixin:
    """Page.get_context with what the builders registered for the page's own type add."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        for builder in CONTEXT_BUILDERS.get(type(self), ()):
            context.update(builder(self, request))
        return context

    def serve_preview(self, request, mode_name):
        # The draft's sections are read afresh, never remembered for visitors (config.remembered).
        dependencies.previewing()
        return super().serve_preview(request, mode_name)
