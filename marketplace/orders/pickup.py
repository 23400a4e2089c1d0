"""Pickup codes: what the buyer shows at the workshop and the artisan types before handing over.

Six characters from 30 that are hard to mistake for each other when read aloud or off a phone:
capitals and digits without 0/O, 1/I/L and U (read as V in some fonts); 30**6 is about 729 million.
A code is unique among the open pickups (paid or ready, not yet collected or cancelled): a database
constraint (orders_suborder_pickup_code_open) says so, and a code is drawn again when it is taken.
"""

from __future__ import annotations

import hmac
import secrets

from config.digits import code_normalize
from marketplace.orders.models import OPEN_PICKUP_STATUSES, DeliveryKind, SubOrder, SubOrderStatus

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 6
ATTEMPTS = 10


def pickup_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def pickup_code_normalize(typed: str) -> str:
    """What the artisan typed, as stored: upper case, without spaces or dashes ("ab3-k9x" -> "AB3K9X"),
    nor what a phone pastes around a copied code (config.digits.code_normalize)."""
    return code_normalize(typed)


def pickup_code_matches(*, sub_order: SubOrder, typed: str) -> bool:
    code = sub_order.pickup_code
    return bool(code) and hmac.compare_digest(code.encode(), pickup_code_normalize(typed).encode())


def pickup_code_assign(sub_order: SubOrder) -> bool:
    """Give a paid pickup sub-order its code (in memory; the caller saves `pickup_code`).

    Called by checkout.order_mark_paid inside its transaction. Returns whether a code was given.
    """
    if (sub_order.delivery_kind != DeliveryKind.PICKUP or sub_order.status != SubOrderStatus.PAID
            or sub_order.pickup_code):
        return False
    for _attempt in range(ATTEMPTS):
        code = pickup_code_new()
        taken = (SubOrder.objects.filter(pickup_code=code, delivery_kind=DeliveryKind.PICKUP,
                                         status__in=OPEN_PICKUP_STATUSES).exists())
        if not taken:
            sub_order.pickup_code = code
            return True
    raise RuntimeError(f"no free pickup code after {ATTEMPTS} draws")
