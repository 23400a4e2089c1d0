"""Where a refund's money goes, said per way to pay (card, QRIS, GoPay), in the active language.

`{% refund_destination order %}` for the buyer (order page, emails); `{% refund_destination order
staff=True %}` for the editor refunding in the admin. One query (how the order was paid), made only
where the tag is rendered.
"""

from django import template

from marketplace.orders import refunds

register = template.Library()


@register.simple_tag
def refund_destination(order, staff=False) -> str:
    return refunds.refund_destination(order=order, staff=bool(staff))
