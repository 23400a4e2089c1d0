"""GET /api/shipping/options (shared/contracts/http-api.md)."""

from django.urls import path

from marketplace.shipping import views

app_name = "shipping_api"
urlpatterns = [
    path("options", views.options_api, name="options"),
]
