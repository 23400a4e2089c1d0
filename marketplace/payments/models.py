from django.db import models
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
