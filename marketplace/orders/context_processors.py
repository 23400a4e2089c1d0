"""The cart badge in the header (site/templates/includes/cart_link.html)."""

from marketplace.orders.cart import cart_item_count


def cart(request):
    return {"cart_item_count": cart_item_count(request)}
