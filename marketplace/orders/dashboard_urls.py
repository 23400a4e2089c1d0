"""Orders and earnings in the artisans' dashboard; added to marketplace/dashboard_urls.py (namespace
"dashboard"), so every one of them is in the dashboard's authorisation matrix too."""

from django.urls import path

from marketplace.orders import dashboard_views as views

urlpatterns = [
    path("pesanan/", views.order_list, name="orders"),
    path("pesanan/<int:pk>/", views.order_detail, name="order_detail"),
    path("pesanan/<int:pk>/kirim/", views.order_ship, name="order_ship"),
    path("pesanan/<int:pk>/resi/", views.order_tracking, name="order_tracking"),
    path("pesanan/<int:pk>/diterima/", views.order_delivered, name="order_delivered"),
    path("pesanan/<int:pk>/siap-diambil/", views.order_ready, name="order_ready"),
    path("pesanan/<int:pk>/diambil/", views.order_collect, name="order_collect"),
    path("pesanan/<int:pk>/slip/", views.order_packing_slip, name="order_packing_slip"),
    path("pesanan/<int:pk>/batalkan/", views.order_cancel, name="order_cancel"),
    path("pendapatan/", views.earnings, name="earnings"),
    path("pendapatan/unduh.csv", views.earnings_csv, name="earnings_csv"),
    path("pendapatan/rekening/", views.payout_bank, name="payout_bank"),
    path("pendapatan/stripe/", views.connect_start, name="connect_start"),
    path("pendapatan/stripe/ulang/", views.connect_refresh, name="connect_refresh"),
    path("pendapatan/stripe/kembali/", views.connect_return, name="connect_return"),
]
