"""The trip plan, under the language prefix: /id/rencana/ and /en/my-trip/ (config/urls.py)."""

from django.urls import path

from tourism.trips import views

app_name = "trips"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("simpan/", views.stop_save, name="save"),
    path("status/", views.status, name="status"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("pindah/", views.stop_move, name="move"),
    path("hari/tambah/", views.day_add, name="day_add"),
    path("hari/hapus/", views.day_remove, name="day_remove"),
    path("tanggal/", views.start_date, name="start_date"),
    path("lihat/<str:token>/", views.shared_plan, name="shared"),
    path("lihat/<str:token>/kalender/", views.shared_calendar, name="calendar"),
]
