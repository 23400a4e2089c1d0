"""The admin's search box for snippets that Wagtail's own search index does not hold.

Products, shops, motifs and districts are found by visitors through the project's engine
(search/); a second index of them in Wagtail's search backend, written on every save, served
only the admin. Their listings search with the database instead (a snippet viewset's
`search_fields` with `search_backend_name = None`, Wagtail's documented way), and so do their
choosers: Wagtail's own search box, answered by `icontains` on the fields named.
"""

from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet


class DatabaseSearchFilterForm(SearchFilterMixin, BaseFilterForm):
    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        # BaseFilterForm's filter, not SearchFilterMixin's (which asks Wagtail's search backend).
        objects = super(SearchFilterMixin, self).filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


def database_search_chooser(*search_fields: str) -> type[SnippetChooserViewSet]:
    """A snippet chooser whose search box looks in these fields of the database."""
    form = type("DatabaseSearchForm", (DatabaseSearchFilterForm,), {"search_fields": search_fields})
    choose = type("DatabaseSearchChooseView", (ChooseView,), {"filter_form_class": form})
    results = type("DatabaseSearchChooseResultsView", (ChooseResultsView,), {"filter_form_class": form})
    return type("DatabaseSearchChooserViewSet", (SnippetChooserViewSet,),
                {"choose_view_class": choose, "choose_results_view_class": results})
