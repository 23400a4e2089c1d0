"""The artisan's waiting orders in the dashboard's menu (every page) and on its home page.

`{% shop_order_counts shop as counts %}`: one query per page, however often the page asks (the
answer is kept on the request, which belongs to one thread).
"""

from django import template

from marketplace.orders import selectors

register = template.Library()
REQUEST_ATTRIBUTE = "orders_shop_order_counts"


@register.simple_tag(takes_context=True)
def shop_order_counts(context, shop) -> dict[str, int]:
    if shop is None or not getattr(shop, "pk", None):
        return {"to_ship": 0, "to_prepare": 0, "to_collect": 0, "waiting": 0}
    request = context.get("request")
    kept = getattr(request, REQUEST_ATTRIBUTE, None) if request is not None else None
    if kept is not None and kept[0] == shop.pk:
        return kept[1]
    counts = selectors.shop_order_counts(shop=shop)
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, (shop.pk, counts))
    return counts
