"""Reviews in the artisans' dashboard (/toko/ulasan/); added to marketplace/dashboard_urls.py, so they
are in the dashboard's authorisation matrix (tests/marketplace/reviews/test_authorization.py)."""

from django.urls import path

from marketplace.reviews import dashboard_views as views

urlpatterns = [
    path("ulasan/", views.review_list, name="reviews"),
    path("ulasan/<int:pk>/balas/", views.review_reply, name="review_reply"),
]
