"""The search page (under the language prefix)."""

app_name = "search"
urlpatterns = []
