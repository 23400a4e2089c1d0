"""After a declined card the buyer tries again and pays: the confirmation page must wait for
Stripe's webhook (refreshing itself), not greet them with the earlier decline. Found by the
tourist's browser journey (tests/e2e/test_tourist.py), where the webhook of the good payment
came a second after the page."""

import pytest

from marketplace.orders import checkout
from marketplace.orders.models import Order
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
DECLINED = "Kartu Anda ditolak oleh bank penerbit."


@pytest.fixture
def order(stripe_emulator):
    kain = f.product(shop=f.shop(name="Toko Kain"), price_idr=200_000, stock=2)
    order = f.order_start((kain, 1))
    checkout.checkout_payment_prepare(order=order)
    order.refresh_from_db()
    return order


def declined(order, *, created=None):
    intent = {"id": order.stripe_payment_intent_id, "status": "requires_payment_method",
              "last_payment_error": {"code": "card_declined"}}
    return checkout.order_payment_failed(order=order, intent=intent, event_created=created)


def confirmation(client, order) -> str:
    return client.get(f"/id/kampung-sasirangan/pesanan/{order.token}/terima-kasih/").content.decode()


def test_the_decline_shows_until_the_buyer_tries_again(client, order):
    declined(order)
    page = confirmation(client, order)
    assert DECLINED in page and 'http-equiv="refresh"' not in page

    checkout.checkout_payment_prepare(order=order)  # "Bayar" again, with another card
    page = confirmation(client, order)
    assert DECLINED not in page and 'http-equiv="refresh"' in page


def test_a_late_failure_of_an_earlier_attempt_says_nothing(client, order):
    checkout.checkout_payment_prepare(order=order)
    prepared = Order.objects.get(pk=order.pk).payment_prepared_at
    declined(order, created=int(prepared.timestamp()) - 30)
    assert Order.objects.get(pk=order.pk).last_payment_error == ""
    assert DECLINED not in confirmation(client, order)
