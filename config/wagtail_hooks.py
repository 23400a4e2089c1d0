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
    original too, and a page published there makes it stale. Remembered per page until one of its
    translations is made or deleted (a move or a new locale moves the content generation)."""
    from wagtail.models import Locale, Page

    from config import dependencies
    from config.page_cache import page_translations_listed, path_listed_below
    from config.remembered import remember_read

    def read() -> tuple[str, ...]:
        dependencies.shown(page_translations_listed(page))
        default = Locale.get_default()
        if page.locale_id == default.pk:
            return ()
        path = (Page.objects.filter(translation_key=page.translation_key, locale=default)
                .values_list("path", flat=True).first())
        return (path_listed_below(path),) if path else ()

    return remember_read(("original-listed-below", str(page.translation_key), page.locale_id), read)
