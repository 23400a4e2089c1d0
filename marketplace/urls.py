"""Public marketplace pages (Kampung Sasirangan), under the language prefix."""

from django.urls import path

from marketplace import views

app_name = "marketplace"
urlpatterns = [
    path("", views.product_listing, name="index"),
    path("produk/<slug:slug>/", views.product_detail, name="product"),
    path("perajin/", views.shop_listing, name="shops"),
    path("perajin/<slug:slug>/", views.shop_detail, name="shop"),
    path("motif/", views.motif_listing, name="motifs"),
    path("motif/<slug:slug>/", views.motif_detail, name="motif"),
]
