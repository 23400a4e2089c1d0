"""The artisans' shop dashboard at /toko/ (not the Wagtail admin)."""

app_name = "dashboard"
urlpatterns = []
