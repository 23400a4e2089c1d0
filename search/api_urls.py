"""The public JSON search API (shared/contracts/http-api.md)."""

app_name = "search_api"
urlpatterns = []
