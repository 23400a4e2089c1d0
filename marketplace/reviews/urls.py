"""Reviews under the language prefix (/id/kampung-sasirangan/ulasan/...), included in config/urls.py
before marketplace.urls. A review form is named by its signed link (links.py), never by a number."""

from django.urls import path, register_converter

from marketplace.reviews import views
from marketplace.reviews.links import ReviewLinkConverter

register_converter(ReviewLinkConverter, "review_link")

app_name = "reviews"
urlpatterns = [
    path("ulasan/tulis/<review_link:link>/", views.review_write, name="write"),
    path("ulasan/<int:pk>/membantu/", views.review_helpful, name="helpful"),
    path("ulasan/<int:pk>/laporkan/", views.review_report, name="report"),
]
