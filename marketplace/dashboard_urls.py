"""The artisans' shop dashboard at /toko/ (not the Wagtail admin).

Every URL here is covered by the authorisation matrix in
tests/marketplace/test_dashboard_authorization.py; a new URL must be classified there.
"""

from django.urls import path

from marketplace import dashboard_views as views
from marketplace.orders.dashboard_urls import urlpatterns as order_urlpatterns
from marketplace.reviews.dashboard_urls import urlpatterns as review_urlpatterns

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("daftar/", views.signup, name="signup"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-sandi/terkirim/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("atur-sandi/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("atur-sandi/selesai/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("ajukan/", views.apply, name="apply"),
    path("profil/", views.profile, name="profile"),
    path("produk/", views.product_list, name="products"),
    path("produk/baru/", views.product_create, name="product_create"),
    path("produk/<int:pk>/", views.product_edit, name="product_edit"),
    path("produk/<int:pk>/terbitkan/", views.product_publish, name="product_publish"),
]
# Orders and earnings (marketplace.orders), reviews (marketplace.reviews).
urlpatterns += order_urlpatterns + review_urlpatterns
