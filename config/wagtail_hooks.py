"""Wagtail admin pieces that belong to no single app (discovered as config's wagtail_hooks)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def editor_js():
    # Stops Wagtail's autosave once the editor submits the form (site/static/js/admin-editor.js).
    return format_html('<script src="{}"></script>', static("js/admin-editor.js"))


@hooks.register("before_serve_page")
def note_listed_below(page, request, serve_args, serve_kwargs):
    # The page cache's tags (config/dependencies.py): a page may list anything below it.
    from config import dependencies
    from config.page_cache import page_listed_below

    dependencies.shown(page_listed_below(page), *original_listed_below(page))


def original_listed_below(page) -> tuple[str, ...]:
    """A translation's listings show the default language's page wherever a page has no translation
    yet (tourism.selectors.localize_pages): an English index lists what is below its Indonesian
    original too, and a page published there makes it stale."""
    from config.page_cache import path_listed_below
    from config.translations import default_original

    original = default_original(page)
    return (path_listed_below(original.path),) if original else ()
