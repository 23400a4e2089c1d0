"""Emails about orders: to the buyer in the language they bought in, to artisans in Indonesian.

Services call these after their transaction commits (transaction.on_commit, robust), so
nobody is told about something that was rolled back. Each email is written here, in the
buyer's or artisan's language, and handed to the task queue (config.tasks.email_send), which
sends it and tries again later if the mail server refuses: no request waits for SMTP. The
backend is the console by default and SMTP when EMAIL_HOST is set (config/settings/base.py).
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from config.tasks import email_send
from marketplace.orders.models import Order, Refund, SubOrder


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def order_status_url(order: Order) -> str:
    with translation.override(order.language):
        return site_url(reverse("orders:status", kwargs={"token": order.token}))


def _send(*, subject: str, template: str, context: dict, recipient: str) -> None:
    """Write the email now and enqueue its sending (reviews' emails come through here too)."""
    if not recipient or "@" not in recipient:
        return
    email_send.enqueue(subject=str(subject), body=render_to_string(template, context), recipient=recipient)


def order_paid_emails(*, order_pk: int) -> None:
    """The buyer's confirmation, and each artisan's news of a sub-order to ship."""
    order = Order.objects.prefetch_related("sub_orders__lines", "sub_orders__shop__owner").get(pk=order_pk)
    sub_orders = list(order.sub_orders.all())
    with translation.override(order.language):
        _send(subject=_("Pesanan %(number)s diterima — Kampung Sasirangan") % {"number": order.number},
              template="orders/email/order_confirmation.txt",
              context={"order": order, "sub_orders": sub_orders, "status_url": order_status_url(order)},
              recipient=order.email)
    with translation.override("id"):
        for sub_order in sub_orders:
            if sub_order.status != "paid":
                continue
            _send(subject=_("Pesanan baru %(number)s untuk %(shop)s") % {"number": order.number,
                                                                         "shop": sub_order.shop.name},
                  template="orders/email/artisan_new_order.txt",
                  context={"order": order, "sub_order": sub_order,
                           "dashboard_url": site_url(reverse("dashboard:order_detail", args=[sub_order.pk]))},
                  recipient=sub_order.shop.owner.email)


def sub_order_shipped_email(*, sub_order: SubOrder, corrected: bool = False) -> None:
    """The parcel is on its way: the courier, the receipt number and its tracking link. `corrected`:
    the artisan corrected a mistyped number, and the buyer is told to use this one."""
    order = sub_order.order
    with translation.override(order.language):
        subject = (_("Nomor resi pesanan %(number)s diperbaiki oleh %(shop)s") if corrected
                   else _("Pesanan %(number)s dikirim oleh %(shop)s"))
        _send(subject=subject % {"number": order.number, "shop": sub_order.shop.name},
              template="orders/email/shipped.txt",
              context={"order": order, "sub_order": sub_order, "lines": list(sub_order.lines.all()),
                       "status_url": order_status_url(order), "corrected": corrected},
              recipient=order.email)


def sub_order_ready_email(*, sub_order: SubOrder) -> None:
    """Pickup: the buyer's things are ready; the code, the workshop's address and hours."""
    order = sub_order.order
    with translation.override(order.language):
        _send(subject=_("Pesanan %(number)s siap diambil di %(shop)s") % {"number": order.number,
                                                                          "shop": sub_order.shop.name},
              template="orders/email/ready_for_pickup.txt",
              context={"order": order, "sub_order": sub_order, "shop": sub_order.shop,
                       "lines": list(sub_order.lines.all()), "status_url": order_status_url(order)},
              recipient=order.email)


def sub_order_canceled_email(*, sub_order: SubOrder) -> None:
    order = sub_order.order
    with translation.override(order.language):
        _send(subject=_("Sebagian pesanan %(number)s dibatalkan") % {"number": order.number},
              template="orders/email/sub_order_canceled.txt",
              context={"order": order, "sub_order": sub_order, "lines": list(sub_order.lines.all()),
                       "status_url": order_status_url(order)},
              recipient=order.email)


def refund_email(*, refund: Refund) -> None:
    order = refund.order
    with translation.override(order.language):
        _send(subject=_("Dana Rp %(amount)s untuk pesanan %(number)s dikembalikan")
              % {"amount": f"{refund.amount_idr:,}".replace(",", "."), "number": order.number},
              template="orders/email/refund.txt",
              context={"order": order, "refund": refund, "status_url": order_status_url(order)},
              recipient=order.email)
