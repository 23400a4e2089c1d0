"""Orders of Kampung Sasirangan: one payment, one order, one sub-order per shop.

Money is whole rupiah (ints) everywhere; only marketplace.payments.stripe_client
converts to Stripe's minor units. What a shop is owed is a ledger of payout
lines per sub-order (sale, platform fee, refunds, fee returned), settled later
by bank transfer (a settlement report for the regency's finance office) or a
Stripe Connect transfer.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.models import Product, ProductSize, Shop, in_reading_language
from marketplace.orders.couriers import tracking_link
from marketplace.shipping.regions import country_name


def order_token() -> str:
    """The secret in an order's status link: 32 URL-safe characters, 192 bits of randomness."""
    return secrets.token_urlsafe(24)


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Menunggu pembayaran")
    PAID = "paid", _("Dibayar")
    CANCELED = "canceled", _("Dibatalkan")


class Order(models.Model):
    """What one buyer paid (or is about to pay) in one card payment."""

    # A record of a sale, not content: Wagtail's reference index ("usage" of a shop or product in
    # the admin) would otherwise queue a task at every save of it, four for each order (the admin's
    # viewset registers the model), on the worker beside the buyers during a campaign.
    wagtail_reference_index_ignore = True

    token = models.CharField(max_length=64, unique=True, default=order_token, editable=False)
    # A one-time key from the checkout form: a double submit finds the order it already made.
    checkout_key = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("akun pembeli"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="orders")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.AWAITING_PAYMENT, db_index=True)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    # Contact
    name = models.CharField(_("nama"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("nomor WhatsApp"), max_length=20)
    # Shipping address: in Indonesia a BPS province; abroad (`country` not ID) the state or region as
    # the buyer wrote it, or none, and a free postal code.
    country = models.CharField(_("negara"), max_length=2, default="ID")
    province = models.CharField(_("provinsi"), max_length=60, blank=True)
    regency = models.CharField(_("kabupaten/kota"), max_length=100)
    district = models.CharField(_("kecamatan"), max_length=100)
    postal_code = models.CharField(_("kode pos"), max_length=12)
    street = models.TextField(_("alamat jalan"), max_length=500)
    total_idr = models.PositiveBigIntegerField(_("total (Rp)"))
    # Payment at Stripe. The id is kept so that a retry or a double click reuses it.
    stripe_payment_intent_id = models.CharField(_("PaymentIntent Stripe"), max_length=255, null=True,
                                                blank=True, unique=True)
    stripe_client_secret = models.CharField(max_length=255, blank=True, editable=False)
    # How many PaymentIntents were made for this order (more than one only after the emulator's
    # declines, which it cannot retry on the same PaymentIntent).
    payment_intent_count = models.PositiveSmallIntegerField(default=0, editable=False)
    payment_prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_payment_error = models.CharField(_("kesalahan pembayaran terakhir"), max_length=100, blank=True)
    reserved_until = models.DateTimeField(_("stok dipesan sampai"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("dibayar"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pesanan")
        verbose_name_plural = _("pesanan")
        permissions = [("refund_order", _("Dapat mengembalikan dana pesanan")),
                       ("settle_payouts", _("Dapat membuat penyelesaian pembayaran ke perajin"))]
        constraints = [models.CheckConstraint(condition=Q(total_idr__gt=0), name="orders_order_total_gt_0")]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:status", kwargs={"token": self.token})

    @property
    def number(self) -> str:
        """What people read and say: GB-000123."""
        return f"GB-{self.pk:06d}" if self.pk else "GB-?"

    @property
    def is_paid(self) -> bool:
        return self.status == OrderStatus.PAID

    @property
    def address_lines(self) -> list[str]:
        """The address as an envelope reads it; lines left empty are left out (a buyer who collects
        everything gives the province only)."""
        if self.country != "ID":
            # As most countries write it: city, state and postal code on one line ("Sydney NSW 2000").
            city_line = " ".join(part for part in (self.regency, self.province, self.postal_code) if part)
            lines = [self.street, city_line, country_name(self.country)]
        else:
            lines = [self.street, ", ".join(part for part in (self.district, self.regency) if part),
                     " ".join(part for part in (self.province, self.postal_code) if part)]
        return [line for line in lines if line]

    # The cost lines (goods, shipping, total) read the sub-orders: prefetch them (selectors do).
    @property
    def goods_idr(self) -> int:
        return sum(sub_order.amount_idr for sub_order in self.sub_orders.all())

    @property
    def shipping_idr(self) -> int:
        return sum(sub_order.shipping_idr for sub_order in self.sub_orders.all())

    @property
    def has_courier_delivery(self) -> bool:
        return any(sub_order.delivery_kind == DeliveryKind.COURIER for sub_order in self.sub_orders.all())


class SubOrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Menunggu pembayaran")
    PAID = "paid", _("Perlu dikirim")
    # Pickup at the workshop (issue 11): the artisan has it ready, then the buyer collects it with the code.
    READY_FOR_PICKUP = "ready_for_pickup", _("Siap diambil")
    COLLECTED = "collected", _("Sudah diambil")
    # "Dikirim" alone is also a visitor's photo "sent in"; a parcel is "Shipped", as its text says.
    SHIPPED = "shipped", pgettext_lazy("status pesanan", "Dikirim")
    # The buyer has the parcel: they said so on the order's page, or the artisan did from the courier's tracking.
    DELIVERED = "delivered", pgettext_lazy("status pesanan", "Diterima")
    CANCELED = "canceled", _("Dibatalkan")


# The buyer has what they bought: delivered, or collected at the workshop. Whatever waits for that
# (reviews, payouts) asks `SubOrder.is_received` or filters on these, never on a status by name.
RECEIVED_STATUSES = (SubOrderStatus.DELIVERED, SubOrderStatus.COLLECTED)
# Off the artisan's shelf: on its way, or received. A pickup that is ready is still on the shelf.
SENT_STATUSES = (SubOrderStatus.SHIPPED, *RECEIVED_STATUSES)
# Paid and still the artisan's to hand over, with a cancel possible: what the dashboard counts as waiting.
OPEN_STATUSES = (SubOrderStatus.PAID, SubOrderStatus.READY_FOR_PICKUP)
# A pickup whose code is in use (paid or ready): its code is unique among these.
OPEN_PICKUP_STATUSES = OPEN_STATUSES


class DeliveryKind(models.TextChoices):
    COURIER = "courier", _("Kurir")
    PICKUP = "pickup", _("Ambil sendiri di workshop")


class SubOrder(models.Model):
    """The part of an order that one shop fulfils; each shop sees only its own."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="sub_orders")
    shop = models.ForeignKey(Shop, verbose_name=_("toko"), on_delete=models.PROTECT, related_name="sub_orders")
    status = models.CharField(_("status"), max_length=20, choices=SubOrderStatus.choices,
                              default=SubOrderStatus.AWAITING_PAYMENT, db_index=True)
    amount_idr = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    # The platform fee in basis points (1/100 of a percent) when the order was made, so a later
    # change of PLATFORM_FEE_PERCENT never changes what an old sale owes.
    fee_basis_points = models.PositiveIntegerField(_("biaya platform (basis poin)"))
    # How it reaches the buyer, as chosen at checkout (the option's id and label from the shipping
    # options, e.g. "jne-reg" / "JNE REG"). Shipping is whole rupiah and goes to the artisan; checkout
    # sets it, orders made before issue 11 are courier deliveries with no shipping charged.
    delivery_kind = models.CharField(_("cara pengiriman"), max_length=10, choices=DeliveryKind.choices,
                                     default=DeliveryKind.COURIER)
    delivery_option_id = models.CharField(_("pilihan pengiriman"), max_length=60, blank=True)
    delivery_label = models.CharField(_("layanan pengiriman"), max_length=80, blank=True)
    shipping_idr = models.PositiveBigIntegerField(_("ongkos kirim (Rp)"), default=0)
    delivery_days_min = models.PositiveSmallIntegerField(_("perkiraan hari (paling cepat)"), null=True, blank=True)
    delivery_days_max = models.PositiveSmallIntegerField(_("perkiraan hari (paling lama)"), null=True, blank=True)
    # Pickup: the code the buyer shows (pickup.py), given when the order is paid.
    pickup_code = models.CharField(_("kode pengambilan"), max_length=8, blank=True)
    ready_at = models.DateTimeField(_("siap diambil"), null=True, blank=True)
    collected_at = models.DateTimeField(_("diambil pembeli"), null=True, blank=True)
    # Courier: which one (a name from couriers.COURIERS) and its receipt number.
    courier = models.CharField(_("kurir"), max_length=60, blank=True)
    tracking_number = models.CharField(_("nomor resi"), max_length=60, blank=True)
    shipped_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("diterima pembeli"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-order__created_at", "pk"]
        verbose_name = _("sub-pesanan")
        verbose_name_plural = _("sub-pesanan")
        constraints = [
            models.UniqueConstraint(fields=["order", "shop"], name="orders_suborder_one_per_shop"),
            models.UniqueConstraint(fields=["pickup_code"], name="orders_suborder_pickup_code_open",
                                    condition=Q(delivery_kind="pickup", status__in=["paid", "ready_for_pickup"])
                                    & ~Q(pickup_code="")),
            models.CheckConstraint(condition=Q(delivery_days_min__isnull=True) | Q(delivery_days_max__isnull=True)
                                   | Q(delivery_days_min__lte=F("delivery_days_max")),
                                   name="orders_suborder_delivery_days_ordered"),
        ]

    def __str__(self):
        return f"{self.order.number}/{self.shop_id}"

    @property
    def number(self) -> str:
        return f"{self.order.number}-{self.pk}"

    @property
    def is_received(self) -> bool:
        """The buyer has the goods (see RECEIVED_STATUSES)."""
        return self.status in RECEIVED_STATUSES

    @property
    def is_pickup(self) -> bool:
        return self.delivery_kind == DeliveryKind.PICKUP

    @property
    def status_for_buyer(self) -> str:
        """The status as the buyer reads it on their order's page: paid is "being prepared" (the
        artisan's "Perlu dikirim", to ship, read to a buyer collecting it as a parcel on its way)."""
        if self.status == SubOrderStatus.PAID:
            return _("Sedang disiapkan")
        return self.get_status_display()

    @property
    def total_idr(self) -> int:
        """What the buyer paid for this shop's part: goods plus shipping."""
        return self.amount_idr + self.shipping_idr

    @property
    def delivery_choice(self) -> str:
        """What the buyer chose, in the reader's language: "JNE REG", or pickup at the workshop."""
        if self.is_pickup:
            return str(DeliveryKind.PICKUP.label)
        return self.delivery_label or str(DeliveryKind.COURIER.label)

    @property
    def tracking_url(self) -> str:
        """The courier's public tracking page for this parcel ("" for a courier not in the list)."""
        return tracking_link(courier_name=self.courier, tracking_number=self.tracking_number)


class StockState(models.TextChoices):
    RESERVED = "reserved", _("Dipesan")
    RELEASED = "released", _("Dilepas")
    CONSUMED = "consumed", _("Terjual")
    RETURNED = "returned", _("Dikembalikan ke stok")


class OrderLine(models.Model):
    """One product (and size) in a sub-order, with its title and price as they were when bought."""

    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    size = models.ForeignKey(ProductSize, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("produk"), max_length=140)
    title_en = models.CharField(_("judul (Inggris)"), max_length=140, blank=True)
    size_label = models.CharField(_("ukuran"), max_length=20, blank=True)
    unit_price_idr = models.PositiveBigIntegerField(_("harga satuan (Rp)"))
    quantity = models.PositiveIntegerField(_("jumlah"))
    # Where this line's units are: taken from stock for the buyer (reserved), given back
    # (released: payment failed or the reservation ran out), sold, or returned after a cancel.
    stock_state = models.CharField(max_length=10, choices=StockState.choices, default=StockState.RESERVED)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("baris pesanan")
        verbose_name_plural = _("baris pesanan")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_orderline_quantity_gt_0")]

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def title_for_reader(self) -> str:
        """The title the buyer reads (English on /en/ and in an English order's emails, when the
        product had one); artisans, the dashboard and the admin read `title`, the Indonesian."""
        return in_reading_language(self.title, self.title_en)

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Diproses")
    SUCCEEDED = "succeeded", _("Berhasil")
    FAILED = "failed", _("Gagal")


class RefundSource(models.TextChoices):
    EDITOR = "editor", _("Editor")
    ARTISAN_CANCEL = "artisan_cancel", _("Dibatalkan perajin")
    OUT_OF_STOCK = "out_of_stock", _("Stok habis setelah pembayaran")
    STRIPE = "stripe", _("Dibuat di Stripe")


class Refund(models.Model):
    """Money given back on an order, split over its sub-orders (RefundPart).

    A refund made from the site is recorded as pending first, then sent to Stripe
    with the idempotency key `refund-<id>`; one made in Stripe's dashboard arrives
    through `charge.refunded` and is recorded as it is.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_idr = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.PENDING, db_index=True)
    source = models.CharField(_("asal"), max_length=20, choices=RefundSource.choices)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pengembalian dana")
        verbose_name_plural = _("pengembalian dana")
        constraints = [models.CheckConstraint(condition=Q(amount_idr__gt=0), name="orders_refund_amount_gt_0")]

    def __str__(self):
        return f"{self.order.number} −{self.amount_idr}"

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.pk}"


class RefundPart(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="parts")
    sub_order = models.ForeignKey(SubOrder, on_delete=models.PROTECT, related_name="refund_parts")
    amount_idr = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["refund", "sub_order"], name="orders_refundpart_once"),
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="orders_refundpart_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.sub_order_id}: {self.amount_idr}"


class PayoutAccount(models.Model):
    """Where a shop is paid: a bank account for the finance office, or a Stripe Connect account."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="payout_account")
    bank_name = models.CharField(_("nama bank"), max_length=60, blank=True)
    account_number = models.CharField(_("nomor rekening"), max_length=30, blank=True)
    account_holder = models.CharField(_("nama pemilik rekening"), max_length=120, blank=True)
    stripe_account_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_details_submitted = models.BooleanField(default=False)
    stripe_transfers_active = models.BooleanField(default=False)
    # The `created` time of the last account.updated event applied: older events are stale.
    stripe_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rekening pembayaran")
        verbose_name_plural = _("rekening pembayaran")

    def __str__(self):
        return str(self.shop)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_name and self.account_number and self.account_holder)


class SettlementMethod(models.TextChoices):
    BANK = "bank", _("Transfer bank (laporan untuk bagian keuangan)")
    STRIPE = "stripe", _("Transfer Stripe Connect")


class SettlementStatus(models.TextChoices):
    TO_PAY = "to_pay", _("Untuk dibayar bagian keuangan")
    # A Connect settlement until the task queue has made its transfer (or Stripe refused it).
    TRANSFER_PENDING = "pending", _("Menunggu transfer Stripe")
    TRANSFERRED = "transferred", _("Ditransfer lewat Stripe")
    FAILED = "failed", _("Transfer gagal")


class Settlement(models.Model):
    """What one shop was paid for a period: the sum of its payout lines settled together."""

    wagtail_reference_index_ignore = True  # a record of a payment, not content (as Order)

    shop = models.ForeignKey(Shop, verbose_name=_("toko"), on_delete=models.PROTECT, related_name="settlements")
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    method = models.CharField(_("cara"), max_length=10, choices=SettlementMethod.choices)
    status = models.CharField(_("status"), max_length=12, choices=SettlementStatus.choices)
    amount_idr = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    bank_name = models.CharField(_("nama bank"), max_length=60, blank=True)
    account_number = models.CharField(_("nomor rekening"), max_length=30, blank=True)
    account_holder = models.CharField(_("nama pemilik rekening"), max_length=120, blank=True)
    stripe_transfer_id = models.CharField(max_length=255, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        ordering = ["-period_end", "shop__name"]
        verbose_name = _("penyelesaian pembayaran")
        verbose_name_plural = _("penyelesaian pembayaran")

    def __str__(self):
        return f"{self.shop} {self.period_start}–{self.period_end}"


class PayoutKind(models.TextChoices):
    SALE = "sale", _("Penjualan")
    SHIPPING = "shipping", _("Ongkos kirim")
    FEE = "fee", _("Biaya platform")
    REFUND = "refund", _("Pengembalian dana")
    FEE_RETURN = "fee_return", _("Biaya platform dikembalikan")


class PayoutLine(models.Model):
    """One entry of what a shop is owed for a sub-order; positive is owed to the shop.

    A sub-order's lines always add up to its sale minus the platform fee minus refunds
    (see payouts.py for the fee's rounding). Lines are never changed, only added; a line
    belongs to at most one settlement.
    """

    sub_order = models.ForeignKey(SubOrder, on_delete=models.PROTECT, related_name="payout_lines")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="payout_lines")
    kind = models.CharField(_("jenis"), max_length=10, choices=PayoutKind.choices)
    amount_idr = models.BigIntegerField(_("jumlah (Rp)"))
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="payout_lines")
    settlement = models.ForeignKey(Settlement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="payout_lines")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("baris pembayaran perajin")
        verbose_name_plural = _("baris pembayaran perajin")
        indexes = [models.Index(fields=["shop", "settlement"], name="orders_payoutline_unsettled")]

    def __str__(self):
        return f"{self.kind} {self.amount_idr}"


class SavedCart(models.Model):
    """A signed-in buyer's cart, kept across devices and sign-outs; merged into the session cart on sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cart")
    lines = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keranjang tersimpan")
        verbose_name_plural = _("keranjang tersimpan")

    def __str__(self):
        return str(self.user)
