from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    """A webhook event, recorded once: the unique id is what makes replays harmless. The webhook
    stores it and answers; a task handles it (marketplace/payments/tasks.py) and sets `processed_at`."""

    event_id = models.CharField(_("ID event"), max_length=255, unique=True)
    type = models.CharField(_("jenis"), max_length=100, db_index=True)
    # The object's id (a PaymentIntent, a charge, an account), for finding an order's history.
    object_id = models.CharField(_("ID objek"), max_length=255, blank=True, db_index=True)
    created_at_stripe = models.DateTimeField(_("dibuat di Stripe"), null=True, blank=True)
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    handled = models.BooleanField(_("ditangani"), default=False,
                                  help_text=_("Salah bila tidak ada penangan untuk jenis ini."))
    payload = models.JSONField(_("isi"))
    processed_at = models.DateTimeField(_("diproses"), null=True, blank=True,
                                        help_text=_("Kosong selama event menunggu giliran di antrean tugas."))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("event Stripe")
        verbose_name_plural = _("event Stripe")

    def __str__(self):
        return f"{self.type} {self.event_id}"


class PaymentMethod(models.TextChoices):
    """The ways a buyer can pay (Stripe's PaymentMethod types)."""

    CARD = "card", _("Kartu debit/kredit")
    QRIS = "qris", "QRIS"
    GOPAY = "gopay", "GoPay"


class PaymentIntentMethod(models.Model):
    """How one PaymentIntent of an order is paid, and what the buyer needs for it: the QRIS code's data
    and expiry, or the GoPay page. Kept so that the pay page draws the QR without asking Stripe, an
    expired QR is renewed, and refunds know what the method allows. A PaymentIntent without a row here
    is a card payment (every order before QRIS and GoPay)."""

    payment_intent_id = models.CharField(_("PaymentIntent Stripe"), max_length=255, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payment_intent_methods")
    method = models.CharField(_("cara bayar"), max_length=10, choices=PaymentMethod.choices,
                              default=PaymentMethod.CARD)
    qr_data = models.TextField(_("isi kode QR"), blank=True)
    redirect_url = models.URLField(_("halaman pembayaran"), max_length=2000, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cara bayar PaymentIntent")
        verbose_name_plural = _("cara bayar PaymentIntent")

    def __str__(self):
        return f"{self.payment_intent_id} ({self.method})"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at
