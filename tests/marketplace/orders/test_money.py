"""Money: the platform fee in whole rupiah, refunds split over shops, and the ledger's promise
that shop shares plus the platform fee always equal what the buyer was finally charged."""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.orders import payouts, refunds
from marketplace.orders.models import PayoutKind, PayoutLine, RefundSource
from tests.marketplace.orders import factories as f


@pytest.mark.parametrize(("percent", "basis_points"), [("5", 500), ("2.5", 250), ("0", 0), (" 7.25 ", 725),
                                                       ("100", 10_000)])
def test_fee_percent_is_read_as_basis_points(percent, basis_points):
    assert payouts.fee_basis_points(percent) == basis_points


@pytest.mark.parametrize("percent", ["abc", "-1", "100.5", "2.555", ""])
def test_a_fee_percent_that_makes_no_sense_stops_the_site(percent):
    with pytest.raises(ImproperlyConfigured):
        payouts.fee_basis_points(percent)


@pytest.mark.parametrize(("amount", "basis_points", "fee"), [
    (175_000, 500, 8_750),
    (33_333, 500, 1_666),      # 1 666.65 rounds down: never against the artisan
    (19, 500, 0),
    (9_999_999_999, 500, 499_999_999),
    (10_001, 250, 250),
])
def test_platform_fee_rounds_down_to_the_rupiah(amount, basis_points, fee):
    assert payouts.platform_fee(amount, basis_points) == fee


@given(st.dictionaries(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=10**10),
                       min_size=1, max_size=6).filter(lambda remaining: sum(remaining.values()) > 0),
       st.data())
def test_refund_split_adds_up_and_never_exceeds_a_shop(remaining, data):
    amount = data.draw(st.integers(min_value=1, max_value=sum(remaining.values())))
    shares = refunds.refund_allocate(remaining=remaining, amount_idr=amount)
    assert sum(shares.values()) == amount
    assert all(0 < share <= remaining[key] for key, share in shares.items())


def test_refund_split_is_proportional():
    assert refunds.refund_allocate(remaining={1: 300_000, 2: 100_000}, amount_idr=100_000) == {1: 75_000, 2: 25_000}
    # Rp 1 left over goes to the larger remainder.
    assert refunds.refund_allocate(remaining={1: 2, 2: 1}, amount_idr=2) == {1: 1, 2: 1}


def _shop_share(sub_order) -> int:
    return PayoutLine.objects.filter(sub_order=sub_order).aggregate(total=Sum("amount_idr"))["total"]


def _refunded(sub_order) -> int:
    return -(PayoutLine.objects.filter(sub_order=sub_order, kind=PayoutKind.REFUND)
             .aggregate(total=Sum("amount_idr"))["total"] or 0)


# Each example builds a paid order and refunds it; 25 examples keep this suite quick while
# the pure tests above explore widely. Every shop's parcel goes by courier or is collected, to
# somewhere in Indonesia: shipping is the artisan's, the fee is on the goods only, and refunds count
# against the goods first (payouts.py).
@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(prices=st.lists(st.tuples(st.integers(min_value=1, max_value=5_000_000), st.integers(min_value=1, max_value=30_000)),
                       min_size=1, max_size=3),
       percent=st.sampled_from(["5", "2.5", "0", "7.77", "12"]),
       province=st.sampled_from(["Kalimantan Selatan", "DKI Jakarta", "Papua", "Aceh"]),
       kind=st.sampled_from(["courier", "pickup"]),
       refund_plan=st.lists(st.tuples(st.integers(min_value=-1, max_value=2), st.floats(min_value=0.01, max_value=1)),
                            max_size=4))
def test_shop_shares_plus_fee_equal_the_net_charge_after_any_refunds(prices, percent, province, kind, refund_plan,
                                                                     django_settings):
    django_settings.PLATFORM_FEE_PERCENT = percent
    products = [f.product(shop=f.shop(offers_pickup=True, pickup_address="Jl. Pasayangan 1"), price_idr=price,
                          weight_g=weight, stock=3) for price, weight in prices]
    address = dataclasses.replace(f.ADDRESS, province=province)
    items = [(product, 2) for product in products]
    order = f.paid_order(*items, address=address, delivery=f.delivery_for(items, address=address, kind=kind))
    sub_orders = list(order.sub_orders.order_by("pk"))
    assert order.total_idr == sum(sub_order.amount_idr + sub_order.shipping_idr for sub_order in sub_orders)
    assert all((sub_order.shipping_idr == 0) == (kind == "pickup") for sub_order in sub_orders)
    for target, fraction in refund_plan:
        sub_order = sub_orders[target] if 0 <= target < len(sub_orders) else None
        left = refunds.refundable_by_sub_order(order=order)
        available = left[sub_order.pk] if sub_order else sum(left.values())
        if available <= 0:
            continue
        refund = refunds.refund_request(order=order, sub_order=sub_order, amount_idr=max(1, int(available * fraction)),
                                        source=RefundSource.EDITOR, reason="uji")
        refunds.refund_mark_succeeded(refund=refund, stripe_refund_id=None)
    basis_points = payouts.fee_basis_points(percent)
    total_shops = total_fees = 0
    for sub_order in sub_orders:
        net = sub_order.amount_idr + sub_order.shipping_idr - _refunded(sub_order)
        fee = payouts.platform_fee(max(sub_order.amount_idr - _refunded(sub_order), 0), basis_points)
        share = _shop_share(sub_order)
        assert share + fee == net
        assert share >= 0 and fee >= 0
        if _refunded(sub_order) <= sub_order.amount_idr:
            assert share >= sub_order.shipping_idr  # the shipping is the artisan's until the goods are all refunded
        total_shops += share
        total_fees += fee
    assert total_shops + total_fees == order.total_idr - refunds.refunded_total(order=order)


@pytest.fixture
def django_settings(settings):
    return settings


def test_manage_py_check_refuses_a_bad_fee_percent(settings):
    from marketplace.orders.apps import check_platform_fee

    settings.PLATFORM_FEE_PERCENT = "lima"
    assert [error.id for error in check_platform_fee()] == ["orders.E001"]
    settings.PLATFORM_FEE_PERCENT = "5"
    assert check_platform_fee() == []
