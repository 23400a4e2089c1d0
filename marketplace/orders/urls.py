"""Buying in Kampung Sasirangan, under the language prefix (/id/kampung-sasirangan/keranjang/ ...).

Included in config/urls.py before marketplace.urls, under the same kampung-sasirangan/ prefix.
An order is named by its token (the secret of its status link), never by its number.
"""

from django.conf import settings
from django.urls import path, register_converter

from marketplace.orders import views


class OrderTokenConverter:
    regex = "[A-Za-z0-9_-]{20,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(OrderTokenConverter, "order_token")

app_name = "orders"
urlpatterns = [
    path("keranjang/", views.cart_view, name="cart"),
    path("keranjang/tambah/", views.cart_add_view, name="cart_add"),
    path("keranjang/ubah/", views.cart_update_view, name="cart_update"),
    path("keranjang/hapus/", views.cart_remove_view, name="cart_remove"),
    path("checkout/", views.checkout_view, name="checkout"),
    path("checkout/<order_token:token>/bayar/", views.pay_view, name="pay"),
    path("checkout/<order_token:token>/siapkan/", views.pay_prepare_view, name="pay_prepare"),
    path("checkout/<order_token:token>/bayar/cara/", views.pay_method_view, name="pay_method"),
    path("pesanan/<order_token:token>/terima-kasih/", views.confirmation_view, name="confirmation"),
    path("pesanan/<order_token:token>/", views.status_view, name="status"),
    path("pesanan/<order_token:token>/diterima/<int:pk>/", views.delivered_view, name="delivered"),
    path("pesanan/", views.my_orders_view, name="my_orders"),
    path("akun/masuk/", views.BuyerLoginView.as_view(), name="login"),
    path("akun/daftar/", views.signup_view, name="signup"),
    path("akun/keluar/", views.BuyerLogoutView.as_view(), name="logout"),
]
# Only where the local Stripe emulator may stand in (dev and test settings), never in production.
if settings.STRIPE_EMULATOR:
    urlpatterns.append(
        path("checkout/<order_token:token>/emulator/", views.pay_emulator_view, name="pay_emulator"))
    urlpatterns.append(
        path("checkout/<order_token:token>/emulator/pindai/", views.pay_scan_view, name="pay_scan"))
