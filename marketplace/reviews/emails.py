"""Emails about reviews, to the buyer in the language they bought in.

Both go out through `review_email_send`, which hands them to the orders' sender
(marketplace.orders.emails): one place to find when emails move onto a task queue.
They are sent after the commit that caused them (a delivery, a decision).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.orders import emails as order_emails
from marketplace.orders.models import SubOrder
from marketplace.reviews.links import review_path
from marketplace.reviews.models import Review


def review_email_send(*, subject: str, template: str, context: dict, recipient: str) -> None:
    order_emails._send(subject=subject, template=template, context=context, recipient=recipient)


def review_invitation_on_delivery(sender, *, sub_order: SubOrder, **kwargs) -> None:
    """Receiver of marketplace.orders.signals.sub_order_delivered."""
    review_invitation_email(sub_order_pk=sub_order.pk)


def review_invitation_email(*, sub_order_pk: int) -> None:
    """'Your parcel arrived: how was it?', with one review link per product bought."""
    sub_order = SubOrder.objects.select_related("order", "shop").get(pk=sub_order_pk)
    order = sub_order.order
    lines = [line for line in sub_order.lines.all() if line.product_id is not None]
    if not lines:
        return
    with translation.override(order.language):
        links = [(line, order_emails.site_url(review_path(line_pk=line.pk, language=order.language)))
                 for line in lines]
        review_email_send(
            subject=_("Pesanan %(number)s sudah diterima: bagaimana kainnya?") % {"number": order.number},
            template="reviews/email/invitation.txt",
            context={"order": order, "sub_order": sub_order, "links": links,
                     "status_url": order_emails.order_status_url(order)},
            recipient=order.email)


def review_rejected_email(*, review_pk: int) -> None:
    """The editor's reason, when a review will not be shown."""
    review = Review.objects.select_related("product", "line__sub_order__order").get(pk=review_pk)
    order = review.line.sub_order.order if review.line is not None else None
    language = order.language if order is not None else review.language
    with translation.override(language):
        review_email_send(
            subject=_("Ulasan Anda untuk %(product)s tidak ditampilkan") % {"product": review.product.title},
            template="reviews/email/rejected.txt",
            context={"review": review, "name": review.author_name, "product": review.product.title},
            recipient=review.buyer_email)
