"""Public marketplace pages (Kampung Sasirangan), under the language prefix."""

app_name = "marketplace"
urlpatterns = []
