"""Visitors' photo form, under the language prefix (/id/foto-pengunjung/<destination id>/)."""

from django.urls import path

from tourism import views

app_name = "visitor_photos"
urlpatterns = [
    path("<int:page_id>/", views.visitor_photo_submit, name="submit"),
]
