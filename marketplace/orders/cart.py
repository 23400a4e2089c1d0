"""The cart: in the session, so guests can buy; kept for signed-in buyers too.

The session holds {"<product id>:<size id or 0>": quantity}. A signed-in buyer's
cart is also saved (SavedCart), so it follows them to another device and back
after signing out; signing in merges the guest cart with the saved one (the
larger quantity of a line wins, so the same cart saved earlier is not doubled).
Quantities are bounded by stock when added and again whenever the cart is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from config.digits import ascii_digits
from marketplace.models import Product, ProductPhoto, ProductSize, Shop
from marketplace.orders.models import SavedCart
from marketplace.payments import stripe_client

SESSION_KEY = "kampung_sasirangan_cart"
MAX_QUANTITY = 99
MAX_LINES = 50
CART_RENDITIONS = ["fill-160x160|format-webp"]


@dataclass(frozen=True)
class CartItem:
    product_id: int
    size_id: int | None
    quantity: int

    @property
    def key(self) -> str:
        return line_key(self.product_id, self.size_id)


def line_key(product_id: int, size_id: int | None) -> str:
    return f"{product_id}:{size_id or 0}"


def _parse_key(key) -> tuple[int, int | None] | None:
    if not isinstance(key, str) or key.count(":") != 1:
        return None
    product, size = key.split(":")
    if not (ascii_digits(product) and ascii_digits(size)) or len(product) > 18 or len(size) > 18:
        return None
    return int(product), (int(size) or None)


def _clean(raw) -> dict[str, int]:
    """Only well-formed lines survive whatever is in a session or a saved cart."""
    if not isinstance(raw, dict):
        return {}
    lines = {}
    for key, quantity in raw.items():
        if _parse_key(key) and isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0:
            lines[key] = min(quantity, MAX_QUANTITY)
        if len(lines) >= MAX_LINES:
            break
    return lines


def _stored(request) -> dict[str, int]:
    return _clean(request.session.get(SESSION_KEY))


def _save(request, lines: dict[str, int]) -> None:
    request.session[SESSION_KEY] = lines
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        SavedCart.objects.update_or_create(user=user, defaults={"lines": lines})


def cart_items(request) -> list[CartItem]:
    return [CartItem(*_parse_key(key), quantity) for key, quantity in _stored(request).items()]


def cart_item_count(request) -> int:
    """For the header badge on every page: no database query, and no session is started
    for a visitor who has none (so anonymous pages stay cacheable)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return 0
    return sum(_stored(request).values())


def _available(product: Product, size: ProductSize | None) -> int:
    return size.stock if size is not None else product.stock


@dataclass
class CartChange:
    quantity: int
    limited: bool


class CartError(ValueError):
    """A cart change that cannot be made; the message is for the buyer. `status` is 400 when
    the request itself is incomplete or wrong, 409 when it is fine but stock or the cart refuses."""

    def __init__(self, message: str, *, status: int = 409):
        super().__init__(message)
        self.status = status


def _sold_out_message(product: Product, size: ProductSize | None) -> str:
    if size is None:
        return _("Maaf, “%(title)s” sedang habis.") % {"title": product.title}
    names = {"title": product.title, "size": size.label}
    if product.sizes.exclude(pk=size.pk).filter(stock__gt=0).exists():
        return _("Maaf, ukuran %(size)s dari “%(title)s” sedang habis. Pilih ukuran lain.") % names
    return _("Maaf, ukuran %(size)s dari “%(title)s” sedang habis.") % names


def cart_add(request, *, product: Product, size: ProductSize | None, quantity: int,
             held: dict[str, int] | None = None) -> CartChange:
    """Add units of a public product, up to what is in stock (plus what `held` says this buyer's
    own unpaid checkout holds of it: their reservation must not count against them)."""
    if product.sizes.exists() and size is None:
        raise CartError(_("Pilih ukuran dulu."), status=400)
    if size is not None and size.product_id != product.pk:
        raise CartError(_("Ukuran itu tidak ada untuk produk ini."), status=400)
    key = line_key(product.pk, size.pk if size else None)
    available = min(_available(product, size) + (held or {}).get(key, 0), MAX_QUANTITY)
    if available <= 0:
        raise CartError(_sold_out_message(product, size))
    lines = _stored(request)
    if key not in lines and len(lines) >= MAX_LINES:
        raise CartError(_("Keranjang sudah penuh (paling banyak %(max)s macam barang).") % {"max": MAX_LINES})
    wanted = lines.get(key, 0) + quantity
    lines[key] = min(wanted, available)
    _save(request, lines)
    return CartChange(quantity=lines[key], limited=wanted > available)


def cart_update(request, *, key: str, quantity: int) -> None:
    """Set a line's quantity (0 removes it); bounded by stock when the cart is next read."""
    lines = _stored(request)
    if key not in lines:
        raise CartError(_("Barang itu sudah tidak ada di keranjang."))
    if quantity <= 0:
        del lines[key]
    else:
        lines[key] = min(quantity, MAX_QUANTITY)
    _save(request, lines)


def cart_remove(request, *, key: str) -> None:
    lines = _stored(request)
    lines.pop(key, None)
    _save(request, lines)


def cart_clear(request) -> None:
    _save(request, {})


@dataclass
class CartLine:
    key: str
    product: Product
    size: ProductSize | None
    quantity: int
    available: int

    @property
    def total_idr(self) -> int:
        return self.product.price_idr * self.quantity


@dataclass
class ShopGroup:
    shop: Shop
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)


@dataclass
class CartContents:
    groups: list[ShopGroup]
    notices: list[str]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total_idr(self) -> int:
        return sum(group.subtotal_idr for group in self.groups)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def too_large(self) -> bool:
        """More than Stripe takes in one IDR payment."""
        try:
            stripe_client.to_minor_units(self.total_idr)
        except stripe_client.AmountTooLarge:
            return True
        return False

    def items(self) -> list[CartItem]:
        return [CartItem(line.product.pk, line.size.pk if line.size else None, line.quantity) for line in self.lines]


def cart_contents(request, *, held: dict[str, int] | None = None) -> CartContents:
    """The cart with its products, grouped by shop; lines no longer for sale are dropped and
    quantities above stock lowered, each with a notice, and the stored cart corrected.

    `held`: what this buyer's own unpaid checkout holds, per line, counted as available to them.
    """
    held = held or {}
    stored = _stored(request)
    parsed = {key: _parse_key(key) for key in stored}
    images = get_image_model().objects.prefetch_renditions(*CART_RENDITIONS)
    products = (Product.objects.public().filter(pk__in={product_id for product_id, _size in parsed.values()})
                .select_related("shop")
                .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.prefetch_related(
                    Prefetch("image", queryset=images))), "sizes")
                .in_bulk())
    notices = []
    corrected = {}
    groups: dict[int, ShopGroup] = {}
    for key, quantity in stored.items():
        product_id, size_id = parsed[key]
        product = products.get(product_id)
        sizes = {size.pk: size for size in product.sizes.all()} if product else {}
        size = sizes.get(size_id) if size_id else None
        if product is None or (size_id and size is None) or (sizes and size is None):
            notices.append(_("Satu barang tidak lagi dijual dan dikeluarkan dari keranjang."))
            continue
        available = min(_available(product, size) + held.get(key, 0), MAX_QUANTITY)
        if available <= 0:
            notices.append(_("“%(title)s” habis dan dikeluarkan dari keranjang.") % {"title": product.title})
            continue
        if quantity > available:
            notices.append(_("“%(title)s” tinggal %(count)s; jumlahnya disesuaikan.")
                           % {"title": product.title, "count": available})
            quantity = available
        corrected[key] = quantity
        group = groups.setdefault(product.shop_id, ShopGroup(shop=product.shop))
        group.lines.append(CartLine(key=key, product=product, size=size, quantity=quantity, available=available))
    if corrected != stored:
        _save(request, corrected)
    return CartContents(groups=sorted(groups.values(), key=lambda group: group.shop.name), notices=notices)


# --- Signing in ---------------------------------------------------------------------------

def cart_merge(*, guest: dict[str, int], saved: dict[str, int]) -> dict[str, int]:
    merged = dict(_clean(saved))
    for key, quantity in _clean(guest).items():
        merged[key] = max(quantity, merged.get(key, 0))
    return dict(list(merged.items())[:MAX_LINES])


def cart_merge_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    saved = SavedCart.objects.filter(user=user).values_list("lines", flat=True).first() or {}
    guest = request.session.get(SESSION_KEY) or {}
    if not saved and not guest:
        return
    merged = cart_merge(guest=guest, saved=saved)
    request.session[SESSION_KEY] = merged
    SavedCart.objects.update_or_create(user=user, defaults={"lines": merged})


def connect_signals() -> None:
    user_logged_in.connect(cart_merge_on_login, dispatch_uid="orders-cart-merge-on-login")
